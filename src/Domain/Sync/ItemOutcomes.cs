namespace ExSync.Domain.Sync;

/// <summary>What became of an Exchange item that synchronization looked at.</summary>
public enum ItemOutcome
{
    /// <summary>An email activity was created for it, or it was added to an existing one as a further receiving mailbox.</summary>
    Tracked,

    /// <summary>Deliberately not tracked; the reason says why.</summary>
    NotTracked,

    /// <summary>Tracking it failed; it is retried in later cycles until it is given up as undeliverable.</summary>
    Failed,

    /// <summary>The user removed the tracking category; the activity stays.</summary>
    Untracked,
}

/// <summary>
/// The stable reason codes of item outcomes, listed with each item at <c>sync-events</c>. New codes may appear; none is ever removed.
/// </summary>
public static class ItemReasons
{
    /// <summary>A new activity was created.</summary>
    public const string Created = "Created";

    /// <summary>An activity with the same Internet Message-ID exists; this mailbox was added to its receiving mailboxes.</summary>
    public const string Duplicate = "Duplicate";

    /// <summary>The item carries this deployment's stamp for an activity already linked here: a copy or a moved item.</summary>
    public const string CopyOfTrackedItem = "CopyOfTrackedItem";

    /// <summary>No accepting mailbox's filtering method accepts the message.</summary>
    public const string FilteredOut = "FilteredOut";

    /// <summary>No recipient resolves to a mailbox that processes incoming email (Bcc or a distribution list) and this mailbox does not accept all email.</summary>
    public const string NoRecipientMatch = "NoRecipientMatch";

    /// <summary>Received before the mailbox's or profile's "process email received after" date.</summary>
    public const string ReceivedBeforeProcessingDate = "ReceivedBeforeProcessingDate";

    /// <summary>Not an email message (a meeting request, a report, a contact...).</summary>
    public const string NotAnEmail = "NotAnEmail";

    /// <summary>Larger than ExSync accepts for one email.</summary>
    public const string TooLarge = "TooLarge";

    /// <summary>Exchange could not give the item's content, or the content could not be read.</summary>
    public const string Malformed = "Malformed";

    /// <summary>The item was deleted or moved before ExSync could read it.</summary>
    public const string ItemVanished = "ItemVanished";

    /// <summary>Exchange refused an operation on the item; retried later.</summary>
    public const string ExchangeError = "ExchangeError";

    /// <summary>The item failed too many times; it got the Undeliverable category (and was moved when the profile says so).</summary>
    public const string Undeliverable = "Undeliverable";

    /// <summary>The user removed the tracking category.</summary>
    public const string CategoryRemoved = "CategoryRemoved";
}

/// <summary>
/// One outcome for one item, kept for a number of days so people can see why an email was or was not tracked (what Dynamics calls Item
/// Level Monitoring, which keeps three days and hides in a dashboard).
/// </summary>
public sealed class SyncItemEvent
{
    private SyncItemEvent()
    {
        ReasonCode = null!;
    }

    /// <summary>Increasing in the order events were recorded.</summary>
    public long Id { get; private set; }

    /// <summary>The mailbox the item is in.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>When the outcome was recorded.</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>The folder the item was read from.</summary>
    public SyncFolder Folder { get; private set; }

    /// <summary>The item's EWS id when it was read.</summary>
    public string? ItemId { get; private set; }

    /// <summary>The message's Internet Message-ID, when known.</summary>
    public string? InternetMessageId { get; private set; }

    /// <summary>The subject (shortened), to help people recognise the message.</summary>
    public string? Subject { get; private set; }

    /// <summary>The outcome.</summary>
    public ItemOutcome Outcome { get; private set; }

    /// <summary>A stable code: one of <see cref="ItemReasons"/> or, for tracked items, why they were tracked.</summary>
    public string ReasonCode { get; private set; }

    /// <summary>Details for people.</summary>
    public string? Detail { get; private set; }

    /// <summary>The email activity, when there is one.</summary>
    public Guid? EmailId { get; private set; }

    /// <summary>How many times the item has been tried.</summary>
    public int Attempt { get; private set; }

    /// <summary>Records one outcome.</summary>
    public static SyncItemEvent Create(Guid mailboxId, SyncFolder folder, ItemOutcome outcome, string reasonCode, DateTimeOffset now, ItemFacts facts, string? detail = null, Guid? emailId = null, int attempt = 1) => new()
    {
        MailboxId = mailboxId,
        Folder = folder,
        Outcome = outcome,
        ReasonCode = reasonCode,
        OccurredAt = now,
        ItemId = facts.ItemId,
        InternetMessageId = Shorten(facts.InternetMessageId, 998),
        Subject = Shorten(facts.Subject, 255),
        Detail = Shorten(detail, 2000),
        EmailId = emailId,
        Attempt = attempt,
    };

    private static string? Shorten(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}

/// <summary>What is known of an item when its outcome is recorded.</summary>
/// <param name="ItemId">The EWS item id.</param>
/// <param name="InternetMessageId">The Internet Message-ID.</param>
/// <param name="Subject">The subject.</param>
public sealed record ItemFacts(string? ItemId, string? InternetMessageId, string? Subject);
