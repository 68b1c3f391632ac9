namespace ExSync.ExchangeSimulator;

/// <summary>
/// The contents of one folder. Not thread-safe on its own: the owning <see cref="MailboxStore"/> serialises access.
/// </summary>
internal sealed class FolderStore
{
    /// <summary>
    /// Deleted items are remembered (as tombstones) so SyncFolderItems can report deletions; beyond this many the
    /// oldest are forgotten and sync states from before them become invalid, as expired sync states do on Exchange.
    /// </summary>
    internal const int MaxTombstones = 10_000;

    // Keyed by object number, which only grows, so appends are O(1) and the list is in arrival order.
    private readonly SortedList<long, SimulatedItem> _liveItems = [];

    // Every live item and tombstone, keyed by its last change sequence: the incremental-sync view.
    private readonly SortedList<long, SimulatedItem> _changes = [];
    private readonly Queue<long> _tombstoneSequences = new();
    private readonly Dictionary<ExtendedPropertyKey, string[]> _extendedProperties = [];

    public FolderStore(SimulatedFolder kind, string id)
    {
        Kind = kind;
        Id = id;
    }

    public SimulatedFolder Kind { get; }

    public string Id { get; }

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
        while (_tombstoneSequences.Count > MaxTombstones)
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
