using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>
/// The XML namespaces of EWS and autodiscover. Always <c>http://</c> (some Microsoft doc pages wrongly show
/// <c>https://</c>). Elements are matched by namespace URI and local name, never by prefix.
/// </summary>
internal static class EwsNamespaces
{
    public const string Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Types = "http://schemas.microsoft.com/exchange/services/2006/types";
    public const string Messages = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public const string Errors = "http://schemas.microsoft.com/exchange/services/2006/errors";
    public const string AutodiscoverSoap = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    public const string WsAddressing = "http://www.w3.org/2005/08/addressing";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
    public const string PoxRequest = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    public const string PoxResponse = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    public const string PoxOutlookResponse = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    public static readonly XNamespace T = Types;
    public static readonly XNamespace M = Messages;
    public static readonly XNamespace S = Soap;

    /// <summary>The only RequestServerVersion ExSync sends: valid on 2013 SP1, 2016, 2019 and SE (Exchange2019 is not a valid value).</summary>
    public const string RequestServerVersion = "Exchange2013_SP1";
}

/// <summary>Pre-atomized element and attribute names used when reading responses.</summary>
internal static class EwsNames
{
    public static readonly XName ResponseMessages = EwsNamespaces.M + "ResponseMessages";
    public static readonly XName MessageText = EwsNamespaces.M + "MessageText";
    public static readonly XName ResponseCode = EwsNamespaces.M + "ResponseCode";
    public static readonly XName Folders = EwsNamespaces.M + "Folders";
    public static readonly XName Items = EwsNamespaces.M + "Items";
    public static readonly XName RootFolder = EwsNamespaces.M + "RootFolder";
    public static readonly XName SyncState = EwsNamespaces.M + "SyncState";
    public static readonly XName IncludesLastItemInRange = EwsNamespaces.M + "IncludesLastItemInRange";
    public static readonly XName Changes = EwsNamespaces.M + "Changes";

    public static readonly XName TItems = EwsNamespaces.T + "Items";
    public static readonly XName FolderId = EwsNamespaces.T + "FolderId";
    public static readonly XName ParentFolderId = EwsNamespaces.T + "ParentFolderId";
    public static readonly XName FolderClass = EwsNamespaces.T + "FolderClass";
    public static readonly XName DisplayName = EwsNamespaces.T + "DisplayName";
    public static readonly XName TotalCount = EwsNamespaces.T + "TotalCount";
    public static readonly XName ChildFolderCount = EwsNamespaces.T + "ChildFolderCount";
    public static readonly XName UnreadCount = EwsNamespaces.T + "UnreadCount";
    public static readonly XName ExtendedProperty = EwsNamespaces.T + "ExtendedProperty";
    public static readonly XName ExtendedFieldUri = EwsNamespaces.T + "ExtendedFieldURI";
    public static readonly XName Value = EwsNamespaces.T + "Value";
    public static readonly XName Values = EwsNamespaces.T + "Values";
    public static readonly XName ItemId = EwsNamespaces.T + "ItemId";
    public static readonly XName Subject = EwsNamespaces.T + "Subject";
    public static readonly XName ItemClass = EwsNamespaces.T + "ItemClass";
    public static readonly XName IsRead = EwsNamespaces.T + "IsRead";
    public static readonly XName Create = EwsNamespaces.T + "Create";
    public static readonly XName Update = EwsNamespaces.T + "Update";
    public static readonly XName Delete = EwsNamespaces.T + "Delete";
    public static readonly XName ReadFlagChange = EwsNamespaces.T + "ReadFlagChange";

    public static readonly XName MimeContent = EwsNamespaces.T + "MimeContent";
    public static readonly XName String = EwsNamespaces.T + "String";
    public static readonly XName Mailbox = EwsNamespaces.T + "Mailbox";
    public static readonly XName Name = EwsNamespaces.T + "Name";
    public static readonly XName EmailAddress = EwsNamespaces.T + "EmailAddress";
    public static readonly XName RoutingType = EwsNamespaces.T + "RoutingType";
    public static readonly XName MailboxType = EwsNamespaces.T + "MailboxType";
    public static readonly XName InternetMessageHeader = EwsNamespaces.T + "InternetMessageHeader";
    public static readonly XName FileAttachment = EwsNamespaces.T + "FileAttachment";
    public static readonly XName ItemAttachment = EwsNamespaces.T + "ItemAttachment";
    public static readonly XName ReferenceAttachment = EwsNamespaces.T + "ReferenceAttachment";
    public static readonly XName AttachmentId = EwsNamespaces.T + "AttachmentId";
    public static readonly XName ContentType = EwsNamespaces.T + "ContentType";
    public static readonly XName ContentId = EwsNamespaces.T + "ContentId";
    public static readonly XName Size = EwsNamespaces.T + "Size";
    public static readonly XName IsInline = EwsNamespaces.T + "IsInline";
    public static readonly XName Content = EwsNamespaces.T + "Content";
    public static readonly XName Folder = EwsNamespaces.T + "Folder";
    public static readonly XName TFolders = EwsNamespaces.T + "Folders";

    public static readonly XName SubscriptionId = EwsNamespaces.M + "SubscriptionId";
    public static readonly XName Watermark = EwsNamespaces.M + "Watermark";
    public static readonly XName Notification = EwsNamespaces.M + "Notification";
    public static readonly XName Notifications = EwsNamespaces.M + "Notifications";
    public static readonly XName ConnectionStatus = EwsNamespaces.M + "ConnectionStatus";
    public static readonly XName ErrorSubscriptionIds = EwsNamespaces.M + "ErrorSubscriptionIds";
    public static readonly XName TSubscriptionId = EwsNamespaces.T + "SubscriptionId";
    public static readonly XName PreviousWatermark = EwsNamespaces.T + "PreviousWatermark";
    public static readonly XName MoreEvents = EwsNamespaces.T + "MoreEvents";
    public static readonly XName TWatermark = EwsNamespaces.T + "Watermark";
    public static readonly XName TimeStamp = EwsNamespaces.T + "TimeStamp";
    public static readonly XName OldItemId = EwsNamespaces.T + "OldItemId";
    public static readonly XName OldFolderId = EwsNamespaces.T + "OldFolderId";
    public static readonly XName OldParentFolderId = EwsNamespaces.T + "OldParentFolderId";
}
