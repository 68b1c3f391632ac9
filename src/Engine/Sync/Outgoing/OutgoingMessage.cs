using ExSync.Domain.Emails;
using MimeKit;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// The RFC 5322 message ExSync hands to Exchange for an outgoing email. ExSync writes the Message-ID itself (the one the email got when it
/// was sent), so the copies recipients' mailboxes receive are recognised as this email, and answers to it correlate by In-Reply-To. Bcc
/// recipients are not written in the headers: Exchange is given them as recipients of the request.
/// </summary>
internal static class OutgoingMessage
{
    /// <summary>The message's bytes.</summary>
    /// <param name="email">The email.</param>
    /// <param name="text">Its body.</param>
    /// <param name="senderAddress">The sending mailbox's address: Exchange sends as the impersonated mailbox.</param>
    /// <param name="attachments">The attachments with their content, in order.</param>
    /// <param name="date">The Date header.</param>
    public static byte[] Compose(EmailActivity email, EmailBody? text, string senderAddress, IReadOnlyList<(EmailAttachment Attachment, byte[] Content)> attachments, DateTimeOffset date)
    {
        var message = new MimeMessage { Subject = email.Subject, Date = date };
        message.From.Add(new MailboxAddress(email.From?.Name, senderAddress));
        message.To.AddRange(email.To.Select(Address));
        message.Cc.AddRange(email.Cc.Select(Address));
        if (email.InternetMessageId is { } messageId)
        {
            message.MessageId = messageId.Trim('<', '>');
        }

        if (email.InReplyTo is { } inReplyTo)
        {
            message.InReplyTo = inReplyTo.Trim('<', '>');
        }

        foreach (var reference in email.References)
        {
            message.References.Add(reference.Trim('<', '>'));
        }

        var body = new BodyBuilder();
        if (text is { ContentType: EmailBodyContentType.Html } html)
        {
            body.HtmlBody = html.Content;
            body.TextBody = html.TextContent;
        }
        else
        {
            body.TextBody = text?.Content ?? string.Empty;
        }

        foreach (var (attachment, content) in attachments)
        {
            var contentType = ContentType.TryParse(attachment.ContentType, out var parsed) ? parsed : new ContentType("application", "octet-stream");
            if (attachment.IsInline && attachment.ContentId is { } contentId)
            {
                // Inline parts (images an HTML body shows) keep the Content-ID the body refers to them by.
                body.LinkedResources.Add(attachment.Name, content, contentType).ContentId = contentId.Trim('<', '>');
            }
            else
            {
                body.Attachments.Add(attachment.Name, content, contentType);
            }
        }

        message.Body = body.ToMessageBody();
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        return stream.ToArray();
    }

    private static MailboxAddress Address(EmailParty party) => new(party.Name, party.EmailAddress);
}
