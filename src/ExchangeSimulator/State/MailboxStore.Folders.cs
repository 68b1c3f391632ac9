namespace ExSync.ExchangeSimulator;

/// <summary>Why a folder operation was refused.</summary>
internal enum FolderChangeError
{
    None,
    NotFound,
    ParentNotFound,
    NameExists,
    Distinguished,
}

/// <summary>The folder hierarchy: views, user-created folders, FindFolder and DeleteFolder.</summary>
internal sealed partial class MailboxStore
{
    public bool HasFolder(FolderKey folder)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out _);
        }
    }

    /// <summary>A snapshot of a folder; null when it does not exist (any more).</summary>
    public FolderView? GetFolderView(FolderKey folder)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) ? ViewLocked(store) : null;
        }
    }

    /// <summary>
    /// Creates a folder. Display names are unique among siblings (ErrorFolderExists). The new folder's id is final:
    /// folder ids never change.
    /// </summary>
    public (FolderView? Folder, FolderChangeError Error) CreateFolder(
        FolderKey parent, string displayName, string? folderClass, IReadOnlyDictionary<ExtendedPropertyKey, string[]>? extendedProperties = null)
    {
        lock (_gate)
        {
            if (!_folders.TryGet(parent, out var parentStore))
            {
                return (null, FolderChangeError.ParentNotFound);
            }

            if (FolderTree.HasChildNamed(parentStore, displayName))
            {
                return (null, FolderChangeError.NameExists);
            }

            var key = new FolderKey(_nextObjectNumber++);
            var folder = _folders.Create(parentStore, key, FolderId(key), displayName, folderClass);
            foreach (var (property, values) in extendedProperties ?? EmptyFolderProperties)
            {
                folder.SetExtendedProperty(property, values);
            }

            RaiseFolderEvent(NotificationEventKind.Created, folder);
            RaiseFolderModified(parentStore);
            return (ViewLocked(folder), FolderChangeError.None);
        }
    }

    /// <summary>The folders below a folder (Shallow: children; Deep: the subtree), siblings by display name; null when it is gone.</summary>
    public List<FolderView>? FindFolders(FolderKey parent, bool deep)
    {
        lock (_gate)
        {
            return _folders.TryGet(parent, out var store) ? [.. _folders.Below(store, deep).Select(ViewLocked)] : null;
        }
    }

    /// <summary>
    /// Deletes a user-created folder with everything in it. Folders cannot be soft-deleted, so SoftDelete removes them
    /// for good as HardDelete does; MoveToDeletedItems moves the folder (same id) under Deleted Items.
    /// </summary>
    public FolderChangeError DeleteFolder(FolderKey folder, DeleteDisposal disposal)
    {
        lock (_gate)
        {
            if (!_folders.TryGet(folder, out var store))
            {
                return FolderChangeError.NotFound;
            }

            if (store.Key.Distinguished is not null)
            {
                return FolderChangeError.Distinguished;
            }

            var parent = store.Parent!;
            var deletedItems = _folders[SimulatedFolder.DeletedItems];
            if (disposal == DeleteDisposal.MoveToDeletedItems && !_folders.IsInSubtreeOf(store.Parent!, deletedItems))
            {
                if (FolderTree.HasChildNamed(deletedItems, store.DisplayName))
                {
                    return FolderChangeError.NameExists;
                }

                store.MoveTo(deletedItems);
                RaiseFolderMoved(store, parent);
                RaiseFolderModified(parent);
                RaiseFolderModified(deletedItems);
                return FolderChangeError.None;
            }

            foreach (var removed in _folders.Remove(store))
            {
                foreach (var item in removed.LiveItems)
                {
                    _liveItems.Remove(item.ObjectNumber);
                }
            }

            RaiseFolderEvent(NotificationEventKind.Deleted, store);
            RaiseFolderModified(parent);
            return FolderChangeError.None;
        }
    }

    /// <summary>Every folder of the mailbox, depth-first from the root.</summary>
    public List<FolderView> ListFolders()
    {
        lock (_gate)
        {
            var root = _folders[SimulatedFolder.Root];
            return [ViewLocked(root), .. _folders.Below(root, deep: true).Select(ViewLocked)];
        }
    }

    private FolderView ViewLocked(FolderStore folder) => new(
        folder.Key, folder.Id, EwsIdCodec.ChangeKey(folder.ChangeNumber), folder.Parent?.Id, folder.ElementName, folder.FolderClass,
        folder.DisplayName, folder.TotalCount, folder.Children.Count, folder.UnreadCount,
        folder.ExtendedProperties.Count == 0 ? EmptyFolderProperties : new Dictionary<ExtendedPropertyKey, string[]>(folder.ExtendedProperties));

    /// <summary>A scenario folder and its subfolders, with their seed items (at construction, before anyone watches).</summary>
    private void SeedFolder(FolderStore parent, ScenarioFolder definition)
    {
        if (FolderTree.HasChildNamed(parent, definition.DisplayName))
        {
            throw new InvalidDataException($"Mailbox {SmtpAddress}: '{parent.DisplayName}' already has a folder named '{definition.DisplayName}'.");
        }

        var key = new FolderKey(_nextObjectNumber++);
        var folder = _folders.Create(parent, key, FolderId(key), definition.DisplayName, definition.FolderClass ?? "IPF.Note");
        Seed(folder, definition.ItemCount);
        foreach (var child in definition.Folders ?? [])
        {
            SeedFolder(folder, child);
        }
    }

    private static SimulatedFolder ScenarioFolderParent(ScenarioFolder folder) =>
        SimulatedFolderNames.TryParseDistinguishedId(folder.Parent ?? "msgfolderroot", out var parent) ? parent : SimulatedFolder.MsgFolderRoot;

    private static readonly IReadOnlyDictionary<ExtendedPropertyKey, string[]> EmptyFolderProperties = new Dictionary<ExtendedPropertyKey, string[]>();
}
