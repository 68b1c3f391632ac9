using System.Collections.Concurrent;

namespace ExSync.ExchangeSimulator;

/// <summary>A public, read-only view of a folder.</summary>
/// <param name="Id">The EWS FolderId (it never changes).</param>
/// <param name="ParentId">The parent's FolderId; null for the root.</param>
/// <param name="DisplayName">The folder's name.</param>
/// <param name="FolderClass">IPF.Note, IPF.Appointment, …; null for the top folders.</param>
/// <param name="Distinguished">The distinguished folder it is, if it is one.</param>
/// <param name="TotalCount">Items in the folder.</param>
/// <param name="UnreadCount">Unread items in the folder.</param>
/// <param name="ChildFolderCount">Direct subfolders.</param>
public sealed record SimulatedFolderInfo(
    string Id, string? ParentId, string DisplayName, string? FolderClass, SimulatedFolder? Distinguished, int TotalCount, int UnreadCount, int ChildFolderCount);

/// <summary>A public, read-only view of a notification subscription.</summary>
/// <param name="Id">The SubscriptionId.</param>
/// <param name="Mailbox">The watched mailbox.</param>
/// <param name="Kind">Pull or streaming.</param>
/// <param name="Owner">The account that created it.</param>
/// <param name="IsConnected">Whether a streaming connection holds it now.</param>
public sealed record SimulatedSubscriptionInfo(string Id, string Mailbox, SubscriptionKind Kind, string Owner, bool IsConnected);

/// <summary>
/// Folders, items, sync states and subscriptions, changed the way a user in Outlook (or a failing server) would
/// change them, so tests can set up and break what ExSync's synchronization must cope with.
/// </summary>
public sealed partial class SimulatorState
{
    private readonly ScenarioChangeTracking _changeTracking;
    private readonly ConcurrentDictionary<(Guid Mailbox, long Folder), int> _vanishAfterSync = new();

    internal NotificationHub Notifications { get; }

    /// <summary>
    /// Streaming connections one account may hold per target mailbox before ErrorExceededConnectionCount
    /// (Exchange's HangingConnectionLimit: 10 on 2016 and later, 3 on 2013, unless the scenario sets it).
    /// </summary>
    public int HangingConnectionLimit
    {
        get => Notifications.HangingConnectionLimit;
        set => Notifications.HangingConnectionLimit = value;
    }

    /// <summary>The FolderId of a distinguished folder.</summary>
    public string GetFolderId(string smtpAddress, SimulatedFolder folder) => Mailbox(smtpAddress).FolderId(folder);

    /// <summary>Every folder of the mailbox, depth-first from the root, siblings by name.</summary>
    public IReadOnlyList<SimulatedFolderInfo> GetFolders(string smtpAddress) =>
        [.. Mailbox(smtpAddress).ListFolders().Select(folder => new SimulatedFolderInfo(
            folder.Id, folder.ParentId, folder.DisplayName, folder.FolderClass, folder.Key.Distinguished,
            folder.TotalCount, folder.UnreadCount, folder.ChildFolderCount))];

    /// <summary>Creates a folder (as a user would in Outlook) and returns its FolderId.</summary>
    /// <exception cref="InvalidOperationException">The parent has a folder with that name already.</exception>
    public string CreateFolder(string smtpAddress, SimulatedFolder parent, string displayName, string folderClass = "IPF.Note") =>
        CreateFolder(Mailbox(smtpAddress), parent, displayName, folderClass);

    /// <summary>Creates a folder below any folder, named by its FolderId, and returns the new FolderId.</summary>
    /// <exception cref="InvalidOperationException">The parent has a folder with that name already.</exception>
    public string CreateFolder(string smtpAddress, string parentFolderId, string displayName, string folderClass = "IPF.Note")
    {
        var mailbox = Mailbox(smtpAddress);
        return CreateFolder(mailbox, FolderKeyOf(mailbox, parentFolderId), displayName, folderClass);
    }

    /// <summary>Deletes a user-created folder with everything in it; false when there is none (distinguished folders cannot be deleted).</summary>
    public bool DeleteFolder(string smtpAddress, string folderId)
    {
        var mailbox = Mailbox(smtpAddress);
        return mailbox.DeleteFolder(FolderKeyOf(mailbox, folderId), DeleteDisposal.HardDelete) == FolderChangeError.None;
    }

    /// <summary>The items in any folder, named by its FolderId, oldest first.</summary>
    public IReadOnlyList<SimulatedItemInfo> GetItems(string smtpAddress, string folderId)
    {
        var mailbox = Mailbox(smtpAddress);
        return ItemInfos(mailbox, FolderKeyOf(mailbox, folderId));
    }

    /// <summary>One item with its categories and extended properties, so tests can assert what a client stamped on it; null when it does not exist.</summary>
    public SimulatedItemInfo? GetItem(string smtpAddress, string itemId) =>
        TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) && mailbox.TryGetItem(number, out var item) ? ItemInfo(mailbox, item) : null;

    /// <summary>Creates an item in any folder, named by its FolderId, as if it had arrived, and returns its ItemId.</summary>
    public string AddItem(string smtpAddress, string folderId, string? subject, bool isRead = false)
    {
        var mailbox = Mailbox(smtpAddress);
        var folder = FolderKeyOf(mailbox, folderId);
        return mailbox.HasFolder(folder)
            ? mailbox.CreateItem(folder, new NewItem { Subject = subject, IsRead = isRead }).Id
            : throw new ArgumentException($"The mailbox has no folder {folderId}.", nameof(folderId));
    }

    /// <summary>Moves an item (a user's drag and drop): the item gets a new ItemId, which is returned; null when the item does not exist.</summary>
    public string? MoveItem(string smtpAddress, string itemId, SimulatedFolder destination) => Transfer(smtpAddress, itemId, destination, copy: false);

    /// <summary>Moves an item into any folder, named by its FolderId; returns the new ItemId, or null when the item does not exist.</summary>
    public string? MoveItem(string smtpAddress, string itemId, string destinationFolderId) =>
        Transfer(smtpAddress, itemId, FolderKeyOf(Mailbox(smtpAddress), destinationFolderId), copy: false);

    /// <summary>Copies an item; returns the copy's ItemId, or null when the item does not exist.</summary>
    public string? CopyItem(string smtpAddress, string itemId, SimulatedFolder destination) => Transfer(smtpAddress, itemId, destination, copy: true);

    /// <summary>Copies an item into any folder, named by its FolderId; returns the copy's ItemId, or null when the item does not exist.</summary>
    public string? CopyItem(string smtpAddress, string itemId, string destinationFolderId) =>
        Transfer(smtpAddress, itemId, FolderKeyOf(Mailbox(smtpAddress), destinationFolderId), copy: true);

    /// <summary>Deletes an item in the given mode; false when the item does not exist.</summary>
    public bool DeleteItem(string smtpAddress, string itemId, DeleteDisposal disposal) =>
        TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) && mailbox.DeleteItem(number, disposal);

    /// <summary>Replaces an item's categories (none clears them); false when the item does not exist.</summary>
    public bool SetItemCategories(string smtpAddress, string itemId, params string[] categories)
    {
        ArgumentNullException.ThrowIfNull(categories);
        return TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) &&
               mailbox.ApplyWithoutChangeKey(number, [ItemPropertyUpdate.SetCategories([.. categories])]);
    }

    /// <summary>Sets an extended property on an item; false when the item does not exist.</summary>
    public bool SetItemExtendedProperty(string smtpAddress, string itemId, ExtendedPropertyKey key, params string[] values)
    {
        RequireValues(key, values);
        return TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) &&
               mailbox.ApplyWithoutChangeKey(number, [ItemPropertyUpdate.SetExtendedProperty(key, [.. values])]);
    }

    /// <summary>Removes an extended property from an item; false when the item does not exist.</summary>
    public bool DeleteItemExtendedProperty(string smtpAddress, string itemId, ExtendedPropertyKey key) =>
        TryItemNumber(smtpAddress, itemId, out var mailbox, out var number) &&
        mailbox.ApplyWithoutChangeKey(number, [ItemPropertyUpdate.DeleteExtendedProperty(key)]);

    /// <summary>
    /// Fault injection: every sync state of the folder becomes invalid, so the next SyncFolderItems with one answers
    /// ErrorInvalidSyncStateData (a sync without a state works and issues valid states again).
    /// </summary>
    public void InvalidateSyncStates(string smtpAddress, SimulatedFolder folder) => Mailbox(smtpAddress).InvalidateSyncStates(folder);

    /// <summary>Fault injection: invalidates the sync states of any folder, named by its FolderId.</summary>
    public void InvalidateSyncStates(string smtpAddress, string folderId)
    {
        var mailbox = Mailbox(smtpAddress);
        mailbox.InvalidateSyncStates(FolderKeyOf(mailbox, folderId));
    }

    /// <summary>
    /// Fault injection: right after the next SyncFolderItems of the folder that reports created items answers, up to
    /// <paramref name="maxItems"/> of them are hard-deleted, so the client's GetItem for them finds nothing: an item
    /// that vanished between SyncFolderItems and GetItem. A SyncFolderItems that reports no creation leaves the fault
    /// armed, so a poll that happens to run first cannot use it up.
    /// </summary>
    public void DeleteCreatedItemsAfterNextSync(string smtpAddress, SimulatedFolder folder, int maxItems = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        var mailbox = Mailbox(smtpAddress);
        _vanishAfterSync[(mailbox.MailboxGuid, ((FolderKey)folder).ObjectNumber)] = maxItems;
    }

    /// <summary>The live subscriptions (of one mailbox, or all).</summary>
    public IReadOnlyList<SimulatedSubscriptionInfo> GetSubscriptions(string? smtpAddress = null) =>
        [.. SubscriptionsOf(smtpAddress).Select(subscription => new SimulatedSubscriptionInfo(
            subscription.Id, subscription.Mailbox.SmtpAddress, subscription.Kind, subscription.Owner, subscription.Connection is not null))];

    /// <summary>
    /// Fault injection: the subscriptions (of one mailbox, or all) are lost, as when the server restarts: GetEvents and
    /// Unsubscribe answer ErrorSubscriptionNotFound, and open streaming connections report it for them. Returns how many.
    /// </summary>
    public int ExpireSubscriptions(string? smtpAddress = null)
    {
        var expired = 0;
        foreach (var subscription in SubscriptionsOf(smtpAddress))
        {
            expired += Notifications.Remove(subscription) ? 1 : 0;
        }

        return expired;
    }

    /// <summary>Fault injection: one subscription is lost; false when there is none.</summary>
    public bool ExpireSubscription(string subscriptionId) =>
        Notifications.Subscriptions.FirstOrDefault(subscription => subscription.Id == subscriptionId) is { } found && Notifications.Remove(found);

    /// <summary>
    /// Fault injection: open streaming connections (those holding a subscription of the mailbox, or all) break without
    /// a closing envelope. Their subscriptions survive, as they do on Exchange, so a client can reconnect. Returns how many.
    /// </summary>
    public int DropStreamingConnections(string? smtpAddress = null)
    {
        var dropped = 0;
        foreach (var connection in Notifications.Connections)
        {
            if (smtpAddress is null || connection.SubscribedMailboxes.Contains(smtpAddress, StringComparer.OrdinalIgnoreCase) ||
                string.Equals(connection.Mailbox, smtpAddress, StringComparison.OrdinalIgnoreCase))
            {
                connection.Drop();
                dropped++;
            }
        }

        return dropped;
    }

    /// <summary>
    /// Fault injection: the subscriptions (of one mailbox, or all) report ErrorMissedNotificationEvents on their next
    /// GetEvents or streaming delivery, then go on. Returns how many.
    /// </summary>
    public int LoseNotificationEvents(string? smtpAddress = null)
    {
        var affected = 0;
        foreach (var subscription in SubscriptionsOf(smtpAddress))
        {
            subscription.InjectMissedEvents();
            subscription.Connection?.MarkReady(subscription);
            affected++;
        }

        return affected;
    }

    /// <summary>Runs the <see cref="DeleteCreatedItemsAfterNextSync"/> fault for a SyncFolderItems that just answered.</summary>
    internal void VanishAfterSync(MailboxStore mailbox, FolderKey folder, IReadOnlyList<SyncChange> changes)
    {
        var key = (mailbox.MailboxGuid, folder.ObjectNumber);
        if (_vanishAfterSync.IsEmpty || !_vanishAfterSync.TryGetValue(key, out var maxItems))
        {
            return;
        }

        var created = changes.Where(change => change.Kind == SyncChangeKind.Create).Take(maxItems).ToList();
        if (created.Count == 0 || !_vanishAfterSync.TryRemove(key, out _))
        {
            return;
        }

        foreach (var change in created)
        {
            mailbox.DeleteItem(change.Item.ObjectNumber, DeleteDisposal.HardDelete);
        }
    }

    private static string CreateFolder(MailboxStore mailbox, FolderKey parent, string displayName, string folderClass)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        var (folder, error) = mailbox.CreateFolder(parent, displayName, folderClass);
        return error switch
        {
            FolderChangeError.None => folder!.Id,
            FolderChangeError.NameExists => throw new InvalidOperationException($"The parent folder already has a folder named '{displayName}'."),
            _ => throw new ArgumentException("The parent folder does not exist.", nameof(parent)),
        };
    }

    private string? Transfer(string smtpAddress, string itemId, FolderKey destination, bool copy)
    {
        if (!TryItemNumber(smtpAddress, itemId, out var mailbox, out var number))
        {
            return null;
        }

        var (item, error) = copy ? mailbox.CopyItem(number, destination) : mailbox.MoveItem(number, destination);
        return error == ItemChangeError.FolderNotFound
            ? throw new ArgumentException("The destination folder does not exist.", nameof(destination))
            : item?.Id;
    }

    private IEnumerable<Subscription> SubscriptionsOf(string? smtpAddress) =>
        Notifications.Subscriptions.Where(subscription =>
            smtpAddress is null || string.Equals(subscription.Mailbox.SmtpAddress, smtpAddress, StringComparison.OrdinalIgnoreCase));

    private static IReadOnlyList<SimulatedItemInfo> ItemInfos(MailboxStore mailbox, FolderKey folder) =>
        [.. mailbox.ListItems(folder).Select(item => ItemInfo(mailbox, item))];

    private static SimulatedItemInfo ItemInfo(MailboxStore mailbox, SimulatedItem item) => new(
        item.Id, item.Folder.Distinguished, item.ItemClass, item.Subject, item.IsRead, item.DateTimeReceived, item.ChangeKey,
        mailbox.FolderId(item.Folder), item.Categories,
        item.ExtendedProperties.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value));

    private static FolderKey FolderKeyOf(MailboxStore mailbox, string folderId) =>
        EwsIdCodec.TryDecode(folderId, out var kind, out var guid, out var number) && kind == EwsIdKind.Folder && guid == mailbox.MailboxGuid
            ? new FolderKey(number)
            : throw new ArgumentException($"'{folderId}' is not a FolderId of {mailbox.SmtpAddress}.", nameof(folderId));

    private static void RequireValues(ExtendedPropertyKey key, string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0 || (!key.IsMultiValued && values.Length != 1))
        {
            throw new ArgumentException($"A {key.PropertyType} property takes {(key.IsMultiValued ? "one or more values" : "exactly one value")}.", nameof(values));
        }
    }
}
