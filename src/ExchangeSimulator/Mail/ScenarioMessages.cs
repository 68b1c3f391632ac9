using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Utils;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Puts a scenario mailbox's messages in it at start: listed messages become real MIME (parsed by the same code as
/// SMTP delivery), generated ones share their bodies and attachments and render MIME only on demand.
/// </summary>
internal static class ScenarioMessages
{
    private const string Filler = "The ExSync Exchange simulator generated this message so that benchmarks have mail to read. ";

    private static readonly ConcurrentDictionary<(int Size, bool Html), string> SharedBodies = new();
    private static readonly ConcurrentDictionary<int, MailAttachment> SharedAttachments = new();

    public static void Seed(MailboxStore mailbox, ScenarioMailbox definition, MailThreads threads, TimeProvider time)
    {
        var now = time.GetUtcNow();
        for (var index = 0; index < definition.Messages.Count; index++)
        {
            var message = definition.Messages[index];
            SimulatedFolderNames.TryParseDistinguishedId(message.Folder, out var folder);
            var receivedAt = message.ReceivedAt ?? now;
            var mime = message.Mime is { } raw ? Encoding.UTF8.GetBytes(raw) : Build(message, mailbox.SmtpAddress, index, receivedAt);
            var parsed = MailParser.Parse(mime, threads, receivedAt);
            mailbox.CreateItem(folder, MailDelivery.ToNewItem(parsed, mailbox.SmtpAddress, message.IsRead, receivedAt));
        }

        if (definition.GeneratedMessages is { Count: > 0 } generated)
        {
            SimulatedFolderNames.TryParseDistinguishedId(generated.Folder, out var folder);
            var from = ParseAddress(generated.From);
            for (var number = 1; number <= generated.Count; number++)
            {
                // Oldest first, a second apart, the newest a second before start.
                var receivedAt = now.AddSeconds(number - generated.Count - 1);
                mailbox.CreateItem(folder, Generated(generated, number, mailbox.SmtpAddress, from, receivedAt));
            }
        }
    }

    /// <summary>Deterministic filler text of exactly <paramref name="size"/> bytes, shared by every message that asks for it.</summary>
    public static string Body(int size, bool html) => SharedBodies.GetOrAdd((size, html), static key =>
    {
        const string Head = "<html><body><p>";
        const string Tail = "</p></body></html>";
        var text = new StringBuilder(key.Size);
        var fillerSize = key.Html ? Math.Max(0, key.Size - Head.Length - Tail.Length) : key.Size;
        while (text.Length < fillerSize)
        {
            text.Append(Filler, 0, Math.Min(Filler.Length, fillerSize - text.Length));
        }

        return key.Html ? Head + text + Tail : text.ToString();
    });

    private static byte[] Build(ScenarioMessage definition, string owner, int index, DateTimeOffset receivedAt)
    {
        var message = new MimeMessage();
        message.From.Add(ParseMailbox(definition.From ?? "Scenario Sender <sender@simulator.invalid>"));
        message.To.AddRange(definition.To.Count == 0 ? [ParseMailbox(owner)] : definition.To.Select(ParseMailbox));
        message.Cc.AddRange(definition.Cc.Select(ParseMailbox));
        message.Subject = definition.Subject ?? "";
        message.Date = definition.SentAt ?? receivedAt;
        message.MessageId = Unbracketed(definition.MessageId) ?? string.Create(CultureInfo.InvariantCulture, $"scenario-{index + 1}-{Hash(owner)}@simulator.invalid");
        if (Unbracketed(definition.InReplyTo) is { } inReplyTo)
        {
            message.InReplyTo = inReplyTo;
        }

        foreach (var reference in definition.References)
        {
            message.References.Add(Unbracketed(reference)!);
        }

        foreach (var (name, value) in definition.Headers)
        {
            message.Headers.Replace(name, value);
        }

        var body = new BodyBuilder { TextBody = definition.Body, HtmlBody = definition.HtmlBody };
        foreach (var attachment in definition.Attachments)
        {
            var content = attachment.ContentBase64 is { } base64 ? Convert.FromBase64String(base64)
                : attachment.Content is { } text ? Encoding.UTF8.GetBytes(text)
                : FillerBytes(attachment.SizeBytes ?? 0);
            var part = attachment.ContentId is null
                ? body.Attachments.Add(attachment.Name, content, ContentType.Parse(attachment.ContentType))
                : body.LinkedResources.Add(attachment.Name, content, ContentType.Parse(attachment.ContentType));
            if (attachment.ContentId is { } contentId)
            {
                part.ContentId = Unbracketed(contentId);
            }
        }

        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(MimeFormat.Crlf, stream);
        return stream.ToArray();
    }

    private static NewItem Generated(ScenarioGeneratedMessages spec, int number, string owner, SimulatedRecipient from, DateTimeOffset receivedAt)
    {
        var subject = string.Create(CultureInfo.InvariantCulture, $"Generated message {number}");
        var messageId = string.Create(CultureInfo.InvariantCulture, $"<generated-{number}-{Hash(owner)}@simulator.invalid>");
        var body = Body(spec.BodySizeBytes, spec.HtmlBody);
        var attachment = spec.AttachmentEvery > 0 && number % spec.AttachmentEvery == 0 ? SharedAttachment(spec.AttachmentSizeBytes) : null;
        var to = new SimulatedRecipient(null, owner);
        var content = new MailContent
        {
            Mime = new MimeSource.Rendered(() => Render(spec, subject, messageId, from, to, receivedAt, body, attachment)),
            Size = 1024 + body.Length + (attachment?.Size ?? 0) * 4 / 3,
            Sender = from,
            InternetMessageId = messageId,
            ConversationTopic = subject,
            ConversationIndex = ConversationIndexes.NewThread(receivedAt, messageId),
            DateTimeSent = receivedAt,
            Headers =
            [
                new("From", Format(from)), new("To", owner), new("Subject", subject), new("Date", DateUtils.FormatDate(receivedAt)),
                new("Message-ID", messageId), new("MIME-Version", "1.0"),
                new("Content-Type", attachment is null ? BodyMediaType(spec) + "; charset=utf-8" : "multipart/mixed; boundary=\"" + GeneratedBoundary + "\""),
            ],
            HtmlBody = spec.HtmlBody ? body : null,
            TextBody = spec.HtmlBody ? null : body,
            Attachments = attachment is null ? [] : [attachment],
        };
        return new NewItem
        {
            ItemClass = "IPM.Note",
            Subject = subject,
            Body = body,
            BodyType = spec.HtmlBody ? "HTML" : "Text",
            DateTimeReceived = receivedAt,
            From = from,
            ToRecipients = [to],
            Content = content,
        };
    }

    private const string GeneratedBoundary = "=-exsync-simulator-generated";

    /// <summary>The MIME of a generated message, the same bytes on every call (fixed boundary, date and ids).</summary>
    private static byte[] Render(
        ScenarioGeneratedMessages spec, string subject, string messageId, SimulatedRecipient from, SimulatedRecipient to,
        DateTimeOffset sentAt, string body, MailAttachment? attachment)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(from.Name, from.EmailAddress));
        message.To.Add(new MailboxAddress(to.Name, to.EmailAddress));
        message.Subject = subject;
        message.Date = sentAt;
        message.MessageId = messageId.Trim('<', '>');
        var text = new TextPart(spec.HtmlBody ? "html" : "plain") { Text = body };
        if (attachment is null)
        {
            message.Body = text;
        }
        else
        {
            var file = new MimePart(attachment.ContentType)
            {
                Content = new MimeContent(new MemoryStream(attachment.Content.ToArray(), writable: false)),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment),
                ContentTransferEncoding = ContentEncoding.Base64,
                FileName = attachment.Name,
            };
            var mixed = new Multipart("mixed") { Boundary = GeneratedBoundary };
            mixed.Add(text);
            mixed.Add(file);
            message.Body = mixed;
        }

        using var stream = new MemoryStream();
        message.WriteTo(MimeFormat.Crlf, stream);
        return stream.ToArray();
    }

    private static MailAttachment SharedAttachment(int size) => SharedAttachments.GetOrAdd(size, static bytes =>
        new MailAttachment(string.Create(CultureInfo.InvariantCulture, $"attachment-{bytes}.bin"), "application/octet-stream", null, false, FillerBytes(bytes), null));

    private static byte[] FillerBytes(int size)
    {
        var bytes = new byte[size];
        for (var index = 0; index < size; index++)
        {
            bytes[index] = (byte)(index * 31 + 7);
        }

        return bytes;
    }

    private static string BodyMediaType(ScenarioGeneratedMessages spec) => spec.HtmlBody ? "text/html" : "text/plain";

    private static MailboxAddress ParseMailbox(string value) =>
        MailboxAddress.TryParse(value, out var mailbox) ? mailbox : new MailboxAddress(null, value.Trim());

    private static SimulatedRecipient ParseAddress(string value)
    {
        var mailbox = ParseMailbox(value);
        return new SimulatedRecipient(string.IsNullOrEmpty(mailbox.Name) ? null : mailbox.Name, mailbox.Address);
    }

    private static string Format(SimulatedRecipient recipient) => new MailboxAddress(recipient.Name, recipient.EmailAddress).ToString();

    private static string? Unbracketed(string? messageId) => string.IsNullOrWhiteSpace(messageId) ? null : messageId.Trim().Trim('<', '>');

    private static string Hash(string owner) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(owner.ToLowerInvariant())).AsSpan(0, 6));
}
