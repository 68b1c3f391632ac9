using System.Text;
using MimeKit;

namespace ExSync.ExchangeSimulator;

/// <summary>A parsed Internet message: the first-class item fields plus the shared <see cref="MailContent"/>.</summary>
internal sealed record ParsedMail(
    string? Subject, SimulatedRecipient? From, IReadOnlyList<SimulatedRecipient> ToRecipients, IReadOnlyList<SimulatedRecipient> CcRecipients,
    IReadOnlyList<SimulatedRecipient> BccRecipients, MailContent Content);

/// <summary>
/// Promotes an Internet message's properties the way Exchange's content conversion does: subject, addresses, ids,
/// dates, importance, the first text/html and text/plain parts as bodies, every other leaf part as an attachment
/// (message/rfc822 parts as attached messages). Hostile input never throws: what cannot be parsed is kept as MIME and
/// shown as a text body, undecodable charsets fall back to UTF-8, and nesting is cut at <see cref="MaxDepth"/>.
/// </summary>
internal static class MailParser
{
    /// <summary>How deep multiparts and attached messages are followed; deeper content stays in the MIME only.</summary>
    public const int MaxDepth = 64;

    private const int MaxAttachedMessageDepth = 4;

    private static readonly ParserOptions Options = new()
    {
        MaxMimeDepth = MaxDepth,
        AllowAddressesWithoutDomain = true,
        AllowUnquotedCommasInAddresses = true,
        AddressParserComplianceMode = RfcComplianceMode.Looser,
        ParameterComplianceMode = RfcComplianceMode.Looser,
        Rfc2047ComplianceMode = RfcComplianceMode.Looser,
    };

    private static readonly UTF8Encoding LenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    static MailParser() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>Parses raw MIME, keeping the bytes exactly for MimeContent.</summary>
    public static ParsedMail Parse(byte[] mime, MailThreads threads, DateTimeOffset receivedAt)
    {
        try
        {
            using var stream = new MemoryStream(mime, writable: false);
            using var message = MimeMessage.Load(Options, stream);
            return FromMessage(message, new MimeSource.Stored(mime), mime.LongLength, threads, receivedAt, depth: 0);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever a hostile message makes the MIME library do, the message is still stored (as its MIME and a
            // text body): delivery must never fail because of content.
            return Unparseable(mime);
        }
    }

    /// <summary>Reads a parsed message; <paramref name="source"/> supplies its MIME when a client asks for MimeContent.</summary>
    public static ParsedMail FromMessage(MimeMessage message, MimeSource source, long size, MailThreads? threads, DateTimeOffset receivedAt, int depth)
    {
        var messageId = Bracketed(message.MessageId);
        var inReplyTo = message.InReplyTo is { Length: > 0 } parent ? Bracketed(parent) : null;
        var references = message.References.Select(reference => Bracketed(reference)!).ToList();
        var threadIndex = message.Headers["Thread-Index"];
        var conversationIndex = threads?.Assign(messageId, threadIndex, inReplyTo, references, receivedAt)
            ?? (ConversationIndexes.TryParseThreadIndex(threadIndex, out var fromHeader) ? fromHeader : ConversationIndexes.NewThread(receivedAt, messageId));

        var bodies = new BodyCollector();
        var attachments = new List<MailAttachment>();
        Walk(message.Body, bodies, attachments, receivedAt, depth);

        var from = Recipients(message.From).FirstOrDefault();
        var content = new MailContent
        {
            Mime = source,
            Size = size,
            Sender = Recipients(message.Sender is null ? [] : [message.Sender]).FirstOrDefault() ?? from,
            ReplyTo = Recipients(message.ReplyTo),
            InternetMessageId = messageId,
            InReplyTo = inReplyTo,
            References = references.Count == 0 ? null : string.Join(' ', references),
            ConversationTopic = XmlSafe(message.Headers["Thread-Topic"] ?? NormalizedSubject(message.Subject)),
            ConversationIndex = conversationIndex,
            DateTimeSent = message.Headers.Contains(HeaderId.Date) && message.Date != DateTimeOffset.MinValue ? message.Date : null,
            Importance = Importance(message),
            Sensitivity = Sensitivity(message.Headers["Sensitivity"]),
            IsReadReceiptRequested = message.Headers.Contains(HeaderId.DispositionNotificationTo),
            IsDeliveryReceiptRequested = message.Headers.Contains(HeaderId.ReturnReceiptTo),
            Headers = [.. message.Headers.Select(header => new KeyValuePair<string, string>(XmlSafe(header.Field)!, RawValue(header)))],
            HtmlBody = XmlSafe(bodies.Html),
            TextBody = XmlSafe(bodies.Text),
            Attachments = attachments,
        };
        return new ParsedMail(XmlSafe(message.Subject), from, Recipients(message.To), Recipients(message.Cc), Recipients(message.Bcc), content);
    }

    /// <summary>"RE: FW: Budget" → "Budget": the topic Exchange groups a conversation under.</summary>
    public static string? NormalizedSubject(string? subject)
    {
        if (subject is null)
        {
            return null;
        }

        var topic = subject.Trim();
        while (true)
        {
            var colon = topic.IndexOf(':', StringComparison.Ordinal);
            if (colon is <= 0 or > 4 || !topic[..colon].All(char.IsLetter))
            {
                return topic;
            }

            topic = topic[(colon + 1)..].TrimStart();
        }
    }

    public static string? Bracketed(string? messageId) =>
        string.IsNullOrWhiteSpace(messageId) ? null : XmlSafe(messageId.StartsWith('<') ? messageId : $"<{messageId}>");

    /// <summary>
    /// Text from mail may hold characters XML 1.0 cannot carry (NUL, other controls, lone surrogates); they become
    /// U+FFFD so every stored string can be written into an EWS response.
    /// </summary>
    public static string? XmlSafe(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var firstInvalid = -1;
        for (var index = 0; index < text.Length; index++)
        {
            if (!IsXmlCharacterAt(text, index, out var width))
            {
                firstInvalid = index;
                break;
            }

            index += width - 1;
        }

        if (firstInvalid < 0)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length).Append(text, 0, firstInvalid);
        for (var index = firstInvalid; index < text.Length; index++)
        {
            if (IsXmlCharacterAt(text, index, out var width))
            {
                clean.Append(text, index, width);
                index += width - 1;
            }
            else
            {
                clean.Append('\uFFFD');
            }
        }

        return clean.ToString();
    }

    private static bool IsXmlCharacterAt(string text, int index, out int width)
    {
        width = 1;
        if (System.Xml.XmlConvert.IsXmlChar(text[index]))
        {
            return true;
        }

        if (index + 1 < text.Length && System.Xml.XmlConvert.IsXmlSurrogatePair(text[index + 1], text[index]))
        {
            width = 2;
            return true;
        }

        return false;
    }

    private static ParsedMail Unparseable(byte[] mime)
    {
        var content = new MailContent
        {
            Mime = new MimeSource.Stored(mime),
            Size = mime.LongLength,
            ConversationIndex = ConversationIndexes.NewThread(DateTimeOffset.UnixEpoch, messageId: null),
            TextBody = XmlSafe(LenientUtf8.GetString(mime, 0, Math.Min(mime.Length, 1024 * 1024))),
        };
        return new ParsedMail(null, null, [], [], [], content);
    }

    private static void Walk(MimeEntity? root, BodyCollector bodies, List<MailAttachment> attachments, DateTimeOffset receivedAt, int messageDepth)
    {
        var pending = new Stack<(MimeEntity Entity, int Depth)>();
        if (root is not null)
        {
            pending.Push((root, 0));
        }

        while (pending.Count > 0)
        {
            var (entity, depth) = pending.Pop();
            switch (entity)
            {
                case Multipart multipart when depth < MaxDepth:
                    for (var index = multipart.Count - 1; index >= 0; index--)
                    {
                        pending.Push((multipart[index], depth + 1));
                    }

                    break;
                case Multipart:
                    break;
                case TextPart text when !IsAttachment(text) && bodies.TryTake(text):
                    break;
                case MessagePart { Message: { } attached } part:
                    attachments.Add(AttachedMessage(part, attached, receivedAt, messageDepth));
                    break;
                case MimePart part:
                    attachments.Add(FileAttachment(part, attachments.Count + 1));
                    break;
            }
        }
    }

    private static bool IsAttachment(MimeEntity entity) =>
        entity.ContentDisposition?.Disposition?.Equals(ContentDisposition.Attachment, StringComparison.OrdinalIgnoreCase) == true ||
        entity.ContentDisposition?.FileName is not null;

    private static MailAttachment FileAttachment(MimePart part, int position)
    {
        using var decoded = new MemoryStream();
        try
        {
            part.Content?.DecodeTo(decoded);
        }
        catch (Exception exception) when (exception is FormatException or InvalidOperationException or IOException)
        {
            // A broken transfer encoding: keep what decoded.
        }

        var name = part.FileName ?? part.ContentType.Name ?? $"ATT{position:00000}{DefaultExtension(part.ContentType)}";
        var isInline = part.ContentDisposition?.Disposition?.Equals(ContentDisposition.Inline, StringComparison.OrdinalIgnoreCase) == true ||
                       (part.ContentDisposition is null && part.ContentId is not null);
        return new MailAttachment(XmlSafe(name)!, XmlSafe(part.ContentType.MimeType)!, XmlSafe(part.ContentId), isInline, decoded.ToArray(), part.ContentDisposition?.ModificationDate);
    }

    private static MailAttachment AttachedMessage(MessagePart part, MimeMessage attached, DateTimeOffset receivedAt, int messageDepth)
    {
        using var mime = new MemoryStream();
        attached.WriteTo(MimeFormat.Crlf, mime);
        var bytes = mime.ToArray();
        SimulatedItem? embedded = null;
        if (messageDepth < MaxAttachedMessageDepth)
        {
            // Attached messages are not delivered, so they do not join the thread map.
            var parsed = FromMessage(attached, new MimeSource.Stored(bytes), bytes.LongLength, threads: null, receivedAt, messageDepth + 1);
            embedded = EmbeddedItem(parsed, receivedAt);
        }

        var name = part.ContentDisposition?.FileName ?? attached.Subject ?? "Attached message";
        return new MailAttachment(XmlSafe(name)!, XmlSafe(part.ContentType.MimeType)!, XmlSafe(part.ContentId), IsInline: false, bytes, part.ContentDisposition?.ModificationDate)
        {
            Embedded = embedded,
        };
    }

    /// <summary>An attached message as an item that lives in no folder (ItemAttachment content).</summary>
    private static SimulatedItem EmbeddedItem(ParsedMail parsed, DateTimeOffset receivedAt) => new()
    {
        ObjectNumber = 0,
        Id = "",
        Folder = SimulatedFolder.Inbox,
        ElementName = "Message",
        ItemClass = "IPM.Note",
        Subject = parsed.Subject,
        Body = parsed.Content.HtmlBody ?? parsed.Content.TextBody,
        BodyType = parsed.Content.HtmlBody is null ? "Text" : "HTML",
        IsRead = true,
        DateTimeCreated = receivedAt,
        DateTimeReceived = parsed.Content.DateTimeSent ?? receivedAt,
        From = parsed.From,
        ToRecipients = parsed.ToRecipients,
        CcRecipients = parsed.CcRecipients,
        Content = parsed.Content,
    };

    private static IReadOnlyList<SimulatedRecipient> Recipients(IEnumerable<InternetAddress> addresses)
    {
        var recipients = new List<SimulatedRecipient>();
        foreach (var mailbox in addresses is InternetAddressList list ? list.Mailboxes : addresses.OfType<MailboxAddress>())
        {
            if (!string.IsNullOrEmpty(mailbox.Address))
            {
                recipients.Add(new SimulatedRecipient(string.IsNullOrEmpty(mailbox.Name) ? null : XmlSafe(mailbox.Name), XmlSafe(mailbox.Address)!));
            }
        }

        return recipients;
    }

    private static string Importance(MimeMessage message)
    {
        if (message.Headers.Contains(HeaderId.Importance))
        {
            return message.Importance switch
            {
                MessageImportance.High => "High",
                MessageImportance.Low => "Low",
                _ => "Normal",
            };
        }

        return message.Headers.Contains(HeaderId.XPriority)
            ? message.XPriority switch
            {
                XMessagePriority.Highest or XMessagePriority.High => "High",
                XMessagePriority.Low or XMessagePriority.Lowest => "Low",
                _ => "Normal",
            }
            : "Normal";
    }

    private static string Sensitivity(string? header) => header?.Trim().ToLowerInvariant() switch
    {
        "personal" => "Personal",
        "private" => "Private",
        "company-confidential" => "Confidential",
        _ => "Normal",
    };

    /// <summary>The header value as it appeared (unfolded, encoded words left encoded), as InternetMessageHeaders shows it.</summary>
    private static string RawValue(Header header)
    {
        var raw = LenientUtf8.GetString(header.RawValue);
        var unfolded = new StringBuilder(raw.Length);
        foreach (var character in raw)
        {
            if (character is not ('\r' or '\n'))
            {
                unfolded.Append(character);
            }
        }

        return XmlSafe(unfolded.ToString().Trim())!;
    }

    private static string DefaultExtension(ContentType type) => type.MimeType.ToLowerInvariant() switch
    {
        "text/plain" => ".txt",
        "text/html" => ".htm",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "application/pdf" => ".pdf",
        _ => ".bin",
    };

    /// <summary>Takes the first text/html and the first text/plain part as the bodies; later text parts are attachments.</summary>
    private sealed class BodyCollector
    {
        public string? Html { get; private set; }

        public string? Text { get; private set; }

        public bool TryTake(TextPart part)
        {
            if (part.IsHtml && Html is null)
            {
                Html = Decode(part);
                return true;
            }

            if (part.IsPlain && Text is null)
            {
                Text = Decode(part);
                return true;
            }

            return false;
        }

        /// <summary>
        /// Decodes the part in its charset (UTF-8 when the charset is unknown), keeping its line ends: MimeKit's
        /// TextPart.Text would turn CRLF into the platform's newline.
        /// </summary>
        private static string Decode(TextPart part)
        {
            using var decoded = new MemoryStream();
            part.Content?.DecodeTo(decoded);
            Encoding encoding;
            try
            {
                encoding = part.ContentType.Charset is { } charset ? Encoding.GetEncoding(charset.Trim()) : LenientUtf8;
            }
            catch (Exception exception) when (exception is NotSupportedException or ArgumentException)
            {
                encoding = LenientUtf8;
            }

            return encoding.GetString(decoded.GetBuffer(), 0, (int)decoded.Length);
        }
    }
}
