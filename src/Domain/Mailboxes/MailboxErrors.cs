namespace ExSync.Domain.Mailboxes;

/// <summary>Stable error codes of mailbox rules.</summary>
public static class MailboxErrors
{
    /// <summary>A direction uses server-side synchronization but the mailbox has no server profile and there is no organization default.</summary>
    public const string ServerProfileRequired = "ServerProfileRequired";

    /// <summary>Deleting email in Exchange after processing is for queue mailboxes only, as in Dynamics 365.</summary>
    public const string DeleteEmailsAfterProcessingQueueOnly = "DeleteEmailsAfterProcessingQueueOnly";
}
