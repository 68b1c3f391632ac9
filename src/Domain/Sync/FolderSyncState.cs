namespace ExSync.Domain.Sync;

/// <summary>The Exchange folders incoming email is read from.</summary>
public enum SyncFolder
{
    /// <summary>The root Inbox.</summary>
    Inbox,

    /// <summary>Sent Items, when the organization tracks sent items.</summary>
    SentItems,
}

/// <summary>
/// Where a mailbox's synchronization of one folder stands in Exchange: the opaque SyncFolderItems state. It is saved only after the items
/// of the changes it covers are committed, so a crash replays changes (deduplicated) rather than losing them.
/// </summary>
public sealed class FolderSyncState
{
    private FolderSyncState()
    {
    }

    /// <summary>The mailbox.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>The folder.</summary>
    public SyncFolder Folder { get; private set; }

    /// <summary>Exchange's sync state; null before the first page and after Exchange refused the state (a resync).</summary>
    public string? SyncState { get; private set; }

    /// <summary>Resyncs in a row that Exchange forced by refusing the state; reset by a state that works.</summary>
    public int ConsecutiveResyncs { get; private set; }

    /// <summary>When the folder was last read from the beginning.</summary>
    public DateTimeOffset? LastFullSyncAt { get; private set; }

    /// <summary>When the state last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A folder not read yet.</summary>
    public static FolderSyncState Create(Guid mailboxId, SyncFolder folder, DateTimeOffset now) => new()
    {
        MailboxId = mailboxId,
        Folder = folder,
        UpdatedAt = now,
    };

    /// <summary>Records the state that follows the changes just committed.</summary>
    public void Advance(string syncState, DateTimeOffset now)
    {
        if (SyncState is null)
        {
            LastFullSyncAt = now;
        }

        SyncState = syncState;
        ConsecutiveResyncs = 0;
        UpdatedAt = now;
    }

    /// <summary>Exchange no longer accepts the state: read the folder again from the beginning (already processed items are recognised).</summary>
    public void Resync(DateTimeOffset now)
    {
        SyncState = null;
        ConsecutiveResyncs++;
        UpdatedAt = now;
    }
}
