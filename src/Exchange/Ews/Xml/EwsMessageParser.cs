using System.Globalization;
using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>
/// Builds an <see cref="EwsMessage"/> from the child elements of an item element, one at a time (the streaming reader hands
/// them over as they arrive). Defensive by design: a missing element stays null, a value that does not parse becomes null, and
/// unknown elements are ignored, so one odd property never costs the whole item.
/// </summary>
internal sealed class MessageBuilder(string itemKind)
{
    private readonly List<EwsRecipient> to = [];
    private readonly List<EwsRecipient> cc = [];
    private readonly List<EwsRecipient> bcc = [];
    private readonly List<ExtendedPropertyValue> extendedProperties = [];
    private EwsMessage message = new() { ItemKind = itemKind };

    /// <summary>Parses a whole item element (item attachments, responses read as a tree).</summary>
    public static EwsMessage Parse(XElement item)
    {
        var builder = new MessageBuilder(item.Name.LocalName);
        foreach (var property in item.Elements())
        {
            if (property.Name == EwsNames.MimeContent)
            {
                var content = EwsValues.Base64(property.Value);
                builder.SetMimeContent(content is null ? null : new EwsMimeContent(content, (string?)property.Attribute("CharacterSet")), tooLarge: false);
            }
            else
            {
                builder.Apply(property);
            }
        }

        return builder.Build();
    }

    public void SetMimeContent(EwsMimeContent? content, bool tooLarge) =>
        message = message with { MimeContent = content, MimeContentTooLarge = tooLarge };

    /// <summary>Takes one child element of the item into account.</summary>
    public void Apply(XElement property)
    {
        if (property.Name.Namespace != EwsNamespaces.T)
        {
            return;
        }

        message = property.Name.LocalName switch
        {
            "ItemId" => message with { ItemId = EwsValues.ItemId(property) },
            "ParentFolderId" => message with { ParentFolderId = (string?)property.Attribute("Id") },
            "ItemClass" => message with { ItemClass = property.Value },
            "Subject" => message with { Subject = property.Value },
            "Body" => message with { Body = ReadBody(property) },
            "TextBody" => message with { TextBody = ReadBody(property) },
            "Attachments" => message with { Attachments = property.Elements().Select(ReadAttachmentInfo).OfType<EwsAttachmentInfo>().ToArray() },
            "DateTimeReceived" => message with { DateTimeReceived = EwsValues.DateTime(property.Value) },
            "DateTimeSent" => message with { DateTimeSent = EwsValues.DateTime(property.Value) },
            "Size" => message with { Size = EwsValues.Long(property.Value) },
            "Categories" => message with { Categories = property.Elements(EwsNames.String).Select(s => s.Value).ToArray() },
            "Importance" => message with { Importance = Enum.TryParse<EwsImportance>(property.Value, ignoreCase: false, out var importance) ? importance : null },
            "InReplyTo" => message with { InReplyTo = property.Value },
            "InternetMessageHeaders" => message with { InternetMessageHeaders = ReadHeaders(property) },
            "HasAttachments" => message with { HasAttachments = EwsValues.Bool(property.Value) },
            "ExtendedProperty" => AddExtendedProperty(property),
            "Sender" => message with { Sender = ReadSingleMailbox(property) },
            "From" => message with { From = ReadSingleMailbox(property) },
            "ToRecipients" => AddRecipients(to, property),
            "CcRecipients" => AddRecipients(cc, property),
            "BccRecipients" => AddRecipients(bcc, property),
            "ConversationIndex" => message with { ConversationIndex = EwsValues.Base64(property.Value) },
            "ConversationTopic" => message with { ConversationTopic = property.Value },
            "ConversationId" => message with { ConversationId = (string?)property.Attribute("Id") },
            "InternetMessageId" => message with { InternetMessageId = property.Value },
            "IsRead" => message with { IsRead = EwsValues.Bool(property.Value) },
            "References" => message with { References = property.Value },
            _ => message,
        };
    }

    public EwsMessage Build() => message with
    {
        ToRecipients = to.ToArray(),
        CcRecipients = cc.ToArray(),
        BccRecipients = bcc.ToArray(),
        ExtendedProperties = extendedProperties.ToArray(),
    };

    /// <summary>Attachment metadata (GetItem) or the descriptive part of an attachment (GetAttachment).</summary>
    public static EwsAttachmentInfo? ReadAttachmentInfo(XElement attachment)
    {
        if (AttachmentKind(attachment.Name) is not { } kind || (string?)attachment.Element(EwsNames.AttachmentId)?.Attribute("Id") is not { Length: > 0 } id)
        {
            return null;
        }

        return new EwsAttachmentInfo(
            kind,
            id,
            (string?)attachment.Element(EwsNames.Name),
            (string?)attachment.Element(EwsNames.ContentType),
            (string?)attachment.Element(EwsNames.ContentId),
            EwsValues.Long((string?)attachment.Element(EwsNames.Size)),
            EwsValues.Bool((string?)attachment.Element(EwsNames.IsInline)));
    }

    public static EwsAttachmentKind? AttachmentKind(XName name) =>
        name == EwsNames.FileAttachment ? EwsAttachmentKind.File
        : name == EwsNames.ItemAttachment ? EwsAttachmentKind.Item
        : name == EwsNames.ReferenceAttachment ? EwsAttachmentKind.Reference
        : null;

    private EwsMessage AddRecipients(List<EwsRecipient> list, XElement recipients)
    {
        list.AddRange(recipients.Elements(EwsNames.Mailbox).Select(ReadMailbox));
        return message;
    }

    private EwsMessage AddExtendedProperty(XElement property)
    {
        if (EwsResponseParsers.ParseExtendedProperty(property) is { } value)
        {
            extendedProperties.Add(value);
        }

        return message;
    }

    private static EwsRecipient? ReadSingleMailbox(XElement container) =>
        container.Element(EwsNames.Mailbox) is { } mailbox ? ReadMailbox(mailbox) : null;

    private static EwsRecipient ReadMailbox(XElement mailbox) => new(
        (string?)mailbox.Element(EwsNames.Name),
        (string?)mailbox.Element(EwsNames.EmailAddress),
        (string?)mailbox.Element(EwsNames.RoutingType),
        (string?)mailbox.Element(EwsNames.MailboxType));

    private static InternetMessageHeader[] ReadHeaders(XElement headers) =>
        headers.Elements(EwsNames.InternetMessageHeader)
            .Where(h => !string.IsNullOrEmpty((string?)h.Attribute("HeaderName")))
            .Select(h => new InternetMessageHeader((string)h.Attribute("HeaderName")!, h.Value))
            .ToArray();

    private static EwsBody ReadBody(XElement body)
    {
        var type = string.Equals((string?)body.Attribute("BodyType"), "Text", StringComparison.OrdinalIgnoreCase)
            ? MessageBodyType.Text
            : MessageBodyType.Html;

        // Exchange escapes HTML in the body, but some documented samples carry it as markup: keep that markup rather than
        // flattening it to its text.
        var content = body.HasElements
            ? string.Concat(body.Nodes().Select(n => n.ToString(SaveOptions.DisableFormatting)))
            : body.Value;
        return new EwsBody(type, content, EwsValues.Bool((string?)body.Attribute("IsTruncated")) ?? false);
    }
}

/// <summary>Lenient readers of EWS simple values: anything that does not parse is null.</summary>
internal static class EwsValues
{
    public static EwsItemId? ItemId(XElement? element) =>
        (string?)element?.Attribute("Id") is { Length: > 0 } id ? new EwsItemId(id, (string?)element!.Attribute("ChangeKey")) : null;

    /// <summary>The item's t:ItemId child. Matched case-insensitively: the MoveItem reference sample spells it ItemID.</summary>
    public static EwsItemId? ItemIdOf(XElement item) =>
        ItemId(item.Elements().FirstOrDefault(e => e.Name.Namespace == EwsNamespaces.T && string.Equals(e.Name.LocalName, "ItemId", StringComparison.OrdinalIgnoreCase)));

    public static DateTimeOffset? DateTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : null;

    public static long? Long(string? text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static int? Int(string? text) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    public static bool? Bool(string? text) => text?.Trim() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    public static byte[]? Base64(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        var buffer = new byte[(trimmed.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(trimmed, buffer, out var written) ? buffer[..written] : null;
    }
}
