namespace ExSync.ExchangeSimulator;

/// <summary>
/// A message a mailbox holds at start. It is built into real MIME (so MimeContent, headers and attachments behave as
/// for mail delivered over SMTP), unless <see cref="Mime"/> gives the MIME itself.
/// </summary>
public sealed class ScenarioMessage
{
    /// <summary>The distinguished folder id the message is in (default inbox).</summary>
    public string Folder { get; set; } = "inbox";

    /// <summary>The raw MIME message (RFC 5322 text); when set, every field below except folder, receivedAt and isRead must be empty.</summary>
    public string? Mime { get; set; }

    /// <summary>The sender, as "Name &lt;address&gt;" or a bare address.</summary>
    public string? From { get; set; }

    /// <summary>To recipients ("Name &lt;address&gt;" or bare addresses).</summary>
    public List<string> To { get; set; } = [];

    /// <summary>Cc recipients.</summary>
    public List<string> Cc { get; set; } = [];

    /// <summary>The subject.</summary>
    public string? Subject { get; set; }

    /// <summary>The text/plain body.</summary>
    public string? Body { get; set; }

    /// <summary>The text/html body (with <see cref="Body"/>, the message is multipart/alternative).</summary>
    public string? HtmlBody { get; set; }

    /// <summary>Message-ID (with or without angle brackets); generated when empty.</summary>
    public string? MessageId { get; set; }

    /// <summary>In-Reply-To: the Message-ID of the message this one answers.</summary>
    public string? InReplyTo { get; set; }

    /// <summary>References: earlier Message-IDs of the thread, oldest first.</summary>
    public List<string> References { get; set; } = [];

    /// <summary>Further header fields (for example Thread-Index, Importance, X-Mailer).</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>File attachments.</summary>
    public List<ScenarioAttachment> Attachments { get; set; } = [];

    /// <summary>When the message was sent (Date header); default <see cref="ReceivedAt"/>.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>When it arrived in the mailbox (DateTimeReceived); default the simulator's start.</summary>
    public DateTimeOffset? ReceivedAt { get; set; }

    /// <summary>The read flag.</summary>
    public bool IsRead { get; set; }
}

/// <summary>A file attachment of a scenario message: its content as text, as base64, or as deterministic filler of a size.</summary>
public sealed class ScenarioAttachment
{
    /// <summary>The file name.</summary>
    public string Name { get; set; } = "";

    /// <summary>The MIME type (default application/octet-stream).</summary>
    public string ContentType { get; set; } = "application/octet-stream";

    /// <summary>Text content (stored UTF-8).</summary>
    public string? Content { get; set; }

    /// <summary>Binary content, base64.</summary>
    public string? ContentBase64 { get; set; }

    /// <summary>Deterministic filler of this many bytes, when neither content is given.</summary>
    public int? SizeBytes { get; set; }

    /// <summary>A Content-ID makes the attachment inline (an image the HTML body refers to as cid:…).</summary>
    public string? ContentId { get; set; }
}

/// <summary>
/// Messages generated in bulk for benchmarks: cheap in memory (bodies and attachment contents are shared, MIME is
/// rendered only when a client asks for MimeContent) and the same on every run.
/// </summary>
public sealed class ScenarioGeneratedMessages
{
    /// <summary>How many messages the mailbox gets.</summary>
    public int Count { get; set; }

    /// <summary>The distinguished folder id they go to (default inbox).</summary>
    public string Folder { get; set; } = "inbox";

    /// <summary>Body size in bytes (ASCII text).</summary>
    public int BodySizeBytes { get; set; } = 2048;

    /// <summary>Whether the body is text/html (default) rather than text/plain.</summary>
    public bool HtmlBody { get; set; } = true;

    /// <summary>Every k-th message (the k-th, 2k-th, …) has an attachment; 0 = none.</summary>
    public int AttachmentEvery { get; set; }

    /// <summary>The size of those attachments in bytes.</summary>
    public int AttachmentSizeBytes { get; set; }

    /// <summary>The sender of every generated message.</summary>
    public string From { get; set; } = "Message Generator <generator@simulator.invalid>";
}
