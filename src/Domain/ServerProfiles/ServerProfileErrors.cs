namespace ExSync.Domain.ServerProfiles;

/// <summary>Stable error codes of server profile rules.</summary>
public static class ServerProfileErrors
{
    /// <summary>Autodiscover is off and no EWS URL is configured for a direction.</summary>
    public const string ServerLocationRequired = "ServerLocationRequired";

    /// <summary>The impersonation account has no password.</summary>
    public const string PasswordRequired = "PasswordRequired";

    /// <summary>The Hybrid Modern Auth application has no client secret.</summary>
    public const string ClientSecretRequired = "ClientSecretRequired";

    /// <summary>The authentication settings for the chosen type are missing.</summary>
    public const string AuthenticationSettingsRequired = "AuthenticationSettingsRequired";

    /// <summary>A referenced server profile does not exist.</summary>
    public const string UnknownServerProfile = "UnknownServerProfile";

    /// <summary>Mailboxes or the organization default still use the profile.</summary>
    public const string ServerProfileInUse = "ServerProfileInUse";

    /// <summary>An inactive profile cannot be the organization default or be assigned to a mailbox.</summary>
    public const string ServerProfileInactive = "ServerProfileInactive";

    /// <summary>The profile is the organization default and cannot be deactivated.</summary>
    public const string DefaultServerProfileCannotBeDeactivated = "DefaultServerProfileCannotBeDeactivated";
}
