namespace ExSync.Domain.Webhooks;

/// <summary>The kinds of event ExSync tells a CRM about through webhooks. Subscriptions choose among them; they are part of the contract.</summary>
public static class WebhookEventTypes
{
    /// <summary>Incoming synchronization tracked a new email activity. Data: the email's id and its mailbox.</summary>
    public const string EmailReceived = "email.received";

    /// <summary>Exchange accepted an outgoing email for delivery. Data: the email's id.</summary>
    public const string EmailSent = "email.sent";

    /// <summary>An outgoing email ended in Failed. Data: the email's id and the failure code.</summary>
    public const string EmailSendFailed = "email.send_failed";

    /// <summary>A mailbox's synchronization in one direction started failing. Data: the mailbox's id, the direction and the error code.</summary>
    public const string MailboxSyncFailed = "mailbox.sync_failed";

    /// <summary>A mailbox's failing synchronization succeeded again. Data: the mailbox's id and the direction.</summary>
    public const string MailboxSyncRecovered = "mailbox.sync_recovered";

    /// <summary>Exchange first rejected a server profile's credentials (401). Data: the profile's id and the error code.</summary>
    public const string ProfileCredentialsRejected = "profile.credentials_rejected";

    /// <summary>A job finished. Data: the job's id, kind and status.</summary>
    public const string JobCompleted = "job.completed";

    /// <summary>An alert was raised. Data: the alert's id, code and severity.</summary>
    public const string AlertCreated = "alert.created";

    /// <summary>A test event, sent to one subscription on request (ping); no subscription needs to list it.</summary>
    public const string Ping = "webhook.ping";

    /// <summary>The types a subscription may list.</summary>
    public static IReadOnlyList<string> Subscribable { get; } =
    [
        EmailReceived, EmailSent, EmailSendFailed, MailboxSyncFailed, MailboxSyncRecovered, ProfileCredentialsRejected, JobCompleted, AlertCreated,
    ];

    /// <summary>Whether a subscription may list <paramref name="type"/> (exact, case-sensitive).</summary>
    public static bool IsSubscribable(string? type) => type is not null && Subscribable.Contains(type, StringComparer.Ordinal);
}
