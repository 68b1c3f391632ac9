namespace ExSync.ExchangeSimulator;

/// <summary>
/// Limits of change tracking and notifications: how long sync states and watermarks stay valid, and the throttling
/// budgets of subscriptions and streaming connections.
/// </summary>
public sealed class ScenarioChangeTracking
{
    /// <summary>
    /// Deletions remembered per folder for SyncFolderItems. A sync state older than the oldest remembered deletion
    /// answers ErrorInvalidSyncStateData, as an expired state does on Exchange; the client then syncs afresh.
    /// </summary>
    public int SyncTombstonesPerFolder { get; set; } = FolderStore.DefaultMaxTombstones;

    /// <summary>
    /// Events remembered per watched mailbox (3 per delivered message: Created, NewMail and the folder's Modified).
    /// A watermark older than that is ErrorInvalidWatermark, a subscription that falls that far behind gets
    /// ErrorMissedNotificationEvents.
    /// </summary>
    public int EventJournalCapacity { get; set; } = 10_000;

    /// <summary>
    /// Streaming connections (GetStreamingEvents) one account may hold open per target mailbox (impersonated, else
    /// its own) before ErrorExceededConnectionCount; null means Exchange's default for the server version, 3 for
    /// Exchange 2013 and 10 for 2016 and later (and 2010).
    /// </summary>
    public int? HangingConnectionLimit { get; set; }

    /// <summary>Live subscriptions per mailbox before ErrorExceededSubscriptionCount (EWSMaxSubscriptions: 5,000 on Exchange 2013 on-premises).</summary>
    public int MaxSubscriptionsPerMailbox { get; set; } = 5_000;

    /// <summary>How long a streaming subscription lives without a connection holding it; then ErrorSubscriptionNotFound.</summary>
    public int StreamingSubscriptionLifetimeMinutes { get; set; } = 30;

    /// <summary>How often an idle streaming connection sends a ConnectionStatus OK envelope (clients time out after missing them).</summary>
    public int StreamingHeartbeatSeconds { get; set; } = 30;

    internal void Validate(List<string> problems)
    {
        if (SyncTombstonesPerFolder < 1 || EventJournalCapacity < 1 || MaxSubscriptionsPerMailbox < 1 || HangingConnectionLimit < 1 ||
            StreamingSubscriptionLifetimeMinutes < 1 || StreamingHeartbeatSeconds < 1)
        {
            problems.Add("server.changeTracking: every limit must be at least 1.");
        }
    }
}
