namespace ExSync.ExchangeSimulator;

/// <summary>The simulated Exchange server.</summary>
public sealed class ScenarioServer
{
    /// <summary>The product and build the server reports (ServerVersionInfo) and the request versions it accepts.</summary>
    public SimulatedExchangeVersion Version { get; set; } = SimulatedExchangeVersion.Exchange2019;

    /// <summary>
    /// DNS names the server answers to (for example mail.contoso.local, autodiscover.contoso.local).
    /// They are added to the server certificate's subject alternative names next to 127.0.0.1, ::1 and localhost.
    /// </summary>
    public List<string> HostNames { get; set; } = [];

    /// <summary>Delay added to every authenticated EWS and autodiscover request, in milliseconds.</summary>
    public int LatencyMilliseconds { get; set; }

    /// <summary>Which HTTP authentication schemes the server offers.</summary>
    public ScenarioAuthentication Authentication { get; set; } = new();

    /// <summary>Autodiscover behaviour (SOAP and POX endpoints, redirects, failures).</summary>
    public ScenarioAutodiscover Autodiscover { get; set; } = new();

    /// <summary>Sync state and watermark windows, subscription and streaming connection limits.</summary>
    public ScenarioChangeTracking ChangeTracking { get; set; } = new();

    /// <summary>
    /// Recipient addresses transport refuses when a message is submitted (CreateItem answers ErrorInvalidRecipients and
    /// nothing is sent), besides addresses that are not valid SMTP addresses at all. Changeable at run time.
    /// </summary>
    public List<string> RejectedRecipients { get; set; } = [];
}

/// <summary>The HTTP authentication schemes offered in <c>WWW-Authenticate</c> challenges and accepted on requests.</summary>
public sealed class ScenarioAuthentication
{
    /// <summary>Accept <c>Authorization: Basic</c> (user as UPN, DOMAIN\user or the bare account name).</summary>
    public bool Basic { get; set; } = true;

    /// <summary>Accept NTLM (NTLMv2 only), connection-bound, challenged as <c>WWW-Authenticate: NTLM</c>.</summary>
    public bool Ntlm { get; set; } = true;

    /// <summary>Accept <c>Authorization: Bearer</c> tokens issued by the simulator's token endpoint.</summary>
    public bool Bearer { get; set; }
}

/// <summary>Autodiscover behaviour.</summary>
public sealed class ScenarioAutodiscover
{
    /// <summary>
    /// The EWS URL autodiscover hands out (for example https://mail.contoso.local/EWS/Exchange.asmx).
    /// Null means the simulator's own HTTPS EWS URL.
    /// </summary>
    public string? EwsUrl { get; set; }

    /// <summary>
    /// The external EWS URL (ExternalEwsUrl, POX protocol EXPR). Null means the same as <see cref="EwsUrl"/>.
    /// </summary>
    public string? ExternalEwsUrl { get; set; }

    /// <summary>
    /// Whether the SOAP endpoint (autodiscover.svc) exists. When false it answers 404 and the unauthenticated
    /// GET probe carries no X-SOAP-Enabled header, so clients fall back to POX.
    /// </summary>
    public bool SoapEnabled { get; set; } = true;

    /// <summary>Whether the POX endpoint (POST autodiscover.xml) answers; when false it answers 404.</summary>
    public bool PoxEnabled { get; set; } = true;

    /// <summary>Answer every autodiscover request with 401, even with valid credentials.</summary>
    public bool AlwaysUnauthorized { get; set; }

    /// <summary>
    /// When set, autodiscover answers every user with a URL redirect to this endpoint
    /// (SOAP ErrorCode RedirectUrl, POX Action redirectUrl). It may be an http:// URL, which clients must refuse.
    /// </summary>
    public string? RedirectUrl { get; set; }

    /// <summary>
    /// When true, autodiscover answers with a URL redirect back to the endpoint that was called,
    /// so a client that follows redirects without a hop limit loops forever.
    /// </summary>
    public bool RedirectLoop { get; set; }

    /// <summary>
    /// Address redirects: an email address (key) that autodiscover redirects to another address (value)
    /// (SOAP ErrorCode RedirectAddress, POX Action redirectAddr).
    /// </summary>
    public Dictionary<string, string> RedirectAddresses { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Where the plain-HTTP GET of /autodiscover/autodiscover.xml redirects (302). Null means the simulator's
    /// own HTTPS autodiscover.xml (autodiscover phase 3a).
    /// </summary>
    public string? HttpRedirectLocation { get; set; }
}
