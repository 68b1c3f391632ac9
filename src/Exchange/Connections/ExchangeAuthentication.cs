namespace ExSync.Exchange;

/// <summary>
/// How ExSync proves its identity to Exchange: a service account with a password, or an OAuth application
/// (Hybrid Modern Auth). Both then impersonate the mailbox.
/// </summary>
/// <remarks>
/// Records compare by value, so two <see cref="ExchangeConnectionSettings"/> with the same credentials are equal.
/// <see cref="object.ToString"/> is overridden in every subtype so secrets never reach logs or exception text.
/// </remarks>
public abstract record ExchangeAuthentication
{
    private protected ExchangeAuthentication()
    {
    }

    /// <summary>A short description for diagnostics, without secrets (for example <c>"svc-exsync@contoso.com (Ntlm)"</c>).</summary>
    public abstract string Describe();
}

/// <summary>HTTP authentication scheme used with a service account.</summary>
public enum AuthenticationProtocol
{
    /// <summary>Let the server choose among the schemes it offers (Negotiate, NTLM, Basic), as Dynamics' "Auto Detect".</summary>
    AutoDetect,

    /// <summary>SPNEGO: Kerberos when available, otherwise NTLM.</summary>
    Negotiate,

    /// <summary>NTLM (managed implementation, HTTP/1.1 connection-bound).</summary>
    Ntlm,

    /// <summary>Basic, sent pre-emptively with every request (https only). Must be enabled on the EWS virtual directory.</summary>
    Basic,
}

/// <summary>A service account (user name and password) that holds the ApplicationImpersonation role.</summary>
/// <param name="UserName">
/// Preferably in UPN form (<c>svc-exsync@contoso.com</c>); <c>DOMAIN\user</c> also works for NTLM and Negotiate.
/// </param>
/// <param name="Password">The account password. Never logged.</param>
/// <param name="Protocol">The HTTP authentication scheme.</param>
public sealed record ServiceAccountAuthentication(string UserName, string Password, AuthenticationProtocol Protocol)
    : ExchangeAuthentication
{
    /// <inheritdoc />
    public override string Describe() => $"{UserName} ({Protocol})";

    /// <summary>Describes the account without its password.</summary>
    public override string ToString() => $"ServiceAccountAuthentication {{ UserName = {UserName}, Protocol = {Protocol} }}";
}

/// <summary>
/// Hybrid Modern Auth: an Entra ID application obtains an app-only token with the OAuth 2.0 client-credentials grant.
/// </summary>
/// <param name="AuthorityUrl">The authority base URL, for example <c>https://login.microsoftonline.com</c>.</param>
/// <param name="TenantId">The tenant id or domain.</param>
/// <param name="ClientId">The application (client) id.</param>
/// <param name="ClientSecret">The client secret. Never logged.</param>
/// <param name="ResourceUri">The resource the token is for (usually the Exchange host's URL); the scope is <c>{ResourceUri}/.default</c>.</param>
public sealed record HybridModernAuthentication(
    Uri AuthorityUrl,
    string TenantId,
    string ClientId,
    string ClientSecret,
    string ResourceUri) : ExchangeAuthentication
{
    /// <inheritdoc />
    public override string Describe() => $"OAuth application {ClientId} (tenant {TenantId})";

    /// <summary>Describes the application without its secret.</summary>
    public override string ToString() =>
        $"HybridModernAuthentication {{ AuthorityUrl = {AuthorityUrl}, TenantId = {TenantId}, ClientId = {ClientId}, ResourceUri = {ResourceUri} }}";
}
