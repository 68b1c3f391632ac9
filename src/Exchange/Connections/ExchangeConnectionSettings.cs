namespace ExSync.Exchange;

/// <summary>
/// Everything needed to reach one Exchange server: where it is, how to authenticate, how long to wait and which
/// certificate authority to trust. The incoming and outgoing sides of a server profile each have one.
/// </summary>
/// <remarks>
/// Equal settings (value equality) share pooled connections; different trust or credential settings never do.
/// </remarks>
public sealed record ExchangeConnectionSettings
{
    /// <summary>Smallest allowed <see cref="ConnectionTimeout"/>.</summary>
    public static readonly TimeSpan MinimumConnectionTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Largest allowed <see cref="ConnectionTimeout"/> (the Dynamics limit of 100 seconds).</summary>
    public static readonly TimeSpan MaximumConnectionTimeout = TimeSpan.FromSeconds(100);

    /// <summary>
    /// The EWS URL, for example <c>https://mail.contoso.com/EWS/Exchange.asmx</c>. Null means "use autodiscover with
    /// the mailbox's SMTP address".
    /// </summary>
    public Uri? EwsUrl { get; init; }

    /// <summary>True when the EWS URL is found with autodiscover (no <see cref="EwsUrl"/> given).</summary>
    public bool UseAutodiscover => EwsUrl is null;

    /// <summary>
    /// Optional TCP port that replaces the port of the EWS URL (configured or discovered). Autodiscover candidates
    /// always use the standard https port, as the protocol defines them.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>The credentials.</summary>
    public required ExchangeAuthentication Authentication { get; init; }

    /// <summary>
    /// Upper bound for one whole call, retries and back-off included (1–100 seconds). Autodiscover gets its own budget
    /// of the same length.
    /// </summary>
    public TimeSpan ConnectionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Optional PEM-encoded certificate(s) of a certificate authority to trust for this connection, in addition to
    /// the system trust store (on-premises Exchange often uses an internal CA). Host name and validity are still checked.
    /// </summary>
    public string? TrustedCertificateAuthorityPem { get; init; }

    /// <summary>
    /// The server-wide concurrency limit this call counts against (see <see cref="ExchangeConnectionPolicy"/>). Null: no limit beyond
    /// the HTTP handler's <see cref="ExchangeClientOptions.MaxConnectionsPerServer"/>.
    /// </summary>
    public ConnectionLimit? Limit { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range (a programming error in the caller).</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Authentication);
        Limit?.Validate();
        if (ConnectionTimeout < MinimumConnectionTimeout || ConnectionTimeout > MaximumConnectionTimeout)
        {
            throw new ArgumentOutOfRangeException(
                nameof(ConnectionTimeout), ConnectionTimeout, "The connection timeout must be between 1 and 100 seconds.");
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "The port must be between 1 and 65535.");
        }
    }

    /// <summary>Describes the settings for diagnostics: no secrets, and the CA only as present or absent.</summary>
    public override string ToString() =>
        $"ExchangeConnectionSettings {{ EwsUrl = {EwsUrl?.ToString() ?? "(autodiscover)"}, Port = {Port?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(default)"}, " +
        $"Authentication = {Authentication?.Describe()}, ConnectionTimeout = {ConnectionTimeout}, TrustedCertificateAuthority = {(string.IsNullOrWhiteSpace(TrustedCertificateAuthorityPem) ? "none" : "configured")} }}";

    /// <summary>Returns <paramref name="url"/> with <see cref="Port"/> applied when a port override is set.</summary>
    /// <param name="url">A configured or discovered EWS URL.</param>
    public Uri ApplyPortOverride(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (Port is not { } port || url.Port == port)
        {
            return url;
        }

        return new UriBuilder(url) { Port = port }.Uri;
    }
}
