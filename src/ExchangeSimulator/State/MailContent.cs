namespace ExSync.ExchangeSimulator;

/// <summary>
/// What a message item holds of an Internet message beyond the first-class fields of <see cref="SimulatedItem"/>
/// (subject, sender, recipients): its MIME and the properties Exchange promotes from it. Immutable, so one instance
/// is shared by every recipient's copy of a message and by every version of an item.
/// </summary>
internal sealed class MailContent
{
    /// <summary>The message's MIME: the bytes as received, or rendered on demand for generated messages.</summary>
    public required MimeSource Mime { get; init; }

    /// <summary>The item's size in bytes (PR_MESSAGE_SIZE): the MIME's length, or its estimate for generated messages.</summary>
    public required long Size { get; init; }

    public SimulatedRecipient? Sender { get; init; }

    public IReadOnlyList<SimulatedRecipient> ReplyTo { get; init; } = [];

    /// <summary>Message-ID with its angle brackets, as EWS returns InternetMessageId.</summary>
    public string? InternetMessageId { get; init; }

    public string? InReplyTo { get; init; }

    /// <summary>The References header: Message-IDs separated by spaces.</summary>
    public string? References { get; init; }

    public string? ConversationTopic { get; init; }

    /// <summary>PR_CONVERSATION_INDEX: a 22-byte header plus a 5-byte block per reply (see <see cref="ConversationIndex"/>).</summary>
    public required byte[] ConversationIndex { get; init; }

    /// <summary>The Date header; null when the message had none.</summary>
    public DateTimeOffset? DateTimeSent { get; init; }

    /// <summary>Low, Normal or High (ImportanceChoicesType).</summary>
    public string Importance { get; init; } = "Normal";

    /// <summary>Normal, Personal, Private or Confidential (SensitivityChoicesType).</summary>
    public string Sensitivity { get; init; } = "Normal";

    public bool IsReadReceiptRequested { get; init; }

    public bool IsDeliveryReceiptRequested { get; init; }

    /// <summary>The top-level header fields in order, values unfolded but not decoded (InternetMessageHeaders).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>The text/html body, when the message has one.</summary>
    public string? HtmlBody { get; init; }

    /// <summary>The text/plain body, when the message has one.</summary>
    public string? TextBody { get; init; }

    public IReadOnlyList<MailAttachment> Attachments { get; init; } = [];

    public bool HasAttachments => Attachments.Any(attachment => !attachment.IsInline);
}

/// <summary>
/// One attachment: a file (its bytes), or an attached message (<see cref="Embedded"/>, returned as an ItemAttachment,
/// with <see cref="Content"/> holding the message's MIME).
/// </summary>
internal sealed record MailAttachment(
    string Name, string ContentType, string? ContentId, bool IsInline, ReadOnlyMemory<byte> Content, DateTimeOffset? LastModifiedTime)
{
    /// <summary>The attached message for a message/rfc822 part; null for file attachments.</summary>
    public SimulatedItem? Embedded { get; init; }

    public long Size => Content.Length;
}

/// <summary>MIME bytes, either kept exactly as received or rendered when asked for.</summary>
internal abstract class MimeSource
{
    public abstract byte[] ToArray();

    /// <summary>MIME received over SMTP or in CreateItem's MimeContent, kept byte for byte.</summary>
    public sealed class Stored(byte[] bytes) : MimeSource
    {
        public override byte[] ToArray() => bytes;
    }

    /// <summary>
    /// MIME built from a message's parts only when a client asks for it, so thousands of generated messages cost
    /// no more memory than their shared bodies. The renderer must be deterministic (fixed boundaries and dates).
    /// </summary>
    public sealed class Rendered(Func<byte[]> render) : MimeSource
    {
        public override byte[] ToArray() => render();
    }
}
