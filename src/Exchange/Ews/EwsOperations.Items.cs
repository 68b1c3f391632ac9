namespace ExSync.Exchange.Ews;

// ---- FindItem ----------------------------------------------------------------------------------------------------

/// <summary>FindItem traversal.</summary>
public enum ItemTraversal
{
    /// <summary>Items directly in the folder.</summary>
    Shallow,

    /// <summary>Soft-deleted items.</summary>
    SoftDeleted,

    /// <summary>Folder-associated (hidden) items.</summary>
    Associated,
}

/// <summary>Where an indexed page starts counting from.</summary>
public enum PagingBasePoint
{
    /// <summary>From the first item.</summary>
    Beginning,

    /// <summary>From the last item.</summary>
    End,
}

/// <summary>FindItem with an IndexedPageItemView (shallow paging through one folder).</summary>
public sealed record FindItemRequest
{
    /// <summary>The folder to list.</summary>
    public required EwsFolderId ParentFolder { get; init; }

    /// <summary>Page size (IndexedPageItemView MaxEntriesReturned).</summary>
    public int MaxEntriesReturned { get; init; } = 100;

    /// <summary>Page offset.</summary>
    public int Offset { get; init; }

    /// <summary>Where <see cref="Offset"/> counts from.</summary>
    public PagingBasePoint BasePoint { get; init; } = PagingBasePoint.Beginning;

    /// <summary>Traversal.</summary>
    public ItemTraversal Traversal { get; init; } = ItemTraversal.Shallow;

    /// <summary>The base property set.</summary>
    public BaseShape BaseShape { get; init; } = BaseShape.IdOnly;

    /// <summary>Additional properties by FieldURI, for example <c>item:Subject</c>.</summary>
    public IReadOnlyList<string> AdditionalFieldUris { get; init; } = [];

    /// <summary>Extended properties to return with each item (<see cref="EwsItem.ExtendedProperties"/>).</summary>
    public IReadOnlyList<ExtendedPropertyDefinition> AdditionalExtendedProperties { get; init; } = [];

    /// <summary>Only the items that match, for example <see cref="ItemRestriction.IsEqualTo(ExtendedPropertyDefinition, string)"/>; null for all.</summary>
    public ItemRestriction? Restriction { get; init; }
}

/// <summary>An item summary from FindItem or SyncFolderItems.</summary>
/// <param name="Kind">The element type, for example <c>Message</c>, <c>CalendarItem</c>, <c>Contact</c>, <c>Task</c>.</param>
/// <param name="ItemId">The id.</param>
/// <param name="Subject">The subject, when returned.</param>
/// <param name="ItemClass">The item class, when returned.</param>
/// <param name="DateTimeReceived">When the item arrived in the mailbox, when returned (ask for <c>item:DateTimeReceived</c>).</param>
public sealed record EwsItem(string Kind, EwsItemId ItemId, string? Subject, string? ItemClass, DateTimeOffset? DateTimeReceived = null)
{
    /// <summary>The extended properties that were asked for and are set on the item.</summary>
    public IReadOnlyList<ExtendedPropertyValue> ExtendedProperties { get; init; } = [];
}

/// <summary>FindItem response (one page).</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Items">The items of the page.</param>
/// <param name="IndexedPagingOffset">Offset of the next page.</param>
/// <param name="TotalItemsInView">Total items in the folder view.</param>
/// <param name="IncludesLastItemInRange">True on the last page.</param>
public sealed record FindItemResponse(
    ExchangeServerVersion? ServerVersion,
    IReadOnlyList<EwsItem> Items,
    int? IndexedPagingOffset,
    int? TotalItemsInView,
    bool IncludesLastItemInRange);

// ---- SyncFolderItems ---------------------------------------------------------------------------------------------

/// <summary>Which items SyncFolderItems covers.</summary>
public enum SyncFolderItemsScope
{
    /// <summary>Normal items.</summary>
    NormalItems,

    /// <summary>Normal and folder-associated items.</summary>
    NormalAndAssociatedItems,
}

/// <summary>SyncFolderItems: incremental changes since a sync state.</summary>
public sealed record SyncFolderItemsRequest
{
    /// <summary>The folder to synchronize.</summary>
    public required EwsFolderId Folder { get; init; }

    /// <summary>The opaque state from the previous call; null for the first synchronization.</summary>
    public string? SyncState { get; init; }

    /// <summary>Items to leave out.</summary>
    public IReadOnlyList<EwsItemId> Ignore { get; init; } = [];

    /// <summary>Changes per call, 1–512.</summary>
    public int MaxChangesReturned { get; init; } = 100;

    /// <summary>Optional scope.</summary>
    public SyncFolderItemsScope? Scope { get; init; }

    /// <summary>The base property set for created and updated items.</summary>
    public BaseShape BaseShape { get; init; } = BaseShape.IdOnly;

    /// <summary>
    /// First-class properties to return with each created or updated item, for example <c>item:DateTimeReceived</c> to skip items older
    /// than a date without reading them. Each one costs the server a little; Microsoft recommends IdOnly plus only what is needed.
    /// </summary>
    public IReadOnlyList<string> AdditionalFieldUris { get; init; } = [];
}

/// <summary>The kind of a SyncFolderItems change.</summary>
public enum SyncChangeKind
{
    /// <summary>The item was created.</summary>
    Create,

    /// <summary>The item was changed.</summary>
    Update,

    /// <summary>The item was deleted.</summary>
    Delete,

    /// <summary>Only the read flag changed.</summary>
    ReadFlagChange,
}

/// <summary>One change reported by SyncFolderItems.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="ItemId">Which item.</param>
/// <param name="Item">The item summary for Create and Update.</param>
/// <param name="IsRead">The new read flag for ReadFlagChange.</param>
public sealed record SyncItemChange(SyncChangeKind Kind, EwsItemId ItemId, EwsItem? Item, bool? IsRead);

/// <summary>SyncFolderItems response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="SyncState">The new state to persist.</param>
/// <param name="IncludesLastItemInRange">False while more changes are waiting: call again with the new state.</param>
/// <param name="Changes">The changes, in server order.</param>
public sealed record SyncFolderItemsResponse(
    ExchangeServerVersion? ServerVersion,
    string SyncState,
    bool IncludesLastItemInRange,
    IReadOnlyList<SyncItemChange> Changes);

// ---- UpdateFolder ------------------------------------------------------------------------------------------------

/// <summary>UpdateFolder that sets one extended property on one folder (SetFolderField).</summary>
public sealed record SetFolderExtendedPropertyRequest
{
    /// <summary>The folder.</summary>
    public required EwsFolderId Folder { get; init; }

    /// <summary>The property.</summary>
    public required ExtendedPropertyDefinition Property { get; init; }

    /// <summary>The new value.</summary>
    public required string Value { get; init; }
}

/// <summary>UpdateFolder response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="FolderId">The updated folder's id and new change key, when returned.</param>
public sealed record UpdateFolderResponse(ExchangeServerVersion? ServerVersion, ExplicitFolderId? FolderId);

// ---- Client ------------------------------------------------------------------------------------------------------

/// <summary>
/// The EWS operations ExSync uses. Every method sends <c>RequestServerVersion Exchange2013_SP1</c>, impersonates
/// <see cref="EwsTarget.ImpersonatedMailbox"/>, retries transient failures within the connection timeout of
/// <see cref="EwsTarget.Connection"/>, and throws <see cref="ExchangeException"/> with a classified
/// <see cref="ExchangeError"/> on failure. Multi-item operations report per-item errors in their results instead.
/// </summary>
public interface IEwsClient
{
    /// <summary>Reads several folders in one request (per-folder errors are in the results).</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The folders and shape.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GetFolderResponse> GetFolderAsync(EwsTarget target, GetFolderRequest request, CancellationToken cancellationToken);

    /// <summary>Creates (saves and/or sends) one message. Never retried after the server may have processed it.</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CreateItemResponse> CreateMessageAsync(EwsTarget target, CreateMessageRequest request, CancellationToken cancellationToken);

    /// <summary>Deletes items (per-item errors are in the results).</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The items and delete type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<DeleteItemResponse> DeleteItemAsync(EwsTarget target, DeleteItemRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Sends one composed MIME message from the impersonated mailbox and saves a copy, stamped with the request's extended
    /// properties (CreateItem, SendAndSaveCopy). Retried only when Exchange certainly did not process the request (throttled,
    /// HTTP 503, never connected); when the call fails with <see cref="ExchangeError.OutcomeUnknown"/> the message may have been
    /// sent, so look for the stamp in <see cref="SendMessageRequest.SavedItemFolder"/> (<see cref="FindItemAsync"/> with a
    /// <see cref="FindItemRequest.Restriction"/>) before sending again.
    /// </summary>
    /// <param name="target">Where, and the sender's mailbox to impersonate.</param>
    /// <param name="request">The message, its stamp and its recipients.</param>
    /// <param name="cancellationToken">Cancels the call (after the request was written, the outcome is then unknown).</param>
    Task<SendMessageResponse> SendMessageAsync(EwsTarget target, SendMessageRequest request, CancellationToken cancellationToken);

    /// <summary>Lists one page of items in a folder, optionally only those matching a restriction.</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The folder, page and restriction.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FindItemResponse> FindItemAsync(EwsTarget target, FindItemRequest request, CancellationToken cancellationToken);

    /// <summary>Gets the changes in a folder since a sync state.</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The folder and state.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SyncFolderItemsResponse> SyncFolderItemsAsync(EwsTarget target, SyncFolderItemsRequest request, CancellationToken cancellationToken);

    /// <summary>Sets one extended property on a folder (UpdateFolder / SetFolderField).</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The folder, property and value.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<UpdateFolderResponse> SetFolderExtendedPropertyAsync(EwsTarget target, SetFolderExtendedPropertyRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to 100 messages (GetItem) with what the sync engine needs: ids, parties, threading, bodies, attachment list, chosen
    /// extended properties, and the MIME on request. The response is parsed as it streams in, and one odd or huge item never fails
    /// the others: its problem is its own <see cref="MessageResult.Error"/> or flag. Retried like a read.
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The items and what to read.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GetMessagesResponse> GetMessagesAsync(EwsTarget target, GetMessagesRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Reads attachments' content (GetAttachment), decoding it as it streams in and keeping at most
    /// <see cref="GetAttachmentsRequest.MaxContentBytes"/> of each; a larger one is reported as
    /// <see cref="ExchangeErrorCodes.AttachmentTooLarge"/> without being buffered.
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The attachment ids and the size limit.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GetAttachmentsResponse> GetAttachmentsAsync(EwsTarget target, GetAttachmentsRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Sets categories and sets or deletes extended properties on items (UpdateItem, SaveOnly, nothing is sent). Each item answers
    /// with its new ChangeKey or an error; <see cref="ExchangeErrorCodes.ItemConflict"/> means "read it again and retry".
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The items with their ChangeKeys and changes.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<UpdateItemsResponse> UpdateItemsAsync(EwsTarget target, UpdateItemsRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Moves items to a folder (MoveItem) and returns their new ids. Never retried once Exchange may have processed it.
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The items and the destination.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<MoveItemsResponse> MoveItemsAsync(EwsTarget target, MoveItemsRequest request, CancellationToken cancellationToken);

    /// <summary>Lists the subfolders of a folder, optionally only the one with a given name (FindFolder).</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The parent and the name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FindFolderResponse> FindFolderAsync(EwsTarget target, FindFolderRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a folder (CreateFolder). A folder of that name under the parent gives <see cref="ExchangeErrorCodes.FolderExists"/>.
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The parent, name and class.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<CreateFolderResponse> CreateFolderAsync(EwsTarget target, CreateFolderRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the folder named <paramref name="displayName"/> under <paramref name="parent"/>, creating it when missing (for example
    /// an "Undeliverable" folder under the Inbox); a folder created concurrently by someone else is found rather than duplicated.
    /// </summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="parent">The parent folder.</param>
    /// <param name="displayName">The folder's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<FoundOrCreatedFolder> FindOrCreateFolderAsync(EwsTarget target, EwsFolderId parent, string displayName, CancellationToken cancellationToken);

    /// <summary>
    /// Creates a streaming subscription on folders of the impersonated mailbox (Subscribe). Give a group's subscriptions the same
    /// <see cref="StreamingSubscriptionRequest.Affinity"/> so that they, and the group's GetStreamingEvents, reach one Mailbox server.
    /// </summary>
    /// <param name="target">Where and as whom (the subscribing mailbox).</param>
    /// <param name="request">Folders, event types and affinity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SubscribeResponse> SubscribeToStreamingNotificationsAsync(EwsTarget target, StreamingSubscriptionRequest request, CancellationToken cancellationToken);

    /// <summary>Creates a pull subscription (Subscribe); read it with <see cref="GetEventsAsync"/>.</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">Folders, event types, watermark, timeout and affinity.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<SubscribeResponse> SubscribeToPullNotificationsAsync(EwsTarget target, PullSubscriptionRequest request, CancellationToken cancellationToken);

    /// <summary>The events of a pull subscription since a watermark (GetEvents).</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The subscription and watermark.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<GetEventsResponse> GetEventsAsync(EwsTarget target, GetEventsRequest request, CancellationToken cancellationToken);

    /// <summary>Ends a subscription (Unsubscribe). An unknown subscription gives <see cref="ExchangeErrorCodes.SubscriptionLost"/>.</summary>
    /// <param name="target">Where and as whom.</param>
    /// <param name="request">The subscription.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task UnsubscribeAsync(EwsTarget target, UnsubscribeRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Opens one streaming connection for up to 200 subscriptions (GetStreamingEvents) and yields each message Exchange sends, as soon
    /// as it has arrived whole: notifications, heartbeats (<see cref="StreamingConnectionStatus.Ok"/>) and per-subscription errors.
    /// The sequence ends after <see cref="StreamingConnectionStatus.Closed"/> or when Exchange ends the response; connect again then.
    /// A dropped or silent connection, a notification cut short or a SOAP fault ends it with an <see cref="ExchangeException"/>.
    /// The connection takes none of the profile's <see cref="ConnectionLimit.MaxConcurrentRequests"/> slots but one of its
    /// <see cref="ConnectionLimit.MaxHangingConnections"/>; it is not retried.
    /// </summary>
    /// <param name="target">Where and as whom (for a group: impersonate its anchor mailbox).</param>
    /// <param name="request">The subscriptions, connection timeout and affinity.</param>
    /// <param name="cancellationToken">Closes the connection.</param>
    IAsyncEnumerable<StreamingEventsResponse> GetStreamingEventsAsync(EwsTarget target, GetStreamingEventsRequest request, CancellationToken cancellationToken);
}
