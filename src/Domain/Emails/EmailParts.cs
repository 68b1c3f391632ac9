using ExSync.Domain.Directory;

namespace ExSync.Domain.Emails;

/// <summary>A sender or recipient of an email, with the CRM record its address resolved to.</summary>
/// <param name="EmailAddress">The address as the message gave it.</param>
/// <param name="Name">The display name the message gave, if any.</param>
/// <param name="Record">The record the address resolved to (<see cref="RecordPreference"/> chooses among several); null when none did.</param>
public sealed record EmailParty(string EmailAddress, string? Name = null, CrmRecordReference? Record = null);

/// <summary>
/// The CRM record an email is about (a case, an opportunity, an account, …): set by the CRM, or inherited from the email it answers.
/// </summary>
/// <param name="RecordType">The CRM's name of the record's type (Contact, Account, Opportunity, Case, …; 1 to 100 characters).</param>
/// <param name="RecordId">The CRM's id of the record (1 to 200 characters).</param>
public sealed record EmailRegarding(string RecordType, string RecordId)
{
    /// <summary>Longest record type.</summary>
    public const int RecordTypeMaxLength = 100;

    /// <summary>Longest record id.</summary>
    public const int RecordIdMaxLength = 200;
}

/// <summary>A mailbox an email belongs to: the one it was synchronized from, and every one that received it.</summary>
public sealed class EmailMailboxLink
{
    private EmailMailboxLink()
    {
        // For EF Core materialization.
    }

    internal EmailMailboxLink(Guid emailId, Guid mailboxId, bool receiving, DateTimeOffset addedAt)
    {
        EmailId = emailId;
        MailboxId = mailboxId;
        Receiving = receiving;
        AddedAt = addedAt;
    }

    /// <summary>The email.</summary>
    public Guid EmailId { get; private set; }

    /// <summary>The mailbox.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>The mailbox received the email (rather than only sent it).</summary>
    public bool Receiving { get; private set; }

    /// <summary>When ExSync found the email in this mailbox.</summary>
    public DateTimeOffset AddedAt { get; private set; }

    internal void MarkReceiving() => Receiving = true;
}

/// <summary>An email's body, stored apart from the activity: it can be megabytes, and lists never read it.</summary>
public sealed class EmailBody
{
    private EmailBody()
    {
        // For EF Core materialization.
        Content = null!;
    }

    internal EmailBody(Guid emailId, EmailBodyContentType contentType, string content, string? textContent)
    {
        EmailId = emailId;
        ContentType = contentType;
        Content = content;
        TextContent = textContent;
    }

    /// <summary>The email.</summary>
    public Guid EmailId { get; private set; }

    /// <summary>Text or HTML.</summary>
    public EmailBodyContentType ContentType { get; private set; }

    /// <summary>The body as the message carried it.</summary>
    public string Content { get; private set; }

    /// <summary>The body as plain text: for an HTML body, the text Exchange made of it; for a text body, null (it is <see cref="Content"/>).</summary>
    public string? TextContent { get; private set; }

    /// <summary>The body as plain text, whatever its type; null when an HTML body came without its text form.</summary>
    public string? Text => ContentType == EmailBodyContentType.Text ? Content : TextContent;

    // A draft's body is written by the CRM, which gives no text form of an HTML body.
    internal void Replace(EmailBodyContentType contentType, string content)
    {
        ContentType = contentType;
        Content = content;
        TextContent = null;
    }
}

/// <summary>An attachment's metadata. Its content is stored apart (<see cref="EmailAttachmentContent"/>), and only when it was kept.</summary>
public sealed class EmailAttachment
{
    /// <summary>Longest stored name.</summary>
    public const int NameMaxLength = 500;

    /// <summary>Longest stored content type.</summary>
    public const int ContentTypeMaxLength = 255;

    private EmailAttachment()
    {
        // For EF Core materialization.
        Name = null!;
        ContentType = null!;
    }

    internal EmailAttachment(Guid id, Guid emailId, int position, IncomingAttachment attachment)
    {
        Id = id;
        EmailId = emailId;
        Position = position;
        Name = Common.StoredText.CleanAndTruncate(attachment.Name, NameMaxLength);
        ContentType = string.IsNullOrWhiteSpace(attachment.ContentType)
            ? "application/octet-stream"
            : Common.StoredText.CleanAndTruncate(attachment.ContentType.Trim(), ContentTypeMaxLength);
        ContentId = attachment.ContentId is null ? null : Common.StoredText.CleanAndTruncate(attachment.ContentId, NameMaxLength);
        IsInline = attachment.IsInline;
        SkipReason = attachment.SkipReason;
        Size = attachment.Content?.LongLength ?? attachment.Size;
        Content = attachment.Content is null ? null : new EmailAttachmentContent(id, attachment.Content);
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>The email.</summary>
    public Guid EmailId { get; private set; }

    /// <summary>The attachment's place among the email's attachments, from 0.</summary>
    public int Position { get; private set; }

    /// <summary>The file name the message gave.</summary>
    public string Name { get; private set; }

    /// <summary>The media type the message gave (application/octet-stream when it gave none).</summary>
    public string ContentType { get; private set; }

    /// <summary>Size in bytes.</summary>
    public long Size { get; private set; }

    /// <summary>The Content-ID an HTML body refers to an inline attachment by (<c>cid:</c>), if any.</summary>
    public string? ContentId { get; private set; }

    /// <summary>Shown inside the body rather than as a file.</summary>
    public bool IsInline { get; private set; }

    /// <summary>Why the content was not kept; null when it was.</summary>
    public AttachmentSkipReason? SkipReason { get; private set; }

    /// <summary>Whether the content was not kept.</summary>
    public bool Skipped => SkipReason is not null;

    /// <summary>The content; set on a new attachment, never loaded with the email (it is read as a stream).</summary>
    public EmailAttachmentContent? Content { get; private set; }
}

/// <summary>The bytes of a kept attachment.</summary>
public sealed class EmailAttachmentContent
{
    private EmailAttachmentContent()
    {
        // For EF Core materialization.
        Data = null!;
    }

    internal EmailAttachmentContent(Guid attachmentId, byte[] data)
    {
        AttachmentId = attachmentId;
        Data = data;
    }

    /// <summary>The attachment.</summary>
    public Guid AttachmentId { get; private set; }

    /// <summary>The bytes.</summary>
    public byte[] Data { get; private set; }
}
