using ExSync.Domain.Common;

namespace ExSync.Domain.Mailboxes;

/// <summary>Everything an administrator sets on a mailbox.</summary>
public sealed record MailboxSettings
{
    /// <summary>Longest name.</summary>
    public const int NameMaxLength = 200;

    /// <summary>Longest email address (RFC 5321 path limit).</summary>
    public const int EmailAddressMaxLength = 254;

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>SMTP address, which must match the mailbox in Exchange.</summary>
    public required string EmailAddress { get; init; }

    /// <summary>The user or queue the mailbox belongs to.</summary>
    public required MailboxOwner Owner { get; init; }

    /// <summary>The server profile; null uses the organization default.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>How incoming email is delivered.</summary>
    public IncomingEmailDeliveryMethod IncomingDeliveryMethod { get; init; }

    /// <summary>How outgoing email is delivered.</summary>
    public DeliveryMethod OutgoingDeliveryMethod { get; init; }

    /// <summary>How appointments, contacts and tasks are synchronized.</summary>
    public DeliveryMethod ActDeliveryMethod { get; init; }

    /// <summary>Take over the mailbox even if Exchange records another organization as its owner.</summary>
    public bool SyncOnlyFromThisOrganization { get; init; }

    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>Whether the mailbox is in use.</summary>
    public RecordState State { get; init; } = RecordState.Active;

    /// <summary>Which incoming email the mailbox tracks.</summary>
    public IncomingEmailFilteringMethod IncomingEmailFilteringMethod { get; init; } = IncomingEmailFilteringMethod.ResponsesToCrmEmail;

    /// <summary>Delete each message in Exchange once it is processed (queues only).</summary>
    public bool DeleteEmailsAfterProcessing { get; init; }

    /// <summary>Whether any direction uses server-side synchronization, and so needs a server profile.</summary>
    public bool UsesServerSideSynchronization =>
        IncomingDeliveryMethod == IncomingEmailDeliveryMethod.ServerSideSynchronization
        || OutgoingDeliveryMethod == DeliveryMethod.ServerSideSynchronization
        || ActDeliveryMethod == DeliveryMethod.ServerSideSynchronization;
}

/// <summary>
/// A mailbox as requested at creation: unset fields take the organization defaults
/// (see <see cref="Organization.OrganizationEmailSettings.ApplyDefaults"/>).
/// </summary>
public sealed record MailboxDraft
{
    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>SMTP address.</summary>
    public required string EmailAddress { get; init; }

    /// <summary>The user or queue the mailbox belongs to.</summary>
    public required MailboxOwner Owner { get; init; }

    /// <summary>The server profile, or null for the organization default.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>Incoming delivery method, or null for the organization default.</summary>
    public IncomingEmailDeliveryMethod? IncomingDeliveryMethod { get; init; }

    /// <summary>Outgoing delivery method, or null for the organization default.</summary>
    public DeliveryMethod? OutgoingDeliveryMethod { get; init; }

    /// <summary>Appointments, contacts and tasks delivery method, or null for the organization default.</summary>
    public DeliveryMethod? ActDeliveryMethod { get; init; }

    /// <summary>See <see cref="MailboxSettings.SyncOnlyFromThisOrganization"/>.</summary>
    public bool SyncOnlyFromThisOrganization { get; init; }

    /// <summary>See <see cref="MailboxSettings.ProcessEmailsReceivedAfter"/>.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>Whether the mailbox is in use.</summary>
    public RecordState State { get; init; } = RecordState.Active;

    /// <summary>See <see cref="MailboxSettings.IncomingEmailFilteringMethod"/>.</summary>
    public IncomingEmailFilteringMethod IncomingEmailFilteringMethod { get; init; } = IncomingEmailFilteringMethod.ResponsesToCrmEmail;

    /// <summary>See <see cref="MailboxSettings.DeleteEmailsAfterProcessing"/>.</summary>
    public bool DeleteEmailsAfterProcessing { get; init; }
}
