using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// ExSync running as a real process (the built ExSync.Api.dll), so that a test can kill it the hard way (SIGKILL, like kill -9)
/// and start another on the same database and key ring.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process process;

    private readonly TestTokens tokens;

    private readonly ConcurrentQueue<string> output = new();

    private ApiProcess(Process process, Uri baseAddress, TestTokens tokens)
    {
        this.process = process;
        this.tokens = tokens;
        BaseAddress = baseAddress;
    }

    /// <summary>What the process has written to standard output and error so far, line by line.</summary>
    public string Output => string.Join(Environment.NewLine, output);

    /// <summary>Where the API listens.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The operating-system process id.</summary>
    public int ProcessId => process.Id;

    /// <summary>Starts ExSync on the database and keys in <paramref name="dataDirectory"/> and waits until it is ready.</summary>
    /// <remarks>With <paramref name="trustTestTokens"/> false, no signing key is configured: only what the settings configure is trusted.</remarks>
    public static async Task<ApiProcess> StartAsync(
        string dataDirectory, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken, string? configuration = null, bool trustTestTokens = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
            var api = Launch(StartInfo(dataDirectory, baseAddress, settings, configuration, trustTestTokens), baseAddress);
            try
            {
                await api.WaitUntilReadyAsync(cancellationToken);
                return api;
            }
            catch (InvalidOperationException) when (attempt < 3 && api.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // The free port was taken between this test choosing it and the process binding it (in demo mode, by the process's
                // own simulator, which listens on any free port): a start on another port is what an operator would do.
                await api.DisposeAsync();
            }
            catch
            {
                // A process that never became ready must not outlive the test that started it.
                await api.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Starts ExSync as <see cref="StartAsync"/> does, for a start that is expected to fail: waits until the process ends.</summary>
    /// <returns>The exit code, and what the process wrote to standard output and error.</returns>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        string dataDirectory, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken, bool trustTestTokens = true)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        await using var api = Launch(StartInfo(dataDirectory, baseAddress, settings, configuration: null, trustTestTokens), baseAddress);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await api.process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"ExSync did not exit within 60 seconds:{Environment.NewLine}{api.Output}");
        }

        // WaitForExitAsync returns once the redirected output has been read to its end.
        return (api.process.ExitCode, api.Output);
    }

    private static ProcessStartInfo StartInfo(
        string dataDirectory, Uri baseAddress, IReadOnlyDictionary<string, string> settings, string? configuration, bool trustTestTokens)
    {
        var start = new ProcessStartInfo("dotnet", [ApiAssembly(configuration)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.Environment["ASPNETCORE_URLS"] = baseAddress.ToString().TrimEnd('/');
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        // A SQLite file in the data directory, unless the settings name another database.
        start.Environment["ConnectionStrings__ExSync"] = $"Data Source={Path.Combine(dataDirectory, "exsync.db")}";
        start.Environment["DataProtection__KeysDirectory"] = Path.Combine(dataDirectory, "keys");
        start.Environment["Exchange__OutboundPolicy__AllowLoopback"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Limits__JobsPerMinute"] = "100000";
        start.Environment["Limits__JobsBurst"] = "100000";
        foreach (var (key, value) in trustTestTokens ? Tokens.Settings : new Dictionary<string, string>())
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return start;
    }

    private static ApiProcess Launch(ProcessStartInfo start, Uri baseAddress)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ExSync.");
        var api = new ApiProcess(process, baseAddress, Tokens);
        process.OutputDataReceived += (_, line) => api.output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => api.output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return api;
    }

    /// <summary>
    /// Tokens for the processes of this test run. One key for all of them: a restarted process must accept the same tokens.
    /// </summary>
    public static TestTokens Tokens { get; } = new();

    /// <summary>An HTTP client for the generated API clients, acting as an administrator with every privilege.</summary>
    public HttpClient CreateClient()
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", tokens.Create("test-admin", TestTokens.AllPrivileges));
        return client;
    }

    /// <summary>Kills the process at once, without any shutdown: leases are not released, nothing is flushed.</summary>
    public void Kill()
    {
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var http = CreateClient();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"ExSync exited with code {process.ExitCode} while starting:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("ExSync did not become ready within 60 seconds.");
    }

    /// <summary>The API built alongside the caller (same configuration, unless one is given).</summary>
    private static string ApiAssembly(string? configuration)
    {
        configuration ??= AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Repository.PathOf(Path.Combine("src", "Api", "bin", configuration, "net10.0", "ExSync.Api.dll"));
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Api first.", path);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
