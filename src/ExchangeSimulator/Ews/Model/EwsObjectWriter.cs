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

        FolderProperties.WriteExtendedProperties(xml, shape, folder);

        if (folder.HasUnreadCount && shape.Includes("folder:UnreadCount", BaseShape.Default))
        {
            xml.WriteElementString("t", "UnreadCount", T, folder.UnreadCount.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteEndElement();
    }

    /// <summary>An item as FindItem and SyncFolderItems return it: summary properties only (no body, attachments or MIME).</summary>
    public static void WriteItem(XmlWriter xml, MailboxStore mailbox, SimulatedItem item, ResponseShape shape) =>
        ItemWriter.Write(xml, mailbox, item, shape, summary: true);
}
