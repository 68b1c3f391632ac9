namespace ExSync.Exchange.Ews;

// ---- UpdateItem --------------------------------------------------------------------------------------------------

/// <summary>What UpdateItem does when the item changed since its ChangeKey was read.</summary>
public enum ConflictResolution
{
    /// <summary>Fail with <see cref="ExchangeErrorCodes.ItemConflict"/>.</summary>
    NeverOverwrite,

    /// <summary>Merge: apply the change unless the same properties changed meanwhile (then <see cref="ExchangeErrorCodes.ItemConflict"/>).</summary>
    AutoResolve,

    /// <summary>Apply the change whatever happened meanwhile (a ChangeKey is still required).</summary>
    AlwaysOverwrite,
}

/// <summary>
/// The categories an item should end up with. EWS can only replace the whole list (Categories cannot be appended to), so adding
/// or removing one category is computed from the list the caller read together with the item's ChangeKey: a concurrent change
/// in Outlook then surfaces as <see cref="ExchangeErrorCodes.ItemConflict"/> (with <see cref="ConflictResolution.NeverOverwrite"/>,
/// or <see cref="ConflictResolution.AutoResolve"/> when the categories themselves changed) rather than being silently lost.
/// </summary>
public sealed record CategoryUpdate
{
    private CategoryUpdate(IReadOnlyList<string> categories) => Categories = categories;

    /// <summary>The resulting list; empty means "remove the property".</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>Replaces the whole list.</summary>
    /// <param name="categories">The new categories.</param>
    public static CategoryUpdate ReplaceWith(IEnumerable<string> categories) =>
        new(Distinct(categories ?? throw new ArgumentNullException(nameof(categories))));

    /// <summary>The current list plus <paramref name="category"/> (kept once; category names compare case-insensitively as in Outlook).</summary>
    /// <param name="current">The categories as read with the item's ChangeKey.</param>
    /// <param name="category">The category to add.</param>
    public static CategoryUpdate Add(IEnumerable<string> current, string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        return new(Distinct((current ?? throw new ArgumentNullException(nameof(current))).Append(category)));
    }

    /// <summary>The current list without <paramref name="category"/>.</summary>
    /// <param name="current">The categories as read with the item's ChangeKey.</param>
    /// <param name="category">The category to remove (case-insensitive).</param>
    public static CategoryUpdate Remove(IEnumerable<string> current, string category)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(category);
        return new(Distinct((current ?? throw new ArgumentNullException(nameof(current)))
            .Where(c => !string.Equals(c, category, StringComparison.OrdinalIgnoreCase))));
    }

    private static string[] Distinct(IEnumerable<string> categories) =>
        categories.Where(c => !string.IsNullOrWhiteSpace(c)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
}

/// <summary>The changes to one item.</summary>
public sealed record ItemUpdate
{
    /// <summary>The item with its current ChangeKey (required: Exchange refuses writes without one).</summary>
    public required EwsItemId Item { get; init; }

    /// <summary>
    /// The element the new values are written in, matching the item's type (<see cref="EwsMessage.ItemKind"/>): <c>Message</c> for
    /// mail, <c>MeetingRequest</c> for a meeting request, and so on.
    /// </summary>
    public string ItemElementName { get; init; } = "Message";

    /// <summary>The categories to end up with, or null to leave them alone.</summary>
    public CategoryUpdate? Categories { get; init; }

    /// <summary>Extended properties to set (a single value, or <see cref="ExtendedPropertyValue.Values"/> for array types).</summary>
    public IReadOnlyList<ExtendedPropertyValue> SetExtendedProperties { get; init; } = [];

    /// <summary>Extended properties to delete.</summary>
    public IReadOnlyList<ExtendedPropertyDefinition> DeleteExtendedProperties { get; init; } = [];
}

/// <summary>
/// UpdateItem for several items: categories and extended properties (MessageDisposition SaveOnly, so nothing is sent). Setting
/// fixed values is idempotent, so the call is retried after a timeout or a dropped connection like a read.
/// </summary>
public sealed record UpdateItemsRequest
{
    /// <summary>The items and their changes (1–100), answered in the same order.</summary>
    public required IReadOnlyList<ItemUpdate> Items { get; init; }

    /// <summary>What to do when an item changed since its ChangeKey was read.</summary>
    public ConflictResolution ConflictResolution { get; init; } = ConflictResolution.AutoResolve;

    /// <summary>
    /// Never send a read receipt because of this update (SuppressReadReceipts, Exchange 2013 SP1 and later, so every supported
    /// server).
    /// </summary>
    public bool SuppressReadReceipts { get; init; } = true;
}

/// <summary>The outcome for one updated item.</summary>
/// <param name="Requested">The item as requested.</param>
/// <param name="ItemId">The item's id with its new ChangeKey, when it was updated.</param>
/// <param name="Error">
/// The classified per-item error otherwise: <see cref="ExchangeErrorCodes.ItemConflict"/> (read it again and retry),
/// <see cref="ExchangeErrorCodes.ItemNotFound"/> (deleted or moved meanwhile), …
/// </param>
public sealed record UpdatedItemResult(EwsItemId Requested, EwsItemId? ItemId, ExchangeError? Error)
{
    /// <summary>True when the item was updated.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>UpdateItem response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Items">One result per item, in request order.</param>
public sealed record UpdateItemsResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<UpdatedItemResult> Items);

// ---- MoveItem ----------------------------------------------------------------------------------------------------

/// <summary>
/// MoveItem: moves items to one folder. A move is a copy and a delete, so each item gets a new id. Not idempotent (the old ids
/// stop existing), so it is never retried once Exchange may have processed it: after a timeout, look the items up again (by
/// ExSync's extended property or Message-ID) before moving again.
/// </summary>
public sealed record MoveItemsRequest
{
    /// <summary>The items (1–100), answered in the same order.</summary>
    public required IReadOnlyList<EwsItemId> Items { get; init; }

    /// <summary>Where to move them: a distinguished folder or a folder id.</summary>
    public required EwsFolderId Destination { get; init; }
}

/// <summary>The outcome for one moved item.</summary>
/// <param name="Requested">The item as requested.</param>
/// <param name="NewItemId">The item's id in the destination folder (Exchange omits it for moves across mailboxes).</param>
/// <param name="Error">The classified per-item error, or null when the item was moved.</param>
public sealed record MovedItemResult(EwsItemId Requested, EwsItemId? NewItemId, ExchangeError? Error)
{
    /// <summary>True when the item was moved.</summary>
    public bool Succeeded => Error is null;
}

/// <summary>MoveItem response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Items">One result per item, in request order.</param>
public sealed record MoveItemsResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<MovedItemResult> Items);

// ---- FindFolder / CreateFolder -----------------------------------------------------------------------------------

/// <summary>How deep FindFolder looks.</summary>
public enum FolderTraversal
{
    /// <summary>Direct subfolders.</summary>
    Shallow,

    /// <summary>All descendants.</summary>
    Deep,
}

/// <summary>FindFolder: the subfolders of a folder, optionally only the one with a given display name.</summary>
public sealed record FindFolderRequest
{
    /// <summary>The folder to look in.</summary>
    public required EwsFolderId Parent { get; init; }

    /// <summary>Only folders with exactly this display name (Exchange compares case-insensitively); null for all.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Direct subfolders or all descendants.</summary>
    public FolderTraversal Traversal { get; init; } = FolderTraversal.Shallow;

    /// <summary>Page size (IndexedPageFolderView).</summary>
    public int MaxEntriesReturned { get; init; } = 100;

    /// <summary>The base property set (Default has display name and counts).</summary>
    public BaseShape BaseShape { get; init; } = BaseShape.Default;
}

/// <summary>FindFolder response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Folders">The folders found.</param>
/// <param name="IncludesLastItemInRange">False when more folders exist beyond the page.</param>
public sealed record FindFolderResponse(ExchangeServerVersion? ServerVersion, IReadOnlyList<EwsFolder> Folders, bool IncludesLastItemInRange);

/// <summary>CreateFolder for one folder.</summary>
public sealed record CreateFolderRequest
{
    /// <summary>Where to create it.</summary>
    public required EwsFolderId Parent { get; init; }

    /// <summary>Its display name.</summary>
    public required string DisplayName { get; init; }

    /// <summary>The folder class; <c>IPF.Note</c> is a mail folder.</summary>
    public string FolderClass { get; init; } = "IPF.Note";
}

/// <summary>CreateFolder response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="FolderId">The new folder.</param>
public sealed record CreateFolderResponse(ExchangeServerVersion? ServerVersion, ExplicitFolderId FolderId);

/// <summary>The folder found or created by <see cref="IEwsClient.FindOrCreateFolderAsync"/>.</summary>
/// <param name="FolderId">The folder.</param>
/// <param name="Created">True when this call created it.</param>
public sealed record FoundOrCreatedFolder(ExplicitFolderId FolderId, bool Created);
