namespace ExSync.ExchangeSimulator;

/// <summary>What a delivery did: the item created in each recipient mailbox, and the addresses no mailbox has.</summary>
/// <param name="Delivered">One entry per mailbox that received the message (duplicate recipients count once).</param>
/// <param name="UnknownRecipients">Recipients that are not simulated mailboxes (SMTP answers them 550).</param>
public sealed record DeliveryResult(IReadOnlyList<DeliveredItem> Delivered, IReadOnlyList<string> UnknownRecipients);

/// <summary>A delivered copy of a message.</summary>
/// <param name="Mailbox">The recipient mailbox's primary SMTP address.</param>
/// <param name="ItemId">The EWS ItemId of the new Inbox item.</param>
public sealed record DeliveredItem(string Mailbox, string ItemId);

/// <summary>
/// The one path by which an Internet message enters mailboxes: SMTP, CreateItem with MimeContent (sent), the
/// host's DeliverMessage and the scenario's messages all come here. Delivery is by envelope recipient, so To, Cc
/// and Bcc recipients all get a copy; each copy is a new unread Inbox item sharing one parsed <see cref="MailContent"/>,
/// and a Bcc recipient's copy lists only that recipient as Bcc (nobody else sees Bcc recipients).
/// </summary>
internal sealed class MailDelivery(SimulatorState state, TimeProvider time)
{
    /// <summary>Parses raw MIME (kept byte for byte) and delivers it.</summary>
    public DeliveryResult Deliver(byte[] mime, IEnumerable<string> envelopeRecipients) =>
        Deliver(MailParser.Parse(mime, state.Threads, time.GetUtcNow()), envelopeRecipients);

    public DeliveryResult Deliver(ParsedMail mail, IEnumerable<string> envelopeRecipients)
    {
        var delivered = new List<DeliveredItem>();
        var unknown = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var address in envelopeRecipients)
        {
            var trimmed = address.Trim();
            if (!seen.Add(trimmed))
            {
                continue;
            }

            if (state.FindBySmtp(trimmed) is not { } mailbox)
            {
                unknown.Add(trimmed);
                continue;
            }

            var item = mailbox.CreateItem(SimulatedFolder.Inbox, ToNewItem(mail, mailbox.SmtpAddress, isRead: false, receivedAt: null));
            delivered.Add(new DeliveredItem(mailbox.SmtpAddress, item.Id));
        }

        return new DeliveryResult(delivered, unknown);
    }

    /// <summary>The item a mailbox stores for a message; <paramref name="owner"/> decides which Bcc recipients it may see.</summary>
    public static NewItem ToNewItem(ParsedMail mail, string owner, bool isRead, DateTimeOffset? receivedAt)
    {
        var ownAddressIsVisible = mail.ToRecipients.Concat(mail.CcRecipients).Concat(mail.From is null ? [] : [mail.From])
            .Any(recipient => string.Equals(recipient.EmailAddress, owner, StringComparison.OrdinalIgnoreCase));
        var bcc = ownAddressIsVisible
            ? []
            : mail.BccRecipients.Where(recipient => string.Equals(recipient.EmailAddress, owner, StringComparison.OrdinalIgnoreCase)).Take(1).DefaultIfEmpty(new SimulatedRecipient(null, owner)).ToList();
        var content = mail.Content;
        return new NewItem
        {
            ItemClass = "IPM.Note",
            Subject = mail.Subject,
            Body = content.HtmlBody ?? content.TextBody,
            BodyType = content.HtmlBody is null ? "Text" : "HTML",
            IsRead = isRead,
            DateTimeReceived = receivedAt,
            From = mail.From,
            ToRecipients = mail.ToRecipients,
            CcRecipients = mail.CcRecipients,
            BccRecipients = bcc,
            Content = content,
        };
    }
}
