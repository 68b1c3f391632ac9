namespace ExSync.ExchangeSimulator;

// Snapshots handed out by MailboxStore: taken under its lock, written to responses outside it.

/// <summary>How an item changed since a sync state, as SyncFolderItems reports it.</summary>
internal enum SyncChangeKind
{
    Create,
    Update,
    Delete,
    ReadFlagChange,
}

internal readonly record struct SyncChange(SyncChangeKind Kind, SimulatedItem Item);

internal sealed record SyncPage(IReadOnlyList<SyncChange> Changes, long NewSequence, bool IncludesLastItemInRange, int SyncEpoch);

internal sealed record FindItemsPage(IReadOnlyList<SimulatedItem> Items, int TotalItemsInView, int NextOffset, bool IncludesLastItemInRange);

internal sealed record FolderView(
    FolderKey Key, string Id, string ChangeKey, string? ParentId, string ElementName, string? FolderClass, string DisplayName,
    int TotalCount, int ChildFolderCount, int UnreadCount, IReadOnlyDictionary<ExtendedPropertyKey, string[]> ExtendedProperties)
{
    public bool HasUnreadCount => SimulatedFolderNames.HasUnreadCount(ElementName);
}

/// <summary>How DeleteItem and DeleteFolder dispose of what they delete (the EWS DisposalType).</summary>
public enum DeleteDisposal
{
    /// <summary>Gone for good; sync reports a Delete and notifications a DeletedEvent.</summary>
    HardDelete,

    /// <summary>Moved to the dumpster (Recoverable Items\Deletions, distinguished id recoverableitemsdeletions) under a new ItemId.</summary>
    SoftDelete,

    /// <summary>Moved to Deleted Items under a new ItemId (from Deleted Items itself: soft-deleted).</summary>
    MoveToDeletedItems,
}
