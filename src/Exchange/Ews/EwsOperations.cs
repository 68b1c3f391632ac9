namespace ExSync.Exchange.Ews;

// ---- GetFolder ---------------------------------------------------------------------------------------------------

/// <summary>GetFolder: read several folders in one request.</summary>
public sealed record GetFolderRequest
{
    /// <summary>The folders, answered in the same order.</summary>
    public required IReadOnlyList<EwsFolderId> Folders { get; init; }

    /// <summary>The base property set.</summary>
    public BaseShape BaseShape { get; init; } = BaseShape.Default;

    /// <summary>Additional first-class properties by FieldURI, for example <c>folder:FolderClass</c>.</summary>
    public IReadOnlyList<string> AdditionalFieldUris { get; init; } = [];

    /// <summary>Additional extended properties (ExtendedFieldURI).</summary>
    public IReadOnlyList<ExtendedPropertyDefinition> AdditionalExtendedProperties { get; init; } = [];
}

/// <summary>The folder element type EWS returned.</summary>
public enum EwsFolderKind
{
    /// <summary>t:Folder (mail and generic folders).</summary>
    Folder,

    /// <summary>t:CalendarFolder</summary>
    CalendarFolder,

    /// <summary>t:ContactsFolder</summary>
    ContactsFolder,

    /// <summary>t:TasksFolder</summary>
    TasksFolder,

    /// <summary>t:SearchFolder</summary>
    SearchFolder,
}

/// <summary>A folder as returned by GetFolder.</summary>
public sealed record EwsFolder
{
    /// <summary>The element type.</summary>
    public required EwsFolderKind Kind { get; init; }

    /// <summary>The folder id.</summary>
    public required ExplicitFolderId FolderId { get; init; }

    /// <summary>The parent folder's id, when returned.</summary>
    public string? ParentFolderId { get; init; }

    /// <summary>For example <c>IPF.Note</c> or <c>IPF.Appointment</c>, when returned.</summary>
    public string? FolderClass { get; init; }

    /// <summary>The localized display name, when returned.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Number of items, when returned.</summary>
    public int? TotalCount { get; init; }

    /// <summary>Number of subfolders, when returned.</summary>
    public int? ChildFolderCount { get; init; }

    /// <summary>Number of unread items, when returned.</summary>
    public int? UnreadCount { get; init; }

    /// <summary>Extended properties that were asked for and are set on the folder.</summary>
    public IReadOnlyList<ExtendedPropertyValue> ExtendedProperties { get; init; } = [];

    /// <summary>The value of <paramref name="definition"/>, or null when the folder does not have it.</summary>
    /// <param name="definition">The extended property.</param>
    public ExtendedPropertyValue? FindExtendedProperty(ExtendedPropertyDefinition definition) =>
        ExtendedProperties.FirstOrDefault(p => p.Definition == definition);
}

/// <summary>The answer for one requested folder: the folder, or the per-item error.</summary>
/// <param name="Requested">The folder id as requested.</param>
/// <param name="Folder">The folder when it was read.</param>
/// <param name="Error">The per-item error otherwise.</param>
public sealed record FolderResult(EwsFolderId Requested, EwsFolder? Folder, ExchangeError? Error)
{
    /// <summary>True when the folder was read.</summary>
    public bool Succeeded => Folder is not null;
}

/// <summary>GetFolder response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Folders">One result per requested folder, in request order.</param>
public sealed record GetFolderResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<FolderResult> Folders);

// ---- CreateItem --------------------------------------------------------------------------------------------------

/// <summary>What CreateItem does with a message.</summary>
public enum MessageDisposition
{
    /// <summary>Save it (as a draft when saved into Drafts); the response carries its id.</summary>
    SaveOnly,

    /// <summary>Send it without keeping a copy.</summary>
    SendOnly,

    /// <summary>Send it and keep a copy in Sent Items (or <see cref="CreateMessageRequest.SavedItemFolder"/>).</summary>
    SendAndSaveCopy,
}

/// <summary>Message body format.</summary>
public enum MessageBodyType
{
    /// <summary>Plain text.</summary>
    Text,

    /// <summary>HTML.</summary>
    Html,
}

/// <summary>CreateItem for one email message.</summary>
public sealed record CreateMessageRequest
{
    /// <summary>Save, send, or both.</summary>
    public required MessageDisposition Disposition { get; init; }

    /// <summary>Folder to save into (Drafts for SaveOnly; Sent Items by default when sending).</summary>
    public EwsFolderId? SavedItemFolder { get; init; }

    /// <summary>The subject.</summary>
    public required string Subject { get; init; }

    /// <summary>The body.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>The body format.</summary>
    public MessageBodyType BodyType { get; init; } = MessageBodyType.Text;

    /// <summary>Recipients (SMTP addresses). Required when sending.</summary>
    public IReadOnlyList<string> ToRecipients { get; init; } = [];

    /// <summary>The item class.</summary>
    public string ItemClass { get; init; } = "IPM.Note";
}

/// <summary>CreateItem response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="ItemId">The new item's id (SaveOnly); null when the message was sent (EWS returns no id then).</param>
public sealed record CreateItemResponse(ExchangeServerVersion? ServerVersion, EwsItemId? ItemId);

// ---- DeleteItem --------------------------------------------------------------------------------------------------

/// <summary>How DeleteItem deletes.</summary>
public enum DeleteType
{
    /// <summary>Permanently, without going through Recoverable Items' Deletions.</summary>
    HardDelete,

    /// <summary>Into Recoverable Items (dumpster).</summary>
    SoftDelete,

    /// <summary>Into Deleted Items.</summary>
    MoveToDeletedItems,
}

/// <summary>Whether to send cancellations when deleting meetings (required by EWS for calendar items).</summary>
public enum MeetingCancellations
{
    /// <summary>SendToNone</summary>
    SendToNone,

    /// <summary>SendOnlyToAll</summary>
    SendOnlyToAll,

    /// <summary>SendToAllAndSaveCopy</summary>
    SendToAllAndSaveCopy,
}

/// <summary>Which occurrences of a recurring task to delete (required by EWS for tasks).</summary>
public enum AffectedTaskOccurrences
{
    /// <summary>AllOccurrences</summary>
    AllOccurrences,

    /// <summary>SpecifiedOccurrenceOnly</summary>
    SpecifiedOccurrenceOnly,
}

/// <summary>DeleteItem.</summary>
public sealed record DeleteItemRequest
{
    /// <summary>The items to delete.</summary>
    public required IReadOnlyList<EwsItemId> Items { get; init; }

    /// <summary>How to delete.</summary>
    public DeleteType DeleteType { get; init; } = DeleteType.HardDelete;

    /// <summary>Required when deleting calendar items.</summary>
    public MeetingCancellations? SendMeetingCancellations { get; init; }

    /// <summary>Required when deleting tasks.</summary>
    public AffectedTaskOccurrences? AffectedTaskOccurrences { get; init; }
}

/// <summary>The outcome for one item of a multi-item operation.</summary>
/// <param name="Item">The item as requested.</param>
/// <param name="Error">Null when it succeeded.</param>
public sealed record ItemResult(EwsItemId Item, ExchangeError? Error)
{
    /// <summary>True when the item operation succeeded.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>DeleteItem response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Items">One result per requested item, in request order.</param>
public sealed record DeleteItemResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<ItemResult> Items);
