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

internal sealed record SyncPage(IReadOnlyList<SyncChange> Changes, long NewSequence, bool IncludesLastItemInRange);

internal sealed record FindItemsPage(IReadOnlyList<SimulatedItem> Items, int TotalItemsInView, int NextOffset, bool IncludesLastItemInRange);

internal sealed record FolderView(
    SimulatedFolder Folder, string Id, string ChangeKey, int TotalCount, int UnreadCount,
    IReadOnlyDictionary<ExtendedPropertyKey, string[]> ExtendedProperties);

internal enum DeleteDisposal
{
    HardDelete,
    SoftDelete,
    MoveToDeletedItems,
}
