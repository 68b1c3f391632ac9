using System.Globalization;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>What one property writer needs: the item, its mailbox, the requested shape and the XML writer.</summary>
internal sealed class ItemWriteContext(XmlWriter xml, MailboxStore mailbox, SimulatedItem item, ResponseShape shape)
{
    private const string T = EwsNamespaces.Types;

    public XmlWriter Xml { get; } = xml;

    public MailboxStore Mailbox { get; } = mailbox;

    public SimulatedItem Item { get; } = item;

    public ResponseShape Shape { get; } = shape;

    public void Text(string element, string? value)
    {
        if (value is not null)
        {
            Xml.WriteElementString("t", element, T, value);
        }
    }

    public void Boolean(string element, bool value) => Xml.WriteElementString("t", element, T, value ? "true" : "false");

    public void Number(string element, long value) => Xml.WriteElementString("t", element, T, value.ToString(CultureInfo.InvariantCulture));

    public void Time(string element, DateTimeOffset value) => Xml.WriteElementString("t", element, T, EwsResponseWriter.FormatDateTime(value));

    public void SingleMailbox(string element, SimulatedRecipient? recipient)
    {
        if (recipient is null)
        {
            return;
        }

        Xml.WriteStartElement("t", element, T);
        ItemWriter.WriteMailbox(Xml, recipient);
        Xml.WriteEndElement();
    }

    /// <summary>An ArrayOfRecipientsType; omitted when empty, as Exchange omits empty recipient collections.</summary>
    public void Mailboxes(string element, IReadOnlyList<SimulatedRecipient> recipients)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        Xml.WriteStartElement("t", element, T);
        foreach (var recipient in recipients)
        {
            ItemWriter.WriteMailbox(Xml, recipient);
        }

        Xml.WriteEndElement();
    }
}

/// <summary>
/// Writes items in the element order of types.xsd (ItemType, then MessageType) with the properties a response shape
/// asks for. FindItem and SyncFolderItems write summaries: what only GetItem returns (bodies, attachments, MIME,
/// headers, recipient collections) is left out of their base shapes and refused when named.
/// </summary>
internal static class ItemWriter
{
    private const string T = EwsNamespaces.Types;

    public static void Write(XmlWriter xml, MailboxStore mailbox, SimulatedItem item, ResponseShape shape, bool summary)
    {
        var context = new ItemWriteContext(xml, mailbox, item, shape);
        xml.WriteStartElement("t", item.ElementName, T);
        foreach (var property in ItemProperties.InSchemaOrder)
        {
            if (property.FieldUri == "item:ItemId")
            {
                if (item.Id.Length > 0)
                {
                    EwsObjectWriter.WriteFolderId(xml, "ItemId", item.Id, item.ChangeKey);
                }

                continue;
            }

            if (property.AppliesTo(item) && IsRequested(property, shape, summary))
            {
                property.Write!(context);
            }
        }

        xml.WriteEndElement();
    }

    public static void WriteMailbox(XmlWriter xml, SimulatedRecipient recipient)
    {
        xml.WriteStartElement("t", "Mailbox", T);
        if (recipient.Name is not null)
        {
            xml.WriteElementString("t", "Name", T, recipient.Name);
        }

        xml.WriteElementString("t", "EmailAddress", T, recipient.EmailAddress);
        xml.WriteElementString("t", "RoutingType", T, "SMTP");
        xml.WriteElementString("t", "MailboxType", T, "Mailbox");
        xml.WriteEndElement();
    }

    private static bool IsRequested(ItemProperty property, ResponseShape shape, bool summary) => property.FieldUri switch
    {
        ItemProperties.ExtendedPropertySlot => shape.ExtendedProperties.Count > 0,
        "item:MimeContent" => shape.IncludeMimeContent || shape.FieldUris.Contains(property.FieldUri),
        "item:InternetMessageHeaders" => shape.IndexedFieldUris.Count > 0 || InBaseShapeOrNamed(property, shape, summary),
        _ => InBaseShapeOrNamed(property, shape, summary),
    };

    private static bool InBaseShapeOrNamed(ItemProperty property, ResponseShape shape, bool summary) =>
        shape.FieldUris.Contains(property.FieldUri) ||
        (property.IncludedFrom is { } level && shape.BaseShape >= level && (property.CanFind || !summary));

    public static void WriteMimeContent(ItemWriteContext context)
    {
        var mime = context.Item.Content?.Mime.ToArray() ?? ItemMime.Render(context.Item);
        context.Xml.WriteStartElement("t", "MimeContent", T);
        context.Xml.WriteAttributeString("CharacterSet", "UTF-8");
        context.Xml.WriteBase64(mime, 0, mime.Length);
        context.Xml.WriteEndElement();
    }

    public static void WriteParentFolderId(ItemWriteContext context)
    {
        if (context.Item.Id.Length > 0)
        {
            EwsObjectWriter.WriteFolderId(context.Xml, "ParentFolderId", context.Mailbox.FolderId(context.Item.Folder), EwsIdCodec.ChangeKey(1));
        }
    }

    public static void WriteBody(ItemWriteContext context)
    {
        var (type, text) = ItemFacts.Body(context.Item, context.Shape.BodyType);
        WriteBodyElement(context, "Body", type, text);
    }

    public static void WriteUniqueBody(ItemWriteContext context)
    {
        var unique = ItemFacts.UniqueText(context.Item);
        var html = context.Shape.UniqueBodyType != "Text";
        WriteBodyElement(context, "UniqueBody", html ? "HTML" : "Text", html ? BodyConversion.TextToHtml(unique) : unique);
    }

    public static void WriteTextBody(ItemWriteContext context) =>
        WriteBodyElement(context, "TextBody", "Text", ItemFacts.TextBody(context.Item) ?? "");

    /// <summary>MaximumBodySize is in kilobytes: a longer body is cut at the last whole character within that many UTF-8 bytes.</summary>
    private static void WriteBodyElement(ItemWriteContext context, string element, string type, string text)
    {
        var kept = context.Shape.MaximumBodySize is { } kilobytes ? WithinUtf8Bytes(text, (long)kilobytes * 1024) : text.Length;
        context.Xml.WriteStartElement("t", element, T);
        context.Xml.WriteAttributeString("BodyType", type);
        context.Xml.WriteAttributeString("IsTruncated", kept < text.Length ? "true" : "false");
        context.Xml.WriteString(kept < text.Length ? text[..kept] : text);
        context.Xml.WriteEndElement();
    }

    private static int WithinUtf8Bytes(string text, long maximumBytes)
    {
        long bytes = 0;
        for (var index = 0; index < text.Length; index++)
        {
            var width = char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
            bytes += System.Text.Encoding.UTF8.GetByteCount(text.AsSpan(index, width));
            if (bytes > maximumBytes)
            {
                return index;
            }

            index += width - 1;
        }

        return text.Length;
    }

    /// <summary>Attachment summaries (no content; GetAttachment returns that). Attached messages' own attachments are not listed.</summary>
    public static void WriteAttachments(ItemWriteContext context)
    {
        if (context.Item.Content is not { Attachments.Count: > 0 } content || context.Item.ObjectNumber == 0)
        {
            return;
        }

        context.Xml.WriteStartElement("t", "Attachments", T);
        for (var position = 0; position < content.Attachments.Count; position++)
        {
            WriteAttachment(context.Xml, content.Attachments[position], AttachmentIds.Encode(context.Mailbox.MailboxGuid, context.Item.ObjectNumber, position), withContent: null);
        }

        context.Xml.WriteEndElement();
    }

    /// <summary>
    /// A FileAttachment or ItemAttachment in AttachmentType order (AttachmentId, Name, ContentType, ContentId, Size,
    /// LastModifiedTime, IsInline), then IsContactPhoto and Content, or the attached item, when
    /// <paramref name="withContent"/> gives the shape to write it in.
    /// </summary>
    public static void WriteAttachment(XmlWriter xml, MailAttachment attachment, string id, Action<XmlWriter>? withContent)
    {
        xml.WriteStartElement("t", attachment.Embedded is null ? "FileAttachment" : "ItemAttachment", T);
        xml.WriteStartElement("t", "AttachmentId", T);
        xml.WriteAttributeString("Id", id);
        xml.WriteEndElement();
        xml.WriteElementString("t", "Name", T, attachment.Name);
        xml.WriteElementString("t", "ContentType", T, attachment.ContentType);
        if (attachment.ContentId is { } contentId)
        {
            xml.WriteElementString("t", "ContentId", T, contentId);
        }

        xml.WriteElementString("t", "Size", T, attachment.Size.ToString(CultureInfo.InvariantCulture));
        if (attachment.LastModifiedTime is { } modified)
        {
            xml.WriteElementString("t", "LastModifiedTime", T, modified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
        }

        xml.WriteElementString("t", "IsInline", T, attachment.IsInline ? "true" : "false");
        if (attachment.Embedded is null)
        {
            xml.WriteElementString("t", "IsContactPhoto", T, "false");
        }

        withContent?.Invoke(xml);
        xml.WriteEndElement();
    }

    public static void WriteCategories(ItemWriteContext context)
    {
        var categories = context.Item.Categories;
        if (categories.Count == 0)
        {
            return;
        }

        context.Xml.WriteStartElement("t", "Categories", T);
        foreach (var category in categories)
        {
            context.Xml.WriteElementString("t", "String", T, category);
        }

        context.Xml.WriteEndElement();
    }

    /// <summary>Every header for item:InternetMessageHeaders or a base shape; only the named ones for IndexedFieldURIs alone.</summary>
    public static void WriteInternetMessageHeaders(ItemWriteContext context)
    {
        if (context.Item.Content is not { } content)
        {
            return;
        }

        var shape = context.Shape;
        var all = shape.FieldUris.Contains("item:InternetMessageHeaders") || shape.BaseShape >= BaseShape.AllProperties;
        var named = shape.IndexedFieldUris.Select(path => path.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var headers = content.Headers.Where(header => all || named.Contains(header.Key)).ToList();
        if (headers.Count == 0)
        {
            return;
        }

        context.Xml.WriteStartElement("t", "InternetMessageHeaders", T);
        foreach (var (name, value) in headers)
        {
            context.Xml.WriteStartElement("t", "InternetMessageHeader", T);
            context.Xml.WriteAttributeString("HeaderName", name);
            context.Xml.WriteString(value);
            context.Xml.WriteEndElement();
        }

        context.Xml.WriteEndElement();
    }

    /// <summary>Requested extended properties in request order: tags of first-class properties computed, others as stored.</summary>
    public static void WriteExtendedProperties(ItemWriteContext context)
    {
        foreach (var requested in context.Shape.ExtendedProperties)
        {
            if (MapiTags.ReadItem(requested.Key, context.Item, context.Mailbox) is { } computed)
            {
                requested.WriteProperty(context.Xml, [computed]);
            }
            else if (!MapiTags.IsComputedForItems(requested.Key) && context.Item.ExtendedProperties.TryGetValue(requested.Key, out var values))
            {
                requested.WriteProperty(context.Xml, values);
            }
        }
    }

    /// <summary>The mailbox owner's rights on its own item.</summary>
    public static void WriteEffectiveRights(ItemWriteContext context)
    {
        context.Xml.WriteStartElement("t", "EffectiveRights", T);
        context.Boolean("CreateAssociated", false);
        context.Boolean("CreateContents", false);
        context.Boolean("CreateHierarchy", false);
        context.Boolean("Delete", true);
        context.Boolean("Modify", true);
        context.Boolean("Read", true);
        context.Boolean("ViewPrivateItems", true);
        context.Xml.WriteEndElement();
    }

    public static void WriteConversationId(ItemWriteContext context)
    {
        context.Xml.WriteStartElement("t", "ConversationId", T);
        context.Xml.WriteAttributeString("Id", ItemFacts.ConversationId(context.Item));
        context.Xml.WriteEndElement();
    }
}
