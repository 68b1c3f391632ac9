using System.Globalization;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Writes folders and items in the element order of the schema (BaseFolderType/FolderType, ItemType/MessageType),
/// whatever order the client asked for properties in.
/// </summary>
internal static class EwsObjectWriter
{
    private const string T = EwsNamespaces.Types;

    public static void WriteFolderId(XmlWriter xml, string elementName, string id, string? changeKey)
    {
        xml.WriteStartElement("t", elementName, T);
        xml.WriteAttributeString("Id", id);
        if (changeKey is not null)
        {
            xml.WriteAttributeString("ChangeKey", changeKey);
        }

        xml.WriteEndElement();
    }

    /// <summary>A folder: IdOnly gives FolderId; Default adds the counts and name; AllProperties adds class and parent.</summary>
    public static void WriteFolder(XmlWriter xml, FolderView folder, ResponseShape shape)
    {
        xml.WriteStartElement("t", folder.ElementName, T);
        WriteFolderId(xml, "FolderId", folder.Id, folder.ChangeKey);
        if (shape.Includes("folder:ParentFolderId", BaseShape.AllProperties) && folder.ParentId is { } parentId)
        {
            WriteFolderId(xml, "ParentFolderId", parentId, EwsIdCodec.ChangeKey(1));
        }

        if (shape.Includes("folder:FolderClass", BaseShape.AllProperties) && folder.FolderClass is { } folderClass)
        {
            xml.WriteElementString("t", "FolderClass", T, folderClass);
        }

        if (shape.Includes("folder:DisplayName", BaseShape.Default))
        {
            xml.WriteElementString("t", "DisplayName", T, folder.DisplayName);
        }

        if (shape.Includes("folder:TotalCount", BaseShape.Default))
        {
            xml.WriteElementString("t", "TotalCount", T, folder.TotalCount.ToString(CultureInfo.InvariantCulture));
        }

        if (shape.Includes("folder:ChildFolderCount", BaseShape.Default))
        {
            xml.WriteElementString("t", "ChildFolderCount", T, folder.ChildFolderCount.ToString(CultureInfo.InvariantCulture));
        }

        WriteExtendedProperties(xml, shape, folder.ExtendedProperties);

        if (folder.HasUnreadCount && shape.Includes("folder:UnreadCount", BaseShape.Default))
        {
            xml.WriteElementString("t", "UnreadCount", T, folder.UnreadCount.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteEndElement();
    }

    /// <summary>An item as FindItem and SyncFolderItems return it (never the body, which those operations cannot return).</summary>
    public static void WriteItem(XmlWriter xml, MailboxStore mailbox, SimulatedItem item, ResponseShape shape)
    {
        xml.WriteStartElement("t", item.ElementName, T);
        WriteFolderId(xml, "ItemId", item.Id, item.ChangeKey);
        if (shape.Includes("item:ParentFolderId", BaseShape.AllProperties))
        {
            WriteFolderId(xml, "ParentFolderId", mailbox.FolderId(item.Folder), EwsIdCodec.ChangeKey(1));
        }

        if (shape.Includes("item:ItemClass", BaseShape.Default))
        {
            xml.WriteElementString("t", "ItemClass", T, item.ItemClass);
        }

        if (item.Subject is not null && shape.Includes("item:Subject", BaseShape.Default))
        {
            xml.WriteElementString("t", "Subject", T, item.Subject);
        }

        if (shape.Includes("item:DateTimeReceived", BaseShape.Default))
        {
            xml.WriteElementString("t", "DateTimeReceived", T, EwsResponseWriter.FormatDateTime(item.DateTimeReceived));
        }

        if (shape.Includes("item:Size", BaseShape.AllProperties))
        {
            xml.WriteElementString("t", "Size", T, item.Size.ToString(CultureInfo.InvariantCulture));
        }

        if (item.Categories.Count > 0 && shape.Includes("item:Categories", BaseShape.AllProperties))
        {
            xml.WriteStartElement("t", "Categories", T);
            foreach (var category in item.Categories)
            {
                xml.WriteElementString("t", "String", T, category);
            }

            xml.WriteEndElement();
        }

        if (shape.Includes("item:IsDraft", BaseShape.AllProperties))
        {
            xml.WriteElementString("t", "IsDraft", T, item.IsDraft ? "true" : "false");
        }

        if (shape.Includes("item:DateTimeCreated", BaseShape.AllProperties))
        {
            xml.WriteElementString("t", "DateTimeCreated", T, EwsResponseWriter.FormatDateTime(item.DateTimeCreated));
        }

        if (shape.Includes("item:HasAttachments", BaseShape.Default))
        {
            xml.WriteElementString("t", "HasAttachments", T, "false");
        }

        WriteExtendedProperties(xml, shape, item.ExtendedProperties);

        if (item.ElementName == "Message")
        {
            if (item.From is { } from && shape.Includes("message:From", BaseShape.Default))
            {
                xml.WriteStartElement("t", "From", T);
                WriteMailbox(xml, from);
                xml.WriteEndElement();
            }

            if (shape.Includes("message:IsRead", BaseShape.Default))
            {
                xml.WriteElementString("t", "IsRead", T, item.IsRead ? "true" : "false");
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

    /// <summary>Requested extended properties that are set, in request order; unset ones are simply absent.</summary>
    private static void WriteExtendedProperties(XmlWriter xml, ResponseShape shape, IReadOnlyDictionary<ExtendedPropertyKey, string[]> properties)
    {
        if (properties.Count == 0)
        {
            return;
        }

        foreach (var requested in shape.ExtendedProperties)
        {
            if (properties.TryGetValue(requested.Key, out var values))
            {
                requested.WriteProperty(xml, values);
            }
        }
    }
}
