using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// One simulated mailbox: its folders, items and change sequence. A per-mailbox lock serialises changes; requests
/// for different mailboxes never contend, which is what matters under a many-mailbox benchmark.
/// </summary>
internal sealed class MailboxStore
{
    private const long FirstItemObjectNumber = 1000;

    private readonly Lock _gate = new();
    private readonly FolderStore[] _folders;
    private readonly Dictionary<long, SimulatedItem> _liveItems = [];
    private readonly TimeProvider _time;
    private long _nextObjectNumber = FirstItemObjectNumber;
    private long _sequence;

    public MailboxStore(ScenarioMailbox definition, TimeProvider time)
    {
        _time = time;
        SmtpAddress = definition.SmtpAddress.Trim();
        DisplayName = string.IsNullOrWhiteSpace(definition.DisplayName) ? SmtpAddress.Split('@')[0] : definition.DisplayName;
        UserPrincipalName = string.IsNullOrWhiteSpace(definition.UserPrincipalName) ? SmtpAddress : definition.UserPrincipalName;
        MailboxGuid = StableGuid(SmtpAddress);
        Sid = string.IsNullOrWhiteSpace(definition.Sid) ? StableSid(MailboxGuid) : definition.Sid;
        VersionOverride = definition.Version;
        _folders = new FolderStore[SimulatedFolderNames.Count];
        for (var index = 0; index < _folders.Length; index++)
        {
            _folders[index] = new FolderStore((SimulatedFolder)index, EwsIdCodec.Encode(EwsIdKind.Folder, MailboxGuid, index + 1));
        }

        if (definition.OwnerOrganizationId is { } owner)
        {
            _folders[(int)SimulatedFolder.MsgFolderRoot].SetExtendedProperty(ExtendedPropertyKey.ExSyncOwnershipMarker, [owner]);
        }

        foreach (var (folderId, count) in definition.ItemCounts)
        {
            if (SimulatedFolderNames.TryParseDistinguishedId(folderId, out var folder))
            {
                Seed(folder, count);
            }
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

    public string FolderId(SimulatedFolder folder) => _folders[(int)folder].Id;

    /// <summary>Folder ids carry the folder's index + 1 as object number (items start at 1000).</summary>
    public static bool TryResolveFolderNumber(long objectNumber, out SimulatedFolder folder)
    {
        folder = (SimulatedFolder)Math.Clamp(objectNumber - 1, 0, SimulatedFolderNames.Count - 1);
        return objectNumber >= 1 && objectNumber <= SimulatedFolderNames.Count;
    }

    public FolderView GetFolderView(SimulatedFolder folder)
    {
        lock (_gate)
        {
            var store = _folders[(int)folder];
            return new FolderView(folder, store.Id, EwsIdCodec.ChangeKey(store.ChangeNumber), store.TotalCount, store.UnreadCount,
                store.ExtendedProperties.Count == 0 ? EmptyProperties : new Dictionary<ExtendedPropertyKey, string[]>(store.ExtendedProperties));
        }
    }

    public string[]? GetFolderProperty(SimulatedFolder folder, ExtendedPropertyKey key)
    {
        lock (_gate)
        {
            return _folders[(int)folder].ExtendedProperties.TryGetValue(key, out var values) ? values : null;
        }
    }

    public void SetFolderProperty(SimulatedFolder folder, ExtendedPropertyKey key, string[] values)
    {
        lock (_gate)
        {
            _folders[(int)folder].SetExtendedProperty(key, values);
        }
    }

    public void DeleteFolderProperty(SimulatedFolder folder, ExtendedPropertyKey key)
    {
        lock (_gate)
        {
            _folders[(int)folder].DeleteExtendedProperty(key);
        }
    }

    public SimulatedItem CreateItem(SimulatedFolder folder, NewItem newItem)
    {
        lock (_gate)
        {
            return AddLocked(folder, newItem);
        }
    }

    public bool TryGetItem(long objectNumber, out SimulatedItem item)
    {
        lock (_gate)
        {
            return _liveItems.TryGetValue(objectNumber, out item!);
        }
    }

    public int CountItems(SimulatedFolder folder)
    {
        lock (_gate)
        {
            return _folders[(int)folder].TotalCount;
        }
    }

    public List<SimulatedItem> ListItems(SimulatedFolder folder)
    {
        lock (_gate)
        {
            return [.. _folders[(int)folder].LiveItems];
        }
    }

    /// <summary>Deletes a live item; false when there is none (a second delete answers ErrorItemNotFound).</summary>
    public bool DeleteItem(long objectNumber, DeleteDisposal disposal)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return false;
            }

            RemoveLocked(item);
            if (disposal == DeleteDisposal.MoveToDeletedItems && item.Folder != SimulatedFolder.DeletedItems)
            {
                // Moving creates a new item (with a new id) in Deleted Items, as a move does in the store.
                AddLocked(SimulatedFolder.DeletedItems, new NewItem
                {
                    ItemClass = item.ItemClass,
                    Subject = item.Subject,
                    Body = item.Body,
                    BodyType = item.BodyType,
                    IsRead = item.IsRead,
                    IsDraft = item.IsDraft,
                    DateTimeReceived = item.DateTimeReceived,
                    From = item.From,
                    ToRecipients = item.ToRecipients,
                    CcRecipients = item.CcRecipients,
                    BccRecipients = item.BccRecipients,
                    ExtendedProperties = item.ExtendedProperties,
                    Content = item.Content,
                });
            }

            return true;
        }
    }

    /// <summary>Changes an item's read flag (a ReadFlagChange for sync); false when the item does not exist.</summary>
    public bool SetReadFlag(long objectNumber, bool isRead)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return false;
            }

            if (item.IsRead != isRead)
            {
                var sequence = ++_sequence;
                ReplaceLocked(item, item with { IsRead = isRead, LastChangeSequence = sequence, ChangeNumber = item.ChangeNumber + 1 });
            }

            return true;
        }
    }

    /// <summary>Changes an item's subject (an Update for sync); false when the item does not exist.</summary>
    public bool SetSubject(long objectNumber, string? subject)
    {
        lock (_gate)
        {
            if (!_liveItems.TryGetValue(objectNumber, out var item))
            {
                return false;
            }

            var sequence = ++_sequence;
            ReplaceLocked(item, item with
            {
                Subject = subject,
                LastChangeSequence = sequence,
                LastContentChangeSequence = sequence,
                ChangeNumber = item.ChangeNumber + 1,
            });
            return true;
        }
    }

    /// <summary>One FindItem page over the folder, newest first (IndexedPageItemView semantics).</summary>
    public FindItemsPage FindItems(SimulatedFolder folder, int offset, int? maxEntries, bool fromEnd)
    {
        lock (_gate)
        {
            var store = _folders[(int)folder];
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

    /// <summary>Whether a sync state taken at <paramref name="sequence"/> can still be continued.</summary>
    public bool CanContinueSync(SimulatedFolder folder, long sequence)
    {
        lock (_gate)
        {
            return sequence <= _sequence && sequence >= _folders[(int)folder].ForgottenThroughSequence;
        }
    }

    /// <summary>Net changes after a sync state, oldest first, at most <paramref name="maxChanges"/>.</summary>
    public SyncPage Sync(SimulatedFolder folder, long afterSequence, int maxChanges, IReadOnlySet<long>? ignoredObjectNumbers)
    {
        lock (_gate)
        {
            var changes = new List<SyncChange>(Math.Min(maxChanges, 64));
            var consumedThrough = afterSequence;
            var more = false;
            foreach (var item in _folders[(int)folder].ChangesAfter(afterSequence))
            {
                if (changes.Count == maxChanges)
                {
                    more = true;
                    break;
                }

                consumedThrough = item.LastChangeSequence;
                var kind = Classify(item, afterSequence);
                if (kind is { } reported && ignoredObjectNumbers?.Contains(item.ObjectNumber) != true)
                {
                    changes.Add(new SyncChange(reported, item));
                }
            }

            // With nothing left, the state can jump to "now": later changes all get higher sequences.
            return new SyncPage(changes, more ? consumedThrough : _sequence, !more);
        }
    }

    private static SyncChangeKind? Classify(SimulatedItem item, long afterSequence)
    {
        if (item.IsDeleted)
        {
            // Created and deleted since the client's state: it never saw the item, so there is nothing to report.
            return item.CreatedSequence > afterSequence ? null : SyncChangeKind.Delete;
        }

        if (item.CreatedSequence > afterSequence)
        {
            return SyncChangeKind.Create;
        }

        return item.LastContentChangeSequence > afterSequence ? SyncChangeKind.Update : SyncChangeKind.ReadFlagChange;
    }

    private SimulatedItem AddLocked(SimulatedFolder folder, NewItem newItem)
    {
        var objectNumber = _nextObjectNumber++;
        var sequence = ++_sequence;
        var now = _time.GetUtcNow();
        var (elementName, defaultClass) = SimulatedFolderNames.ItemKind(folder);
        var item = new SimulatedItem
        {
            ObjectNumber = objectNumber,
            Id = EwsIdCodec.Encode(EwsIdKind.Item, MailboxGuid, objectNumber),
            Folder = folder,
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
            ChangeNumber = 1,
            CreatedSequence = sequence,
            LastChangeSequence = sequence,
            LastContentChangeSequence = sequence,
        };
        _folders[(int)folder].Add(item);
        _liveItems.Add(objectNumber, item);
        return item;
    }

    private void ReplaceLocked(SimulatedItem previous, SimulatedItem current)
    {
        _folders[(int)previous.Folder].Replace(previous, current);
        _liveItems[current.ObjectNumber] = current;
    }

    private void RemoveLocked(SimulatedItem item)
    {
        var sequence = ++_sequence;
        _liveItems.Remove(item.ObjectNumber);
        _folders[(int)item.Folder].Remove(item, item with { IsDeleted = true, LastChangeSequence = sequence });
    }

    private void Seed(SimulatedFolder folder, int count)
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

    private static readonly IReadOnlyDictionary<ExtendedPropertyKey, string[]> EmptyProperties = new Dictionary<ExtendedPropertyKey, string[]>();
}
