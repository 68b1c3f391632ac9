using System.Net;

namespace ExSync.Exchange;

/// <summary>
/// Resolves a host name to the endpoints to connect to. Every returned address is still checked against
/// <see cref="ExchangeClientOptions.OutboundPolicy"/>.
/// </summary>
/// <param name="host">The host name from the URL.</param>
/// <param name="port">The port from the URL.</param>
/// <param name="cancellationToken">Cancels the lookup.</param>
/// <returns>The endpoints, in the order they should be tried. An empty list means "host not found".</returns>
public delegate ValueTask<IReadOnlyList<IPEndPoint>> ResolveEndpointsCallback(string host, int port, CancellationToken cancellationToken);

/// <summary>
/// Deployment settings of the Exchange client. The API binds these from configuration (section <c>Exchange</c> by
/// convention); <see cref="ResolveEndpoints"/> is code-only.
/// </summary>
public sealed class ExchangeClientOptions
{
    /// <summary>
    /// DEVELOPMENT ONLY. Allows plain-http EWS and token-endpoint URLs. Credentials then cross the network unencrypted,
    /// so never enable this in production. Autodiscover candidates are always https and redirects to http are always
    /// refused, whatever this says.
    /// </summary>
    public bool AllowInsecureHttp { get; set; }

    /// <summary>Which network addresses ExSync may connect to (defence against server-side request forgery).</summary>
    public ExchangeOutboundPolicy OutboundPolicy { get; set; } = new();

    /// <summary>
    /// Optional name-resolution seam. Null means DNS. Tests use it to point host names at a local simulator; a
    /// deployment can use it for split-horizon DNS. Returned addresses are still checked against <see cref="OutboundPolicy"/>.
    /// </summary>
    public ResolveEndpointsCallback? ResolveEndpoints { get; set; }

    /// <summary>
    /// Maximum concurrent connections per Exchange host and connection setting: a profile's concurrent requests (its
    /// maxConcurrentConnections, at most 300) plus its streaming notification connections (one per 200 mailboxes, up to
    /// <see cref="ConnectionLimit.MaxHangingConnections"/>) must fit, or requests wait for a pooled connection. Connections are
    /// opened only as needed, so a high ceiling costs nothing.
    /// </summary>
    public int MaxConnectionsPerServer { get; set; } = 512;

    /// <summary>Upper bound for establishing one TCP connection, so a black-holed address cannot eat the whole call budget.</summary>
    public TimeSpan TcpConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a pooled handler (and its connections) is reused before IHttpClientFactory rotates it. Rotation also
    /// bounds how long a changed certificate or DNS entry can go unnoticed.
    /// </summary>
    public TimeSpan HandlerLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Maximum retries of a transient failure within one call (the call's deadline still applies).</summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First retry delay; doubled for each further attempt (with jitter) unless the server asks for longer.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Cap for the exponential retry delay (a server-supplied back-off may be longer and is honoured).</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>An OAuth token is renewed this long before it expires.</summary>
    public TimeSpan TokenRefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Autodiscover returns an internal and an external EWS URL. ExSync is usually deployed inside the network, so the
    /// internal one is preferred; set this when ExSync reaches Exchange from outside.
    /// </summary>
    public bool PreferExternalEwsUrl { get; set; }

    /// <summary>Largest response body accepted from Exchange, in bytes.</summary>
    public int MaxResponseBytes { get; set; } = 32 * 1024 * 1024;
}

/// <summary>
/// Outbound address policy. Link-local, cloud-metadata, unspecified, multicast and broadcast addresses are always
/// refused. Loopback and private ranges are refused unless allowed here. On-premises Exchange normally has a private
/// address, so a typical deployment lists its Exchange subnets in <see cref="AllowedNetworks"/>.
/// </summary>
public sealed class ExchangeOutboundPolicy
{
    /// <summary>Allows 127.0.0.0/8 and ::1 (development and tests).</summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Allows every private range: 10/8, 172.16/12, 192.168/16, 100.64/10 and fc00::/7.</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// CIDR blocks (for example <c>10.20.0.0/16</c>, <c>fd12:3456::/48</c>) or single addresses that are allowed even
    /// though they are loopback or private. The narrower alternative to <see cref="AllowPrivateNetworks"/>.
    /// </summary>
    public IList<string> AllowedNetworks { get; set; } = [];
}
