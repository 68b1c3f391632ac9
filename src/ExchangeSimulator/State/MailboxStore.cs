using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// One simulated mailbox: its folders, items and change sequence. A per-mailbox lock serialises changes; requests
/// for different mailboxes never contend, which is what matters under a many-mailbox benchmark.
/// Folder management, item moves and updates, and the event journal live in the other parts of this class.
/// </summary>
internal sealed partial class MailboxStore
{
    private const long FirstItemObjectNumber = 1000;

    private readonly Lock _gate = new();
    private readonly FolderTree _folders;
    private readonly Dictionary<long, SimulatedItem> _liveItems = [];
    private readonly TimeProvider _time;
    private long _nextObjectNumber = FirstItemObjectNumber;
    private long _sequence;

    public MailboxStore(ScenarioMailbox definition, TimeProvider time, ScenarioChangeTracking? changeTracking = null)
    {
        changeTracking ??= new ScenarioChangeTracking();
        _time = time;
        SmtpAddress = definition.SmtpAddress.Trim();
        DisplayName = string.IsNullOrWhiteSpace(definition.DisplayName) ? SmtpAddress.Split('@')[0] : definition.DisplayName;
        UserPrincipalName = string.IsNullOrWhiteSpace(definition.UserPrincipalName) ? SmtpAddress : definition.UserPrincipalName;
        MailboxGuid = StableGuid(SmtpAddress);
        Sid = string.IsNullOrWhiteSpace(definition.Sid) ? StableSid(MailboxGuid) : definition.Sid;
        VersionOverride = definition.Version;
        _folders = new FolderTree(MailboxGuid, changeTracking.SyncTombstonesPerFolder);
        _events = new EventJournal(changeTracking.EventJournalCapacity);

        if (definition.OwnerOrganizationId is { } owner)
        {
            _folders[SimulatedFolder.MsgFolderRoot].SetExtendedProperty(ExtendedPropertyKey.ExSyncOwnershipMarker, [owner]);
        }

        foreach (var (folderId, count) in definition.ItemCounts)
        {
            if (SimulatedFolderNames.TryParseDistinguishedId(folderId, out var folder))
            {
                Seed(_folders[folder], count);
            }
        }

        foreach (var folder in definition.Folders ?? [])
        {
            SeedFolder(_folders[ScenarioFolderParent(folder)], folder);
        }
    }

    public string SmtpAddress { get; }

    public string DisplayName { get; }

    public string UserPrincipalName { get; }

    public string Sid { get; }

    public Guid MailboxGuid { get; }

    public SimulatedExchangeVersion? VersionOverride { get; }

    public long CurrentSequence
    {
        get
        {
            lock (_gate)
            {
                return _sequence;
            }
        }
    }

    /// <summary>The FolderId of a folder: derived from the object number, so it never changes and needs no lock.</summary>
    public string FolderId(FolderKey folder) => EwsIdCodec.Encode(EwsIdKind.Folder, MailboxGuid, folder.ObjectNumber);

    public string[]? GetFolderProperty(FolderKey folder, ExtendedPropertyKey key)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) && store.ExtendedProperties.TryGetValue(key, out var values) ? values : null;
        }
    }

    public void SetFolderProperty(FolderKey folder, ExtendedPropertyKey key, string[] values)
    {
        lock (_gate)
        {
            if (_folders.TryGet(folder, out var store))
            {
                store.SetExtendedProperty(key, values);
            }
        }
    }

    public void DeleteFolderProperty(FolderKey folder, ExtendedPropertyKey key)
    {
        lock (_gate)
        {
            if (_folders.TryGet(folder, out var store))
            {
                store.DeleteExtendedProperty(key);
            }
        }
    }

    /// <summary>Stores a new item in a folder (as delivered, saved or imported).</summary>
    /// <exception cref="InvalidOperationException">The folder does not exist (any more).</exception>
    public SimulatedItem CreateItem(FolderKey folder, NewItem newItem)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store)
                ? AddLocked(store, newItem)
                : throw new InvalidOperationException($"Mailbox {SmtpAddress} has no folder {FolderId(folder)}.");
        }
    }

    public bool TryGetItem(long objectNumber, out SimulatedItem item)
    {
        lock (_gate)
        {
            return _liveItems.TryGetValue(objectNumber, out item!);
        }
    }

    public int CountItems(FolderKey folder)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) ? store.TotalCount : 0;
        }
    }

    /// <summary>The mailbox's size as quotas see it: every live item's size, in bytes.</summary>
    public long TotalSize()
    {
        lock (_gate)
        {
            return _liveItems.Values.Sum(item => (long)item.Size);
        }
    }

    public List<SimulatedItem> ListItems(FolderKey folder)
    {
        lock (_gate)
        {
            return _folders.TryGet(folder, out var store) ? [.. store.LiveItems] : [];
        }
    }

    /// <summary>Changes an item's read flag (a ReadFlagChange for sync); false when the item does not exist.</summary>
    public bool SetReadFlag(long objectNumber, bool isRead) =>
        ApplyWithoutChangeKey(objectNumber, [ItemPropertyUpdate.SetRead(isRead)]);

    /// <summary>Changes an item's subject (an Update for sync); false when the item does not exist.</summary>
    public bool SetSubject(long objectNumber, string? subject) =>
        ApplyWithoutChangeKey(objectNumber, [ItemPropertyUpdate.SetSubject(subject)]);

    /// <summary>One FindItem page over the folder, newest first (IndexedPageItemView semantics).</summary>
    public FindItemsPage FindItems(FolderKey folder, int offset, int? maxEntries, bool fromEnd)
    {
        lock (_gate)
        {
            if (!_folders.TryGet(folder, out var store))
            {
                return new FindItemsPage([], 0, offset, IncludesLastItemInRange: true);
            }

            var total = store.TotalCount;
            var available = Math.Max(total - offset, 0);
            var count = Math.Min(available, maxEntries ?? int.MaxValue);
            var items = new SimulatedItem[count];

            // From the end, the page is the block just before the offset, still listed in view order.
            var start = fromEnd ? available - count : offset;
            for (var index = 0; index < count; index++)
            {
                items[index] = store.LiveItemNewestFirst(start + index);
            }

            return new FindItemsPage(items, total, offset + count, offset + count >= total);
        }
    }

    private SimulatedItem AddLocked(FolderStore folder, NewItem newItem)
    {
        var objectNumber = _nextObjectNumber++;
        var sequence = ++_sequence;
        var now = _time.GetUtcNow();
        var (elementName, defaultClass) = SimulatedFolderNames.ItemKind(folder.FolderClass);
        var item = new SimulatedItem
        {
            ObjectNumber = objectNumber,
            Id = EwsIdCodec.Encode(EwsIdKind.Item, MailboxGuid, objectNumber),
            Folder = folder.Key,
            ElementName = elementName,
            ItemClass = newItem.ItemClass ?? defaultClass,
            Subject = newItem.Subject,
            Body = newItem.Body,
            BodyType = newItem.BodyType,
            IsRead = newItem.IsRead,
            IsDraft = newItem.IsDraft,
            DateTimeCreated = now,
            DateTimeReceived = newItem.DateTimeReceived ?? now,
            From = newItem.From,
            ToRecipients = newItem.ToRecipients,
            CcRecipients = newItem.CcRecipients,
            BccRecipients = newItem.BccRecipients,
            ExtendedProperties = newItem.ExtendedProperties ?? new Dictionary<ExtendedPropertyKey, string[]>(),
            Content = newItem.Content,
            ChangeNumber = sequence,
            CreatedSequence = sequence,
            LastChangeSequence = sequence,
            LastContentChangeSequence = sequence,
        };
        InsertLocked(folder, item);
        RaiseItemEvent(NotificationEventKind.Created, item, folder);
        if (IsNewMail(item))
        {
            RaiseItemEvent(NotificationEventKind.NewMail, item, folder);
        }

        RaiseFolderModified(folder);
        return item;
    }

    /// <summary>
    /// Exchange raises NewMailEvent when transport delivers a message. The simulator has no transport pipeline of
    /// its own, so an unread, non-draft message arriving in a folder counts as delivered mail.
    /// </summary>
    private static bool IsNewMail(SimulatedItem item) =>
        item.ElementName == "Message" && !item.IsRead && !item.IsDraft;

    private void InsertLocked(FolderStore folder, SimulatedItem item)
    {
        folder.Add(item);
        _liveItems.Add(item.ObjectNumber, item);
    }

    private void ReplaceLocked(SimulatedItem previous, SimulatedItem current)
    {
        var folder = _folders[previous.Folder];
        folder.Replace(previous, current);
        _liveItems[current.ObjectNumber] = current;
        RaiseItemEvent(NotificationEventKind.Modified, current, folder);
        if (previous.IsRead != current.IsRead)
        {
            RaiseFolderModified(folder);
        }
    }

    /// <summary>Takes a live item out of its folder, leaving a tombstone for sync; the caller raises the events.</summary>
    private FolderStore DetachLocked(SimulatedItem item)
    {
        var sequence = ++_sequence;
        _liveItems.Remove(item.ObjectNumber);
        var folder = _folders[item.Folder];
        folder.Remove(item, item.ToTombstone(sequence));
        return folder;
    }

    private void Seed(FolderStore folder, int count)
    {
        // Seed items arrived over the previous hours, oldest first, with a mix of read and unread.
        var start = _time.GetUtcNow().AddMinutes(-count);
        for (var index = 0; index < count; index++)
        {
            AddLocked(folder, new NewItem
            {
                Subject = string.Create(CultureInfo.InvariantCulture, $"Seed item {index + 1}"),
                Body = "Seeded by the ExSync Exchange simulator.",
                IsRead = index % 3 != 0,
                DateTimeReceived = start.AddMinutes(index),
                From = new SimulatedRecipient("Seed Sender", "seed.sender@simulator.invalid"),
            });
        }
    }

    /// <summary>A GUID derived from the address, so ids stay the same across simulator restarts.</summary>
    private static Guid StableGuid(string smtpAddress)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(smtpAddress.ToLowerInvariant()), hash);
        return new Guid(hash[..16]);
    }

    private static string StableSid(Guid mailboxGuid)
    {
        Span<byte> bytes = stackalloc byte[16];
        mailboxGuid.TryWriteBytes(bytes);
        var rid = 1000 + (BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) % 900_000);
        return string.Create(CultureInfo.InvariantCulture,
            $"S-1-5-21-{BinaryPrimitives.ReadUInt32LittleEndian(bytes)}-{BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..])}-{BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..])}-{rid}");
    }
}
