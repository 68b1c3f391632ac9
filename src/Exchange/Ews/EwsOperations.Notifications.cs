namespace ExSync.Exchange.Ews;

/// <summary>A mailbox event type (EWS <c>…Event</c> elements).</summary>
public enum NotificationEventType
{
    /// <summary>Mail arrived (NewMailEvent).</summary>
    NewMail,

    /// <summary>An item or folder was created (CreatedEvent).</summary>
    Created,

    /// <summary>An item or folder was deleted (DeletedEvent).</summary>
    Deleted,

    /// <summary>An item or folder changed, including a folder's unread count (ModifiedEvent).</summary>
    Modified,

    /// <summary>An item or folder moved; it has a new id (MovedEvent).</summary>
    Moved,

    /// <summary>An item or folder was copied (CopiedEvent).</summary>
    Copied,

    /// <summary>Free/busy changed (FreeBusyChangedEvent).</summary>
    FreeBusyChanged,

    /// <summary>
    /// Nothing happened (StatusEvent): sent in place of events so the subscription stays alive and its watermark advances. Appears
    /// in notifications only; it cannot be subscribed to.
    /// </summary>
    Status,
}

/// <summary>
/// The Mailbox server affinity of a group of subscriptions (EWS "Maintain affinity between a group of subscriptions and the
/// Mailbox server"). Since Exchange 2013 subscriptions live on one Mailbox server, and only the cookie that server hands out
/// makes the load balancer and the front end route later requests of the group back to it; without it GetEvents or
/// GetStreamingEvents may land elsewhere and get ErrorSubscriptionNotFound.
/// </summary>
/// <remarks>
/// Give every Subscribe, GetEvents, GetStreamingEvents and Unsubscribe of the group the same instance: each request carries
/// <c>X-AnchorMailbox</c> = <see cref="AnchorMailbox"/> and <c>X-PreferServerAffinity: true</c>, and, once the first Subscribe has
/// returned it, the <c>X-BackEndOverrideCookie</c>. Group mailboxes by autodiscover's GroupingInformation and EWS URL, at most 200
/// per group (one GetStreamingEvents carries up to 200 subscriptions), and anchor the group on its alphabetically first mailbox.
/// When the group's subscriptions are lost (<see cref="ExchangeErrorCodes.SubscriptionLost"/>), subscribe them again with a new
/// instance: the old cookie may route to a server that no longer holds anything for the group. Thread-safe.
/// </remarks>
public sealed class SubscriptionAffinity
{
    private string? backEndOverrideCookie;

    /// <summary>Creates the affinity of a group.</summary>
    /// <param name="anchorMailbox">The SMTP address the group is anchored on.</param>
    /// <param name="backEndOverrideCookie">A cookie kept from an earlier run, if the group's subscriptions are still alive.</param>
    public SubscriptionAffinity(string anchorMailbox, string? backEndOverrideCookie = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(anchorMailbox);
        AnchorMailbox = anchorMailbox;
        this.backEndOverrideCookie = string.IsNullOrWhiteSpace(backEndOverrideCookie) ? null : backEndOverrideCookie;
    }

    /// <summary>The mailbox the group is routed by.</summary>
    public string AnchorMailbox { get; }

    /// <summary>The <c>X-BackEndOverrideCookie</c> value the first subscription of the group returned, once it has.</summary>
    public string? BackEndOverrideCookie => Volatile.Read(ref backEndOverrideCookie);

    /// <summary>Keeps the first cookie Exchange returns for the group (later responses of the group do not carry one).</summary>
    internal void Remember(string cookie) => Interlocked.CompareExchange(ref backEndOverrideCookie, cookie, null);
}

/// <summary>Subscribe (streaming): events of some folders pushed over GetStreamingEvents.</summary>
public sealed record StreamingSubscriptionRequest
{
    /// <summary>The folders to watch (of the impersonated mailbox).</summary>
    public required IReadOnlyList<EwsFolderId> Folders { get; init; }

    /// <summary>The events to report.</summary>
    public IReadOnlyList<NotificationEventType> EventTypes { get; init; } =
        [NotificationEventType.NewMail, NotificationEventType.Created, NotificationEventType.Deleted, NotificationEventType.Modified, NotificationEventType.Moved];

    /// <summary>The group's affinity (see <see cref="SubscriptionAffinity"/>); null for a subscription on its own.</summary>
    public SubscriptionAffinity? Affinity { get; init; }
}

/// <summary>Subscribe (pull): events of some folders, fetched with GetEvents.</summary>
public sealed record PullSubscriptionRequest
{
    /// <summary>The folders to watch.</summary>
    public required IReadOnlyList<EwsFolderId> Folders { get; init; }

    /// <summary>The events to report.</summary>
    public IReadOnlyList<NotificationEventType> EventTypes { get; init; } =
        [NotificationEventType.NewMail, NotificationEventType.Created, NotificationEventType.Deleted, NotificationEventType.Modified, NotificationEventType.Moved];

    /// <summary>Resume from this watermark (avoid after a lost subscription: Exchange then scans linearly).</summary>
    public string? Watermark { get; init; }

    /// <summary>Minutes without a GetEvents after which Exchange drops the subscription (1–1440).</summary>
    public int TimeoutMinutes { get; init; } = 30;

    /// <summary>The group's affinity.</summary>
    public SubscriptionAffinity? Affinity { get; init; }
}

/// <summary>Subscribe response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="Watermark">The starting watermark (pull subscriptions; streaming ones usually have none).</param>
public sealed record SubscribeResponse(ExchangeServerVersion? ServerVersion, string SubscriptionId, string? Watermark);

/// <summary>Unsubscribe.</summary>
public sealed record UnsubscribeRequest
{
    /// <summary>The subscription to end.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>The group's affinity, so the request reaches the server holding the subscription.</summary>
    public SubscriptionAffinity? Affinity { get; init; }
}

/// <summary>GetEvents for a pull subscription.</summary>
public sealed record GetEventsRequest
{
    /// <summary>The subscription.</summary>
    public required string SubscriptionId { get; init; }

    /// <summary>The last watermark received (from Subscribe or the previous GetEvents).</summary>
    public required string Watermark { get; init; }

    /// <summary>The group's affinity.</summary>
    public SubscriptionAffinity? Affinity { get; init; }
}

/// <summary>One mailbox event. Events are hints: they carry no ChangeKey or read state, so follow them with SyncFolderItems.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Watermark">Where this event sits in the mailbox's event queue.</param>
/// <param name="TimeStamp">When it happened.</param>
/// <param name="ItemId">The item, for item events.</param>
/// <param name="FolderId">The folder, for folder events.</param>
/// <param name="ParentFolderId">The folder holding the item or folder.</param>
/// <param name="OldItemId">The item's id before a move or copy.</param>
/// <param name="OldFolderId">The folder's id before a move or copy.</param>
/// <param name="OldParentFolderId">The former parent of a moved or copied item or folder.</param>
/// <param name="UnreadCount">A folder's unread count, in ModifiedEvent.</param>
public sealed record NotificationEvent(
    NotificationEventType Type,
    string? Watermark,
    DateTimeOffset? TimeStamp,
    EwsItemId? ItemId,
    string? FolderId,
    string? ParentFolderId,
    EwsItemId? OldItemId,
    string? OldFolderId,
    string? OldParentFolderId,
    int? UnreadCount);

/// <summary>The events of one subscription in one notification.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="PreviousWatermark">The watermark before these events.</param>
/// <param name="MoreEvents">True when Exchange holds more events (call GetEvents again at once).</param>
/// <param name="Events">The events, oldest first (unknown event elements are left out).</param>
public sealed record EwsNotification(string SubscriptionId, string? PreviousWatermark, bool MoreEvents, IReadOnlyList<NotificationEvent> Events);

/// <summary>GetEvents response.</summary>
/// <param name="ServerVersion">The server version from the SOAP header, if sent.</param>
/// <param name="Notification">The events since the watermark (a single Status event when nothing happened).</param>
public sealed record GetEventsResponse(ExchangeServerVersion? ServerVersion, EwsNotification Notification);

/// <summary>GetStreamingEvents: one long-lived connection delivering the events of up to 200 subscriptions as they happen.</summary>
public sealed record GetStreamingEventsRequest
{
    /// <summary>Most subscriptions one connection may carry.</summary>
    public const int MaxSubscriptions = 200;

    /// <summary>The subscriptions (1–200), all created by the same account, with the same affinity.</summary>
    public required IReadOnlyList<string> SubscriptionIds { get; init; }

    /// <summary>Minutes before Exchange closes the connection (1–30); then connect again.</summary>
    public int ConnectionTimeoutMinutes { get; init; } = 30;

    /// <summary>The group's affinity (the target should impersonate its anchor mailbox).</summary>
    public SubscriptionAffinity? Affinity { get; init; }

    /// <summary>
    /// How long the connection may stay silent before it is presumed dead. Exchange sends a ConnectionStatus OK at least every
    /// 45 seconds or so (the EWS Managed API waits twice that); a dropped connection otherwise hangs until TCP notices.
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(90);
}

/// <summary>The state of a streaming connection as Exchange reports it.</summary>
public enum StreamingConnectionStatus
{
    /// <summary>The connection is open (Exchange's heartbeat).</summary>
    Ok,

    /// <summary>Exchange closed the connection (its timeout, or an error): connect again.</summary>
    Closed,
}

/// <summary>One message of a streaming connection: notifications, a heartbeat, or an error.</summary>
/// <param name="ServerVersion">The server version from this envelope's SOAP header, if sent.</param>
/// <param name="Notifications">The notifications, one per subscription that had events.</param>
/// <param name="ConnectionStatus">OK (heartbeat) or Closed, when the message says.</param>
/// <param name="Error">
/// A classified error, typically <see cref="ExchangeErrorCodes.SubscriptionLost"/>: for the subscriptions in
/// <paramref name="ErrorSubscriptionIds"/>, or for the whole connection when that list is empty.
/// </param>
/// <param name="ErrorSubscriptionIds">The subscriptions <paramref name="Error"/> is about.</param>
public sealed record StreamingEventsResponse(
    ExchangeServerVersion? ServerVersion,
    IReadOnlyList<EwsNotification> Notifications,
    StreamingConnectionStatus? ConnectionStatus,
    ExchangeError? Error,
    IReadOnlyList<string> ErrorSubscriptionIds);
