using ExSync.Domain.Common;

namespace ExSync.Domain.Emails;

/// <summary>
/// What the synchronization engine parsed from a message in a mailbox, with the decisions it made about it (records the parties
/// resolved to, correlation, why it is tracked): the input of <see cref="EmailActivity.CreateIncoming"/>.
/// </summary>
public sealed record IncomingEmail
{
    /// <summary>The mailbox the message was found in: the activity's mailbox and its first receiving mailbox.</summary>
    public required Guid MailboxId { get; init; }

    /// <summary>The Message-ID header as the message gave it; normalized by <see cref="MessageIds.Normalize"/> for deduplication.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>
    /// For a message without a usable Message-ID: a key the same for every copy of the message (see
    /// <see cref="EmailActivity.DeduplicationKeyFor"/>). Required then, ignored otherwise.
    /// </summary>
    public string? SynthesizedDeduplicationKey { get; init; }

    /// <summary>
    /// The receiving side of email between two mailboxes, tracked as an activity of its own apart from the sender's (the organization's
    /// <c>TrackInternalEmailAsTwoActivities</c>): its key is <see cref="EmailActivity.ReceivedSideKey"/> of the message's.
    /// </summary>
    public bool ReceivedSideOfInternalEmail { get; init; }

    /// <summary>The subject (cut to <see cref="EmailActivity.SubjectMaxLength"/> characters).</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>The sender, with the record it resolved to.</summary>
    public EmailParty? From { get; init; }

    /// <summary>The To recipients, with the records they resolved to.</summary>
    public IReadOnlyList<EmailParty> To { get; init; } = [];

    /// <summary>The Cc recipients.</summary>
    public IReadOnlyList<EmailParty> Cc { get; init; } = [];

    /// <summary>The Bcc recipients the mailbox could see.</summary>
    public IReadOnlyList<EmailParty> Bcc { get; init; } = [];

    /// <summary>The body type: HTML when the message had an HTML body, Text otherwise.</summary>
    public EmailBodyContentType BodyContentType { get; init; } = EmailBodyContentType.Text;

    /// <summary>The body, of <see cref="BodyContentType"/>.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>The body as plain text, for an HTML body (Exchange's text rendering of it); ignored for a text body.</summary>
    public string? TextBody { get; init; }

    /// <summary>When the mailbox received the message.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>When the sender's client says it sent the message.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The In-Reply-To header as the message gave it.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The Message-IDs of the References header (raw or normalized; see <see cref="MessageIds.ParseAll"/>), oldest first.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>Exchange's conversation id.</summary>
    public string? ConversationId { get; init; }

    /// <summary>How the engine tied the message to an earlier email of its thread.</summary>
    public CorrelationMethod CorrelationMethod { get; init; } = CorrelationMethod.None;

    /// <summary>The earlier email it was tied to; required unless <see cref="CorrelationMethod"/> is None.</summary>
    public Guid? CorrelatedEmailId { get; init; }

    /// <summary>The record the email is about, usually inherited from the email it was tied to.</summary>
    public EmailRegarding? Regarding { get; init; }

    /// <summary>The tracking token found in the subject (<see cref="TrackingTokenFormat.FindIn"/>).</summary>
    public string? TrackingToken { get; init; }

    /// <summary>Why the message is tracked.</summary>
    public required TrackingReason TrackedBecause { get; init; }

    /// <summary>
    /// Found in the mailbox's Sent Items (the organization tracks sent items): the mailbox sent it, so the activity is Outgoing and Sent,
    /// and the mailbox is its sender rather than a receiving mailbox.
    /// </summary>
    public bool Sent { get; init; }

    /// <summary>The attachments, in the message's order: kept with their content, or skipped with a reason.</summary>
    public IReadOnlyList<IncomingAttachment> Attachments { get; init; } = [];
}

/// <summary>An attachment of an incoming message: kept (<see cref="Kept"/>), or skipped with a reason (<see cref="Skip"/>).</summary>
/// <param name="Name">The file name the message gave.</param>
/// <param name="ContentType">The media type the message gave.</param>
/// <param name="Size">Size in bytes (for a kept attachment, its content's length).</param>
/// <param name="Content">The bytes; null when skipped.</param>
/// <param name="SkipReason">Why the content is not kept; null when kept.</param>
/// <param name="ContentId">The Content-ID of an inline attachment.</param>
/// <param name="IsInline">Shown inside the body.</param>
public sealed record IncomingAttachment(string Name, string ContentType, long Size, byte[]? Content, AttachmentSkipReason? SkipReason, string? ContentId = null, bool IsInline = false)
{
    /// <summary>An attachment whose content is kept.</summary>
    public static IncomingAttachment Kept(string name, string contentType, byte[] content, string? contentId = null, bool isInline = false) =>
        new(name, contentType, content.LongLength, content, null, contentId, isInline);

    /// <summary>An attachment recorded without its content.</summary>
    public static IncomingAttachment Skip(string name, string contentType, long size, AttachmentSkipReason reason, string? contentId = null, bool isInline = false) =>
        new(name, contentType, size, null, reason, contentId, isInline);
}

public sealed partial class EmailActivity
{
    /// <summary>
    /// Creates the activity of a message found in a mailbox: status Received, version 1, its mailbox as first receiving mailbox (for a
    /// message from Sent Items: Outgoing, Sent, its mailbox as sender). Text from the
    /// message is made storable (NUL becomes U+FFFD) and cut where it exceeds its documented length (subject, party names and
    /// addresses, attachment names); References keeps at most <see cref="MaxReferences"/> ids. Add the activity to the context with
    /// a <c>Created</c> change (<c>ChangeFeed.RecordEmailChange</c>) and save: a second activity with the same
    /// <see cref="DeduplicationKey"/> is refused by the database's unique index.
    /// </summary>
    /// <param name="email">What the engine parsed and decided.</param>
    /// <param name="newId">Makes ids for the activity and its attachments (ExSync's <c>SequentialIds.Next</c>, so lists keep creation order).</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">
    /// The input breaks a rule the engine controls: no mailbox, no Message-ID and no synthesized key, a conversation id or tracking
    /// token over its length, a correlation without the email it names, a kept attachment without content or a skipped one with it.
    /// </exception>
    public static EmailActivity CreateIncoming(IncomingEmail email, Func<Guid> newId, DateTimeOffset now)
    {
        if (email.MailboxId == Guid.Empty)
        {
            throw new ArgumentException("An incoming email needs the mailbox it was found in.", nameof(email));
        }

        if (email.ConversationId is { Length: > ConversationIdMaxLength })
        {
            throw new ArgumentException($"A conversation id has at most {ConversationIdMaxLength} characters.", nameof(email));
        }

        if (email.TrackingToken is { Length: > TrackingTokenMaxLength })
        {
            throw new ArgumentException($"A tracking token has at most {TrackingTokenMaxLength} characters.", nameof(email));
        }

        if ((email.CorrelationMethod == CorrelationMethod.None) != (email.CorrelatedEmailId is null))
        {
            throw new ArgumentException("A correlated email goes with a correlation method, and only with one.", nameof(email));
        }

        var id = newId();
        var activity = new EmailActivity
        {
            Id = id,
            Direction = email.Sent ? EmailDirection.Outgoing : EmailDirection.Incoming,
            Status = email.Sent ? EmailStatus.Sent : EmailStatus.Received,
            MailboxId = email.MailboxId,
            Subject = StoredText.CleanAndTruncate(email.Subject, SubjectMaxLength),
            From = email.From is null ? null : Party(email.From),
            To = email.To.Select(Party).ToList(),
            Cc = email.Cc.Select(Party).ToList(),
            Bcc = email.Bcc.Select(Party).ToList(),
            Body = new EmailBody(
                id,
                email.BodyContentType,
                StoredText.Clean(email.Body),
                email.BodyContentType == EmailBodyContentType.Html && email.TextBody is { } text ? StoredText.Clean(text) : null),
            ReceivedAt = email.ReceivedAt,
            SentAt = email.SentAt,
            ActivityDate = email.ReceivedAt,
            DeduplicationKey = email.ReceivedSideOfInternalEmail
                ? ReceivedSideKey(DeduplicationKeyFor(email.InternetMessageId, email.SynthesizedDeduplicationKey))
                : DeduplicationKeyFor(email.InternetMessageId, email.SynthesizedDeduplicationKey),
            InternetMessageId = MessageIds.Normalize(email.InternetMessageId) is null ? null : StoredText.Clean(email.InternetMessageId!.Trim()),
            InReplyTo = string.IsNullOrWhiteSpace(email.InReplyTo) ? null : StoredText.CleanAndTruncate(email.InReplyTo.Trim(), 998),
            References = TrimReferences(email.References.Select(MessageIds.Normalize).OfType<string>().ToList()),
            ConversationId = email.ConversationId,
            CorrelationMethod = email.CorrelationMethod,
            CorrelatedEmailId = email.CorrelatedEmailId,
            TrackingToken = email.TrackingToken,
            TrackedBecause = email.TrackedBecause,
            CreatedAt = now,
            ModifiedAt = now,
            Version = 1,
        };
        if (email.Regarding is { } regarding)
        {
            Require(regarding.RecordType, EmailRegarding.RecordTypeMaxLength, nameof(email));
            Require(regarding.RecordId, EmailRegarding.RecordIdMaxLength, nameof(email));
            activity.RegardingRecordType = regarding.RecordType;
            activity.RegardingRecordId = regarding.RecordId;
        }

        activity.mailboxes.Add(new EmailMailboxLink(id, email.MailboxId, receiving: !email.Sent, now));
        for (var position = 0; position < email.Attachments.Count; position++)
        {
            var attachment = email.Attachments[position];
            if ((attachment.Content is null) == (attachment.SkipReason is null))
            {
                throw new ArgumentException($"Attachment {position} must either have content or a reason it was skipped, not both.", nameof(email));
            }

            activity.attachments.Add(new EmailAttachment(newId(), id, position, attachment));
        }

        return activity;
    }

    private static EmailParty Party(EmailParty party) => new(
        StoredText.CleanAndTruncate(party.EmailAddress.Trim(), PartyAddressMaxLength),
        string.IsNullOrWhiteSpace(party.Name) ? null : StoredText.CleanAndTruncate(party.Name.Trim(), PartyNameMaxLength),
        party.Record);

    private static List<string> TrimReferences(List<string> references) =>
        references.Count <= MaxReferences ? references : [references[0], .. references.TakeLast(MaxReferences - 1)];
}
