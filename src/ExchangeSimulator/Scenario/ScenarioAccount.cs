namespace ExSync.ExchangeSimulator;

/// <summary>An Active Directory account that can authenticate to the simulated server.</summary>
public sealed class ScenarioAccount
{
    /// <summary>User principal name (for example svc-exsync@contoso.local). Used by Basic and as NTLM user with an empty domain.</summary>
    public string? UserName { get; set; }

    /// <summary>NetBIOS domain (for example CONTOSO), for DOMAIN\user logons and NTLM.</summary>
    public string? Domain { get; set; }

    /// <summary>The pre-Windows 2000 logon name (for example svc-exsync), for DOMAIN\user logons and NTLM.</summary>
    public string? SamAccountName { get; set; }

    /// <summary>The clear-text password; the simulator derives the NT hash from it for NTLM.</summary>
    public string Password { get; set; } = "";

    /// <summary>The account's own mailbox, acted on when a request carries no impersonation header. Null means the mailbox whose address or UPN equals <see cref="UserName"/>, if any.</summary>
    public string? PrimarySmtpAddress { get; set; }

    /// <summary>The ApplicationImpersonation role scoped to the whole organisation.</summary>
    public bool CanImpersonateAll { get; set; }

    /// <summary>Mailboxes (SMTP addresses) this account may impersonate when <see cref="CanImpersonateAll"/> is false.</summary>
    public List<string> CanImpersonate { get; set; } = [];
}

/// <summary>
/// An application registered for Hybrid Modern Auth. It gets tokens from
/// <c>POST /{tenantId}/oauth2/v2.0/token</c> (client_credentials) and must impersonate a mailbox on every EWS request.
/// </summary>
public sealed class ScenarioOAuthApplication
{
    /// <summary>The tenant (directory) id in the token endpoint path.</summary>
    public string TenantId { get; set; } = "";

    /// <summary>The application (client) id.</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The client secret.</summary>
    public string ClientSecret { get; set; } = "";

    /// <summary>Lifetime of issued access tokens, in seconds.</summary>
    public int TokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>The application may impersonate every mailbox (full_access_as_app).</summary>
    public bool CanImpersonateAll { get; set; }

    /// <summary>Mailboxes (SMTP addresses) the application may impersonate when <see cref="CanImpersonateAll"/> is false.</summary>
    public List<string> CanImpersonate { get; set; } = [];
}
