namespace ExSync.ExchangeSimulator;

/// <summary>UpdateItem's ConflictResolution.</summary>
internal enum ConflictResolution
{
    NeverOverwrite,
    AutoResolve,
    AlwaysOverwrite,
}

/// <summary>Why an item change was refused.</summary>
internal enum ItemChangeError
{
    None,
    ItemNotFound,
    FolderNotFound,
    IrresolvableConflict,
    InvalidChangeKey,
}

/// <summary>
/// One property change of UpdateItem: the key its version is tracked under, and the change itself (null when the
/// item already has that value, so a no-op update leaves the item and its ChangeKey as they are).
/// </summary>
internal sealed record ItemPropertyUpdate(string VersionKey, bool IsReadFlag, Func<SimulatedItem, SimulatedItem?> Apply)
{
    public const string SubjectKey = "item:Subject";
    public const string IsReadKey = "message:IsRead";
    public const string CategoriesKey = "item:Categories";

    public static ItemPropertyUpdate SetRead(bool isRead) =>
        new(IsReadKey, IsReadFlag: true, item => item.IsRead == isRead ? null : item with { IsRead = isRead });

    public static ItemPropertyUpdate SetSubject(string? subject) =>
        new(SubjectKey, IsReadFlag: false, item => item.Subject == subject ? null : item with { Subject = subject });

    public static ItemPropertyUpdate SetCategories(IReadOnlyList<string> categories) =>
        new(CategoriesKey, IsReadFlag: false, item => item.Categories.SequenceEqual(categories, StringComparer.Ordinal) ? null : item with { Categories = categories });

    public static ItemPropertyUpdate SetExtendedProperty(ExtendedPropertyKey key, string[] values) =>
        new(ExtendedVersionKey(key), IsReadFlag: false, item =>
            item.ExtendedProperties.TryGetValue(key, out var existing) && existing.SequenceEqual(values, StringComparer.Ordinal)
                ? null
                : item with { ExtendedProperties = new Dictionary<ExtendedPropertyKey, string[]>(item.ExtendedProperties) { [key] = values } });

    public static ItemPropertyUpdate DeleteExtendedProperty(ExtendedPropertyKey key) =>
        new(ExtendedVersionKey(key), IsReadFlag: false, item =>
        {
            if (!item.ExtendedProperties.ContainsKey(key))
            {
                return null;
            }

            var remaining = new Dictionary<ExtendedPropertyKey, string[]>(item.ExtendedProperties);
            remaining.Remove(key);
            return item with { ExtendedProperties = remaining };
        });

    private static string ExtendedVersionKey(ExtendedPropertyKey key) => "extended:" + key;
}

/// <summary>Item lifecycle after creation: updates with ChangeKey conflicts, moves, copies and every kind of delete.</summary>
internal sealed partial class MailboxStore
{
    /// <summary>
    /// Applies property changes as UpdateItem does. <paramref name="clientChangeNumber"/> comes from the request's
    /// ChangeKey (null when it had none). A stale ChangeKey is a conflict for NeverOverwrite, and for AutoResolve
    /// when a property being updated changed after the client's version; AlwaysOverwrite applies regardless.
    /// </summary>
    public (SimulatedItem? Item, ItemChangeError Error) UpdateItem(
        long objectNumber, long? clientChangeNumber, ConflictResolution resolution, IReadOnlyList<ItemPropertyUpdate> updates)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return (null, ItemChangeError.ItemNotFound);
            }

            if (clientChangeNumber is { } known && known != item.ChangeNumber)
            {
                if (known > item.ChangeNumber || known < item.CreatedSequence)
                {
                    // Not a version of this item: a ChangeKey of another item, or made up.
                    return (null, ItemChangeError.InvalidChangeKey);
                }

                var conflict = resolution switch
                {
                    ConflictResolution.NeverOverwrite => true,
                    ConflictResolution.AutoResolve => updates.Any(update => VersionOf(item, update.VersionKey) > known),
                    _ => false,
                };
                if (conflict)
                {
                    return (null, ItemChangeError.IrresolvableConflict);
                }
            }

            var updated = item;
            var changedKeys = new List<string>();
            var onlyReadFlag = true;
            foreach (var update in updates)
            {
                if (update.Apply(updated) is { } next)
                {
                    updated = next;
                    changedKeys.Add(update.VersionKey);
                    onlyReadFlag &= update.IsReadFlag;
                }
            }

            if (changedKeys.Count == 0)
            {
                return (item, ItemChangeError.None);
            }

            var sequence = ++_sequence;
            var versions = new Dictionary<string, long>(item.PropertyVersions);
            foreach (var key in changedKeys)
            {
                versions[key] = sequence;
            }

            updated = updated with
            {
                ChangeNumber = sequence,
                LastChangeSequence = sequence,
                LastContentChangeSequence = onlyReadFlag ? item.LastContentChangeSequence : sequence,
                PropertyVersions = versions,
            };
            ReplaceLocked(item, updated);
            return (updated, ItemChangeError.None);
        }
    }

    /// <summary>Deletes a live item in the given mode; false when there is none (a second delete answers ErrorItemNotFound).</summary>
    public bool DeleteItem(long objectNumber, DeleteDisposal disposal)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return false;
            }

            DeleteLocked(item, disposal);
            return true;
        }
    }

    /// <summary>Moves an item; the moved item has a new ItemId and ChangeKey (a move is a copy plus a delete).</summary>
    public (SimulatedItem? Item, ItemChangeError Error) MoveItem(long objectNumber, FolderKey destination) =>
        Transfer(objectNumber, destination, keepSource: false);

    /// <summary>Copies an item into a folder under a new ItemId; the original stays.</summary>
    public (SimulatedItem? Item, ItemChangeError Error) CopyItem(long objectNumber, FolderKey destination) =>
        Transfer(objectNumber, destination, keepSource: true);

    /// <summary>Applies changes with no ChangeKey check (the host's own edits, which play the user in Outlook).</summary>
    public bool ApplyWithoutChangeKey(long objectNumber, IReadOnlyList<ItemPropertyUpdate> updates) =>
        UpdateItem(objectNumber, null, ConflictResolution.AlwaysOverwrite, updates).Error == ItemChangeError.None;

    private (SimulatedItem? Item, ItemChangeError Error) Transfer(long objectNumber, FolderKey destination, bool keepSource)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return (null, ItemChangeError.ItemNotFound);
            }

            if (!_folders.TryGet(destination, out var target))
            {
                return (null, ItemChangeError.FolderNotFound);
            }

            return (keepSource ? CopyLocked(item, target) : MoveLocked(item, target), ItemChangeError.None);
        }
    }

    private void DeleteLocked(SimulatedItem item, DeleteDisposal disposal)
    {
        var inDumpster = item.Folder == SimulatedFolder.RecoverableItemsDeletions || item.Folder == SimulatedFolder.RecoverableItemsRoot;
        switch (disposal)
        {
            case DeleteDisposal.MoveToDeletedItems when item.Folder != SimulatedFolder.DeletedItems && !inDumpster:
                MoveLocked(item, _folders[SimulatedFolder.DeletedItems]);
                break;

            // An item already in Deleted Items (the simulator's choice) goes one step further, to the dumpster.
            case DeleteDisposal.MoveToDeletedItems or DeleteDisposal.SoftDelete when !inDumpster:
                MoveLocked(item, _folders[SimulatedFolder.RecoverableItemsDeletions]);
                break;

            default:
                var source = DetachLocked(item);
                RaiseItemEvent(NotificationEventKind.Deleted, item, source);
                RaiseFolderModified(source);
                break;
        }
    }

    private SimulatedItem MoveLocked(SimulatedItem item, FolderStore target)
    {
        var source = DetachLocked(item);
        var moved = NewVersionIn(item, target);
        InsertLocked(target, moved);
        RaiseItemEvent(NotificationEventKind.Moved, moved, target, item, source);
        RaiseFolderModified(source);
        RaiseFolderModified(target);
        return moved;
    }

    private SimulatedItem CopyLocked(SimulatedItem item, FolderStore target)
    {
        var copy = NewVersionIn(item, target);
        InsertLocked(target, copy);
        RaiseItemEvent(NotificationEventKind.Copied, copy, target, item, _folders[item.Folder]);
        RaiseFolderModified(target);
        return copy;
    }

    /// <summary>The item with every property it has (including any added later to SimulatedItem) under a new id in another folder.</summary>
    private SimulatedItem NewVersionIn(SimulatedItem item, FolderStore target)
    {
        var objectNumber = _nextObjectNumber++;
        var sequence = ++_sequence;
        return item with
        {
            ObjectNumber = objectNumber,
            Id = EwsIdCodec.Encode(EwsIdKind.Item, MailboxGuid, objectNumber),
            Folder = target.Key,
            ChangeNumber = sequence,
            CreatedSequence = sequence,
            LastChangeSequence = sequence,
            LastContentChangeSequence = sequence,
            PropertyVersions = new Dictionary<string, long>(),
        };
    }

    private static long VersionOf(SimulatedItem item, string versionKey) =>
        item.PropertyVersions.TryGetValue(versionKey, out var version) ? version : item.CreatedSequence;
}
