using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Mailboxes;

namespace ExSync.Domain.Emails;

/// <summary>What the CRM writes in an outgoing email, and may change while it is a draft.</summary>
public sealed record OutgoingContent
{
    /// <summary>The subject (at most <see cref="EmailActivity.OutgoingSubjectMaxLength"/> characters, which leaves room for the tracking token).</summary>
    public string Subject { get; init; } = string.Empty;

    /// <summary>The To recipients, with the records their addresses resolved to.</summary>
    public IReadOnlyList<EmailParty> To { get; init; } = [];

    /// <summary>The Cc recipients.</summary>
    public IReadOnlyList<EmailParty> Cc { get; init; } = [];

    /// <summary>The Bcc recipients.</summary>
    public IReadOnlyList<EmailParty> Bcc { get; init; } = [];

    /// <summary>Text or HTML.</summary>
    public EmailBodyContentType BodyContentType { get; init; } = EmailBodyContentType.Text;

    /// <summary>The body, of <see cref="BodyContentType"/>.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>How many recipients there are in all.</summary>
    public int RecipientCount => To.Count + Cc.Count + Bcc.Count;
}

public sealed partial class EmailActivity
{
    /// <summary>
    /// Longest subject of an outgoing email as the CRM writes it: <see cref="SubjectMaxLength"/> less room for a space and the longest
    /// tracking token, which ExSync appends when it sends.
    /// </summary>
    public const int OutgoingSubjectMaxLength = SubjectMaxLength - TrackingTokenMaxLength - 1;

    /// <summary>Most recipients of one outgoing email, to, cc and bcc together (Exchange's default recipient limit is 500).</summary>
    public const int MaxRecipients = 500;

    /// <summary>Prefixes the deduplication key of an outgoing email until it is given its Message-ID (a synthesized key, so it never collides with one).</summary>
    public const string DraftKeyPrefix = SynthesizedKeyPrefix + "draft ";

    /// <summary>
    /// Creates an outgoing email in <see cref="EmailStatus.Draft"/>, version 1, sent from <paramref name="sender"/>: from the mailbox's
    /// address, as its owner's record (User or Queue). The sender mailbox is linked (not as a receiving mailbox), so the email lists under
    /// it. Until it is sent it has no Message-ID; its <see cref="DeduplicationKey"/> is <see cref="DraftKeyPrefix"/> and its id. Record a
    /// <c>Created</c> change with it.
    /// </summary>
    /// <param name="id">The new email's id.</param>
    /// <param name="sender">The mailbox it is sent from (a user's or a queue's).</param>
    /// <param name="content">Subject, recipients and body.</param>
    /// <param name="regarding">The record the email is about, if any.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="ArgumentException">A party without an address, a subject over <see cref="OutgoingSubjectMaxLength"/>, more than <see cref="MaxRecipients"/> recipients.</exception>
    public static EmailActivity CreateDraft(Guid id, Mailbox sender, OutgoingContent content, EmailRegarding? regarding, DateTimeOffset now)
    {
        if (id == Guid.Empty)
        {
            throw new ArgumentException("A draft needs an id.", nameof(id));
        }

        var ownerRecord = new CrmRecordReference(sender.Owner.Type == MailboxOwnerType.Queue ? DirectoryRecordType.Queue : DirectoryRecordType.User, sender.Owner.Id);
        var activity = new EmailActivity
        {
            Id = id,
            Direction = EmailDirection.Outgoing,
            Status = EmailStatus.Draft,
            MailboxId = sender.Id,
            From = Party(new EmailParty(sender.EmailAddress, sender.Owner.Name ?? sender.Name, ownerRecord)),
            Subject = string.Empty,
            To = [],
            Cc = [],
            Bcc = [],
            References = [],
            ActivityDate = now,
            DeduplicationKey = DraftKeyPrefix + id.ToString("N"),
            CorrelationMethod = CorrelationMethod.None,
            TrackedBecause = TrackingReason.AllEmailMessages,
            CreatedAt = now,
            ModifiedAt = now,
            Version = 1,
        };
        activity.Body = new EmailBody(id, content.BodyContentType, string.Empty, null);
        activity.ApplyContent(content);
        if (regarding is not null)
        {
            Require(regarding.RecordType, EmailRegarding.RecordTypeMaxLength, nameof(regarding));
            Require(regarding.RecordId, EmailRegarding.RecordIdMaxLength, nameof(regarding));
            activity.RegardingRecordType = regarding.RecordType;
            activity.RegardingRecordId = regarding.RecordId;
        }

        activity.mailboxes.Add(new EmailMailboxLink(id, sender.Id, receiving: false, now));
        return activity;
    }

    /// <summary>The content as it is: subject, recipients and body. The email must have been read with its body.</summary>
    public OutgoingContent Content => new()
    {
        Subject = Subject,
        To = To,
        Cc = Cc,
        Bcc = Bcc,
        BodyContentType = RequireBody().ContentType,
        Body = RequireBody().Content,
    };

    /// <summary>
    /// Replaces subject, recipients and body of a draft. Returns whether anything changed (record an <c>Updated</c> change then). Content
    /// equal to the current one changes nothing, whatever the status. The email must have been read with its body.
    /// </summary>
    /// <exception cref="DomainException"><see cref="EmailErrors.EmailNotDraft"/>: the content differs and the email is not a draft.</exception>
    public bool UpdateDraft(OutgoingContent content, DateTimeOffset now)
    {
        var before = Content;
        var after = Normalize(content);
        if (before.Subject == after.Subject && before.BodyContentType == after.BodyContentType && before.Body == after.Body
            && before.To.SequenceEqual(after.To) && before.Cc.SequenceEqual(after.Cc) && before.Bcc.SequenceEqual(after.Bcc))
        {
            return false;
        }

        EnsureDraft();
        ApplyContent(after);
        Touch(now);
        return true;
    }

    /// <summary>
    /// Adds a file to a draft, after the attachments it has. The email must have been read with its attachments.
    /// </summary>
    /// <param name="id">The attachment's id.</param>
    /// <param name="name">The file name (cut to <see cref="EmailAttachment.NameMaxLength"/>).</param>
    /// <param name="contentType">Its media type (application/octet-stream when empty).</param>
    /// <param name="content">The bytes.</param>
    /// <param name="maxBytes">The organization's maximum attachment size (<c>OrganizationEmailSettings.MaxAttachmentSizeBytes</c>); 0 allows none.</param>
    /// <param name="now">The current time.</param>
    /// <exception cref="DomainException"><see cref="EmailErrors.EmailNotDraft"/>, or <see cref="EmailErrors.AttachmentTooLarge"/>.</exception>
    public EmailAttachment AddAttachment(Guid id, string name, string contentType, byte[] content, long maxBytes, DateTimeOffset now)
    {
        EnsureDraft();
        if (content.LongLength > maxBytes)
        {
            throw new DomainException(new DomainError(
                EmailErrors.AttachmentTooLarge,
                maxBytes == 0
                    ? "The organization keeps no attachments (maxAttachmentSizeKilobytes is 0), so email cannot carry any."
                    : $"The attachment is {content.LongLength:N0} bytes; the organization's maximum is {maxBytes:N0} bytes (maxAttachmentSizeKilobytes {maxBytes / 1024}).",
                "file"));
        }

        var position = attachments.Count == 0 ? 0 : attachments.Max(a => a.Position) + 1;
        var attachment = new EmailAttachment(id, Id, position, IncomingAttachment.Kept(string.IsNullOrWhiteSpace(name) ? "attachment" : name.Trim(), contentType, content));
        attachments.Add(attachment);
        Touch(now);
        return attachment;
    }

    /// <summary>Removes an attachment from a draft. Returns false when the email has no such attachment. The email must have been read with its attachments.</summary>
    /// <exception cref="DomainException"><see cref="EmailErrors.EmailNotDraft"/>.</exception>
    public bool RemoveAttachment(Guid attachmentId, DateTimeOffset now)
    {
        var attachment = attachments.Find(a => a.Id == attachmentId);
        if (attachment is null)
        {
            return false;
        }

        EnsureDraft();
        attachments.Remove(attachment);
        Touch(now);
        return true;
    }

    /// <summary>Refuses a change of content unless the email is a draft.</summary>
    /// <exception cref="DomainException"><see cref="EmailErrors.EmailNotDraft"/>.</exception>
    public void EnsureDraft()
    {
        if (Status != EmailStatus.Draft)
        {
            throw new DomainException(new DomainError(
                EmailErrors.EmailNotDraft,
                Direction == EmailDirection.Incoming
                    ? "The email is incoming; only the CRM's fields (regarding) can change."
                    : $"The email is {Status}, no longer a draft, so its content cannot change." +
                      (Status == EmailStatus.PendingSend ? " Cancel the send (POST …/cancel-send) to edit it again." : string.Empty),
                Kind: DomainErrorKind.Conflict));
        }
    }

    private void ApplyContent(OutgoingContent content)
    {
        if (content.Subject.Length > OutgoingSubjectMaxLength)
        {
            throw new ArgumentException($"An outgoing subject has at most {OutgoingSubjectMaxLength} characters.", nameof(content));
        }

        if (content.RecipientCount > MaxRecipients)
        {
            throw new ArgumentException($"An email has at most {MaxRecipients} recipients.", nameof(content));
        }

        foreach (var party in content.To.Concat(content.Cc).Concat(content.Bcc))
        {
            Require(party.EmailAddress, PartyAddressMaxLength, nameof(content));
        }

        var normalized = Normalize(content);
        Subject = normalized.Subject;
        To = normalized.To;
        Cc = normalized.Cc;
        Bcc = normalized.Bcc;
        RequireBody().Replace(normalized.BodyContentType, normalized.Body);
    }

    // Stored as Party stores every party, so that content read back compares equal to the content written.
    private static OutgoingContent Normalize(OutgoingContent content) => content with
    {
        Subject = StoredText.Clean(content.Subject),
        To = content.To.Select(Party).ToList(),
        Cc = content.Cc.Select(Party).ToList(),
        Bcc = content.Bcc.Select(Party).ToList(),
        Body = StoredText.Clean(content.Body),
    };

    private EmailBody RequireBody() => Body ?? throw new InvalidOperationException("The email was read without its body.");
}
