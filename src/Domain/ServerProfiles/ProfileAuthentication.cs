using ExSync.Domain.Common;

namespace ExSync.Domain.ServerProfiles;

/// <summary>The service account used with <see cref="ProfileAuthenticationType.Impersonation"/>.</summary>
/// <param name="UserName">User name in UPN form (<c>user@domain</c>).</param>
/// <param name="Password">The encrypted password, or null when none is stored.</param>
public sealed record ImpersonationAccount(string UserName, EncryptedSecret? Password);

/// <summary>The Entra ID application used with <see cref="ProfileAuthenticationType.HybridModernAuth"/>.</summary>
/// <param name="TenantId">Entra ID tenant (directory) id.</param>
/// <param name="ClientId">Application (client) id.</param>
/// <param name="ResourceUri">Resource the token is requested for, usually the Exchange server's external URL.</param>
/// <param name="AuthorityUrl">OAuth 2.0 authority, for example <c>https://login.microsoftonline.com</c>.</param>
/// <param name="ClientSecret">The encrypted client secret, or null when none is stored.</param>
public sealed record HybridModernAuthApplication(
    string TenantId,
    string ClientId,
    Uri ResourceUri,
    Uri AuthorityUrl,
    EncryptedSecret? ClientSecret);

/// <summary>How a profile authenticates; exactly the part matching <see cref="Type"/> is present.</summary>
public sealed record ProfileAuthentication
{
    private ProfileAuthentication(ProfileAuthenticationType type, ImpersonationAccount? impersonation, HybridModernAuthApplication? hybridModernAuth)
    {
        Type = type;
        Impersonation = impersonation;
        HybridModernAuth = hybridModernAuth;
    }

    /// <summary>The authentication method in use.</summary>
    public ProfileAuthenticationType Type { get; }

    /// <summary>The service account, when <see cref="Type"/> is Impersonation.</summary>
    public ImpersonationAccount? Impersonation { get; }

    /// <summary>The application, when <see cref="Type"/> is HybridModernAuth.</summary>
    public HybridModernAuthApplication? HybridModernAuth { get; }

    /// <summary>Authenticate with an impersonation service account.</summary>
    public static ProfileAuthentication ForImpersonation(ImpersonationAccount account)
    {
        if (account.Password is null)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.PasswordRequired,
                "The impersonation service account needs a password.",
                "authentication.impersonation.password"));
        }

        return new(ProfileAuthenticationType.Impersonation, account, null);
    }

    /// <summary>Authenticate with Hybrid Modern Auth.</summary>
    public static ProfileAuthentication ForHybridModernAuth(HybridModernAuthApplication application)
    {
        if (application.ClientSecret is null)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.ClientSecretRequired,
                "Hybrid Modern Auth needs the application's client secret.",
                "authentication.hybridModernAuth.clientSecret"));
        }

        return new(ProfileAuthenticationType.HybridModernAuth, null, application);
    }

    /// <summary>Rebuilds a stored value without re-checking rules that held when it was saved.</summary>
    public static ProfileAuthentication Rehydrate(ProfileAuthenticationType type, ImpersonationAccount? impersonation, HybridModernAuthApplication? hybridModernAuth) =>
        new(type, impersonation, hybridModernAuth);
}
