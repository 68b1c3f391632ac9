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

    public required SimulatedFolder Folder { get; init; }

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

    public long ChangeNumber { get; init; }

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
/// <param name="Folder">The folder holding the item.</param>
/// <param name="ItemClass">The message class (IPM.Note, IPM.Appointment, …).</param>
/// <param name="Subject">The subject.</param>
/// <param name="IsRead">The read flag.</param>
/// <param name="DateTimeReceived">When the item arrived in the mailbox.</param>
public sealed record SimulatedItemInfo(string Id, SimulatedFolder Folder, string ItemClass, string? Subject, bool IsRead, DateTimeOffset DateTimeReceived);
