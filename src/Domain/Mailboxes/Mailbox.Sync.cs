namespace ExSync.Domain.Mailboxes;

public sealed partial class Mailbox
{
    /// <summary>
    /// Synchronization of a direction fails permanently (or transiently for too long): the direction's status shows Failure with the error.
    /// Unlike Test &amp; Enable, it stays enabled: ExSync keeps probing and the mailbox recovers on its own when Exchange works again,
    /// where Dynamics disables it and waits for an administrator.
    /// </summary>
    public void RecordSyncFailure(SyncDirection direction, string code, string message, DateTimeOffset now)
    {
        SetDirection(direction, SyncStatus.Failure, enabled: IsEnabledFor(direction));
        LastError = new MailboxError(code, message, now);
        Touch(now);
    }

    /// <summary>Synchronization of a direction works again after failing.</summary>
    public void RecordSyncRecovery(SyncDirection direction, DateTimeOffset now)
    {
        SetDirection(direction, SyncStatus.Success, enabled: IsEnabledFor(direction));
        LastError = null;
        Touch(now);
    }

    /// <summary>
    /// Moves "process email received after" forward to <paramref name="receivedAt"/> once everything received until then is processed, so a
    /// later resync does not read the same mail again. Never moves it back.
    /// </summary>
    public bool AdvanceProcessingDate(DateTimeOffset receivedAt, DateTimeOffset now)
    {
        if (ProcessEmailsReceivedAfter >= receivedAt)
        {
            return false;
        }

        ProcessEmailsReceivedAfter = receivedAt;
        Touch(now);
        return true;
    }
}
