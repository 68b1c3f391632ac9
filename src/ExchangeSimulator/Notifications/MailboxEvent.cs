namespace ExSync.ExchangeSimulator;

/// <summary>The EWS notification event types (NotificationEventTypeType); the element is the name plus "Event".</summary>
internal enum NotificationEventKind
{
    Copied,
    Created,
    Deleted,
    Modified,
    Moved,
    NewMail,
    FreeBusyChanged,
}

/// <summary>
/// One mailbox event as notifications report it (BaseObjectChangedEventType and its Moved/Copied/Modified
/// extensions): what changed, where, and, for moves and copies, where it came from. Numbered per mailbox; the
/// number is what a watermark encodes.
/// </summary>
internal sealed record MailboxEvent(
    long Number,
    NotificationEventKind Kind,
    DateTimeOffset TimeStamp,
    FolderKey? Folder,
    string Id,
    string? ChangeKey,
    FolderKey ParentFolder,
    string ParentFolderId,
    string? OldId = null,
    FolderKey? OldParentFolder = null,
    string? OldParentFolderId = null,
    int? UnreadCount = null)
{
    /// <summary>Whether a folder (rather than an item) changed; <see cref="Folder"/> then names it.</summary>
    public bool IsFolder => Folder is not null;

    public string ElementName => Kind switch
    {
        NotificationEventKind.Copied => "CopiedEvent",
        NotificationEventKind.Created => "CreatedEvent",
        NotificationEventKind.Deleted => "DeletedEvent",
        NotificationEventKind.Modified => "ModifiedEvent",
        NotificationEventKind.Moved => "MovedEvent",
        NotificationEventKind.NewMail => "NewMailEvent",
        _ => "FreeBusyChangedEvent",
    };

    /// <summary>
    /// Whether a subscription to <paramref name="folders"/> sees the event: one in a watched folder, one that moved
    /// out of a watched folder, or a change of a watched folder itself.
    /// </summary>
    public bool Concerns(IReadOnlySet<long> folders) =>
        folders.Contains(ParentFolder.ObjectNumber) ||
        (OldParentFolder is { } oldParent && folders.Contains(oldParent.ObjectNumber)) ||
        (Folder is { } folder && folders.Contains(folder.ObjectNumber));
}
