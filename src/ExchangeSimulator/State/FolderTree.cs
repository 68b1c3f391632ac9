namespace ExSync.ExchangeSimulator;

/// <summary>
/// A mailbox's folder hierarchy: the distinguished folders at their fixed object numbers, and folders users create
/// anywhere below them. Folder ids never change (only items get new ids when they move). Not thread-safe on its
/// own: the owning <see cref="MailboxStore"/> serialises access.
/// </summary>
internal sealed class FolderTree
{
    private readonly Dictionary<long, FolderStore> _byNumber = [];

    public FolderTree(Guid mailboxGuid, int maxTombstones)
    {
        MaxTombstones = maxTombstones;
        foreach (var folder in Enum.GetValues<SimulatedFolder>())
        {
            // Parents come before children in the enum, so each parent exists when its children are added.
            FolderKey key = folder;
            var parent = SimulatedFolderNames.Parent(folder) is { } parentFolder ? _byNumber[((FolderKey)parentFolder).ObjectNumber] : null;
            Add(new FolderStore(key, EwsIdCodec.Encode(EwsIdKind.Folder, mailboxGuid, key.ObjectNumber), parent,
                SimulatedFolderNames.DisplayName(folder), SimulatedFolderNames.FolderClass(folder), maxTombstones));
        }
    }

    public int MaxTombstones { get; }

    public FolderStore this[FolderKey key] => _byNumber[key.ObjectNumber];

    public bool TryGet(FolderKey key, out FolderStore folder) => _byNumber.TryGetValue(key.ObjectNumber, out folder!);

    public bool Contains(long objectNumber) => _byNumber.ContainsKey(objectNumber);

    /// <summary>Whether a sibling already has this display name (Exchange compares names case-insensitively).</summary>
    public static bool HasChildNamed(FolderStore parent, string displayName) =>
        parent.Children.Any(child => string.Equals(child.DisplayName, displayName, StringComparison.OrdinalIgnoreCase));

    public FolderStore Create(FolderStore parent, FolderKey key, string id, string displayName, string? folderClass)
    {
        var folder = new FolderStore(key, id, parent, displayName, folderClass, MaxTombstones);
        Add(folder);
        return folder;
    }

    /// <summary>Removes a folder and everything below it; returns the removed folders, deepest first.</summary>
    public List<FolderStore> Remove(FolderStore folder)
    {
        var removed = new List<FolderStore>();
        CollectPostOrder(folder, removed);
        foreach (var store in removed)
        {
            _byNumber.Remove(store.Key.ObjectNumber);
        }

        folder.Detach();
        return removed;
    }

    /// <summary>
    /// The folders below <paramref name="parent"/>: its children (Shallow) or its whole subtree depth-first (Deep),
    /// siblings ordered by display name, which is how Exchange lists a hierarchy.
    /// </summary>
    public List<FolderStore> Below(FolderStore parent, bool deep)
    {
        var result = new List<FolderStore>();
        AppendChildren(parent, deep, result);
        return result;
    }

    public bool IsInSubtreeOf(FolderStore folder, FolderStore ancestor)
    {
        for (var current = folder; current is not null; current = current.Parent)
        {
            if (ReferenceEquals(current, ancestor))
            {
                return true;
            }
        }

        return false;
    }

    private void Add(FolderStore folder) => _byNumber.Add(folder.Key.ObjectNumber, folder);

    private static void AppendChildren(FolderStore parent, bool deep, List<FolderStore> result)
    {
        foreach (var child in parent.Children.OrderBy(child => child.DisplayName, StringComparer.OrdinalIgnoreCase))
        {
            result.Add(child);
            if (deep)
            {
                AppendChildren(child, deep, result);
            }
        }
    }

    private static void CollectPostOrder(FolderStore folder, List<FolderStore> result)
    {
        foreach (var child in folder.Children)
        {
            CollectPostOrder(child, result);
        }

        result.Add(folder);
    }
}
