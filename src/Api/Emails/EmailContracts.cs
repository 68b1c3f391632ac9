using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;

namespace ExSync.Api.Emails;

/// <summary>
/// An email activity: one email, however many of the organization's mailboxes received it, or one the CRM writes and ExSync sends.
/// Lists leave out body and textBody; GET /emails/{id} has them.
/// </summary>
public sealed class EmailResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>Incoming or Outgoing.</summary>
    public required EmailDirection Direction { get; init; }

    /// <summary>Received for incoming email. Outgoing email goes Draft → PendingSend → Sending → Sent, or ends Failed (see sendStatus).</summary>
    public required EmailStatus Status { get; init; }

    /// <summary>
    /// For incoming email, the mailbox it was first synchronized from (the first that received it); for outgoing email, the mailbox it is sent
    /// from. It may have been deleted since.
    /// </summary>
    public required Guid MailboxId { get; init; }

    /// <summary>Every mailbox that received the email: mailboxId first (for incoming email), then the others in the order ExSync found the email in them.</summary>
    public required IReadOnlyList<Guid> ReceivingMailboxIds { get; init; }

    /// <summary>The subject (possibly empty; at most 2,000 characters are kept). Outgoing email gets its tracking token at the end when it is sent.</summary>
    public required string Subject { get; init; }

    /// <summary>The sender, with the CRM record its address resolved to; absent when the message named no sender.</summary>
    public EmailPartyResource? From { get; init; }

    /// <summary>The To recipients.</summary>
    public required IReadOnlyList<EmailPartyResource> To { get; init; }

    /// <summary>The Cc recipients.</summary>
    public required IReadOnlyList<EmailPartyResource> Cc { get; init; }

    /// <summary>The Bcc recipients the receiving mailbox could see.</summary>
    public required IReadOnlyList<EmailPartyResource> Bcc { get; init; }

    /// <summary>The body as the message carried it, HTML or text; absent in lists.</summary>
    public EmailBodyResource? Body { get; init; }

    /// <summary>The body as plain text (for a text body, the same as body.content); absent in lists, and when an HTML body came without its text form.</summary>
    public string? TextBody { get; init; }

    /// <summary>When the email was received (incoming email).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }

    /// <summary>When the sender's client says it was sent.</summary>
    public DateTimeOffset? SentAt { get; init; }

    /// <summary>The Message-ID header, as the message gave it.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>The In-Reply-To header, as the message gave it.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The Message-IDs of the References header, normalized (no angle brackets, domain in lower case), oldest first; at most 100.</summary>
    public required IReadOnlyList<string> References { get; init; }

    /// <summary>Exchange's conversation id.</summary>
    public string? ConversationId { get; init; }

    /// <summary>How the email was tied to an earlier one of its thread.</summary>
    public required EmailCorrelationResource Correlation { get; init; }

    /// <summary>The CRM record the email is about; absent when none. Set with PATCH, or inherited from the email it answers.</summary>
    public EmailRegardingResource? Regarding { get; init; }

    /// <summary>The tracking token found in the subject, e.g. [CRM:0001234].</summary>
    public string? TrackingToken { get; init; }

    /// <summary>The attachments (metadata only; the content of those kept is at …/attachments/{attachmentId}/content).</summary>
    public required IReadOnlyList<EmailAttachmentResource> Attachments { get; init; }

    /// <summary>Why the email was tracked.</summary>
    public required TrackingReason TrackedBecause { get; init; }

    /// <summary>How sending the email goes: present once the CRM asked to send it.</summary>
    public EmailSendStatusResource? SendStatus { get; init; }

    /// <summary>When the activity was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the activity last changed (a new receiving mailbox, a new regarding, an edit, a step of sending).</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation, for If-Match; the change feed reports the same version.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>A sender or recipient.</summary>
public sealed class EmailPartyResource
{
    /// <summary>The address, as the message gave it.</summary>
    public required string EmailAddress { get; init; }

    /// <summary>The display name the message gave.</summary>
    public string? Name { get; init; }

    /// <summary>The CRM record the address resolved to (a mailbox's owner, or a directory entry); absent when none.</summary>
    public EmailRecordResource? Record { get; init; }
}

/// <summary>A CRM record a party resolved to.</summary>
public sealed class EmailRecordResource
{
    /// <summary>The kind of record.</summary>
    public required DirectoryRecordType RecordType { get; init; }

    /// <summary>The CRM's id of the record.</summary>
    public required string RecordId { get; init; }
}

/// <summary>An email's body.</summary>
public sealed class EmailBodyResource
{
    /// <summary>Text or Html. HTML is the sender's, not sanitized: render it sandboxed.</summary>
    public required EmailBodyContentType ContentType { get; init; }

    /// <summary>The body.</summary>
    public required string Content { get; init; }
}

/// <summary>How an email was tied to an earlier one of its thread.</summary>
public sealed class EmailCorrelationResource
{
    /// <summary>None, InReplyTo, References, TrackingToken or Conversation: the first that matched, in this order.</summary>
    public required CorrelationMethod Method { get; init; }

    /// <summary>The earlier email it was tied to; absent when the method is None.</summary>
    public Guid? EmailId { get; init; }
}

/// <summary>The CRM record an email is about.</summary>
public sealed class EmailRegardingResource
{
    /// <summary>The CRM's name of the record's type (Contact, Account, Opportunity, Case, …).</summary>
    public required string RecordType { get; init; }

    /// <summary>The CRM's id of the record.</summary>
    public required string RecordId { get; init; }
}

/// <summary>An attachment's metadata.</summary>
public sealed class EmailAttachmentResource
{
    /// <summary>Identifier, for …/attachments/{attachmentId}/content.</summary>
    public required Guid Id { get; init; }

    /// <summary>The file name the message gave.</summary>
    public required string Name { get; init; }

    /// <summary>The media type the message gave.</summary>
    public required string ContentType { get; init; }

    /// <summary>Size in bytes.</summary>
    public required long Size { get; init; }

    /// <summary>The content was not kept (see skipReason); its content URL answers 404 AttachmentSkipped.</summary>
    public required bool Skipped { get; init; }

    /// <summary>Why the content was not kept: TooLarge, AttachmentsNotKept, NotSupported or Unreadable (more may come).</summary>
    public AttachmentSkipReason? SkipReason { get; init; }

    /// <summary>The Content-ID an HTML body refers to it by (cid:), for inline attachments.</summary>
    public string? ContentId { get; init; }

    /// <summary>Shown inside the body rather than as a file.</summary>
    public required bool IsInline { get; init; }
}

/// <summary>How sending an outgoing email goes.</summary>
public sealed class EmailSendStatusResource
{
    /// <summary>When the CRM last asked to send it.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>How many times ExSync began handing it to Exchange since then.</summary>
    public required int Attempts { get; init; }

    /// <summary>When ExSync tries next, while PendingSend.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Why the last attempt failed: a transient error it retries after (PendingSend), or the error it failed with (Failed).</summary>
    public EmailSendErrorResource? LastError { get; init; }

    /// <summary>
    /// An earlier attempt may have reached Exchange; ExSync looks for the message in Sent Items before it tries again (also when a Failed
    /// email is asked to be sent again), so it is never sent twice.
    /// </summary>
    public required bool OutcomeUnknown { get; init; }
}

/// <summary>An error of sending.</summary>
public sealed class EmailSendErrorResource
{
    /// <summary>A stable code (see the README's sending codes).</summary>
    public required string Code { get; init; }

    /// <summary>What happened.</summary>
    public required string Message { get; init; }
}

/// <summary>
/// The writable fields of an email: the body of POST /emails (a new outgoing draft) and of PATCH (a JSON Merge Patch: absent fields are
/// kept, null clears). mailboxId is set once, on create. subject, body, to, cc and bcc change only while the email is a Draft;
/// regarding always. A recipient is either an address ({ emailAddress, name? }) or a CRM record ({ record: { recordType, recordId } }),
/// whose address ExSync takes from the directory.
/// </summary>
[InputFor(typeof(EmailResource))]
public sealed record EmailInput
{
    /// <summary>The mailbox (a user's or a queue's) the email is sent from; required on create, read-only afterwards.</summary>
    [RequiredField]
    public Guid? MailboxId { get; init; }

    /// <summary>The subject (at most 1,935 characters, which leaves room for the tracking token; one line).</summary>
    public string? Subject { get; init; }

    /// <summary>The body (empty text when absent).</summary>
    public EmailBodyInput? Body { get; init; }

    /// <summary>The To recipients.</summary>
    public IReadOnlyList<EmailRecipientInput>? To { get; init; }

    /// <summary>The Cc recipients.</summary>
    public IReadOnlyList<EmailRecipientInput>? Cc { get; init; }

    /// <summary>The Bcc recipients. To, cc and bcc together have at most 500.</summary>
    public IReadOnlyList<EmailRecipientInput>? Bcc { get; init; }

    /// <summary>The CRM record the email is about; null for none.</summary>
    public EmailRegardingInput? Regarding { get; init; }
}

/// <summary>An email's body as the CRM writes it.</summary>
[InputFor(typeof(EmailBodyResource))]
public sealed record EmailBodyInput
{
    /// <summary>Text or Html.</summary>
    [RequiredField]
    public EmailBodyContentType? ContentType { get; init; }

    /// <summary>The body (tab and line breaks allowed, no other control character).</summary>
    [RequiredField]
    public string? Content { get; init; }
}

/// <summary>A recipient: an address with an optional display name, or a CRM record whose address ExSync takes from the directory.</summary>
[InputFor(typeof(EmailPartyResource))]
public sealed record EmailRecipientInput
{
    /// <summary>The address (name@domain); not with record.</summary>
    public string? EmailAddress { get; init; }

    /// <summary>The display name; for a record, instead of the directory's.</summary>
    public string? Name { get; init; }

    /// <summary>A CRM record of the directory (a directory entry, or a mailbox's owner for User and Queue); not with emailAddress.</summary>
    public EmailRecordInput? Record { get; init; }
}

/// <summary>A CRM record named as a recipient.</summary>
[InputFor(typeof(EmailRecordResource))]
public sealed record EmailRecordInput
{
    /// <summary>The kind of record.</summary>
    [RequiredField]
    public DirectoryRecordType? RecordType { get; init; }

    /// <summary>The CRM's id of the record.</summary>
    [RequiredField]
    public string? RecordId { get; init; }
}

/// <summary>The CRM record an email is about.</summary>
[InputFor(typeof(EmailRegardingResource))]
public sealed record EmailRegardingInput
{
    /// <summary>The CRM's name of the record's type (1 to 100 characters).</summary>
    [RequiredField]
    public string? RecordType { get; init; }

    /// <summary>The CRM's id of the record (1 to 200 characters).</summary>
    [RequiredField]
    public string? RecordId { get; init; }
}
