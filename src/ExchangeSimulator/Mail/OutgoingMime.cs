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
    public static byte[] Compose(
        MessageContent message, ParsedMail? mime, SimulatedRecipient sender, IReadOnlyList<SimulatedRecipient> to, IReadOnlyList<SimulatedRecipient> cc,
        DateTimeOffset now)
    {
        if (mime is not null)
        {
            var original = mime.Content.Mime.ToArray();
            var headers = mime.Content.Headers;
            bool Has(string name) => headers.Any(header => header.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (!Has("Bcc") && Has("From") && Has("Date") && Has("Message-ID"))
            {
                return original;
            }

            using var input = new MemoryStream(original, writable: false);
            using var parsed = MimeMessage.Load(input);
            Complete(parsed, sender, now);
            return Render(parsed);
        }

        using var composed = new MimeMessage();
        composed.From.Add(Address(message.From ?? sender));
        composed.To.AddRange(to.Select(Address));
        composed.Cc.AddRange(cc.Select(Address));
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
