using System.Net;
using System.Net.Http;
using System.Security.Authentication;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ExSync.Exchange.Http;

/// <summary>
/// Configures the named clients created by <see cref="ExchangeHttpClientProvider"/>: one SocketsHttpHandler per
/// connection setting, the SSRF-safe connect callback, strict certificate validation, and no handlers from
/// <c>ConfigureHttpClientDefaults</c>.
/// </summary>
internal sealed class ExchangeHttpClientConfigurator : IPostConfigureOptions<HttpClientFactoryOptions>
{
    private readonly HandlerSettingsRegistry _handlers;
    private readonly ExchangeClientOptions _options;
    private readonly SafeSocketConnector _connector;

    public ExchangeHttpClientConfigurator(HandlerSettingsRegistry handlers, IOptions<ExchangeClientOptions> options)
    {
        _handlers = handlers;
        _options = options.Value;
        _connector = new SafeSocketConnector(
            new OutboundAddressPolicy(_options.OutboundPolicy), _options.ResolveEndpoints, _options.TcpConnectTimeout);
    }

    public void PostConfigure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(ExchangeHttpClientProvider.ClientNamePrefix, StringComparison.Ordinal))
        {
            return;
        }

        if (!_handlers.TryGet(name, out var settings))
        {
            throw new InvalidOperationException($"HttpClient '{name}' must be created through ExchangeHttpClientProvider.");
        }

        options.HandlerLifetime = _options.HandlerLifetime;

        // .NET 9+ already redacts every header value in the factory's Trace logs; say so explicitly so that no
        // RedactLoggedHeaders call elsewhere can ever expose Authorization or NTLM blobs for these clients.
        options.ShouldRedactHeaderValue = static _ => true;

        var maxResponseBytes = _options.MaxResponseBytes;
        options.HttpClientActions.Add(client =>
        {
            // Deadlines are enforced per call by the EWS resilience pipeline, not by HttpClient's fixed 100 s.
            client.Timeout = Timeout.InfiniteTimeSpan;
            client.MaxResponseContentBufferSize = maxResponseBytes;
            client.DefaultRequestVersion = HttpVersion.Version11;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        });

        options.HttpMessageHandlerBuilderActions.Add(builder =>
        {
            // Retries and deadlines belong to the EWS pipeline. A host-wide AddStandardResilienceHandler (from
            // ConfigureHttpClientDefaults) would retry underneath it, sleep past the caller's deadline and resend
            // non-idempotent requests, so delegating handlers from defaults are removed for these clients.
            builder.AdditionalHandlers.Clear();
            builder.PrimaryHandler = CreatePrimaryHandler(settings);
        });
    }

    private SocketsHttpHandler CreatePrimaryHandler(HandlerSettings settings) => new()
    {
        ConnectCallback = _connector.ConnectAsync,
        SslOptions =
        {
            RemoteCertificateValidationCallback = settings.CertificateValidator.Validate,
            EnabledSslProtocols = SslProtocols.None, // the operating system's current defaults
        },
        Credentials = settings.Credentials,
        PreAuthenticate = false,

        // Redirects are followed (or refused) by our own code so that each hop is checked.
        AllowAutoRedirect = false,

        // A proxy would make the connect callback see the proxy's address instead of Exchange's, defeating the
        // outbound address policy; on-premises EWS is reached directly.
        UseProxy = false,

        // Exchange's X-BackEndCookie is per mailbox; a shared cookie jar would mix mailboxes. X-AnchorMailbox routes.
        UseCookies = false,
        MaxConnectionsPerServer = _options.MaxConnectionsPerServer,
        PooledConnectionLifetime = _options.HandlerLifetime,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
        AutomaticDecompression = DecompressionMethods.None,
    };
}
