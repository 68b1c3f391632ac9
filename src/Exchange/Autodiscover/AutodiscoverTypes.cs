namespace ExSync.Exchange.Autodiscover;

/// <summary>Which autodiscover flavour an attempt used.</summary>
public enum AutodiscoverProtocol
{
    /// <summary>SOAP GetUserSettings at <c>/autodiscover/autodiscover.svc</c> (Exchange 2010+).</summary>
    Soap,

    /// <summary>Plain-old-XML at <c>/autodiscover/autodiscover.xml</c> (the fallback).</summary>
    Pox,
}

/// <summary>What happened at one autodiscover URL.</summary>
public enum AutodiscoverAttemptOutcome
{
    /// <summary>The endpoint returned an EWS URL.</summary>
    Succeeded,

    /// <summary>The endpoint redirected (HTTP redirect, RedirectUrl or RedirectAddress) and the redirect was followed.</summary>
    Redirected,

    /// <summary>HTTP 401: the endpoint rejected the credentials. The next candidate is tried, but this is reported distinctly.</summary>
    Unauthorized,

    /// <summary>Any other failure (unreachable, TLS, not found, error answer, refused redirect).</summary>
    Failed,
}

/// <summary>One autodiscover request, for the diagnostic step tree.</summary>
/// <param name="Url">The URL requested.</param>
/// <param name="Protocol">SOAP or POX.</param>
/// <param name="Mailbox">The address asked about (changes after a RedirectAddress).</param>
/// <param name="Outcome">What happened.</param>
/// <param name="Detail">A one-line explanation.</param>
/// <param name="Error">The classified error when <paramref name="Outcome"/> is Unauthorized or Failed.</param>
/// <param name="Duration">How long the request took.</param>
public sealed record AutodiscoverAttempt(
    Uri Url,
    AutodiscoverProtocol Protocol,
    string Mailbox,
    AutodiscoverAttemptOutcome Outcome,
    string Detail,
    ExchangeError? Error,
    TimeSpan Duration);

/// <summary>The result of autodiscover: the EWS URL or the error, and every attempt made.</summary>
/// <param name="EwsUrl">The EWS URL as the server returned it (without the profile's port override), when found.</param>
/// <param name="Error">Why no URL was found, when not found.</param>
/// <param name="Attempts">Every URL tried, in order.</param>
public sealed record AutodiscoverResult(Uri? EwsUrl, ExchangeError? Error, IReadOnlyList<AutodiscoverAttempt> Attempts)
{
    /// <summary>True when an EWS URL was found.</summary>
    public bool Succeeded => EwsUrl is not null;
}

/// <summary>
/// Finds a mailbox's EWS URL with autodiscover: SOAP GetUserSettings with POX fallback, at
/// <c>https://&lt;domain&gt;/autodiscover/…</c> then <c>https://autodiscover.&lt;domain&gt;/autodiscover/…</c>,
/// following at most 10 https-only redirects. Never throws for server failures; the result says what happened.
/// </summary>
public interface IExchangeAutodiscoverClient
{
    /// <summary>Discovers the EWS URL for <paramref name="mailboxSmtpAddress"/>.</summary>
    /// <param name="mailboxSmtpAddress">The mailbox's SMTP address; its domain gives the candidate URLs.</param>
    /// <param name="settings">Credentials, trust and the time budget (the connection timeout bounds the whole discovery).</param>
    /// <param name="cancellationToken">Cancels discovery.</param>
    Task<AutodiscoverResult> DiscoverEwsUrlAsync(string mailboxSmtpAddress, ExchangeConnectionSettings settings, CancellationToken cancellationToken);
}
