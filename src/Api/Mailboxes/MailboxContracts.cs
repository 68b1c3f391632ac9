using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;

namespace ExSync.Api.Mailboxes;

/// <summary>The mailbox of a user or queue, with the delivery method and status of each direction.</summary>
public sealed class MailboxResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>SMTP address; it must match the mailbox in Exchange.</summary>
    public required string EmailAddress { get; init; }

    /// <summary>The user or queue the mailbox belongs to.</summary>
    public required MailboxOwnerInfo Owner { get; init; }

    /// <summary>The assigned server profile; absent when the mailbox uses the organization default.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>How incoming email is delivered.</summary>
    public required IncomingEmailDeliveryMethod IncomingDeliveryMethod { get; init; }

    /// <summary>How outgoing email is delivered.</summary>
    public required DeliveryMethod OutgoingDeliveryMethod { get; init; }

    /// <summary>How appointments, contacts and tasks are synchronized.</summary>
    public required DeliveryMethod ActDeliveryMethod { get; init; }

    /// <summary>Synchronize with Exchange from this organization only, even if Exchange records another organization as the mailbox's owner.</summary>
    public required bool SyncOnlyFromThisOrganization { get; init; }

    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>Whether the mailbox is in use.</summary>
    public required RecordState State { get; init; }

    /// <summary>Which incoming email the mailbox tracks (default ResponsesToCrmEmail).</summary>
    public required IncomingEmailFilteringMethod IncomingEmailFilteringMethod { get; init; }

    /// <summary>Delete each message in Exchange once it is processed (queues only).</summary>
    public required bool DeleteEmailsAfterProcessing { get; init; }

    /// <summary>Whether the email address is approved (read-only; changed by the approve and reject actions).</summary>
    public required EmailApprovalStatus ApprovalStatus { get; init; }

    /// <summary>Result of the last incoming email test (read-only).</summary>
    public required SyncStatus IncomingEmailStatus { get; init; }

    /// <summary>Result of the last outgoing email test (read-only).</summary>
    public required SyncStatus OutgoingEmailStatus { get; init; }

    /// <summary>Result of the last appointments, contacts and tasks test (read-only).</summary>
    public required SyncStatus ActStatus { get; init; }

    /// <summary>Incoming email is processed (read-only; set by Test &amp; Enable).</summary>
    public required bool EnabledForIncomingEmail { get; init; }

    /// <summary>Outgoing email is processed (read-only; set by Test &amp; Enable).</summary>
    public required bool EnabledForOutgoingEmail { get; init; }

    /// <summary>Appointments, contacts and tasks are synchronized (read-only; set by Test &amp; Enable).</summary>
    public required bool EnabledForAct { get; init; }

    /// <summary>A retry of Test &amp; Enable is scheduled at nextTestAt (read-only).</summary>
    public required bool TestScheduled { get; init; }

    /// <summary>How many times the test was retried after transient failures (read-only).</summary>
    public required int TestRetryCount { get; init; }

    /// <summary>When the scheduled retry runs (read-only).</summary>
    public DateTimeOffset? NextTestAt { get; init; }

    /// <summary>When the last test finished (read-only).</summary>
    public DateTimeOffset? LastTestCompletedAt { get; init; }

    /// <summary>The EWS URL found for this mailbox by the last test (read-only).</summary>
    public string? EwsUrl { get; init; }

    /// <summary>The last error met (read-only).</summary>
    public MailboxLastError? LastError { get; init; }

    /// <summary>When the mailbox was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the mailbox last changed (including status changes made by ExSync).</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation, for If-Match.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>The user or queue a mailbox belongs to.</summary>
public sealed class MailboxOwnerInfo
{
    /// <summary>User or queue.</summary>
    public required MailboxOwnerType Type { get; init; }

    /// <summary>Identifier of the user (as in the identity provider) or of the queue.</summary>
    public required string Id { get; init; }

    /// <summary>Display name.</summary>
    public string? Name { get; init; }
}

/// <summary>The last error met while testing or synchronizing a mailbox.</summary>
public sealed class MailboxLastError
{
    /// <summary>Stable error code.</summary>
    public required string Code { get; init; }

    /// <summary>Explanation, with what to do about it.</summary>
    public required string Message { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The writable fields of a mailbox: the body of POST (create) and of PATCH (a JSON Merge Patch). On create, name, emailAddress
/// and owner are required; the server profile and delivery methods default to the organization's. Changing the profile, a delivery
/// method or the address resets the statuses and disables the mailbox until it is tested again; changing the address also withdraws its approval.
/// </summary>
[InputFor(typeof(MailboxResource))]
public sealed record MailboxInput
{
    /// <summary>Display name (at most 200 characters). Required on create.</summary>
    [RequiredField]
    public string? Name { get; init; }

    /// <summary>SMTP address (unique ignoring case). Required on create.</summary>
    [RequiredField]
    public string? EmailAddress { get; init; }

    /// <summary>The user or queue the mailbox belongs to. Required on create.</summary>
    [RequiredField]
    public MailboxOwnerInput? Owner { get; init; }

    /// <summary>The server profile (it must be active); null uses the organization default.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>How incoming email is delivered; defaults to the organization's setting.</summary>
    public IncomingEmailDeliveryMethod? IncomingDeliveryMethod { get; init; }

    /// <summary>How outgoing email is delivered; defaults to the organization's setting.</summary>
    public DeliveryMethod? OutgoingDeliveryMethod { get; init; }

    /// <summary>How appointments, contacts and tasks are synchronized; defaults to the organization's setting.</summary>
    public DeliveryMethod? ActDeliveryMethod { get; init; }

    /// <summary>Synchronize from this organization only, taking the mailbox over from another one; defaults to false.</summary>
    public bool? SyncOnlyFromThisOrganization { get; init; }

    /// <summary>Only email received after this instant is processed.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>Whether the mailbox is in use; defaults to Active.</summary>
    public RecordState? State { get; init; }

    /// <summary>
    /// Which incoming email the mailbox tracks: AllEmailMessages, ResponsesToCrmEmail (the default), FromCrmRecords (senders that are contacts,
    /// accounts or leads of the directory), FromEmailEnabledRecords (any directory record or mailbox owner) or None. A message is tracked
    /// when any receiving mailbox accepts it, or when a user put the tracking category on it.
    /// </summary>
    public IncomingEmailFilteringMethod? IncomingEmailFilteringMethod { get; init; }

    /// <summary>Delete each message in Exchange once it is processed; queue mailboxes only (defaults to false).</summary>
    public bool? DeleteEmailsAfterProcessing { get; init; }
}

/// <summary>The user or queue a mailbox belongs to.</summary>
[InputFor(typeof(MailboxOwnerInfo))]
public sealed record MailboxOwnerInput
{
    /// <summary>User or queue.</summary>
    [RequiredField]
    public MailboxOwnerType? Type { get; init; }

    /// <summary>Identifier of the user (as in the identity provider) or of the queue (at most 200 characters).</summary>
    [RequiredField]
    public string? Id { get; init; }

    /// <summary>Display name (at most 200 characters).</summary>
    public string? Name { get; init; }
}

/// <summary>
/// How a mailbox's synchronization in one direction is doing, as a filter of the mailbox list: the states that GET …/sync-status reports
/// (same names, same meanings), plus NotSynchronized. New values may appear.
/// </summary>
public enum MailboxSyncState
{
    /// <summary>Enabled, not run yet.</summary>
    NotStarted = SyncWorkloadState.NotStarted,

    /// <summary>The last cycle succeeded.</summary>
    Active = SyncWorkloadState.Active,

    /// <summary>Transient errors: retried with exponential back-off.</summary>
    Retrying = SyncWorkloadState.Retrying,

    /// <summary>A permanent error, or transient ones for too long: still probed, recovers by itself.</summary>
    Failing = SyncWorkloadState.Failing,

    /// <summary>Synchronized before, but the direction is no longer enabled (disabled, inactive, not approved, profile inactive).</summary>
    Paused = SyncWorkloadState.Paused,

    /// <summary>Never synchronized in the direction: Test &amp; Enable has not enabled it (sync-status lists no entry for the direction).</summary>
    NotSynchronized = 100,
}
