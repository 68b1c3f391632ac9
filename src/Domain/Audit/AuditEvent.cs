namespace ExSync.Domain.Audit;

/// <summary>One changed field of an audited change. Secrets are recorded only as changed, never with their value.</summary>
/// <param name="Field">The field, as a camelCase JSON path.</param>
/// <param name="From">The value before.</param>
/// <param name="To">The value after.</param>
public sealed record AuditChange(string Field, string? From, string? To)
{
    /// <summary>What a secret's value is recorded as.</summary>
    public const string SecretChanged = "(changed)";
}

/// <summary>The audited operations. Extensible: new values may be added.</summary>
public static class AuditOperations
{
    /// <summary>A server profile was created.</summary>
    public const string ServerProfileCreated = "ServerProfile.Created";
    /// <summary>A server profile was changed.</summary>
    public const string ServerProfileUpdated = "ServerProfile.Updated";
    /// <summary>A server profile was deleted.</summary>
    public const string ServerProfileDeleted = "ServerProfile.Deleted";
    /// <summary>A mailbox was created.</summary>
    public const string MailboxCreated = "Mailbox.Created";
    /// <summary>A mailbox was changed.</summary>
    public const string MailboxUpdated = "Mailbox.Updated";
    /// <summary>A mailbox was deleted.</summary>
    public const string MailboxDeleted = "Mailbox.Deleted";
    /// <summary>A mailbox's email address was approved.</summary>
    public const string EmailApproved = "Mailbox.EmailApproved";
    /// <summary>A mailbox's email address was rejected.</summary>
    public const string EmailRejected = "Mailbox.EmailRejected";
    /// <summary>The organization's default settings were applied to a mailbox.</summary>
    public const string DefaultSettingsApplied = "Mailbox.DefaultSettingsApplied";
    /// <summary>The organization email settings were changed.</summary>
    public const string OrganizationSettingsUpdated = "OrganizationEmailSettings.Updated";
    /// <summary>A job was started.</summary>
    public const string JobStarted = "Job.Started";
    /// <summary>Cancellation of a job was requested.</summary>
    public const string JobCanceled = "Job.Canceled";
    /// <summary>A webhook subscription was created.</summary>
    public const string WebhookSubscriptionCreated = "WebhookSubscription.Created";
    /// <summary>A webhook subscription was changed (its secret rotated included).</summary>
    public const string WebhookSubscriptionUpdated = "WebhookSubscription.Updated";
    /// <summary>A webhook subscription was deleted.</summary>
    public const string WebhookSubscriptionDeleted = "WebhookSubscription.Deleted";

    /// <summary>Every operation, for documentation.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        ServerProfileCreated, ServerProfileUpdated, ServerProfileDeleted, MailboxCreated, MailboxUpdated, MailboxDeleted,
        EmailApproved, EmailRejected, DefaultSettingsApplied, OrganizationSettingsUpdated, JobStarted, JobCanceled,
        WebhookSubscriptionCreated, WebhookSubscriptionUpdated, WebhookSubscriptionDeleted,
    ];
}

/// <summary>A successful change, recorded with who made it, when, to what, and which fields changed.</summary>
public sealed class AuditEvent
{
    private AuditEvent()
    {
        // For EF Core materialization.
        ActorId = null!;
        Operation = null!;
        TargetType = null!;
        TargetId = null!;
        Changes = null!;
    }

    /// <summary>Identifier, increasing with time.</summary>
    public Guid Id { get; private set; }

    /// <summary>When the change was made.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>Who made it (a user id, or <c>system</c>).</summary>
    public string ActorId { get; private set; }

    /// <summary>What was done (see <see cref="AuditOperations"/>).</summary>
    public string Operation { get; private set; }

    /// <summary>The kind of thing changed (ServerProfile, Mailbox, OrganizationEmailSettings, Job).</summary>
    public string TargetType { get; private set; }

    /// <summary>The id of the thing changed.</summary>
    public string TargetId { get; private set; }

    /// <summary>The fields that changed.</summary>
    public IReadOnlyList<AuditChange> Changes { get; private set; }

    /// <summary>Records a change.</summary>
    public static AuditEvent Create(Guid id, DateTimeOffset now, string actorId, string operation, string targetType, string targetId, IReadOnlyList<AuditChange> changes) => new()
    {
        Id = id,
        OccurredAt = now,
        ActorId = actorId,
        Operation = operation,
        TargetType = targetType,
        TargetId = targetId,
        Changes = changes,
    };
}
