namespace ExSync.Domain.Emails;

/// <summary>
/// An email activity: one email as the CRM sees it, whichever and however many of the organization's mailboxes it passed through.
/// Incoming email is created by the synchronization engine with <see cref="CreateIncoming"/>; the CRM reads it and sets the fields
/// it owns (<see cref="SetRegarding"/>). There is one activity per <see cref="DeduplicationKey"/> (the normalized Message-ID) per
/// deployment, which the database enforces.
/// </summary>
public sealed partial class EmailActivity
{
    /// <summary>Longest stored subject; longer subjects are cut.</summary>
    public const int SubjectMaxLength = 2000;

    /// <summary>Longest stored party address; longer ones are cut (no valid address is that long).</summary>
    public const int PartyAddressMaxLength = 320;

    /// <summary>Longest stored party display name; longer ones are cut.</summary>
    public const int PartyNameMaxLength = 500;

    /// <summary>Longest conversation id (Exchange's are about 80 characters).</summary>
    public const int ConversationIdMaxLength = 512;

    /// <summary>Longest synthesized deduplication key.</summary>
    public const int SynthesizedKeyMaxLength = 200;

    /// <summary>Longest tracking token (the longest format is 34 characters).</summary>
    public const int TrackingTokenMaxLength = 64;

    /// <summary>Most References kept: the first and the last 99, as RFC 5322 §3.6.4 suggests trimming a long thread's.</summary>
    public const int MaxReferences = 100;

    /// <summary>Prefixes a synthesized deduplication key. It contains a space, which no normalized Message-ID does, so the two never collide.</summary>
    public const string SynthesizedKeyPrefix = "no-message-id ";

    /// <summary>Starts <see cref="ReceivedSideKey"/>; no longer than <see cref="SynthesizedKeyPrefix"/>, so every key fits its column.</summary>
    public const string ReceivedSideKeyPrefix = "received ";

    private readonly List<EmailMailboxLink> mailboxes = [];
    private readonly List<EmailAttachment> attachments = [];

    private EmailActivity()
    {
        // For EF Core materialization.
        Subject = null!;
        To = null!;
        Cc = null!;
        Bcc = null!;
        References = null!;
        DeduplicationKey = null!;
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>Incoming or outgoing.</summary>
    public EmailDirection Direction { get; private set; }

    /// <summary>Received for incoming email; outgoing email's statuses are for later.</summary>
    public EmailStatus Status { get; private set; }

    /// <summary>The mailbox the email was first synchronized from: for incoming email, the first mailbox found to have received it.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>Every mailbox the email belongs to. Loaded with the activity by the queries of <c>EmailQueries</c>.</summary>
    public IReadOnlyList<EmailMailboxLink> Mailboxes => mailboxes;

    /// <summary>The mailboxes that received the email: <see cref="MailboxId"/> first, then the others in the order ExSync found the email in them.</summary>
    public IReadOnlyList<Guid> ReceivingMailboxIds =>
        mailboxes.Where(m => m.Receiving).OrderBy(m => m.MailboxId != MailboxId).ThenBy(m => m.AddedAt).ThenBy(m => m.MailboxId).Select(m => m.MailboxId).ToList();

    /// <summary>The subject (possibly empty).</summary>
    public string Subject { get; private set; }

    /// <summary>The sender; null when the message named none.</summary>
    public EmailParty? From { get; private set; }

    /// <summary>The To recipients.</summary>
    public IReadOnlyList<EmailParty> To { get; private set; }

    /// <summary>The Cc recipients.</summary>
    public IReadOnlyList<EmailParty> Cc { get; private set; }

    /// <summary>The Bcc recipients (only those the receiving mailbox could see).</summary>
    public IReadOnlyList<EmailParty> Bcc { get; private set; }

    /// <summary>The body; stored apart and loaded only on request (null when not loaded).</summary>
    public EmailBody? Body { get; private set; }

    /// <summary>When the email was received (incoming email).</summary>
    public DateTimeOffset? ReceivedAt { get; private set; }

    /// <summary>When the email was sent, by the date its sender's client gave.</summary>
    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>
    /// The instant the <c>since</c> filter compares: <see cref="ReceivedAt"/> for incoming email, <see cref="SentAt"/> for outgoing
    /// email (the creation time until it is sent).
    /// </summary>
    public DateTimeOffset ActivityDate { get; private set; }

    /// <summary>The Message-ID header as the message gave it (trimmed); null when it had none that <see cref="MessageIds"/> accepts.</summary>
    public string? InternetMessageId { get; private set; }

    /// <summary>
    /// What makes this email unique in the deployment: its normalized Message-ID, or <see cref="SynthesizedKeyPrefix"/> and the key the
    /// engine made for a message without one.
    /// </summary>
    public string DeduplicationKey { get; private set; }

    /// <summary>The In-Reply-To header as the message gave it (trimmed).</summary>
    public string? InReplyTo { get; private set; }

    /// <summary>The Message-IDs of the References header, normalized, oldest first (at most <see cref="MaxReferences"/>).</summary>
    public IReadOnlyList<string> References { get; private set; }

    /// <summary>Exchange's conversation id.</summary>
    public string? ConversationId { get; private set; }

    /// <summary>How the email was tied to an earlier one of its thread.</summary>
    public CorrelationMethod CorrelationMethod { get; private set; }

    /// <summary>The earlier email it was tied to; null when <see cref="CorrelationMethod"/> is None.</summary>
    public Guid? CorrelatedEmailId { get; private set; }

    /// <summary>The CRM's type name of the record the email is about; null when it is about none.</summary>
    public string? RegardingRecordType { get; private set; }

    /// <summary>The CRM's id of the record the email is about; null when it is about none.</summary>
    public string? RegardingRecordId { get; private set; }

    /// <summary>The record the email is about, if any.</summary>
    public EmailRegarding? Regarding => RegardingRecordType is { } type && RegardingRecordId is { } id ? new EmailRegarding(type, id) : null;

    /// <summary>The tracking token found in the subject (see <see cref="TrackingTokenFormat"/>), in its canonical form.</summary>
    public string? TrackingToken { get; private set; }

    /// <summary>Why the email was tracked.</summary>
    public TrackingReason TrackedBecause { get; private set; }

    /// <summary>The attachments' metadata, in the message's order. Loaded with the activity by the queries of <c>EmailQueries</c>.</summary>
    public IReadOnlyList<EmailAttachment> Attachments => attachments;

    /// <summary>When the activity was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the activity last changed.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented by every change: the basis of the ETag and the version in the change feed.</summary>
    public long Version { get; private set; }

    /// <summary>
    /// Adds a mailbox that received the email too (the same message, found in another recipient's mailbox). Returns whether anything
    /// changed; when it did, record an <c>Updated</c> change with the new <see cref="Version"/>. The activity must have been read with its
    /// mailboxes (as the queries of <c>EmailQueries</c> read it).
    /// </summary>
    public bool AddReceivingMailbox(Guid mailboxId, DateTimeOffset now) => AddMailbox(mailboxId, receiving: true, now);

    /// <summary>
    /// Adds a mailbox the email was found in: a receiving mailbox, or (<paramref name="receiving"/> false) the mailbox that sent it, found
    /// in its Sent Items. A mailbox already linked is never demoted from receiving. Returns whether anything changed (record an
    /// <c>Updated</c> change then).
    /// </summary>
    public bool AddMailbox(Guid mailboxId, bool receiving, DateTimeOffset now)
    {
        if (mailboxId == Guid.Empty)
        {
            throw new ArgumentException("A mailbox needs an id.", nameof(mailboxId));
        }

        var link = mailboxes.Find(m => m.MailboxId == mailboxId);
        if (link is not null && (link.Receiving || !receiving))
        {
            return false;
        }

        if (link is null)
        {
            mailboxes.Add(new EmailMailboxLink(Id, mailboxId, receiving, now));
        }
        else
        {
            link.MarkReceiving();
        }

        Touch(now);
        return true;
    }

    /// <summary>Sets or clears (null) the record the email is about. Returns whether anything changed.</summary>
    public bool SetRegarding(EmailRegarding? regarding, DateTimeOffset now)
    {
        if (regarding is not null)
        {
            Require(regarding.RecordType, EmailRegarding.RecordTypeMaxLength, nameof(regarding));
            Require(regarding.RecordId, EmailRegarding.RecordIdMaxLength, nameof(regarding));
        }

        if (Equals(regarding, Regarding))
        {
            return false;
        }

        RegardingRecordType = regarding?.RecordType;
        RegardingRecordId = regarding?.RecordId;
        Touch(now);
        return true;
    }

    /// <summary>
    /// The key of the receiving side's activity of a message sent between two mailboxes, when the organization tracks such email as two
    /// activities; every receiving mailbox joins that one.
    /// </summary>
    public static string ReceivedSideKey(string deduplicationKey) => ReceivedSideKeyPrefix + deduplicationKey;

    /// <summary>The deduplication key of a message: its normalized Message-ID, or, when it has none, the key the engine synthesized.</summary>
    /// <param name="internetMessageId">The Message-ID header, as the message gave it.</param>
    /// <param name="synthesizedKey">
    /// A key the engine makes for a message without a Message-ID (for example a hash of its sender, date and subject), the same for
    /// every copy of the message; ignored when the message has a Message-ID.
    /// </param>
    public static string DeduplicationKeyFor(string? internetMessageId, string? synthesizedKey)
    {
        if (MessageIds.Normalize(internetMessageId) is { } normalized)
        {
            return normalized;
        }

        if (string.IsNullOrWhiteSpace(synthesizedKey) || synthesizedKey.Length > SynthesizedKeyMaxLength)
        {
            throw new ArgumentException(
                $"The message has no usable Message-ID, so it needs a synthesized deduplication key of 1 to {SynthesizedKeyMaxLength} characters.",
                nameof(synthesizedKey));
        }

        return SynthesizedKeyPrefix + synthesizedKey;
    }

    private void Touch(DateTimeOffset now)
    {
        ModifiedAt = now;
        Version++;
    }

    private static void Require(string value, int maxLength, string parameter)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > maxLength)
        {
            throw new ArgumentException($"Expected 1 to {maxLength} characters.", parameter);
        }
    }
}
