namespace ExSync.ExchangeSimulator;

/// <summary>
/// One folder: its place in the hierarchy, its items and its change list. Not thread-safe on its own: the owning
/// <see cref="MailboxStore"/> serialises access.
/// </summary>
internal sealed class FolderStore
{
    /// <summary>
    /// Deleted items are remembered (as tombstones) so SyncFolderItems can report deletions; beyond this many the
    /// oldest are forgotten and sync states from before them become invalid, as expired sync states do on Exchange.
    /// </summary>
    internal const int DefaultMaxTombstones = 10_000;

    // Keyed by object number, which only grows, so appends are O(1) and the list is in arrival order.
    private readonly SortedList<long, SimulatedItem> _liveItems = [];

    // Every live item and tombstone, keyed by its last change sequence: the incremental-sync view.
    private readonly SortedList<long, SimulatedItem> _changes = [];
    private readonly Queue<long> _tombstoneSequences = new();
    private readonly Dictionary<ExtendedPropertyKey, string[]> _extendedProperties = [];
    private readonly List<FolderStore> _children = [];
    private readonly int _maxTombstones;

    public FolderStore(FolderKey key, string id, FolderStore? parent, string displayName, string? folderClass, int maxTombstones)
    {
        Key = key;
        Id = id;
        Parent = parent;
        DisplayName = displayName;
        FolderClass = folderClass;
        ElementName = SimulatedFolderNames.FolderElementName(folderClass);
        _maxTombstones = maxTombstones;
        parent?._children.Add(this);
    }

    public FolderKey Key { get; }

    public string Id { get; }

    public FolderStore? Parent { get; private set; }

    public string DisplayName { get; }

    public string? FolderClass { get; }

    /// <summary>Folder, CalendarFolder, ContactsFolder or TasksFolder.</summary>
    public string ElementName { get; }

    public IReadOnlyList<FolderStore> Children => _children;

    /// <summary>
    /// Bumped to invalidate every sync state of the folder at once (fault injection): states carry the epoch they
    /// were issued in.
    /// </summary>
    public int SyncEpoch { get; private set; }

    public long ChangeNumber { get; private set; } = 1;

    public int TotalCount => _liveItems.Count;

    public int UnreadCount { get; private set; }

    /// <summary>Sync states at or before this sequence refer to forgotten tombstones and are rejected.</summary>
    public long ForgottenThroughSequence { get; private set; }

    public IReadOnlyDictionary<ExtendedPropertyKey, string[]> ExtendedProperties => _extendedProperties;

    /// <summary>Items newest first, the order FindItem pages through.</summary>
    public SimulatedItem LiveItemNewestFirst(int index) => _liveItems.GetValueAtIndex(_liveItems.Count - 1 - index);

    public IEnumerable<SimulatedItem> LiveItems => _liveItems.Values;

    public bool TryGetLive(long objectNumber, out SimulatedItem item) => _liveItems.TryGetValue(objectNumber, out item!);

    public void Add(SimulatedItem item)
    {
        _liveItems.Add(item.ObjectNumber, item);
        _changes.Add(item.LastChangeSequence, item);
        if (!item.IsRead)
        {
            UnreadCount++;
        }
    }

    public void Replace(SimulatedItem previous, SimulatedItem current)
    {
        _changes.Remove(previous.LastChangeSequence);
        _changes.Add(current.LastChangeSequence, current);
        _liveItems[current.ObjectNumber] = current;
        UnreadCount += (previous.IsRead ? 0 : -1) + (current.IsRead ? 0 : 1);
    }

    public void Remove(SimulatedItem previous, SimulatedItem tombstone)
    {
        _liveItems.Remove(previous.ObjectNumber);
        _changes.Remove(previous.LastChangeSequence);
        if (!previous.IsRead)
        {
            UnreadCount--;
        }

        _changes.Add(tombstone.LastChangeSequence, tombstone);
        _tombstoneSequences.Enqueue(tombstone.LastChangeSequence);
        while (_tombstoneSequences.Count > _maxTombstones)
        {
            var forgotten = _tombstoneSequences.Dequeue();
            _changes.Remove(forgotten);
            ForgottenThroughSequence = Math.Max(ForgottenThroughSequence, forgotten);
        }
    }

    /// <summary>Live items and tombstones changed after <paramref name="sequence"/>, oldest change first.</summary>
    public IEnumerable<SimulatedItem> ChangesAfter(long sequence)
    {
        var keys = _changes.Keys;
        var low = 0;
        var high = keys.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (keys[middle] <= sequence)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        for (var index = low; index < keys.Count; index++)
        {
            yield return _changes.GetValueAtIndex(index);
        }
    }

    public void InvalidateSyncStates() => SyncEpoch++;

    /// <summary>Detaches a deleted folder from its parent (its items go with it).</summary>
    public void Detach() => Parent?._children.Remove(this);

    /// <summary>Moves the folder (with its id, items and subfolders) under another parent.</summary>
    public void MoveTo(FolderStore newParent)
    {
        Detach();
        Parent = newParent;
        newParent._children.Add(this);
        ChangeNumber++;
    }

    public void SetExtendedProperty(ExtendedPropertyKey key, string[] values)
    {
        _extendedProperties[key] = values;
        ChangeNumber++;
    }

    public bool DeleteExtendedProperty(ExtendedPropertyKey key)
    {
        var removed = _extendedProperties.Remove(key);
        ChangeNumber++;
        return removed;
    }
}
