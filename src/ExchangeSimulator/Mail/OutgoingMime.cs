using System.Globalization;
using MimeKit;
using MimeKit.Utils;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// The MIME a sent message travels as: the client's MimeContent when it is ready to send, else that MIME with what
/// transport adds or removes (From, Date, Message-ID added when missing; Bcc removed), or MIME composed from the
/// message's properties when there is none.
/// </summary>
internal static class OutgoingMime
{
    public static byte[] Compose(MessageContent message, ParsedMail? mime, SimulatedRecipient sender, OutgoingRecipients recipients, DateTimeOffset now)
    {
        if (mime is not null)
        {
            var original = mime.Content.Mime.ToArray();
            var headers = mime.Content.Headers;
            bool Has(string name) => headers.Any(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            var propertiesOverride = recipients.ToFromProperties || recipients.CcFromProperties || message.Subject is not null;
            if (!propertiesOverride && !Has("Bcc") && Has("From") && Has("Date") && Has("Message-ID"))
            {
                return original;
            }

            using var input = new MemoryStream(original, writable: false);
            using var parsed = MimeMessage.Load(input);

            // Properties given next to the MIME win, as Exchange's content conversion applies them after the MIME;
            // the message goes out with headers that say so, and keeps its Message-ID.
            if (recipients.ToFromProperties)
            {
                parsed.To.Clear();
                parsed.To.AddRange(recipients.To.Select(Address));
            }

            if (recipients.CcFromProperties)
            {
                parsed.Cc.Clear();
                parsed.Cc.AddRange(recipients.Cc.Select(Address));
            }

            if (message.Subject is { } subject)
            {
                parsed.Subject = subject;
            }

            Complete(parsed, sender, now);
            return Render(parsed);
        }

        using var composed = new MimeMessage();
        composed.From.Add(Address(message.From ?? sender));
        composed.To.AddRange(recipients.To.Select(Address));
        composed.Cc.AddRange(recipients.Cc.Select(Address));
        composed.Subject = message.Subject ?? "";
        composed.Body = new TextPart(message.BodyType == "HTML" ? "html" : "plain") { Text = message.Body ?? "" };
        Complete(composed, sender, now);
        return Render(composed);
    }
    private static void Complete(MimeMessage message, SimulatedRecipient sender, DateTimeOffset now)
    {
        message.Headers.RemoveAll(HeaderId.Bcc);
        if (message.From.Count == 0)
        {
            message.From.Add(Address(sender));
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = now;
        }

        if (string.IsNullOrEmpty(message.MessageId))
        {
            var domain = sender.EmailAddress.Split('@') is [_, var host] ? host : "simulator.invalid";
            message.MessageId = MimeUtils.GenerateMessageId(domain.ToLower(CultureInfo.InvariantCulture));
        }
    }

    private static MailboxAddress Address(SimulatedRecipient recipient) => new(recipient.Name, recipient.EmailAddress);

    private static byte[] Render(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(MimeFormat.Crlf, stream);
        return stream.ToArray();
    }
}

/// <summary>
/// Who a sent message goes to: each of To, Cc and Bcc from the CreateItem's recipient elements when it has them, else
/// from the MimeContent's headers (so BccRecipients given next to MIME add blind recipients to its To and Cc).
/// </summary>
internal sealed record OutgoingRecipients(
    IReadOnlyList<SimulatedRecipient> To, IReadOnlyList<SimulatedRecipient> Cc, IReadOnlyList<SimulatedRecipient> Bcc, bool ToFromProperties, bool CcFromProperties)
{
    /// <summary>Every recipient address once, To first, then Cc, then Bcc: whom transport delivers to.</summary>
    public IReadOnlyList<string> Envelope { get; } =
        [.. To.Concat(Cc).Concat(Bcc).Select(recipient => recipient.EmailAddress.Trim()).Distinct(StringComparer.OrdinalIgnoreCase)];

    public static OutgoingRecipients For(MessageContent message, ParsedMail? mime)
    {
        var toFromProperties = message.ToRecipients.Count > 0 || mime is null;
        var ccFromProperties = message.CcRecipients.Count > 0 || mime is null;
        return new OutgoingRecipients(
            toFromProperties ? message.ToRecipients : mime!.ToRecipients,
            ccFromProperties ? message.CcRecipients : mime!.CcRecipients,
            message.BccRecipients.Count > 0 || mime is null ? message.BccRecipients : mime.BccRecipients,
            toFromProperties && mime is not null,
            ccFromProperties && mime is not null);
    }
}
