using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>Raw request bodies for folders, item changes and notifications, and readers for their answers.</summary>
internal static class ChangeTrackingSoap
{
    public static string FolderIdElement(string folder) =>
        folder.Length >= 30 ? $"<t:FolderId Id=\"{folder}\"/>" : $"<t:DistinguishedFolderId Id=\"{folder}\"/>";

    public static string CreateFolder(string parent, string displayName, string element = "Folder", string extra = "") =>
        $"<m:CreateFolder><m:ParentFolderId>{FolderIdElement(parent)}</m:ParentFolderId><m:Folders><t:{element}>{extra}<t:DisplayName>{displayName}</t:DisplayName></t:{element}></m:Folders></m:CreateFolder>";

    public static string FindFolder(string parent, string traversal = "Shallow", string baseShape = "Default", string view = "") =>
        $"<m:FindFolder Traversal=\"{traversal}\"><m:FolderShape><t:BaseShape>{baseShape}</t:BaseShape></m:FolderShape>{view}<m:ParentFolderIds>{FolderIdElement(parent)}</m:ParentFolderIds></m:FindFolder>";

    public static string Sync(string folder, int maxChanges, string? syncState = null, string baseShape = "IdOnly", string additionalProperties = "") =>
        $"<m:SyncFolderItems><m:ItemShape><t:BaseShape>{baseShape}</t:BaseShape>{additionalProperties}</m:ItemShape><m:SyncFolderId>{FolderIdElement(folder)}</m:SyncFolderId>" +
        (syncState is null ? "" : $"<m:SyncState>{syncState}</m:SyncState>") +
        $"<m:MaxChangesReturned>{maxChanges}</m:MaxChangesReturned></m:SyncFolderItems>";

    public static string Move(string destination, string itemId, string operation = "MoveItem", string returnNewItemIds = "") =>
        $"<m:{operation}><m:ToFolderId>{FolderIdElement(destination)}</m:ToFolderId><m:ItemIds><t:ItemId Id=\"{itemId}\"/></m:ItemIds>{returnNewItemIds}</m:{operation}>";

    public static string Delete(string itemId, string deleteType) =>
        $"<m:DeleteItem DeleteType=\"{deleteType}\"><m:ItemIds><t:ItemId Id=\"{itemId}\"/></m:ItemIds></m:DeleteItem>";

    /// <summary>An UpdateItem of one item with the given Set/Append/DeleteItemField elements.</summary>
    public static string Update(string itemId, string? changeKey, string updates, string conflictResolution = "AutoResolve", string disposition = " MessageDisposition=\"SaveOnly\"") =>
        $"<m:UpdateItem ConflictResolution=\"{conflictResolution}\"{disposition}><m:ItemChanges><t:ItemChange>" +
        $"<t:ItemId Id=\"{itemId}\"{(changeKey is null ? "" : $" ChangeKey=\"{changeKey}\"")}/><t:Updates>{updates}</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>";

    public static string SetCategories(params string[] categories) =>
        "<t:SetItemField><t:FieldURI FieldURI=\"item:Categories\"/><t:Message><t:Categories>" +
        string.Concat(categories.Select(category => $"<t:String>{category}</t:String>")) + "</t:Categories></t:Message></t:SetItemField>";

    public static string SetIsRead(bool isRead) =>
        $"<t:SetItemField><t:FieldURI FieldURI=\"message:IsRead\"/><t:Message><t:IsRead>{(isRead ? "true" : "false")}</t:IsRead></t:Message></t:SetItemField>";

    public static string SetSubject(string subject) =>
        $"<t:SetItemField><t:FieldURI FieldURI=\"item:Subject\"/><t:Message><t:Subject>{subject}</t:Subject></t:Message></t:SetItemField>";

    public const string LinkIdUri = "<t:ExtendedFieldURI PropertySetId=\"c11ff724-aa03-4555-9952-8fa248a11c3e\" PropertyName=\"ExSyncLinkId\" PropertyType=\"String\"/>";

    public static readonly ExtendedPropertyKey LinkIdKey = ExtendedPropertyKey.Named(new Guid("c11ff724-aa03-4555-9952-8fa248a11c3e"), "ExSyncLinkId", "String");

    public static string SetLinkId(string value) =>
        $"<t:SetItemField>{LinkIdUri}<t:Message><t:ExtendedProperty>{LinkIdUri}<t:Value>{value}</t:Value></t:ExtendedProperty></t:Message></t:SetItemField>";

    public static string PullSubscribe(string folders, string eventTypes = "NewMailEvent,CreatedEvent,DeletedEvent,ModifiedEvent,MovedEvent,CopiedEvent", int timeout = 10, string? watermark = null) =>
        "<m:Subscribe><m:PullSubscriptionRequest" + (folders == "*" ? " SubscribeToAllFolders=\"true\">" : ">") +
        (folders == "*" ? "" : "<t:FolderIds>" + string.Concat(folders.Split(',').Select(FolderIdElement)) + "</t:FolderIds>") +
        EventTypes(eventTypes) + (watermark is null ? "" : $"<t:Watermark>{watermark}</t:Watermark>") +
        $"<t:Timeout>{timeout}</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>";

    public static string StreamingSubscribe(string folders, string eventTypes = "NewMailEvent,CreatedEvent,DeletedEvent,ModifiedEvent,MovedEvent,CopiedEvent") =>
        "<m:Subscribe><m:StreamingSubscriptionRequest" + (folders == "*" ? " SubscribeToAllFolders=\"true\">" : ">") +
        (folders == "*" ? "" : "<t:FolderIds>" + string.Concat(folders.Split(',').Select(FolderIdElement)) + "</t:FolderIds>") +
        EventTypes(eventTypes) + "</m:StreamingSubscriptionRequest></m:Subscribe>";

    public static string GetEvents(string subscriptionId, string watermark) =>
        $"<m:GetEvents><m:SubscriptionId>{subscriptionId}</m:SubscriptionId><m:Watermark>{watermark}</m:Watermark></m:GetEvents>";

    public static string GetStreamingEvents(int connectionTimeout, params string[] subscriptionIds) =>
        "<m:GetStreamingEvents><m:SubscriptionIds>" + string.Concat(subscriptionIds.Select(id => $"<t:SubscriptionId>{id}</t:SubscriptionId>")) +
        $"</m:SubscriptionIds><m:ConnectionTimeout>{connectionTimeout}</m:ConnectionTimeout></m:GetStreamingEvents>";

    public static string Unsubscribe(string subscriptionId) =>
        $"<m:Unsubscribe><m:SubscriptionId>{subscriptionId}</m:SubscriptionId></m:Unsubscribe>";

    public static string Value(this XElement message, string localName) =>
        message.Element(Soap.M + localName)?.Value ?? throw new InvalidOperationException($"No m:{localName} in {message}");

    /// <summary>The Id of the first t:ItemId or t:FolderId below the element.</summary>
    public static string FirstId(this XElement element, string idElement = "ItemId") =>
        (string)element.Descendants(Soap.T + idElement).First().Attribute("Id")!;

    public static IReadOnlyList<XElement> Changes(this XElement syncMessage) => [.. syncMessage.Element(Soap.M + "Changes")!.Elements()];

    private static string EventTypes(string eventTypes) =>
        "<t:EventTypes>" + string.Concat(eventTypes.Split(',').Select(type => $"<t:EventType>{type}</t:EventType>")) + "</t:EventTypes>";
}
