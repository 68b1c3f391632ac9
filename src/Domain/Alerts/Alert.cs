namespace ExSync.Domain.Alerts;

/// <summary>How serious an alert is; the organization settings decide which severities are recorded.</summary>
public enum AlertSeverity
{
    /// <summary>Something failed and needs attention.</summary>
    Error,

    /// <summary>Something may need attention (for example a transient failure that will be retried).</summary>
    Warning,

    /// <summary>For information (for example a mailbox was enabled).</summary>
    Information,
}

/// <summary>Why an alert was addressed to its recipient.</summary>
public enum AlertRecipientRole
{
    /// <summary>The owner of the mailbox (a user, or a queue).</summary>
    MailboxOwner,

    /// <summary>The owner of the server profile.</summary>
    ServerProfileOwner,
}

/// <summary>A message to the owner of a mailbox or of a server profile about something ExSync did or found.</summary>
public sealed class Alert
{
    private Alert()
    {
        // For EF Core materialization.
        Code = null!;
        Title = null!;
        Message = null!;
        RecipientId = null!;
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>When the alert was raised.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>How serious it is.</summary>
    public AlertSeverity Severity { get; private set; }

    /// <summary>Stable code of what happened (an error code, or MailboxEnabled, TestRetryScheduled, MajorFailures).</summary>
    public string Code { get; private set; }

    /// <summary>One-line summary.</summary>
    public string Title { get; private set; }

    /// <summary>What happened.</summary>
    public string Message { get; private set; }

    /// <summary>What to do about it, when something must be done.</summary>
    public string? Remediation { get; private set; }

    /// <summary>The user (or queue) the alert is addressed to.</summary>
    public string RecipientId { get; private set; }

    /// <summary>Why the recipient gets it.</summary>
    public AlertRecipientRole RecipientRole { get; private set; }

    /// <summary>The recipient's email address, when known.</summary>
    public string? RecipientEmailAddress { get; private set; }

    /// <summary>The mailbox the alert is about.</summary>
    public Guid? MailboxId { get; private set; }

    /// <summary>The server profile the alert is about.</summary>
    public Guid? ServerProfileId { get; private set; }

    /// <summary>The job that raised the alert.</summary>
    public Guid? JobId { get; private set; }

    /// <summary>Creates an alert.</summary>
    public static Alert Create(Guid id, DateTimeOffset now, AlertSeverity severity, AlertContent content, AlertRecipient recipient, AlertSubject subject) => new()
    {
        Id = id,
        CreatedAt = now,
        Severity = severity,
        Code = content.Code,
        Title = content.Title,
        Message = content.Message,
        Remediation = content.Remediation,
        RecipientId = recipient.Id,
        RecipientRole = recipient.Role,
        RecipientEmailAddress = recipient.EmailAddress,
        MailboxId = subject.MailboxId,
        ServerProfileId = subject.ServerProfileId,
        JobId = subject.JobId,
    };
}

/// <summary>What an alert says.</summary>
/// <param name="Code">Stable code.</param>
/// <param name="Title">One-line summary.</param>
/// <param name="Message">What happened.</param>
/// <param name="Remediation">What to do, when something must be done.</param>
public sealed record AlertContent(string Code, string Title, string Message, string? Remediation);

/// <summary>Who an alert is for.</summary>
/// <param name="Id">User or queue id.</param>
/// <param name="Role">Why they get it.</param>
/// <param name="EmailAddress">Their address, when known.</param>
public sealed record AlertRecipient(string Id, AlertRecipientRole Role, string? EmailAddress);

/// <summary>What an alert is about.</summary>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="ServerProfileId">The server profile.</param>
/// <param name="JobId">The job that raised it.</param>
public sealed record AlertSubject(Guid? MailboxId, Guid? ServerProfileId, Guid? JobId);
