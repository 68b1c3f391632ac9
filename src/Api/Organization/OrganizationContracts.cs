using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Organization;

namespace ExSync.Api.Organization;

/// <summary>The email settings of this ExSync deployment.</summary>
public sealed class OrganizationEmailSettingsResource
{
    /// <summary>
    /// Identifies this deployment in Exchange: ExSync writes it into the mailboxes it synchronizes, so that two deployments
    /// never synchronize the same mailbox unnoticed.
    /// </summary>
    public required Guid OrganizationId { get; init; }

    /// <summary>The server profile new mailboxes get; absent when there is none.</summary>
    public Guid? DefaultServerProfileId { get; init; }

    /// <summary>Incoming delivery method of new mailboxes.</summary>
    public required DefaultDeliveryMethod IncomingEmail { get; init; }

    /// <summary>Outgoing delivery method of new mailboxes.</summary>
    public required DefaultDeliveryMethod OutgoingEmail { get; init; }

    /// <summary>Delivery method of appointments, contacts and tasks of new mailboxes.</summary>
    public required DefaultDeliveryMethod AppointmentsContactsAndTasks { get; init; }

    /// <summary>Process email only for users whose email address is approved.</summary>
    public required bool ProcessEmailsOnlyForApprovedUsers { get; init; }

    /// <summary>Process email only for queues whose email address is approved.</summary>
    public required bool ProcessEmailsOnlyForApprovedQueues { get; init; }

    /// <summary>Which alert levels are recorded.</summary>
    public required AlertLevelSettings Alerts { get; init; }

    /// <summary>Track email in Sent Items as well as in the Inbox (default false).</summary>
    public required bool TrackSentItems { get; init; }

    /// <summary>Put a tracking token in the subject of email ExSync sends, and tie replies to it by the token (default true).</summary>
    public required bool UseTrackingToken { get; init; }

    /// <summary>The tracking token's prefix (default "CRM:"): tokens look like [CRM:0001234].</summary>
    public required string TrackingTokenPrefix { get; init; }

    /// <summary>How many digits the tracking token's number has (default 7).</summary>
    public required int TrackingTokenDigits { get; init; }

    /// <summary>The Exchange category that marks tracked items (default "Tracked to CRM"); a user who puts it on an item in Outlook tracks it.</summary>
    public required string TrackingCategoryName { get; init; }

    /// <summary>The category of items that failed to be tracked five times (read-only): the tracking category's name and " (Undeliverable)".</summary>
    public required string UndeliverableCategoryName { get; init; }

    /// <summary>Largest attachment whose content is kept, in KiB (default 5120, that is 5 MiB); 0 keeps none. Larger ones are recorded as skipped.</summary>
    public required int MaxAttachmentSizeKilobytes { get; init; }

    /// <summary>
    /// Email sent from one of the organization's mailboxes to another becomes two activities, the sender's and the recipient's (default
    /// false: one Message-ID, one activity, which the recipient's mailbox joins). Dynamics 365's "track email sent between users as two
    /// activities".
    /// </summary>
    public required bool TrackInternalEmailAsTwoActivities { get; init; }

    /// <summary>When the settings last changed.</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation, for If-Match.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>Which alert levels ExSync records.</summary>
public sealed class AlertLevelSettings
{
    /// <summary>Record error alerts.</summary>
    public required bool Errors { get; init; }

    /// <summary>Record warning alerts.</summary>
    public required bool Warnings { get; init; }

    /// <summary>Record information alerts.</summary>
    public required bool Information { get; init; }
}

/// <summary>The writable organization email settings, sent as a JSON Merge Patch: absent fields are kept.</summary>
[InputFor(typeof(OrganizationEmailSettingsResource))]
public sealed record OrganizationEmailSettingsInput
{
    /// <summary>The server profile new mailboxes get (it must be active); null for none.</summary>
    public Guid? DefaultServerProfileId { get; init; }

    /// <summary>Incoming delivery method of new mailboxes.</summary>
    public DefaultDeliveryMethod? IncomingEmail { get; init; }

    /// <summary>Outgoing delivery method of new mailboxes.</summary>
    public DefaultDeliveryMethod? OutgoingEmail { get; init; }

    /// <summary>Delivery method of appointments, contacts and tasks of new mailboxes.</summary>
    public DefaultDeliveryMethod? AppointmentsContactsAndTasks { get; init; }

    /// <summary>Process email only for users whose email address is approved (recommended).</summary>
    public bool? ProcessEmailsOnlyForApprovedUsers { get; init; }

    /// <summary>Process email only for queues whose email address is approved (recommended).</summary>
    public bool? ProcessEmailsOnlyForApprovedQueues { get; init; }

    /// <summary>Which alert levels are recorded.</summary>
    public AlertLevelSettingsInput? Alerts { get; init; }

    /// <summary>Track email in Sent Items as well as in the Inbox.</summary>
    public bool? TrackSentItems { get; init; }

    /// <summary>Put a tracking token in the subject of email ExSync sends, and tie replies to it by the token.</summary>
    public bool? UseTrackingToken { get; init; }

    /// <summary>The tracking token's prefix: 1 to 20 characters, no brackets, no control characters, no whitespace at either end.</summary>
    public string? TrackingTokenPrefix { get; init; }

    /// <summary>How many digits the tracking token's number has: 4 to 12.</summary>
    public int? TrackingTokenDigits { get; init; }

    /// <summary>The Exchange category that marks tracked items: 1 to 200 characters, no comma or semicolon, no whitespace at either end.</summary>
    public string? TrackingCategoryName { get; init; }

    /// <summary>Largest attachment whose content is kept, in KiB: 0 (none) to 131072 (128 MiB).</summary>
    public int? MaxAttachmentSizeKilobytes { get; init; }

    /// <summary>Email sent from one of the organization's mailboxes to another becomes two activities, the sender's and the recipient's.</summary>
    public bool? TrackInternalEmailAsTwoActivities { get; init; }
}

/// <summary>Which alert levels ExSync records.</summary>
[InputFor(typeof(AlertLevelSettings))]
public sealed record AlertLevelSettingsInput
{
    /// <summary>Record error alerts.</summary>
    public bool? Errors { get; init; }

    /// <summary>Record warning alerts.</summary>
    public bool? Warnings { get; init; }

    /// <summary>Record information alerts.</summary>
    public bool? Information { get; init; }
}
