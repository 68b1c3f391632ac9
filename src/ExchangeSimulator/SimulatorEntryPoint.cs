using System.Net;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// <c>dotnet run --project src/ExchangeSimulator</c>: runs the simulator standalone on fixed ports with a scenario
/// file, prints its URLs and writes its CA certificate to a PEM file for pasting into an ExSync server profile.
/// </summary>
internal static class SimulatorEntryPoint
{
    public static async Task<int> Main(string[] args)
    {
        // Command line and environment only: an appsettings.json here would be copied over the ExSync API's own
        // (the API references this assembly), so settings come from --Simulator:Xxx=… or Simulator__Xxx.
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        StandaloneSettings settings;
        SimulatorScenario scenario;
        try
        {
            settings = StandaloneSettings.Read(configuration);
            scenario = SimulatorScenario.LoadFile(settings.ScenarioFile);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or FormatException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return 2;
        }

        SimulatorCertificateAuthority certificateAuthority;
        string? replacedBecause;
        try
        {
            RemoveLegacyKey(settings);
            OwnerOnlyFiles.EnsureDirectory(Path.GetDirectoryName(Path.GetFullPath(settings.CertificateAuthorityPkcs12File))!,
                ours: settings.CertificateAuthorityPkcs12File == StandaloneSettings.DefaultPkcs12File());
            (certificateAuthority, replacedBecause) = SimulatorCertificateAuthority.LoadOrCreate(
                settings.CertificateAuthorityPkcs12File, SimulatorNames.For(scenario.Server, settings.ListenAddress));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await Console.Error.WriteLineAsync(exception.Message).ConfigureAwait(false);
            return 2;
        }

        using var disposeAuthority = certificateAuthority;
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, new ExchangeSimulatorHostOptions
        {
            ListenAddress = settings.ListenAddress,
            HttpsPort = settings.HttpsPort,
            HttpPort = settings.HttpPort,
            SmtpPort = settings.SmtpPort,
            CertificateAuthority = certificateAuthority.Certificate,
            ConfigureLogging = logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .SetMinimumLevel(settings.LogLevel)
                // ASP.NET Core's per-request lines would drown the simulator's own at Information.
                .AddFilter("Microsoft.AspNetCore", settings.LogLevel <= LogLevel.Debug ? settings.LogLevel : LogLevel.Warning),
        }).ConfigureAwait(false);

        await File.WriteAllTextAsync(settings.CertificateAuthorityPemFile, host.CertificateAuthorityPem).ConfigureAwait(false);
        PrintBanner(host, scenario, settings);
        if (replacedBecause is not null)
        {
            Console.WriteLine($"  A new certificate authority replaced the saved one ({replacedBecause}): paste the new PEM into ExSync server profiles and clients.");
        }

        // Ctrl+C, `kill` and `docker stop` all end the wait, and the host then shuts down cleanly (the signal's
        // default action, terminating at once, is cancelled).
        using var stop = new CancellationTokenSource();
        void RequestStop(PosixSignalContext signal)
        {
            signal.Cancel = true;
            stop.Cancel();
        }

        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, RequestStop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, RequestStop);
        using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, RequestStop);
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("Stopping the Exchange simulator.");
        }

        return 0;
    }

    /// <summary>
    /// Earlier versions kept an unconstrained, five-year CA key in the shared temp directory, readable by every user.
    /// It is deleted, and the user told to stop trusting that CA.
    /// </summary>
    private static void RemoveLegacyKey(StandaloneSettings settings)
    {
        var legacy = Path.Combine(Path.GetTempPath(), "exsync-exchange-simulator", "ca.pfx");
        if (!File.Exists(legacy) || Path.GetFullPath(settings.CertificateAuthorityPkcs12File) == legacy)
        {
            return;
        }

        try
        {
            File.Delete(legacy);
            Console.WriteLine($"Deleted the old simulator CA key {legacy}, which every user could read. Remove the old \"ExSync Exchange Simulator CA\" from trust stores and server profiles.");
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"The old simulator CA key {legacy} could be read by every user and could not be deleted ({exception.Message}); delete it, and stop trusting that CA.");
        }
    }

    private static void PrintBanner(ExchangeSimulatorHost host, SimulatorScenario scenario, StandaloneSettings settings)
    {
        var profile = ExchangeServerProfile.For(scenario.Server.Version);
        Console.WriteLine($"ExSync Exchange simulator: {profile.ProductName} ({profile.BuildNumber}), scenario {Path.GetFullPath(settings.ScenarioFile)}");
        Console.WriteLine($"  EWS (HTTPS):          {host.EwsUrl}");
        Console.WriteLine($"  EWS (HTTP):           {new Uri(host.HttpBaseAddress, "EWS/Exchange.asmx")}");
        Console.WriteLine($"  Autodiscover (SOAP):  {host.AutodiscoverSoapUrl}");
        Console.WriteLine($"  Autodiscover (POX):   {host.AutodiscoverPoxUrl}");
        Console.WriteLine($"  SMTP:                 {host.SmtpHost}:{host.SmtpPort} (plain SMTP, no authentication; delivers to mailboxes by RCPT TO, up to {SmtpListener.DefaultMaxMessageBytes / (1024 * 1024)} MB)");
        Console.WriteLine($"  OAuth token endpoint: {host.HttpsBaseAddress}{{tenantId}}/oauth2/v2.0/token");
        Console.WriteLine($"  Control API:          {host.HttpsBaseAddress}_simulator/ (outbox, send limits, faults, request counts; any scenario account)");
        Console.WriteLine($"  CA certificate (PEM): {Path.GetFullPath(settings.CertificateAuthorityPemFile)} (valid until {host.CertificateAuthority.NotAfter.ToUniversalTime():yyyy-MM-dd}; renewed at start a week before)");
        Console.WriteLine($"  Mailboxes:            {string.Join(", ", host.State.MailboxAddresses)}");
        Console.WriteLine("Press Ctrl+C to stop.");
    }
}

/// <summary>Standalone settings (Simulator:* configuration keys) and their defaults.</summary>
internal sealed record StandaloneSettings(
    string ScenarioFile, IPAddress ListenAddress, int HttpsPort, int HttpPort,
    string CertificateAuthorityPemFile, string CertificateAuthorityPkcs12File, LogLevel LogLevel)
{
    public const int DefaultHttpsPort = 5443;
    public const int DefaultHttpPort = 5080;
    public const int DefaultSmtpPort = 2525;

    /// <summary>Simulator:SmtpPort: where the SMTP listener accepts mail (0 picks a free port).</summary>
    public int SmtpPort { get; init; } = DefaultSmtpPort;

    public static StandaloneSettings Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Simulator");
        return new StandaloneSettings(
            ResolveScenarioFile(section["ScenarioFile"]),
            IPAddress.Parse(section["ListenAddress"] ?? IPAddress.Loopback.ToString()),
            ParsePort(section["HttpsPort"], DefaultHttpsPort),
            ParsePort(section["HttpPort"], DefaultHttpPort),
            section["CaCertificateFile"] ?? Path.Combine(OwnerOnlyFiles.DefaultDirectory(), "ca.pem"),
            section["CaPkcs12File"] ?? DefaultPkcs12File(),
            Enum.Parse<LogLevel>(section["LogLevel"] ?? nameof(LogLevel.Information), ignoreCase: true))
        {
            SmtpPort = ParsePort(section["SmtpPort"], DefaultSmtpPort),
        };
    }

    /// <summary>The CA with its key, in the per-user state directory.</summary>
    public static string DefaultPkcs12File() => Path.Combine(OwnerOnlyFiles.DefaultDirectory(), "ca.pfx");

    /// <summary>A relative path is tried against the working directory first, then next to the executable.</summary>
    private static string ResolveScenarioFile(string? configured)
    {
        var path = configured ?? Path.Combine("scenarios", "sample.json");
        if (Path.IsPathRooted(path) || File.Exists(path))
        {
            return path;
        }

        var besideExecutable = Path.Combine(AppContext.BaseDirectory, path);
        return File.Exists(besideExecutable) ? besideExecutable : path;
    }

    private static int ParsePort(string? value, int fallback) =>
        value is null ? fallback
        : int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
            ? port
            : throw new FormatException($"'{value}' is not a TCP port.");
}
