using ExSync.Domain.Common;

namespace ExSync.Domain.ServerProfiles;

/// <summary>Everything an administrator sets on a server profile, validated by <see cref="ServerProfile"/>.</summary>
public sealed record ServerProfileSettings
{
    /// <summary>Longest name.</summary>
    public const int NameMaxLength = 100;

    /// <summary>Longest description.</summary>
    public const int DescriptionMaxLength = 2000;

    /// <summary>Longest trusted CA certificate bundle (PEM).</summary>
    public const int TrustedCaCertificatePemMaxLength = 65536;

    /// <summary>Display name, unique ignoring case.</summary>
    public required string Name { get; init; }

    /// <summary>Free-text description.</summary>
    public string? Description { get; init; }

    /// <summary>The kind of email server.</summary>
    public ServerType ServerType { get; init; } = ServerType.ExchangeServerOnPremises;

    /// <summary>Owner of the profile, who receives its alerts.</summary>
    public required ProfileOwner Owner { get; init; }

    /// <summary>How ExSync authenticates to Exchange.</summary>
    public required ProfileAuthentication Authentication { get; init; }

    /// <summary>Find the EWS URL of each mailbox with autodiscover instead of using a configured URL.</summary>
    public bool AutoDiscoverServerLocation { get; init; }

    /// <summary>Connection used to receive email and to synchronize appointments, contacts and tasks.</summary>
    public required ServerConnection Incoming { get; init; }

    /// <summary>Send with the incoming connection settings.</summary>
    public bool UseSameSettingsForOutgoing { get; init; } = true;

    /// <summary>Connection used to send email; ignored while <see cref="UseSameSettingsForOutgoing"/> is true.</summary>
    public ServerConnection? Outgoing { get; init; }

    /// <summary>Processing options.</summary>
    public AdvancedProcessingOptions Advanced { get; init; } = new();

    /// <summary>
    /// PEM certificates of a certificate authority to trust for the Exchange server's TLS certificate, in addition to the system's
    /// trusted roots (on-premises Exchange often has a certificate from an internal CA). Validation stays on.
    /// </summary>
    public string? TrustedCaCertificatePem { get; init; }

    /// <summary>Whether the profile is in use.</summary>
    public RecordState State { get; init; } = RecordState.Active;
}
