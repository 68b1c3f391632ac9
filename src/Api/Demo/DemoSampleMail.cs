using System.Text;
using ExSync.Domain.Directory;
using MimeKit;

namespace ExSync.Api.Demo;

/// <summary>
/// The CRM records and the mail of demo mode. Demo mailboxes filter with <c>FromCrmRecords</c> rather than the default
/// <c>ResponsesToCrmEmail</c>: with no CRM email yet, the default would track nothing, and a newcomer would see no email at all. With it,
/// mail from the contacts, the account and the lead below is tracked, and the advertisement from an unknown sender is not.
/// </summary>
internal static class DemoSampleMail
{
    public static readonly DemoRecord PaulaPrice = new("demo-paula-price", DirectoryRecordType.Contact, "CONTACT-1001", "Paula Price", "paula.price@fabrikam.example");
    public static readonly DemoRecord RaviPatel = new("demo-ravi-patel", DirectoryRecordType.Contact, "CONTACT-1002", "Ravi Patel", "ravi.patel@fabrikam.example");
    public static readonly DemoRecord Fabrikam = new("demo-fabrikam", DirectoryRecordType.Account, "ACCOUNT-2001", "Fabrikam, Inc.", "orders@fabrikam.example");
    public static readonly DemoRecord MiguelOrtiz = new("demo-miguel-ortiz", DirectoryRecordType.Lead, "LEAD-3001", "Miguel Ortiz", "miguel.ortiz@northwind.example");

    /// <summary>The directory entries demo mode adds when they are missing, as a CRM would register its records.</summary>
    public static readonly DemoRecord[] Records = [PaulaPrice, RaviPatel, Fabrikam, MiguelOrtiz];

    /// <summary>Not in the directory: its mail is filtered out.</summary>
    public const string UnknownSender = "deals@bargain-ink.example";

    private const string Alice = "alice@contoso.demo";
    private const string Carol = "carol@contoso.demo";

    public static readonly DemoEmail RenewalQuestion = new(
        "renewal-quote.1@fabrikam.example", PaulaPrice.Name, PaulaPrice.EmailAddress, [Alice], [Carol, RaviPatel.EmailAddress],
        "Fabrikam renewal: updated quote", """
        Hi Alice,

        our support contract ends on 31 March. Could you send us an updated quote for 250 seats, with the premium support option?
        Ravi (our IT lead) is in copy.

        Best regards,
        Paula
        """);

    /// <summary>
    /// The samples in the order they arrive. A mailbox gets those addressed to it (To or Cc), as Exchange delivers one copy per recipient
    /// mailbox; the message to both Alice and Carol is one email activity received by two mailboxes.
    /// </summary>
    public static readonly DemoEmail[] Emails =
    [
        RenewalQuestion,
        new(
            "po-4711.1@fabrikam.example", Fabrikam.Name, Fabrikam.EmailAddress, [Alice], [],
            "Purchase order PO-4711", """
            Please find attached our purchase order PO-4711 for 40 additional licences.

            Fabrikam purchasing
            """,
            Attachment: new DemoAttachment("PO-4711.csv", "text/csv", "item,quantity,unit price\nAdditional licence,40,12.50\n")),
        new(
            "site-visit.1@northwind.example", MiguelOrtiz.Name, MiguelOrtiz.EmailAddress, [Carol], [],
            "Northwind: site visit on Thursday", """
            Hello Carol,

            thanks for the call. Thursday at 10:00 suits us for the site visit; I will bring our operations manager.

            Miguel Ortiz, Northwind Traders
            """),
        new(
            "renewal-quote.2@fabrikam.example", RaviPatel.Name, RaviPatel.EmailAddress, [PaulaPrice.EmailAddress], [Alice, Carol],
            "RE: " + RenewalQuestion.Subject, """
            Adding to Paula's question: we would also like the quote to include single sign-on.

            Ravi
            """,
            InReplyTo: RenewalQuestion.MessageId),
        new(
            "offer.9931@bargain-ink.example", "Bargain Ink", UnknownSender, [Alice], [],
            "Last chance: 80% off printer ink", "Our biggest sale ever ends tonight. Unsubscribe at any time."),
    ];

    /// <summary>When a sample was sent: a few minutes apart, in order, before the first delivery, so a reply is younger than what it answers.</summary>
    public static DateTimeOffset SentAt(DemoEmail email, DateTimeOffset firstDelivery) =>
        firstDelivery.AddMinutes(3 * (Array.IndexOf(Emails, email) - Emails.Length));

    /// <summary>The samples a mailbox receives, in order.</summary>
    public static IEnumerable<DemoEmail> For(string mailboxAddress) =>
        Emails.Where(e => e.To.Concat(e.Cc).Contains(mailboxAddress, StringComparer.OrdinalIgnoreCase));
}

/// <summary>A CRM record of demo mode, with the id of its directory entry.</summary>
internal sealed record DemoRecord(string EntryId, DirectoryRecordType RecordType, string RecordId, string Name, string EmailAddress)
{
    public DirectoryEntryWrite ToWrite() => new(EntryId, new DirectoryEntryContent(RecordType, RecordId, Name, [EmailAddress]));
}

/// <summary>A sample email of demo mode.</summary>
internal sealed record DemoEmail(
    string MessageId, string FromName, string FromAddress, string[] To, string[] Cc, string Subject, string Text,
    string? InReplyTo = null, DemoAttachment? Attachment = null)
{
    /// <summary>The message as a mail client would send it at <paramref name="sentAt"/>.</summary>
    public MimeMessage ToMimeMessage(DateTimeOffset sentAt)
    {
        var message = new MimeMessage { MessageId = MessageId, Subject = Subject, Date = sentAt };
        message.From.Add(new MailboxAddress(FromName, FromAddress));
        message.To.AddRange(To.Select(MailboxAddress.Parse));
        message.Cc.AddRange(Cc.Select(MailboxAddress.Parse));
        if (InReplyTo is not null)
        {
            message.InReplyTo = InReplyTo;
            message.References.Add(InReplyTo);
        }

        var body = new BodyBuilder
        {
            TextBody = Text,
            HtmlBody = "<html><body>" + string.Concat(Text.Split("\n\n").Select(p => $"<p>{System.Net.WebUtility.HtmlEncode(p).Replace("\n", "<br>", StringComparison.Ordinal)}</p>")) + "</body></html>",
        };
        if (Attachment is { } attachment)
        {
            body.Attachments.Add(attachment.Name, Encoding.UTF8.GetBytes(attachment.Content), ContentType.Parse(attachment.ContentType));
        }

        message.Body = body.ToMessageBody();
        return message;
    }
}

/// <summary>A small attachment of a sample email.</summary>
internal sealed record DemoAttachment(string Name, string ContentType, string Content);
