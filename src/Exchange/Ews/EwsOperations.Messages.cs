namespace ExSync.Exchange.Ews;

// ---- GetItem (messages) ------------------------------------------------------------------------------------------

/// <summary>
/// GetItem for the details of messages that SyncFolderItems reported (IdOnly): ids, parties, threading headers, bodies,
/// attachment list, chosen extended properties and, on request, the MIME.
/// </summary>
/// <remarks>
/// The response is read as it arrives, item by item: one item's MIME larger than <see cref="MaxMimeContentBytes"/> is
/// read past without being kept (<see cref="EwsMessage.MimeContentTooLarge"/>), so it cannot fail the other items.
/// Bodies are bounded by the server when <see cref="MaxBodySizeKilobytes"/> is set.
/// </remarks>
public sealed record GetMessagesRequest
{
    /// <summary>Largest number of items one request may name. Exchange's budget is checked per item; the sync engine asks for about ten.</summary>
    public const int MaxItems = 100;

    /// <summary>Default of <see cref="MaxMimeContentBytes"/>.</summary>
    public const long DefaultMaxMimeContentBytes = 10 * 1024 * 1024;

    /// <summary>The items (1–100), answered in the same order.</summary>
    public required IReadOnlyList<EwsItemId> Items { get; init; }

    /// <summary>The format of <see cref="EwsMessage.Body"/> (EWS converts when the message has the other one).</summary>
    public MessageBodyType BodyType { get; init; } = MessageBodyType.Html;

    /// <summary>Also read the plain-text rendering (<c>item:TextBody</c>, Exchange 2013 and later) next to <see cref="BodyType"/>.</summary>
    public bool IncludeTextBody { get; init; } = true;

    /// <summary>
    /// Server-side truncation of the bodies (ItemShape <c>MaximumBodySize</c>, Exchange 2013 and later), in kilobytes; a truncated body
    /// has <see cref="EwsBody.IsTruncated"/>. Null: whole bodies.
    /// </summary>
    public int? MaxBodySizeKilobytes { get; init; }

    /// <summary>Read the whole RFC 822 message (<see cref="EwsMessage.MimeContent"/>), for example to archive it or to read exact headers.</summary>
    public bool IncludeMimeContent { get; init; }

    /// <summary>MIME larger than this is dropped (and flagged) rather than buffered. Only used with <see cref="IncludeMimeContent"/>.</summary>
    public long MaxMimeContentBytes { get; init; } = DefaultMaxMimeContentBytes;

    /// <summary>Extended properties to read (for example ExSync's link id stamped on tracked items).</summary>
    public IReadOnlyList<ExtendedPropertyDefinition> ExtendedProperties { get; init; } = [];
}

/// <summary>Importance of an item.</summary>
public enum EwsImportance
{
    /// <summary>Low</summary>
    Low,

    /// <summary>Normal</summary>
    Normal,

    /// <summary>High</summary>
    High,
}

/// <summary>A sender or recipient as EWS returns it (t:Mailbox).</summary>
/// <param name="Name">The display name.</param>
/// <param name="EmailAddress">The address: SMTP for <c>RoutingType</c> SMTP, an X.500 DN for EX, and so on.</param>
/// <param name="RoutingType">For example <c>SMTP</c> or <c>EX</c>.</param>
/// <param name="MailboxType">For example <c>Mailbox</c>, <c>OneOff</c>, <c>PublicDL</c>, <c>Contact</c>.</param>
public sealed record EwsRecipient(string? Name, string? EmailAddress, string? RoutingType, string? MailboxType);

/// <summary>A message body.</summary>
/// <param name="BodyType">HTML or text.</param>
/// <param name="Content">The body.</param>
/// <param name="IsTruncated">True when the server cut it at the requested maximum size.</param>
public sealed record EwsBody(MessageBodyType BodyType, string Content, bool IsTruncated);

/// <summary>One Internet header of the message, as transport received it (for headers not exposed as properties).</summary>
/// <param name="Name">The header name.</param>
/// <param name="Value">The header value.</param>
public sealed record InternetMessageHeader(string Name, string Value);

/// <summary>The kind of an attachment.</summary>
public enum EwsAttachmentKind
{
    /// <summary>A file (t:FileAttachment): its content is bytes.</summary>
    File,

    /// <summary>An Exchange item (t:ItemAttachment), typically a forwarded message.</summary>
    Item,

    /// <summary>A link to a file stored elsewhere (t:ReferenceAttachment).</summary>
    Reference,
}

/// <summary>An attachment as listed by GetItem (no content; see <see cref="IEwsClient.GetAttachmentsAsync"/>).</summary>
/// <param name="Kind">File, item or reference.</param>
/// <param name="AttachmentId">The id to fetch it with.</param>
/// <param name="Name">The file name or the item's subject.</param>
/// <param name="ContentType">The MIME type, when Exchange knows it.</param>
/// <param name="ContentId">The Content-ID that inline HTML references (<c>cid:</c>).</param>
/// <param name="Size">The size in bytes as Exchange stores it (close to, not exactly, the content size).</param>
/// <param name="IsInline">Whether the body shows it inline.</param>
public sealed record EwsAttachmentInfo(
    EwsAttachmentKind Kind, string AttachmentId, string? Name, string? ContentType, string? ContentId, long? Size, bool? IsInline);

/// <summary>The whole RFC 822 message.</summary>
/// <param name="Content">The MIME bytes.</param>
/// <param name="CharacterSet">The character set Exchange named for it.</param>
public sealed record EwsMimeContent(byte[] Content, string? CharacterSet);

/// <summary>
/// A message read with GetItem (or embedded in an item attachment). Every property Exchange did not return is null or empty;
/// a value that cannot be read (a malformed date, number or base64) is null too, never an exception.
/// </summary>
public sealed record EwsMessage
{
    /// <summary>
    /// The element type: <c>Message</c> for mail, or <c>MeetingRequest</c>, <c>MeetingResponse</c>, <c>MeetingCancellation</c>,
    /// <c>PostItem</c>, <c>Item</c>... (use it as <see cref="ItemUpdate.ItemElementName"/> when updating the item).
    /// </summary>
    public required string ItemKind { get; init; }

    /// <summary>The id and current ChangeKey (null for an item embedded in an attachment).</summary>
    public EwsItemId? ItemId { get; init; }

    /// <summary>The folder holding the item.</summary>
    public string? ParentFolderId { get; init; }

    /// <summary>For example <c>IPM.Note</c>, <c>IPM.Schedule.Meeting.Request</c>, <c>REPORT.IPM.Note.NDR</c>.</summary>
    public string? ItemClass { get; init; }

    /// <summary>The subject.</summary>
    public string? Subject { get; init; }

    /// <summary>Who the message is from (the From header).</summary>
    public EwsRecipient? From { get; init; }

    /// <summary>Who actually sent it (differs from <see cref="From"/> when sent on behalf of someone).</summary>
    public EwsRecipient? Sender { get; init; }

    /// <summary>To recipients.</summary>
    public IReadOnlyList<EwsRecipient> ToRecipients { get; init; } = [];

    /// <summary>Cc recipients.</summary>
    public IReadOnlyList<EwsRecipient> CcRecipients { get; init; } = [];

    /// <summary>Bcc recipients (known to the sender's copy only).</summary>
    public IReadOnlyList<EwsRecipient> BccRecipients { get; init; } = [];

    /// <summary>The Message-ID header: the key for de-duplicating across mailboxes.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>The In-Reply-To header.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The References header (space-separated Message-IDs).</summary>
    public string? References { get; init; }

    /// <summary>Exchange's conversation id.</summary>
    public string? ConversationId { get; init; }

    /// <summary>The conversation index (PR_CONVERSATION_INDEX): a 22-byte header plus 5 bytes per reply.</summary>
    public byte[]? ConversationIndex { get; init; }

    /// <summary>The conversation topic (the subject without prefixes).</summary>
    public string? ConversationTopic { get; init; }

    /// <summary>When it was sent.</summary>
    public DateTimeOffset? DateTimeSent { get; init; }

    /// <summary>When it arrived in the mailbox.</summary>
    public DateTimeOffset? DateTimeReceived { get; init; }

    /// <summary>Size in bytes as Exchange stores it.</summary>
    public long? Size { get; init; }

    /// <summary>Importance.</summary>
    public EwsImportance? Importance { get; init; }

    /// <summary>Read flag.</summary>
    public bool? IsRead { get; init; }

    /// <summary>The categories (Outlook's colour categories, by name).</summary>
    public IReadOnlyList<string> Categories { get; init; } = [];

    /// <summary>Whether the message has attachments other than hidden ones.</summary>
    public bool? HasAttachments { get; init; }

    /// <summary>The attachments (metadata only).</summary>
    public IReadOnlyList<EwsAttachmentInfo> Attachments { get; init; } = [];

    /// <summary>The body in the requested format.</summary>
    public EwsBody? Body { get; init; }

    /// <summary>The plain-text body (Exchange 2013 and later), when asked for.</summary>
    public EwsBody? TextBody { get; init; }

    /// <summary>The Internet headers (Exchange returns those transport received; none for messages created in the mailbox).</summary>
    public IReadOnlyList<InternetMessageHeader> InternetMessageHeaders { get; init; } = [];

    /// <summary>The requested extended properties the item has.</summary>
    public IReadOnlyList<ExtendedPropertyValue> ExtendedProperties { get; init; } = [];

    /// <summary>The MIME, when asked for and within the limit.</summary>
    public EwsMimeContent? MimeContent { get; init; }

    /// <summary>True when the MIME was larger than <see cref="GetMessagesRequest.MaxMimeContentBytes"/> and was dropped.</summary>
    public bool MimeContentTooLarge { get; init; }

    /// <summary>The value of <paramref name="definition"/>, or null when the item does not have it.</summary>
    /// <param name="definition">The extended property.</param>
    public ExtendedPropertyValue? FindExtendedProperty(ExtendedPropertyDefinition definition) =>
        ExtendedProperties.FirstOrDefault(p => p.Definition == definition);

    /// <summary>The values of the header <paramref name="name"/> (case-insensitive), in order.</summary>
    /// <param name="name">For example <c>Auto-Submitted</c> or <c>List-Id</c>.</param>
    public IEnumerable<string> HeaderValues(string name) =>
        InternetMessageHeaders.Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value);
}

/// <summary>The answer for one requested item: the message, or its per-item error.</summary>
/// <param name="Requested">The item as requested.</param>
/// <param name="Message">The message when it was read.</param>
/// <param name="Error">
/// The classified per-item error otherwise, for example <see cref="ExchangeErrorCodes.ItemNotFound"/> (deleted or moved since it
/// was listed), <see cref="ExchangeErrorCodes.CorruptItem"/>, <see cref="ExchangeErrorCodes.MessageSizeExceeded"/> or
/// <see cref="ExchangeErrorCodes.PropertyNotSupported"/> (not a message).
/// </param>
public sealed record MessageResult(EwsItemId Requested, EwsMessage? Message, ExchangeError? Error)
{
    /// <summary>True when the message was read.</summary>
    public bool Succeeded => Message is not null;
}

/// <summary>GetItem response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Messages">One result per requested item, in request order.</param>
public sealed record GetMessagesResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<MessageResult> Messages);

// ---- GetAttachment -----------------------------------------------------------------------------------------------

/// <summary>GetAttachment: the content of attachments listed by <see cref="IEwsClient.GetMessagesAsync"/>.</summary>
/// <remarks>
/// EWS has no ranged download: each attachment arrives whole, base64-encoded, inside the SOAP response. The response is therefore
/// decoded as it streams in, and an attachment that grows past <see cref="MaxContentBytes"/> is read past and dropped (its result is
/// <see cref="ExchangeErrorCodes.AttachmentTooLarge"/>) instead of being buffered; the others in the same request are unaffected.
/// Reading past a huge attachment still costs its transfer, within the call's timeout: compare <see cref="EwsAttachmentInfo.Size"/>
/// with the limit first and do not ask for attachments that are plainly too large.
/// </remarks>
public sealed record GetAttachmentsRequest
{
    /// <summary>The attachment ids (1–100), answered in the same order.</summary>
    public required IReadOnlyList<string> AttachmentIds { get; init; }

    /// <summary>Largest content kept per attachment, in bytes (file content, or the MIME of an item attachment).</summary>
    public required long MaxContentBytes { get; init; }

    /// <summary>For item attachments: also read the attached item's MIME (to keep a forwarded message as an .eml file).</summary>
    public bool IncludeItemMimeContent { get; init; } = true;
}

/// <summary>An attachment with its content.</summary>
public sealed record EwsAttachmentContent
{
    /// <summary>File, item or reference.</summary>
    public required EwsAttachmentKind Kind { get; init; }

    /// <summary>The attachment id.</summary>
    public required string AttachmentId { get; init; }

    /// <summary>The file name or the item's subject.</summary>
    public string? Name { get; init; }

    /// <summary>The MIME type.</summary>
    public string? ContentType { get; init; }

    /// <summary>The Content-ID.</summary>
    public string? ContentId { get; init; }

    /// <summary>Whether the body shows it inline.</summary>
    public bool? IsInline { get; init; }

    /// <summary>The bytes of a file attachment.</summary>
    public byte[]? Content { get; init; }

    /// <summary>The attached item of an item attachment (with its MIME when asked for).</summary>
    public EwsMessage? Item { get; init; }
}

/// <summary>The answer for one requested attachment.</summary>
/// <param name="AttachmentId">The id as requested.</param>
/// <param name="Attachment">The attachment when it was read.</param>
/// <param name="Error">The classified per-item error otherwise (for example <see cref="ExchangeErrorCodes.AttachmentTooLarge"/>).</param>
public sealed record AttachmentResult(string AttachmentId, EwsAttachmentContent? Attachment, ExchangeError? Error)
{
    /// <summary>True when the attachment was read.</summary>
    public bool Succeeded => Attachment is not null;
}

/// <summary>GetAttachment response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Attachments">One result per requested attachment, in request order.</param>
public sealed record GetAttachmentsResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<AttachmentResult> Attachments);
