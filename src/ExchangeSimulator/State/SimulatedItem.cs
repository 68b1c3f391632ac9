namespace ExSync.ExchangeSimulator;

/// <summary>A recipient (EWS EmailAddressType subset).</summary>
internal sealed record SimulatedRecipient(string? Name, string EmailAddress);

/// <summary>
/// One version of an item. Items are immutable: every change stores a new version, so a response can be written
/// from a snapshot outside the mailbox lock while other requests keep changing the mailbox.
/// </summary>
internal sealed record SimulatedItem
{
    public required long ObjectNumber { get; init; }

    public required string Id { get; init; }

    public required FolderKey Folder { get; init; }

    /// <summary>The t: element the item is returned as (Message, CalendarItem, Contact, Task).</summary>
    public required string ElementName { get; init; }

    public required string ItemClass { get; init; }

    public string? Subject { get; init; }

    public string? Body { get; init; }

    public string BodyType { get; init; } = "Text";

    public bool IsRead { get; init; }

    public bool IsDraft { get; init; }

    public DateTimeOffset DateTimeCreated { get; init; }

    public DateTimeOffset DateTimeReceived { get; init; }

    public SimulatedRecipient? From { get; init; }

    public IReadOnlyList<SimulatedRecipient> ToRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> CcRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> BccRecipients { get; init; } = [];

    public IReadOnlyDictionary<ExtendedPropertyKey, string[]> ExtendedProperties { get; init; } = EmptyProperties;

    /// <summary>item:Categories, in the order they were set.</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>
    /// The mailbox change sequence of the item's latest version; its ChangeKey encodes it, so every change (a read
    /// flag included, as on Exchange) gives a new ChangeKey, and a ChangeKey tells how old the client's copy is.
    /// </summary>
    public long ChangeNumber { get; init; }

    /// <summary>
    /// The change sequence at which each property UpdateItem has touched last changed (keyed by FieldURI or extended
    /// property), for AutoResolve: a stale ChangeKey is a conflict only when a property being updated changed since.
    /// </summary>
    public IReadOnlyDictionary<string, long> PropertyVersions { get; init; } = EmptyVersions;

    /// <summary>The mailbox change sequence at which the item appeared in its folder.</summary>
    public long CreatedSequence { get; init; }

    /// <summary>The mailbox change sequence of the latest change of any kind (including deletion).</summary>
    public long LastChangeSequence { get; init; }

    /// <summary>The latest change other than the read flag, so sync can report ReadFlagChange instead of Update.</summary>
    public long LastContentChangeSequence { get; init; }

    /// <summary>A tombstone left in the folder's change list so incremental sync can report the deletion.</summary>
    public bool IsDeleted { get; init; }

    /// <summary>The Internet message behind a message item (MIME, headers, bodies, attachments); null for items created without one.</summary>
    public MailContent? Content { get; init; }

    public int Size => Content is { } content ? (int)Math.Min(content.Size, int.MaxValue) : 512 + (Subject?.Length ?? 0) * 2 + (Body?.Length ?? 0) * 2;

    public string ChangeKey => EwsIdCodec.ChangeKey(ChangeNumber);

    private static readonly IReadOnlyDictionary<ExtendedPropertyKey, string[]> EmptyProperties =
        new Dictionary<ExtendedPropertyKey, string[]>();

    private static readonly IReadOnlyDictionary<string, long> EmptyVersions = new Dictionary<string, long>();

    /// <summary>What is left of a deleted item for incremental sync: its identity and when it went, not its content.</summary>
    public SimulatedItem ToTombstone(long sequence) => new()
    {
        ObjectNumber = ObjectNumber,
        Id = Id,
        Folder = Folder,
        ElementName = ElementName,
        ItemClass = ItemClass,
        CreatedSequence = CreatedSequence,
        ChangeNumber = sequence,
        LastChangeSequence = sequence,
        LastContentChangeSequence = sequence,
        IsDeleted = true,
    };
}

/// <summary>What a caller asks to store; the mailbox assigns ids, times and sequences.</summary>
internal sealed record NewItem
{
    public string? ItemClass { get; init; }

    public string? Subject { get; init; }

    public string? Body { get; init; }

    public string BodyType { get; init; } = "Text";

    public bool IsRead { get; init; }

    public bool IsDraft { get; init; }

    public DateTimeOffset? DateTimeReceived { get; init; }

    public SimulatedRecipient? From { get; init; }

    public IReadOnlyList<SimulatedRecipient> ToRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> CcRecipients { get; init; } = [];

    public IReadOnlyList<SimulatedRecipient> BccRecipients { get; init; } = [];

    public IReadOnlyDictionary<ExtendedPropertyKey, string[]>? ExtendedProperties { get; init; }

    public MailContent? Content { get; init; }
}

/// <summary>A public, read-only view of a simulated item.</summary>
/// <param name="Id">The EWS ItemId.</param>
/// <param name="Folder">The distinguished folder holding the item; null when it is in a user-created folder (see <paramref name="FolderId"/>).</param>
/// <param name="ItemClass">The message class (IPM.Note, IPM.Appointment, …).</param>
/// <param name="Subject">The subject.</param>
/// <param name="IsRead">The read flag.</param>
/// <param name="DateTimeReceived">When the item arrived in the mailbox.</param>
/// <param name="ChangeKey">The current ChangeKey.</param>
/// <param name="FolderId">The EWS FolderId of the folder holding the item.</param>
/// <param name="Categories">item:Categories.</param>
/// <param name="ExtendedProperties">Every extended property set on the item, with its values (one unless the type is an array).</param>
public sealed record SimulatedItemInfo(
    string Id, SimulatedFolder? Folder, string ItemClass, string? Subject, bool IsRead, DateTimeOffset DateTimeReceived,
    string ChangeKey, string FolderId, IReadOnlyList<string> Categories, IReadOnlyDictionary<ExtendedPropertyKey, IReadOnlyList<string>> ExtendedProperties);
