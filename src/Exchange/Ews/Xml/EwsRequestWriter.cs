using System.Globalization;
using System.Text;
using System.Xml;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>
/// Writes EWS SOAP requests. Element order follows the schema's xs:sequence exactly (Exchange rejects anything else
/// with ErrorSchemaValidation), so each body writer mirrors its schema type and says which.
/// </summary>
internal static partial class EwsRequestWriter
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        Indent = false,
        CloseOutput = false,
    };

    /// <summary>Writes the envelope with the standard headers and the body produced by <paramref name="writeBody"/>.</summary>
    /// <returns>The UTF-8 request bytes (a view over a buffer sized to the request; no copy).</returns>
    public static ArraySegment<byte> Write<TRequest>(string? impersonatedMailbox, TRequest request, Action<XmlWriter, TRequest> writeBody)
    {
        var stream = new MemoryStream(1024);
        using (var writer = XmlWriter.Create(stream, WriterSettings))
        {
            writer.WriteStartDocument();
            writer.WriteStartElement("soap", "Envelope", EwsNamespaces.Soap);
            writer.WriteAttributeString("xmlns", "t", null, EwsNamespaces.Types);
            writer.WriteAttributeString("xmlns", "m", null, EwsNamespaces.Messages);

            writer.WriteStartElement("Header", EwsNamespaces.Soap);
            writer.WriteStartElement("RequestServerVersion", EwsNamespaces.Types);
            writer.WriteAttributeString("Version", EwsNamespaces.RequestServerVersion);
            writer.WriteEndElement();
            if (impersonatedMailbox is not null)
            {
                // ConnectingSID is an xs:choice; SmtpAddress is what the Managed API sends for Exchange 2010+.
                writer.WriteStartElement("ExchangeImpersonation", EwsNamespaces.Types);
                writer.WriteStartElement("ConnectingSID", EwsNamespaces.Types);
                writer.WriteElementString("SmtpAddress", EwsNamespaces.Types, impersonatedMailbox);
                writer.WriteEndElement();
                writer.WriteEndElement();
            }

            writer.WriteEndElement(); // Header

            writer.WriteStartElement("Body", EwsNamespaces.Soap);
            writeBody(writer, request);
            writer.WriteEndElement(); // Body
            writer.WriteEndElement(); // Envelope
            writer.WriteEndDocument();
        }

        return new ArraySegment<byte>(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>messages.xsd GetFolderType: FolderShape, FolderIds.</summary>
    public static void WriteGetFolder(XmlWriter writer, GetFolderRequest request)
    {
        writer.WriteStartElement("GetFolder", EwsNamespaces.Messages);
        writer.WriteStartElement("FolderShape", EwsNamespaces.Messages);
        WriteShape(writer, request.BaseShape, request.AdditionalFieldUris, request.AdditionalExtendedProperties);
        writer.WriteEndElement();
        writer.WriteStartElement("FolderIds", EwsNamespaces.Messages);
        foreach (var folder in request.Folders)
        {
            WriteFolderId(writer, folder);
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd CreateItemType: SavedItemFolderId, Items; attribute MessageDisposition.</summary>
    public static void WriteCreateMessage(XmlWriter writer, CreateMessageRequest request)
    {
        writer.WriteStartElement("CreateItem", EwsNamespaces.Messages);
        writer.WriteAttributeString("MessageDisposition", request.Disposition.ToString());
        if (request.SavedItemFolder is not null)
        {
            writer.WriteStartElement("SavedItemFolderId", EwsNamespaces.Messages);
            WriteFolderId(writer, request.SavedItemFolder);
            writer.WriteEndElement();
        }

        writer.WriteStartElement("Items", EwsNamespaces.Messages);

        // ItemType order (ItemClass, Subject, …, Body) then MessageType order (…, ToRecipients).
        writer.WriteStartElement("Message", EwsNamespaces.Types);
        writer.WriteElementString("ItemClass", EwsNamespaces.Types, request.ItemClass);
        writer.WriteElementString("Subject", EwsNamespaces.Types, request.Subject);
        writer.WriteStartElement("Body", EwsNamespaces.Types);
        writer.WriteAttributeString("BodyType", request.BodyType == MessageBodyType.Html ? "HTML" : "Text");
        writer.WriteString(request.Body);
        writer.WriteEndElement();
        if (request.ToRecipients.Count > 0)
        {
            writer.WriteStartElement("ToRecipients", EwsNamespaces.Types);
            foreach (var recipient in request.ToRecipients)
            {
                writer.WriteStartElement("Mailbox", EwsNamespaces.Types);
                writer.WriteElementString("EmailAddress", EwsNamespaces.Types, recipient);
                writer.WriteEndElement();
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement(); // Message
        writer.WriteEndElement(); // Items
        writer.WriteEndElement(); // CreateItem
    }

    /// <summary>messages.xsd DeleteItemType: ItemIds; attributes DeleteType, SendMeetingCancellations, AffectedTaskOccurrences.</summary>
    public static void WriteDeleteItem(XmlWriter writer, DeleteItemRequest request)
    {
        writer.WriteStartElement("DeleteItem", EwsNamespaces.Messages);
        writer.WriteAttributeString("DeleteType", request.DeleteType.ToString());
        if (request.SendMeetingCancellations is { } cancellations)
        {
            writer.WriteAttributeString("SendMeetingCancellations", cancellations.ToString());
        }

        if (request.AffectedTaskOccurrences is { } occurrences)
        {
            writer.WriteAttributeString("AffectedTaskOccurrences", occurrences.ToString());
        }

        WriteItemIds(writer, request.Items);
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd FindItemType: ItemShape, IndexedPageItemView, Restriction, ParentFolderIds; attribute Traversal.</summary>
    public static void WriteFindItem(XmlWriter writer, FindItemRequest request)
    {
        writer.WriteStartElement("FindItem", EwsNamespaces.Messages);
        writer.WriteAttributeString("Traversal", request.Traversal.ToString());
        writer.WriteStartElement("ItemShape", EwsNamespaces.Messages);
        WriteShape(writer, request.BaseShape, request.AdditionalFieldUris, request.AdditionalExtendedProperties);
        writer.WriteEndElement();
        writer.WriteStartElement("IndexedPageItemView", EwsNamespaces.Messages);
        writer.WriteAttributeString("MaxEntriesReturned", request.MaxEntriesReturned.ToString(CultureInfo.InvariantCulture));
        writer.WriteAttributeString("Offset", request.Offset.ToString(CultureInfo.InvariantCulture));
        writer.WriteAttributeString("BasePoint", request.BasePoint.ToString());
        writer.WriteEndElement();
        if (request.Restriction is { } restriction)
        {
            WriteRestriction(writer, restriction);
        }

        writer.WriteStartElement("ParentFolderIds", EwsNamespaces.Messages);
        WriteFolderId(writer, request.ParentFolder);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd SyncFolderItemsType: ItemShape, SyncFolderId, SyncState, Ignore, MaxChangesReturned, SyncScope.</summary>
    public static void WriteSyncFolderItems(XmlWriter writer, SyncFolderItemsRequest request)
    {
        writer.WriteStartElement("SyncFolderItems", EwsNamespaces.Messages);
        writer.WriteStartElement("ItemShape", EwsNamespaces.Messages);
        WriteShape(writer, request.BaseShape, request.AdditionalFieldUris, []);
        writer.WriteEndElement();
        writer.WriteStartElement("SyncFolderId", EwsNamespaces.Messages);
        WriteFolderId(writer, request.Folder);
        writer.WriteEndElement();
        if (!string.IsNullOrEmpty(request.SyncState))
        {
            writer.WriteElementString("SyncState", EwsNamespaces.Messages, request.SyncState);
        }

        if (request.Ignore.Count > 0)
        {
            writer.WriteStartElement("Ignore", EwsNamespaces.Messages);
            foreach (var item in request.Ignore)
            {
                WriteItemId(writer, item);
            }

            writer.WriteEndElement();
        }

        writer.WriteElementString("MaxChangesReturned", EwsNamespaces.Messages, request.MaxChangesReturned.ToString(CultureInfo.InvariantCulture));
        if (request.Scope is { } scope)
        {
            writer.WriteElementString("SyncScope", EwsNamespaces.Messages, scope.ToString());
        }

        writer.WriteEndElement();
    }

    /// <summary>
    /// messages.xsd UpdateFolderType: FolderChanges/FolderChange(folder id, Updates/SetFolderField(ExtendedFieldURI,
    /// Folder/ExtendedProperty(ExtendedFieldURI, Value))).
    /// </summary>
    public static void WriteSetFolderExtendedProperty(XmlWriter writer, SetFolderExtendedPropertyRequest request)
    {
        writer.WriteStartElement("UpdateFolder", EwsNamespaces.Messages);
        writer.WriteStartElement("FolderChanges", EwsNamespaces.Messages);
        writer.WriteStartElement("FolderChange", EwsNamespaces.Types);
        WriteFolderId(writer, request.Folder);
        writer.WriteStartElement("Updates", EwsNamespaces.Types);
        writer.WriteStartElement("SetFolderField", EwsNamespaces.Types);
        WriteExtendedFieldUri(writer, request.Property);
        writer.WriteStartElement("Folder", EwsNamespaces.Types);
        writer.WriteStartElement("ExtendedProperty", EwsNamespaces.Types);
        WriteExtendedFieldUri(writer, request.Property);
        writer.WriteElementString("Value", EwsNamespaces.Types, request.Value);
        writer.WriteEndElement(); // ExtendedProperty
        writer.WriteEndElement(); // Folder
        writer.WriteEndElement(); // SetFolderField
        writer.WriteEndElement(); // Updates
        writer.WriteEndElement(); // FolderChange
        writer.WriteEndElement(); // FolderChanges
        writer.WriteEndElement(); // UpdateFolder
    }

    /// <summary>types.xsd FolderResponseShapeType / ItemResponseShapeType: BaseShape, AdditionalProperties.</summary>
    private static void WriteShape(
        XmlWriter writer, BaseShape baseShape, IReadOnlyList<string> fieldUris, IReadOnlyList<ExtendedPropertyDefinition> extended)
    {
        writer.WriteElementString("BaseShape", EwsNamespaces.Types, baseShape.ToString());
        WriteAdditionalProperties(writer, fieldUris, extended);
    }

    private static void WriteAdditionalProperties(XmlWriter writer, IReadOnlyList<string> fieldUris, IReadOnlyList<ExtendedPropertyDefinition> extended)
    {
        if (fieldUris.Count == 0 && extended.Count == 0)
        {
            return;
        }

        writer.WriteStartElement("AdditionalProperties", EwsNamespaces.Types);
        foreach (var fieldUri in fieldUris)
        {
            writer.WriteStartElement("FieldURI", EwsNamespaces.Types);
            writer.WriteAttributeString("FieldURI", fieldUri);
            writer.WriteEndElement();
        }

        foreach (var property in extended)
        {
            WriteExtendedFieldUri(writer, property);
        }

        writer.WriteEndElement();
    }

    private static void WriteFolderId(XmlWriter writer, EwsFolderId folder)
    {
        switch (folder)
        {
            case DistinguishedFolderId distinguished:
                writer.WriteStartElement("DistinguishedFolderId", EwsNamespaces.Types);
                writer.WriteAttributeString("Id", distinguished.WireName);
                writer.WriteEndElement();
                break;
            case ExplicitFolderId explicitId:
                writer.WriteStartElement("FolderId", EwsNamespaces.Types);
                writer.WriteAttributeString("Id", explicitId.Id);
                if (explicitId.ChangeKey is not null)
                {
                    writer.WriteAttributeString("ChangeKey", explicitId.ChangeKey);
                }

                writer.WriteEndElement();
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(folder), folder, "Unknown folder id type.");
        }
    }

    /// <summary>messages.xsd NonEmptyArrayOfBaseItemIdsType: the m:ItemIds of DeleteItem, GetItem and MoveItem.</summary>
    private static void WriteItemIds(XmlWriter writer, IReadOnlyList<EwsItemId> items)
    {
        writer.WriteStartElement("ItemIds", EwsNamespaces.Messages);
        foreach (var item in items)
        {
            WriteItemId(writer, item);
        }

        writer.WriteEndElement();
    }

    private static void WriteItemId(XmlWriter writer, EwsItemId item)
    {
        writer.WriteStartElement("ItemId", EwsNamespaces.Types);
        writer.WriteAttributeString("Id", item.Id);
        if (item.ChangeKey is not null)
        {
            writer.WriteAttributeString("ChangeKey", item.ChangeKey);
        }

        writer.WriteEndElement();
    }

    private static void WriteExtendedFieldUri(XmlWriter writer, ExtendedPropertyDefinition property)
    {
        writer.WriteStartElement("ExtendedFieldURI", EwsNamespaces.Types);
        if (property.PropertySetId is { } setId)
        {
            writer.WriteAttributeString("PropertySetId", setId.ToString("D"));
        }

        if (property.PropertyName is not null)
        {
            writer.WriteAttributeString("PropertyName", property.PropertyName);
        }

        if (property.PropertyTag is { } tag)
        {
            writer.WriteAttributeString("PropertyTag", "0x" + tag.ToString("X4", CultureInfo.InvariantCulture));
        }

        writer.WriteAttributeString("PropertyType", property.PropertyType.ToString());
        writer.WriteEndElement();
    }
}
