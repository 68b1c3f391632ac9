using MimeKit;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// MIME for items stored without any (created by CreateItem from properties, or seeded): built from the item's
/// subject, addresses and body, as Exchange converts a MAPI message to MIME when MimeContent is asked for.
/// </summary>
internal static class ItemMime
{
    public static byte[] Render(SimulatedItem item)
    {
        var message = new MimeMessage();
        if (item.From is { } from)
        {
            message.From.Add(new MailboxAddress(from.Name, from.EmailAddress));
        }

        message.To.AddRange(item.ToRecipients.Select(recipient => new MailboxAddress(recipient.Name, recipient.EmailAddress)));
        message.Cc.AddRange(item.CcRecipients.Select(recipient => new MailboxAddress(recipient.Name, recipient.EmailAddress)));
        message.Bcc.AddRange(item.BccRecipients.Select(recipient => new MailboxAddress(recipient.Name, recipient.EmailAddress)));
        message.Subject = item.Subject ?? "";
        message.Date = item.DateTimeReceived;
        message.MessageId = FormattableString.Invariant($"{item.ObjectNumber}.{item.DateTimeCreated.ToUnixTimeMilliseconds()}@simulator.invalid");
        message.Body = new TextPart(item.BodyType == "HTML" ? "html" : "plain") { Text = item.Body ?? "" };
        using var stream = new MemoryStream();
        message.WriteTo(MimeFormat.Crlf, stream);
        return stream.ToArray();
    }
}
