namespace ExSync.Domain.Sync;

/// <summary>Where synchronization stands with one Exchange item of a mailbox.</summary>
public enum ItemLinkState
{
    /// <summary>Tracked: linked to an email activity.</summary>
    Tracked,

    /// <summary>Looked at and not tracked (filtered out, duplicate of nothing to add, before the processing date...).</summary>
    NotTracked,

    /// <summary>Failed; retried in later cycles.</summary>
    Failed,

    /// <summary>Given up after too many failures: marked Undeliverable in Exchange.</summary>
    Undeliverable,

    /// <summary>The user removed the tracking category; the activity stays, and the item is no longer followed.</summary>
    Untracked,
}

/// <summary>
/// The link between one item of a mailbox in Exchange and what ExSync made of it. It makes processing idempotent: a change replayed after a
/// crash or a resync finds its link and creates nothing new; it counts failed attempts; and it remembers the ChangeKey ExSync itself
/// wrote, so the Update that ExSync's own stamping causes is recognised and not read again.
/// </summary>
public sealed class ExchangeItemLink
{
    private ExchangeItemLink()
    {
        ItemId = null!;
    }

    /// <summary>Increasing in the order links were created.</summary>
    public long Id { get; private set; }

    /// <summary>The mailbox.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>The item's current EWS id (ids change when items move).</summary>
    public string ItemId { get; private set; }

    /// <summary>The folder it was read from.</summary>
    public SyncFolder Folder { get; private set; }

    /// <summary>Where it stands.</summary>
    public ItemLinkState State { get; private set; }

    /// <summary>The email activity it is linked to.</summary>
    public Guid? EmailId { get; private set; }

    /// <summary>The ChangeKey of the item after ExSync's own last write to it, to recognise the echo of that write.</summary>
    public string? WrittenChangeKey { get; private set; }

    /// <summary>The tracking category and stamp are still to be written to the item (the write failed or has not been done).</summary>
    public bool StampPending { get; private set; }

    /// <summary>Failed attempts so far.</summary>
    public int Attempts { get; private set; }

    /// <summary>The reason code of the last outcome.</summary>
    public string? LastReason { get; private set; }

    /// <summary>When ExSync first saw the item.</summary>
    public DateTimeOffset FirstSeenAt { get; private set; }

    /// <summary>When the link last changed.</summary>
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary>A link for an item seen for the first time.</summary>
    public static ExchangeItemLink Create(Guid mailboxId, string itemId, SyncFolder folder, DateTimeOffset now) => new()
    {
        MailboxId = mailboxId,
        ItemId = itemId,
        Folder = folder,
        State = ItemLinkState.NotTracked,
        FirstSeenAt = now,
        UpdatedAt = now,
    };

    /// <summary>Linked to an activity; the item still has to be stamped in Exchange.</summary>
    public void Track(Guid emailId, string reason, DateTimeOffset now)
    {
        State = ItemLinkState.Tracked;
        EmailId = emailId;
        StampPending = true;
        Attempts = 0;
        LastReason = reason;
        UpdatedAt = now;
    }

    /// <summary>Deliberately not tracked.</summary>
    public void Skip(string reason, DateTimeOffset now)
    {
        State = ItemLinkState.NotTracked;
        StampPending = false;
        LastReason = reason;
        UpdatedAt = now;
    }

    /// <summary>A failed attempt; returns whether the item is now given up (the caller marks it Undeliverable in Exchange).</summary>
    public bool Fail(string reason, int maximumAttempts, DateTimeOffset now)
    {
        Attempts++;
        LastReason = reason;
        UpdatedAt = now;
        State = Attempts >= maximumAttempts ? ItemLinkState.Undeliverable : ItemLinkState.Failed;
        StampPending = State == ItemLinkState.Undeliverable;
        return State == ItemLinkState.Undeliverable;
    }

    /// <summary>The user removed the category: the activity stays, the item is no longer followed.</summary>
    public void Untrack(DateTimeOffset now)
    {
        State = ItemLinkState.Untracked;
        StampPending = false;
        LastReason = ItemReasons.CategoryRemoved;
        UpdatedAt = now;
    }

    /// <summary>ExSync wrote to the item in Exchange; its echo in the next sync carries this ChangeKey.</summary>
    public void Stamped(string itemId, string? changeKey, DateTimeOffset now)
    {
        ItemId = itemId;
        WrittenChangeKey = changeKey;
        StampPending = false;
        UpdatedAt = now;
    }

    /// <summary>The item moved or was found under a new id.</summary>
    public void MovedTo(string itemId, DateTimeOffset now)
    {
        ItemId = itemId;
        UpdatedAt = now;
    }

    /// <summary>Whether an Update reported by Exchange is only the echo of ExSync's own write.</summary>
    public bool IsEchoOf(string? changeKey) => changeKey is not null && changeKey == WrittenChangeKey;
}
