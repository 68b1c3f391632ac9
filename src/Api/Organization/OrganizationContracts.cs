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
