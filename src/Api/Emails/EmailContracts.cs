using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;

namespace ExSync.Api.Emails;

/// <summary>
/// An email activity: one email, however many of the organization's mailboxes received it. The same shape serves incoming email
/// now and outgoing email later. Lists leave out body and textBody; GET /emails/{id} has them.
/// </summary>
public sealed class EmailResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>Incoming or Outgoing.</summary>
    public required EmailDirection Direction { get; init; }

    /// <summary>Received for incoming email. Outgoing email will have Draft, PendingSend, Sending, Sent or Failed.</summary>
    public required EmailStatus Status { get; init; }

    /// <summary>The mailbox the email was first synchronized from (for incoming email, the first that received it; it may have been deleted since).</summary>
    public required Guid MailboxId { get; init; }

    /// <summary>Every mailbox that received the email: mailboxId first (for incoming email), then the others in the order ExSync found the email in them.</summary>
    public required IReadOnlyList<Guid> ReceivingMailboxIds { get; init; }

    /// <summary>The subject (possibly empty; at most 2,000 characters are kept).</summary>
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

    /// <summary>When the activity was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the activity last changed (a new receiving mailbox, a new regarding).</summary>
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

/// <summary>The fields of an email the CRM owns, sent as a JSON Merge Patch: absent fields are kept, null clears.</summary>
[InputFor(typeof(EmailResource))]
public sealed record EmailInput
{
    /// <summary>The CRM record the email is about; null for none.</summary>
    public EmailRegardingInput? Regarding { get; init; }
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
