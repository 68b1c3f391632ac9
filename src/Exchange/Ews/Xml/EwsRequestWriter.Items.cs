using System.Globalization;
using System.Xml;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>Item and folder operations of the synchronization engine: GetItem, GetAttachment, UpdateItem, MoveItem, FindFolder, CreateFolder.</summary>
internal static partial class EwsRequestWriter
{
    /// <summary>
    /// What GetMessages reads besides the id. Named one by one on an IdOnly shape rather than AllProperties: AllProperties computes
    /// properties nobody reads, and still leaves out TextBody and the MIME.
    /// </summary>
    internal static readonly string[] MessageFieldUris =
    [
        "item:ParentFolderId", "item:ItemClass", "item:Subject", "item:Body", "item:Attachments", "item:DateTimeReceived",
        "item:Size", "item:Categories", "item:Importance", "item:InReplyTo", "item:InternetMessageHeaders", "item:DateTimeSent",
        "item:HasAttachments", "item:ConversationId", "message:Sender", "message:ToRecipients", "message:CcRecipients",
        "message:BccRecipients", "message:ConversationIndex", "message:ConversationTopic", "message:From",
        "message:InternetMessageId", "message:IsRead", "message:References",
    ];

    /// <summary>
    /// messages.xsd GetItemType: ItemShape, ItemIds. ItemResponseShapeType: BaseShape, IncludeMimeContent, BodyType, …,
    /// MaximumBodySize, AdditionalProperties.
    /// </summary>
    public static void WriteGetItem(XmlWriter writer, GetMessagesRequest request)
    {
        writer.WriteStartElement("GetItem", EwsNamespaces.Messages);
        writer.WriteStartElement("ItemShape", EwsNamespaces.Messages);
        writer.WriteElementString("BaseShape", EwsNamespaces.Types, nameof(BaseShape.IdOnly));
        if (request.IncludeMimeContent)
        {
            writer.WriteElementString("IncludeMimeContent", EwsNamespaces.Types, "true");
        }

        writer.WriteElementString("BodyType", EwsNamespaces.Types, BodyTypeWireName(request.BodyType));
        if (request.MaxBodySizeKilobytes is { } kilobytes)
        {
            writer.WriteElementString("MaximumBodySize", EwsNamespaces.Types, kilobytes.ToString(CultureInfo.InvariantCulture));
        }

        WriteAdditionalProperties(
            writer, request.IncludeTextBody ? [.. MessageFieldUris, "item:TextBody"] : MessageFieldUris, request.ExtendedProperties);
        writer.WriteEndElement(); // ItemShape
        WriteItemIds(writer, request.Items);
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd GetAttachmentType: AttachmentShape (IncludeMimeContent, BodyType, …), AttachmentIds.</summary>
    public static void WriteGetAttachment(XmlWriter writer, GetAttachmentsRequest request)
    {
        writer.WriteStartElement("GetAttachment", EwsNamespaces.Messages);
        writer.WriteStartElement("AttachmentShape", EwsNamespaces.Messages);
        if (request.IncludeItemMimeContent)
        {
            writer.WriteElementString("IncludeMimeContent", EwsNamespaces.Types, "true");
        }

        writer.WriteEndElement();
        writer.WriteStartElement("AttachmentIds", EwsNamespaces.Messages);
        foreach (var id in request.AttachmentIds)
        {
            writer.WriteStartElement("AttachmentId", EwsNamespaces.Types);
            writer.WriteAttributeString("Id", id);
            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>
    /// messages.xsd UpdateItemType: ItemChanges/ItemChange(ItemId, Updates(SetItemField | DeleteItemField)); attributes
    /// ConflictResolution, MessageDisposition, SuppressReadReceipts. Categories cannot be appended to, so they are always set whole
    /// (or deleted when the list becomes empty, since an empty Categories element is not a valid value).
    /// </summary>
    public static void WriteUpdateItem(XmlWriter writer, UpdateItemsRequest request)
    {
        writer.WriteStartElement("UpdateItem", EwsNamespaces.Messages);
        writer.WriteAttributeString("ConflictResolution", request.ConflictResolution.ToString());
        writer.WriteAttributeString("MessageDisposition", nameof(MessageDisposition.SaveOnly));
        if (request.SuppressReadReceipts)
        {
            writer.WriteAttributeString("SuppressReadReceipts", "true");
        }

        writer.WriteStartElement("ItemChanges", EwsNamespaces.Messages);
        foreach (var update in request.Items)
        {
            writer.WriteStartElement("ItemChange", EwsNamespaces.Types);
            WriteItemId(writer, update.Item);
            writer.WriteStartElement("Updates", EwsNamespaces.Types);
            if (update.Categories is { } categories)
            {
                if (categories.Categories.Count == 0)
                {
                    WriteDeleteItemField(writer, w => WriteFieldUri(w, "item:Categories"));
                }
                else
                {
                    writer.WriteStartElement("SetItemField", EwsNamespaces.Types);
                    WriteFieldUri(writer, "item:Categories");
                    writer.WriteStartElement(update.ItemElementName, EwsNamespaces.Types);
                    writer.WriteStartElement("Categories", EwsNamespaces.Types);
                    foreach (var category in categories.Categories)
                    {
                        writer.WriteElementString("String", EwsNamespaces.Types, category);
                    }

                    writer.WriteEndElement(); // Categories
                    writer.WriteEndElement(); // item element
                    writer.WriteEndElement(); // SetItemField
                }
            }

            foreach (var property in update.SetExtendedProperties)
            {
                writer.WriteStartElement("SetItemField", EwsNamespaces.Types);
                WriteExtendedFieldUri(writer, property.Definition);
                writer.WriteStartElement(update.ItemElementName, EwsNamespaces.Types);
                WriteExtendedProperty(writer, property);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            foreach (var property in update.DeleteExtendedProperties)
            {
                WriteDeleteItemField(writer, w => WriteExtendedFieldUri(w, property));
            }

            writer.WriteEndElement(); // Updates
            writer.WriteEndElement(); // ItemChange
        }

        writer.WriteEndElement(); // ItemChanges
        writer.WriteEndElement(); // UpdateItem
    }

    /// <summary>messages.xsd MoveItemType (BaseMoveCopyItemType): ToFolderId, ItemIds, ReturnNewItemIds.</summary>
    public static void WriteMoveItem(XmlWriter writer, MoveItemsRequest request)
    {
        writer.WriteStartElement("MoveItem", EwsNamespaces.Messages);
        writer.WriteStartElement("ToFolderId", EwsNamespaces.Messages);
        WriteFolderId(writer, request.Destination);
        writer.WriteEndElement();
        WriteItemIds(writer, request.Items);
        writer.WriteElementString("ReturnNewItemIds", EwsNamespaces.Messages, "true");
        writer.WriteEndElement();
    }

    /// <summary>
    /// messages.xsd FindFolderType: FolderShape, IndexedPageFolderView, Restriction, ParentFolderIds; attribute Traversal. The name
    /// filter is an IsEqualTo restriction on folder:DisplayName.
    /// </summary>
    public static void WriteFindFolder(XmlWriter writer, FindFolderRequest request)
    {
        writer.WriteStartElement("FindFolder", EwsNamespaces.Messages);
        writer.WriteAttributeString("Traversal", request.Traversal.ToString());
        writer.WriteStartElement("FolderShape", EwsNamespaces.Messages);
        WriteShape(writer, request.BaseShape, [], []);
        writer.WriteEndElement();
        writer.WriteStartElement("IndexedPageFolderView", EwsNamespaces.Messages);
        writer.WriteAttributeString("MaxEntriesReturned", request.MaxEntriesReturned.ToString(CultureInfo.InvariantCulture));
        writer.WriteAttributeString("Offset", "0");
        writer.WriteAttributeString("BasePoint", nameof(PagingBasePoint.Beginning));
        writer.WriteEndElement();
        if (request.DisplayName is { } name)
        {
            writer.WriteStartElement("Restriction", EwsNamespaces.Messages);
            WriteIsEqualTo(writer, w => WriteFieldUri(w, "folder:DisplayName"), name);
            writer.WriteEndElement();
        }

        writer.WriteStartElement("ParentFolderIds", EwsNamespaces.Messages);
        WriteFolderId(writer, request.Parent);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd CreateFolderType: ParentFolderId, Folders; BaseFolderType orders FolderClass before DisplayName.</summary>
    public static void WriteCreateFolder(XmlWriter writer, CreateFolderRequest request)
    {
        writer.WriteStartElement("CreateFolder", EwsNamespaces.Messages);
        writer.WriteStartElement("ParentFolderId", EwsNamespaces.Messages);
        WriteFolderId(writer, request.Parent);
        writer.WriteEndElement();
        writer.WriteStartElement("Folders", EwsNamespaces.Messages);
        writer.WriteStartElement("Folder", EwsNamespaces.Types);
        writer.WriteElementString("FolderClass", EwsNamespaces.Types, request.FolderClass);
        writer.WriteElementString("DisplayName", EwsNamespaces.Types, request.DisplayName);
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    internal static string BodyTypeWireName(MessageBodyType type) => type == MessageBodyType.Html ? "HTML" : "Text";

    private static void WriteFieldUri(XmlWriter writer, string fieldUri)
    {
        writer.WriteStartElement("FieldURI", EwsNamespaces.Types);
        writer.WriteAttributeString("FieldURI", fieldUri);
        writer.WriteEndElement();
    }

    private static void WriteDeleteItemField(XmlWriter writer, Action<XmlWriter> writePath)
    {
        writer.WriteStartElement("DeleteItemField", EwsNamespaces.Types);
        writePath(writer);
        writer.WriteEndElement();
    }

    /// <summary>types.xsd ExtendedPropertyType: ExtendedFieldURI, then Value or Values/Value.</summary>
    private static void WriteExtendedProperty(XmlWriter writer, ExtendedPropertyValue property)
    {
        writer.WriteStartElement("ExtendedProperty", EwsNamespaces.Types);
        WriteExtendedFieldUri(writer, property.Definition);
        if (property.Value is { } single)
        {
            writer.WriteElementString("Value", EwsNamespaces.Types, single);
        }
        else
        {
            writer.WriteStartElement("Values", EwsNamespaces.Types);
            foreach (var value in property.Values)
            {
                writer.WriteElementString("Value", EwsNamespaces.Types, value);
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
    }
}
