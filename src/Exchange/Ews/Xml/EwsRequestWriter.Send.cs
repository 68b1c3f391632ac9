using System.Runtime.InteropServices;
using System.Xml;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>Sending a composed message, and the search restrictions of FindItem and FindFolder.</summary>
internal static partial class EwsRequestWriter
{
    /// <summary>
    /// messages.xsd CreateItemType (attribute MessageDisposition; SavedItemFolderId, Items) with one t:Message. Its children follow
    /// ItemType's sequence (MimeContent, …, Categories, …, ExtendedProperty) and then MessageType's (…, ToRecipients, CcRecipients,
    /// BccRecipients), as types.xsd orders them.
    /// </summary>
    public static void WriteSendMessage(XmlWriter writer, SendMessageRequest request)
    {
        writer.WriteStartElement("CreateItem", EwsNamespaces.Messages);
        writer.WriteAttributeString("MessageDisposition", nameof(MessageDisposition.SendAndSaveCopy));
        writer.WriteStartElement("SavedItemFolderId", EwsNamespaces.Messages);
        WriteFolderId(writer, request.SavedItemFolder);
        writer.WriteEndElement();
        writer.WriteStartElement("Items", EwsNamespaces.Messages);
        writer.WriteStartElement("Message", EwsNamespaces.Types);

        // CharacterSet is ignored by the server (mimecontent.md): the MIME declares its own charsets.
        writer.WriteStartElement("MimeContent", EwsNamespaces.Types);
        var mime = MemoryMarshal.TryGetArray(request.MimeContent, out var segment) ? segment : new ArraySegment<byte>(request.MimeContent.ToArray());
        writer.WriteBase64(mime.Array!, mime.Offset, mime.Count);
        writer.WriteEndElement();

        if (request.Categories.Count > 0)
        {
            writer.WriteStartElement("Categories", EwsNamespaces.Types);
            foreach (var category in request.Categories)
            {
                writer.WriteElementString("String", EwsNamespaces.Types, category);
            }

            writer.WriteEndElement();
        }

        foreach (var property in request.ExtendedProperties)
        {
            WriteExtendedProperty(writer, property);
        }

        WriteRecipients(writer, "ToRecipients", request.ToRecipients);
        WriteRecipients(writer, "CcRecipients", request.CcRecipients);
        WriteRecipients(writer, "BccRecipients", request.BccRecipients);
        writer.WriteEndElement(); // Message
        writer.WriteEndElement(); // Items
        writer.WriteEndElement(); // CreateItem
    }

    /// <summary>messages.xsd RestrictionType: one search expression (t:IsEqualTo: a path, then FieldURIOrConstant/Constant).</summary>
    private static void WriteRestriction(XmlWriter writer, ItemRestriction restriction)
    {
        writer.WriteStartElement("Restriction", EwsNamespaces.Messages);
        switch (restriction)
        {
            case IsEqualToRestriction { ExtendedProperty: { } property } equal:
                WriteIsEqualTo(writer, w => WriteExtendedFieldUri(w, property), equal.Value);
                break;
            case IsEqualToRestriction { FieldUri: { } fieldUri } equal:
                WriteIsEqualTo(writer, w => WriteFieldUri(w, fieldUri), equal.Value);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(restriction), restriction, "Unknown restriction.");
        }

        writer.WriteEndElement();
    }

    private static void WriteIsEqualTo(XmlWriter writer, Action<XmlWriter> writePath, string value)
    {
        writer.WriteStartElement("IsEqualTo", EwsNamespaces.Types);
        writePath(writer);
        writer.WriteStartElement("FieldURIOrConstant", EwsNamespaces.Types);
        writer.WriteStartElement("Constant", EwsNamespaces.Types);
        writer.WriteAttributeString("Value", value);
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>types.xsd ArrayOfRecipientsType: t:Mailbox (EmailAddressType: Name, EmailAddress, RoutingType, …); left out when empty.</summary>
    private static void WriteRecipients(XmlWriter writer, string element, IReadOnlyList<SmtpRecipient> recipients)
    {
        if (recipients.Count == 0)
        {
            return;
        }

        writer.WriteStartElement(element, EwsNamespaces.Types);
        foreach (var recipient in recipients)
        {
            writer.WriteStartElement("Mailbox", EwsNamespaces.Types);
            if (!string.IsNullOrEmpty(recipient.Name))
            {
                writer.WriteElementString("Name", EwsNamespaces.Types, recipient.Name);
            }

            writer.WriteElementString("EmailAddress", EwsNamespaces.Types, recipient.EmailAddress);
            writer.WriteElementString("RoutingType", EwsNamespaces.Types, "SMTP");
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }
}
