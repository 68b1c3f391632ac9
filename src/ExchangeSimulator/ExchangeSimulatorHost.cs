using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// A running simulated Exchange server: EWS, autodiscover and an OAuth token endpoint over HTTPS and plain HTTP
/// on loopback. Start one per test (or per test class), use <see cref="EwsUrl"/> and trust
/// <see cref="CertificateAuthorityPem"/>, assert on <see cref="Requests"/>, change <see cref="State"/> live.
/// </summary>
public sealed class ExchangeSimulatorHost : IAsyncDisposable
{
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(3);

    private readonly WebApplication _application;
    private readonly SimulatorCertificateAuthority _certificateAuthority;
    private readonly X509Certificate2 _serverCertificate;
    private readonly SmtpListener _smtp;
    private int _disposed;

    private ExchangeSimulatorHost(
        WebApplication application, SimulatorRuntime runtime, SimulatorCertificateAuthority certificateAuthority, X509Certificate2 serverCertificate, SmtpListener smtp)
    {
        _application = application;
        _certificateAuthority = certificateAuthority;
        _serverCertificate = serverCertificate;
        _smtp = smtp;
        Runtime = runtime;
    }

    /// <summary>The HTTPS root, for example https://127.0.0.1:43123/.</summary>
    public Uri HttpsBaseAddress => Runtime.Endpoints.HttpsBaseAddress;

    /// <summary>The plain-HTTP root, for example http://127.0.0.1:43124/.</summary>
    public Uri HttpBaseAddress => Runtime.Endpoints.HttpBaseAddress;

    /// <summary>The EWS endpoint over HTTPS: …/EWS/Exchange.asmx.</summary>
    public Uri EwsUrl => Runtime.Endpoints.EwsUrl;

    /// <summary>The SOAP autodiscover endpoint over HTTPS: …/autodiscover/autodiscover.svc.</summary>
    public Uri AutodiscoverSoapUrl => new(HttpsBaseAddress, "autodiscover/autodiscover.svc");

    /// <summary>The POX autodiscover endpoint over HTTPS: …/autodiscover/autodiscover.xml.</summary>
    public Uri AutodiscoverPoxUrl => new(HttpsBaseAddress, "autodiscover/autodiscover.xml");

    /// <summary>The SMTP listener (plain SMTP, no authentication): mail to a mailbox's address lands in its Inbox.</summary>
    public IPEndPoint SmtpEndPoint => _smtp.EndPoint;

    /// <summary>The SMTP host to connect to (the listen address; loopback when bound to any address).</summary>
    public string SmtpHost => SmtpEndPoint.Address.Equals(IPAddress.Any) ? IPAddress.Loopback.ToString()
        : SmtpEndPoint.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback.ToString()
        : SmtpEndPoint.Address.ToString();

    /// <summary>The SMTP port.</summary>
    public int SmtpPort => SmtpEndPoint.Port;

    /// <summary>The PEM of the CA that issued the server certificate; trust it instead of disabling validation.</summary>
    public string CertificateAuthorityPem => _certificateAuthority.Pem;

    /// <summary>The CA certificate (public part only), for custom chain validation; each call returns a new instance the caller disposes.</summary>
    public X509Certificate2 CertificateAuthority => X509CertificateLoader.LoadCertificate(_certificateAuthority.Certificate.RawData);

    /// <summary>Request counters per operation and per mailbox.</summary>
    public SimulatorRequestCounters Requests => Runtime.Requests;

    /// <summary>
    /// Every message sent through EWS (CreateItem SendOnly / SendAndSaveCopy), with <see cref="SimulatorOutbox.External"/>
    /// the ones that left the organisation, and counts per Message-ID for "sent exactly once". Also on the control API.
    /// </summary>
    public SimulatorOutbox Outbox => Runtime.State.Outbox;

    /// <summary>Live access to mailboxes, folders, items, extended properties, subscriptions, faults and latency.</summary>
    public SimulatorState State => Runtime.State;

    internal SimulatorRuntime Runtime { get; }

    /// <summary>Starts a simulator on loopback with free ports for HTTPS and HTTP.</summary>
    public static Task<ExchangeSimulatorHost> StartAsync(SimulatorScenario scenario, CancellationToken cancellationToken = default) =>
        StartAsync(scenario, new ExchangeSimulatorHostOptions(), cancellationToken);

    /// <summary>Starts a simulator with explicit listen options.</summary>
    public static async Task<ExchangeSimulatorHost> StartAsync(
        SimulatorScenario scenario, ExchangeSimulatorHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(options);
        ScenarioValidator.ThrowIfInvalid(scenario);

        var names = SimulatorNames.For(scenario.Server, options.ListenAddress);
        var certificateAuthority = options.CertificateAuthority is { } provided
            ? SimulatorCertificateAuthority.FromCertificate(provided)
            : SimulatorCertificateAuthority.Create(names);
        var serverCertificate = certificateAuthority.IssueServerCertificate(names);

        var runtime = new SimulatorRuntime(scenario, options.TimeProvider);
        var application = BuildApplication(runtime, options, serverCertificate);
        SmtpListener? smtp = null;
        try
        {
            await application.StartAsync(cancellationToken).ConfigureAwait(false);
            runtime.Endpoints.Publish(ReadBoundAddresses(application));
            smtp = new SmtpListener(options.ListenAddress, options.SmtpPort, options.SmtpMaxMessageBytes, scenario.Server.HostNames.FirstOrDefault() ?? "localhost",
                runtime.Mail, runtime.State, application.Services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance);
            smtp.Start();
        }
        catch
        {
            if (smtp is not null)
            {
                await smtp.DisposeAsync().ConfigureAwait(false);
            }

            await application.DisposeAsync().ConfigureAwait(false);
            serverCertificate.Dispose();
            certificateAuthority.Dispose();
            throw;
        }

        return new ExchangeSimulatorHost(application, runtime, certificateAuthority, serverCertificate, smtp);
    }

    /// <summary>
    /// Delivers a message without SMTP, through the same path: each recipient mailbox gets an unread Inbox copy.
    /// With no <paramref name="recipients"/>, the message's To, Cc and Bcc addresses are the envelope.
    /// </summary>
    public DeliveryResult DeliverMessage(MimeMessage message, IEnumerable<string>? recipients = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var envelope = recipients?.ToList() ?? [.. message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).Select(mailbox => mailbox.Address)];

        // Transport strips the Bcc header, as SMTP clients do; the caller's message is left as it was.
        using var transmitted = MimeMessage.Load(new MemoryStream(MimeFormat.ToBytes(message), writable: false));
        transmitted.Headers.RemoveAll(HeaderId.Bcc);
        return DeliverMessage(MimeFormat.ToBytes(transmitted), envelope);
    }

    /// <summary>Delivers raw MIME (kept byte for byte, as SMTP keeps it) to the given envelope recipients.</summary>
    public DeliveryResult DeliverMessage(byte[] mime, IEnumerable<string> recipients)
    {
        ArgumentNullException.ThrowIfNull(mime);
        ArgumentNullException.ThrowIfNull(recipients);
        return Runtime.Mail.Deliver(mime, recipients);
    }

    /// <summary>
    /// A handler that trusts exactly this simulator's CA (and checks the host name), for HttpClient-based tests.
    /// </summary>
    public SocketsHttpHandler CreateHttpHandler()
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = ValidateServerCertificate;
        return handler;
    }

    /// <summary>A <see cref="RemoteCertificateValidationCallback"/> that trusts this simulator's CA only.</summary>
    public bool ValidateServerCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var serverCertificate = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return _certificateAuthority.Validates(serverCertificate);
    }

    /// <summary>Stops the server (stalled requests are aborted) and releases the certificates.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _smtp.DisposeAsync().ConfigureAwait(false);

        using (var timeout = new CancellationTokenSource(ShutdownTimeout))
        {
            try
            {
                await _application.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Connections still open after the timeout are aborted by disposal below.
            }
        }

        await _application.DisposeAsync().ConfigureAwait(false);
        _serverCertificate.Dispose();
        _certificateAuthority.Dispose();
    }

    private static WebApplication BuildApplication(SimulatorRuntime runtime, ExchangeSimulatorHostOptions options, X509Certificate2 serverCertificate)
    {
        // The empty builder reads no appsettings.json and no environment: an in-process simulator must not pick up
        // the configuration of whatever process hosts it (the ExSync API's, in its tests).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(ExchangeSimulatorHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;

            // HTTP/1.1 only: NTLM authenticates a TCP connection, which HTTP/2 multiplexing would break.
            kestrel.Listen(options.ListenAddress, options.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(serverCertificate);
            });
            kestrel.Listen(options.ListenAddress, options.HttpPort, listen => listen.Protocols = HttpProtocols.Http1);
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = ShutdownTimeout);
        if (options.ConfigureLogging is { } configureLogging)
        {
            configureLogging(builder.Logging);
        }

        var application = builder.Build();
        runtime.AttachLifetime(application.Lifetime, application.Services);
        application.Use(async (context, next) =>
        {
            using var inFlight = runtime.Requests.TrackRequest();
            context.Features.Set(new InFlightRequestFeature(inFlight));
            await next(context).ConfigureAwait(false);
        });
        application.UseMiddleware<SimulatorAuthenticationMiddleware>(runtime);
        application.Run(new SimulatorRequestRouter(runtime).HandleAsync);
        return application;
    }

    private static (Uri Https, Uri Http) ReadBoundAddresses(WebApplication application)
    {
        var addresses = application.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        Uri? https = null, http = null;
        foreach (var address in addresses)
        {
            // Kestrel reports the bound address; an "any" binding is published as loopback, which clients can reach.
            var uri = new Uri(address.Replace("[::]", "[::1]", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal), UriKind.Absolute);
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                https = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
            }
            else
            {
                http = new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
            }
        }

        return (https ?? throw new InvalidOperationException("Kestrel reported no HTTPS address."),
                http ?? throw new InvalidOperationException("Kestrel reported no HTTP address."));
    }
}
