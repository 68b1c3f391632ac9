using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Api.ServerProfiles;

/// <summary>An email server profile: how ExSync connects to one Exchange organization.</summary>
public sealed class ServerProfileResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>Display name (at most 100 characters), unique ignoring case.</summary>
    public required string Name { get; init; }

    /// <summary>Free-text description (at most 2000 characters).</summary>
    public string? Description { get; init; }

    /// <summary>The kind of email server. Extensible: new values may be added in later versions.</summary>
    public required ServerType ServerType { get; init; }

    /// <summary>The owner of the profile, who receives alerts about it.</summary>
    public required ServerProfileOwner Owner { get; init; }

    /// <summary>How ExSync authenticates to Exchange.</summary>
    public required ServerProfileAuthentication Authentication { get; init; }

    /// <summary>Whether each mailbox's EWS URL is found with autodiscover instead of the configured server location.</summary>
    public required bool AutoDiscoverServerLocation { get; init; }

    /// <summary>Connection used to receive email and to synchronize appointments, contacts and tasks.</summary>
    public required ServerProfileConnection Incoming { get; init; }

    /// <summary>Whether outgoing email uses the incoming connection settings.</summary>
    public required bool UseSameSettingsForOutgoing { get; init; }

    /// <summary>Connection used to send email; mirrors <c>incoming</c> while <c>useSameSettingsForOutgoing</c> is true.</summary>
    public required ServerProfileConnection Outgoing { get; init; }

    /// <summary>Processing options.</summary>
    public required ServerProfileAdvancedOptions Advanced { get; init; }

    /// <summary>PEM certificate(s) of a certificate authority trusted for the Exchange server's TLS certificate, besides the system's roots.</summary>
    public string? TrustedCaCertificatePem { get; init; }

    /// <summary>Whether the profile is in use; inactive profiles cannot be assigned to mailboxes.</summary>
    public required RecordState State { get; init; }

    /// <summary>Whether new mailboxes get this profile (it is the organization's default profile).</summary>
    public required bool IsDefaultForNewMailboxes { get; init; }

    /// <summary>When the profile was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the profile last changed.</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation; send it in If-Match to update or delete only if nobody changed the profile since.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>The owner of a server profile.</summary>
public sealed class ServerProfileOwner
{
    /// <summary>Identifier of the user in the identity provider (for example the token's subject claim).</summary>
    public required string Id { get; init; }

    /// <summary>Email address alerts are sent to.</summary>
    public required string EmailAddress { get; init; }
}

/// <summary>How a profile authenticates. Exactly the object matching <c>type</c> is present. Secrets are never returned.</summary>
public sealed class ServerProfileAuthentication
{
    /// <summary>The authentication method.</summary>
    public required ProfileAuthenticationType Type { get; init; }

    /// <summary>The impersonation service account, when <c>type</c> is Impersonation.</summary>
    public ServerProfileImpersonation? Impersonation { get; init; }

    /// <summary>The Entra ID application, when <c>type</c> is HybridModernAuth.</summary>
    public ServerProfileHybridModernAuth? HybridModernAuth { get; init; }
}

/// <summary>The service account that holds the ApplicationImpersonation role in Exchange.</summary>
public sealed class ServerProfileImpersonation
{
    /// <summary>User name in UPN form (user@domain).</summary>
    public required string UserName { get; init; }

    /// <summary>Whether a password is stored. The password itself is write-only.</summary>
    public required bool PasswordSet { get; init; }
}

/// <summary>The Entra ID application used with Exchange Hybrid Modern Auth.</summary>
public sealed class ServerProfileHybridModernAuth
{
    /// <summary>Entra ID tenant (directory) id.</summary>
    public required string TenantId { get; init; }

    /// <summary>Application (client) id.</summary>
    public required string ClientId { get; init; }

    /// <summary>Resource the token is requested for, usually the Exchange server's external URL.</summary>
    public required string ResourceUri { get; init; }

    /// <summary>OAuth 2.0 authority.</summary>
    public required string AuthorityUrl { get; init; }

    /// <summary>Whether a client secret is stored. The secret itself is write-only.</summary>
    public required bool ClientSecretSet { get; init; }
}

/// <summary>Where and how to reach Exchange in one direction.</summary>
public sealed class ServerProfileConnection
{
    /// <summary>The EWS URL, such as https://mail.contoso.com/EWS/Exchange.asmx; absent when autodiscover finds it.</summary>
    public string? ServerLocation { get; init; }

    /// <summary>Port that overrides the port of the server location, when set.</summary>
    public int? Port { get; init; }

    /// <summary>HTTP authentication protocol of the service account.</summary>
    public required AuthenticationProtocol AuthenticationProtocol { get; init; }
}

/// <summary>Processing options of a profile.</summary>
public sealed class ServerProfileAdvancedOptions
{
    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>How often mailboxes are polled, in minutes (0–1440).</summary>
    public required int MinPollingIntervalMinutes { get; init; }

    /// <summary>Most connections open to Exchange at once for this profile (1–300). Lower it if Exchange throttles.</summary>
    public required int MaxConcurrentConnections { get; init; }

    /// <summary>Move email that cannot be processed to an Undeliverable folder in Exchange.</summary>
    public required bool MoveFailedEmailsToUndeliverableFolder { get; init; }

    /// <summary>Alert the owner when more than half of the profile's mailboxes fail within one hour.</summary>
    public required bool SendAlertToOwnerOnMajorFailures { get; init; }

    /// <summary>How long one call to Exchange may take, in seconds (1–100), retries included.</summary>
    public required int ConnectionTimeoutSeconds { get; init; }
}

/// <summary>
/// The writable fields of a server profile: the body of POST (create) and of PATCH (a JSON Merge Patch, where every field
/// is optional and null removes a value). On create, name, owner and authentication are required, and the server location
/// unless autodiscover is on. Passwords and client secrets are write-only: send them to set or change them; leave them out
/// to keep the stored ones.
/// </summary>
[InputFor(typeof(ServerProfileResource))]
public sealed record ServerProfileInput
{
    /// <summary>Display name (at most 100 characters), unique ignoring case. Required on create.</summary>
    [RequiredField]
    public string? Name { get; init; }

    /// <summary>Free-text description (at most 2000 characters).</summary>
    public string? Description { get; init; }

    /// <summary>The kind of email server; defaults to ExchangeServerOnPremises.</summary>
    public ServerType? ServerType { get; init; }

    /// <summary>The owner of the profile, who receives alerts about it. Required on create.</summary>
    [RequiredField]
    public ServerProfileOwnerInput? Owner { get; init; }

    /// <summary>How ExSync authenticates to Exchange. Required on create.</summary>
    [RequiredField]
    public ServerProfileAuthenticationInput? Authentication { get; init; }

    /// <summary>Find each mailbox's EWS URL with autodiscover; defaults to false.</summary>
    public bool? AutoDiscoverServerLocation { get; init; }

    /// <summary>Connection for incoming email and for appointments, contacts and tasks.</summary>
    public ServerProfileConnectionInput? Incoming { get; init; }

    /// <summary>Send with the incoming settings; defaults to true.</summary>
    public bool? UseSameSettingsForOutgoing { get; init; }

    /// <summary>Connection for outgoing email; only allowed while useSameSettingsForOutgoing is false.</summary>
    public ServerProfileConnectionInput? Outgoing { get; init; }

    /// <summary>Processing options.</summary>
    public ServerProfileAdvancedOptionsInput? Advanced { get; init; }

    /// <summary>
    /// PEM certificate(s) of a certificate authority to trust for the Exchange server's TLS certificate, in addition to the system's
    /// trusted roots: on-premises Exchange often has a certificate from an internal CA. Certificate validation stays on.
    /// </summary>
    public string? TrustedCaCertificatePem { get; init; }

    /// <summary>Whether the profile is in use; defaults to Active.</summary>
    public RecordState? State { get; init; }

    /// <summary>True makes this profile the organization's default for new mailboxes; false stops it being the default.</summary>
    public bool? SetAsDefaultForNewMailboxes { get; init; }
}

/// <summary>The owner of a server profile.</summary>
[InputFor(typeof(ServerProfileOwner))]
public sealed record ServerProfileOwnerInput
{
    /// <summary>Identifier of the user in the identity provider (at most 200 characters).</summary>
    [RequiredField]
    public string? Id { get; init; }

    /// <summary>Email address alerts are sent to.</summary>
    [RequiredField]
    public string? EmailAddress { get; init; }
}

/// <summary>How a profile authenticates: set <c>type</c> and the matching object.</summary>
[InputFor(typeof(ServerProfileAuthentication))]
public sealed record ServerProfileAuthenticationInput
{
    /// <summary>The authentication method.</summary>
    [RequiredField]
    public ProfileAuthenticationType? Type { get; init; }

    /// <summary>The impersonation service account; only with type Impersonation.</summary>
    public ServerProfileImpersonationInput? Impersonation { get; init; }

    /// <summary>The Entra ID application; only with type HybridModernAuth.</summary>
    public ServerProfileHybridModernAuthInput? HybridModernAuth { get; init; }
}

/// <summary>The impersonation service account.</summary>
[InputFor(typeof(ServerProfileImpersonation))]
public sealed record ServerProfileImpersonationInput
{
    /// <summary>User name in UPN form (user@domain); DOMAIN\user is not accepted.</summary>
    [RequiredField]
    public string? UserName { get; init; }

    /// <summary>Password (write-only). Required when the profile has none yet.</summary>
    [RequiredField]
    public string? Password { get; init; }
}

/// <summary>The Entra ID application used with Exchange Hybrid Modern Auth.</summary>
[InputFor(typeof(ServerProfileHybridModernAuth))]
public sealed record ServerProfileHybridModernAuthInput
{
    /// <summary>Entra ID tenant id (a GUID) or primary domain name.</summary>
    [RequiredField]
    public string? TenantId { get; init; }

    /// <summary>Application (client) id, a GUID.</summary>
    [RequiredField]
    public string? ClientId { get; init; }

    /// <summary>Resource the token is requested for, usually the Exchange server's external URL.</summary>
    [RequiredField]
    public string? ResourceUri { get; init; }

    /// <summary>OAuth 2.0 authority; defaults to https://login.microsoftonline.com.</summary>
    public string? AuthorityUrl { get; init; }

    /// <summary>Client secret (write-only). Required when the profile has none yet.</summary>
    [RequiredField]
    public string? ClientSecret { get; init; }
}

/// <summary>Where and how to reach Exchange in one direction.</summary>
[InputFor(typeof(ServerProfileConnection))]
public sealed record ServerProfileConnectionInput
{
    /// <summary>Absolute https EWS URL; required unless autodiscover is on.</summary>
    public string? ServerLocation { get; init; }

    /// <summary>Port (1–65535) that overrides the port of the server location.</summary>
    public int? Port { get; init; }

    /// <summary>HTTP authentication protocol of the service account; defaults to AutoDetect.</summary>
    public AuthenticationProtocol? AuthenticationProtocol { get; init; }
}

/// <summary>Processing options; unset ones take their defaults.</summary>
[InputFor(typeof(ServerProfileAdvancedOptions))]
public sealed record ServerProfileAdvancedOptionsInput
{
    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>How often mailboxes are polled, in minutes (0–1440); defaults to 0.</summary>
    public int? MinPollingIntervalMinutes { get; init; }

    /// <summary>Most connections open to Exchange at once (1–300); defaults to 10.</summary>
    public int? MaxConcurrentConnections { get; init; }

    /// <summary>Move email that cannot be processed to an Undeliverable folder; defaults to false.</summary>
    public bool? MoveFailedEmailsToUndeliverableFolder { get; init; }

    /// <summary>Alert the owner when more than half of the mailboxes fail within one hour; defaults to false.</summary>
    public bool? SendAlertToOwnerOnMajorFailures { get; init; }

    /// <summary>How long one call to Exchange may take, in seconds (1–100); defaults to 100.</summary>
    public int? ConnectionTimeoutSeconds { get; init; }
}
