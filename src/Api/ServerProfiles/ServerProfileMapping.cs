using ExSync.Api.Infrastructure.Http;
using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;
using ExSync.Engine.Secrets;
using ExSync.Persistence;

namespace ExSync.Api.ServerProfiles;

/// <summary>Maps server profiles between the domain and the contract.</summary>
internal static class ServerProfileMapping
{
    /// <summary>The authority used when a Hybrid Modern Auth profile does not name one.</summary>
    public static readonly Uri DefaultAuthority = new("https://login.microsoftonline.com");

    public static ServerProfileResource ToResource(this ServerProfile profile, Guid? organizationDefaultProfileId) => new()
    {
        Id = profile.Id,
        Name = profile.Name,
        Description = profile.Description,
        ServerType = profile.ServerType,
        Owner = new ServerProfileOwner { Id = profile.Owner.Id, EmailAddress = profile.Owner.EmailAddress },
        Authentication = new ServerProfileAuthentication
        {
            Type = profile.Authentication.Type,
            Impersonation = profile.Authentication.Impersonation is { } account
                ? new ServerProfileImpersonation { UserName = account.UserName, PasswordSet = account.Password is not null }
                : null,
            HybridModernAuth = profile.Authentication.HybridModernAuth is { } app
                ? new ServerProfileHybridModernAuth
                {
                    TenantId = app.TenantId,
                    ClientId = app.ClientId,
                    ResourceUri = app.ResourceUri.OriginalString,
                    AuthorityUrl = app.AuthorityUrl.OriginalString,
                    ClientSecretSet = app.ClientSecret is not null,
                }
                : null,
        },
        AutoDiscoverServerLocation = profile.AutoDiscoverServerLocation,
        Incoming = profile.Incoming.ToContract(),
        UseSameSettingsForOutgoing = profile.UseSameSettingsForOutgoing,
        Outgoing = profile.Outgoing.ToContract(),
        Advanced = new ServerProfileAdvancedOptions
        {
            ProcessEmailsReceivedAfter = profile.Advanced.ProcessEmailsReceivedAfter,
            MinPollingIntervalMinutes = profile.Advanced.MinPollingIntervalMinutes,
            MaxConcurrentConnections = profile.Advanced.MaxConcurrentConnections,
            MoveFailedEmailsToUndeliverableFolder = profile.Advanced.MoveFailedEmailsToUndeliverableFolder,
            SendAlertToOwnerOnMajorFailures = profile.Advanced.SendAlertToOwnerOnMajorFailures,
            ConnectionTimeoutSeconds = profile.Advanced.ConnectionTimeoutSeconds,
        },
        TrustedCaCertificatePem = profile.TrustedCaCertificatePem,
        State = profile.State,
        IsDefaultForNewMailboxes = profile.Id == organizationDefaultProfileId,
        CreatedAt = profile.CreatedAt,
        ModifiedAt = profile.ModifiedAt,
        ETag = ETags.For(profile.Revision),
    };

    /// <summary>The profile's current writable state, which a merge patch is applied to. Secrets are left out: they are write-only.</summary>
    public static ServerProfileInput ToInput(this ServerProfile profile) => new()
    {
        Name = profile.Name,
        Description = profile.Description,
        ServerType = profile.ServerType,
        Owner = new ServerProfileOwnerInput { Id = profile.Owner.Id, EmailAddress = profile.Owner.EmailAddress },
        Authentication = new ServerProfileAuthenticationInput
        {
            Type = profile.Authentication.Type,
            Impersonation = profile.Authentication.Impersonation is { } account ? new ServerProfileImpersonationInput { UserName = account.UserName } : null,
            HybridModernAuth = profile.Authentication.HybridModernAuth is { } app
                ? new ServerProfileHybridModernAuthInput
                {
                    TenantId = app.TenantId,
                    ClientId = app.ClientId,
                    ResourceUri = app.ResourceUri.OriginalString,
                    AuthorityUrl = app.AuthorityUrl.OriginalString,
                }
                : null,
        },
        AutoDiscoverServerLocation = profile.AutoDiscoverServerLocation,
        Incoming = profile.Incoming.ToInput(),
        UseSameSettingsForOutgoing = profile.UseSameSettingsForOutgoing,
        Outgoing = profile.UseSameSettingsForOutgoing ? null : profile.Outgoing.ToInput(),
        Advanced = new ServerProfileAdvancedOptionsInput
        {
            ProcessEmailsReceivedAfter = profile.Advanced.ProcessEmailsReceivedAfter,
            MinPollingIntervalMinutes = profile.Advanced.MinPollingIntervalMinutes,
            MaxConcurrentConnections = profile.Advanced.MaxConcurrentConnections,
            MoveFailedEmailsToUndeliverableFolder = profile.Advanced.MoveFailedEmailsToUndeliverableFolder,
            SendAlertToOwnerOnMajorFailures = profile.Advanced.SendAlertToOwnerOnMajorFailures,
            ConnectionTimeoutSeconds = profile.Advanced.ConnectionTimeoutSeconds,
        },
        TrustedCaCertificatePem = profile.TrustedCaCertificatePem,
        State = profile.State,
    };

    /// <summary>
    /// Converts a validated input to domain settings. A secret in the input is encrypted; a secret left out keeps the one in
    /// <paramref name="stored"/> when the authentication type is unchanged.
    /// </summary>
    public static ServerProfileSettings ToSettings(this ServerProfileInput input, SecretProtector secrets, ProfileAuthentication? stored)
    {
        var defaults = new AdvancedProcessingOptions();
        var advanced = input.Advanced ?? new ServerProfileAdvancedOptionsInput();
        return new ServerProfileSettings
        {
            Name = input.Name!,
            Description = input.Description,
            ServerType = input.ServerType ?? ServerType.ExchangeServerOnPremises,
            Owner = new ProfileOwner(input.Owner!.Id!, input.Owner.EmailAddress!),
            Authentication = ToAuthentication(input.Authentication!, secrets, stored),
            AutoDiscoverServerLocation = input.AutoDiscoverServerLocation ?? false,
            Incoming = ToDomain(input.Incoming),
            UseSameSettingsForOutgoing = input.UseSameSettingsForOutgoing ?? true,
            Outgoing = input.Outgoing is null ? null : ToDomain(input.Outgoing),
            Advanced = new AdvancedProcessingOptions
            {
                ProcessEmailsReceivedAfter = advanced.ProcessEmailsReceivedAfter is { } after ? StoredInstants.Truncate(after) : null,
                MinPollingIntervalMinutes = advanced.MinPollingIntervalMinutes ?? defaults.MinPollingIntervalMinutes,
                MaxConcurrentConnections = advanced.MaxConcurrentConnections ?? defaults.MaxConcurrentConnections,
                MoveFailedEmailsToUndeliverableFolder = advanced.MoveFailedEmailsToUndeliverableFolder ?? defaults.MoveFailedEmailsToUndeliverableFolder,
                SendAlertToOwnerOnMajorFailures = advanced.SendAlertToOwnerOnMajorFailures ?? defaults.SendAlertToOwnerOnMajorFailures,
                ConnectionTimeoutSeconds = advanced.ConnectionTimeoutSeconds ?? defaults.ConnectionTimeoutSeconds,
            },
            TrustedCaCertificatePem = input.TrustedCaCertificatePem,
            State = input.State ?? RecordState.Active,
        };
    }

    private static ProfileAuthentication ToAuthentication(ServerProfileAuthenticationInput input, SecretProtector secrets, ProfileAuthentication? stored)
    {
        if (input.Type == ProfileAuthenticationType.HybridModernAuth)
        {
            var app = input.HybridModernAuth!;
            return ProfileAuthentication.ForHybridModernAuth(new HybridModernAuthApplication(
                app.TenantId!,
                app.ClientId!,
                new Uri(app.ResourceUri!),
                app.AuthorityUrl is null ? DefaultAuthority : new Uri(app.AuthorityUrl),
                Secret(app.ClientSecret, secrets) ?? stored?.HybridModernAuth?.ClientSecret));
        }

        var account = input.Impersonation!;
        return ProfileAuthentication.ForImpersonation(new ImpersonationAccount(
            account.UserName!.Trim(),
            Secret(account.Password, secrets) ?? stored?.Impersonation?.Password));
    }

    private static EncryptedSecret? Secret(string? plaintext, SecretProtector secrets) =>
        plaintext is null ? null : secrets.Protect(plaintext);

    private static ServerConnection ToDomain(ServerProfileConnectionInput? input) => new(
        input?.ServerLocation is { } location ? new Uri(location) : null,
        input?.Port,
        input?.AuthenticationProtocol ?? AuthenticationProtocol.AutoDetect);

    private static ServerProfileConnection ToContract(this ServerConnection connection) => new()
    {
        ServerLocation = connection.ServerLocation?.OriginalString,
        Port = connection.Port,
        AuthenticationProtocol = connection.AuthenticationProtocol,
    };

    private static ServerProfileConnectionInput ToInput(this ServerConnection connection) => new()
    {
        ServerLocation = connection.ServerLocation?.OriginalString,
        Port = connection.Port,
        AuthenticationProtocol = connection.AuthenticationProtocol,
    };
}
