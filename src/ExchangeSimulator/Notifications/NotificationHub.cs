using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Every subscription and open streaming connection of the simulator, the expiry of subscriptions, the
/// HangingConnectionLimit budget, and the fault injection that drops connections or loses subscriptions.
/// Delivery does not go through here: a mailbox wakes the connections of its own subscriptions directly.
/// </summary>
internal sealed class NotificationHub
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<StreamingConnection, byte> _connections = new();
    private readonly ConcurrentDictionary<string, int> _hangingConnections = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly ScenarioChangeTracking _settings;
    private readonly int _defaultHangingConnectionLimit;
    private int _hangingConnectionLimit;
    private long _nextSweepTicks;

    public NotificationHub(TimeProvider time, ScenarioChangeTracking settings, SimulatedExchangeVersion version)
    {
        _time = time;
        _settings = settings;
        _defaultHangingConnectionLimit = version is SimulatedExchangeVersion.Exchange2013 or SimulatedExchangeVersion.Exchange2013Sp1 ? 3 : 10;
        _hangingConnectionLimit = settings.HangingConnectionLimit ?? _defaultHangingConnectionLimit;
    }

    public TimeProvider Time => _time;

    public int HangingConnectionLimit
    {
        get => Volatile.Read(ref _hangingConnectionLimit);
        set => Volatile.Write(ref _hangingConnectionLimit, value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value)));
    }

    public TimeSpan StreamingSubscriptionLifetime => TimeSpan.FromMinutes(_settings.StreamingSubscriptionLifetimeMinutes);

    public TimeSpan HeartbeatInterval => TimeSpan.FromSeconds(_settings.StreamingHeartbeatSeconds);

    public IEnumerable<Subscription> Subscriptions => _subscriptions.Values;

    public IEnumerable<StreamingConnection> Connections => _connections.Keys;

    /// <summary>
    /// Creates a subscription and starts it watching its mailbox. With <paramref name="resumeAfter"/> (a pull
    /// Watermark) it replays from there, or fails with ErrorInvalidWatermark when those events are forgotten.
    /// </summary>
    public (Subscription? Subscription, ItemError? Error) Subscribe(
        SubscriptionKind kind, MailboxStore mailbox, string owner, IReadOnlySet<long>? folders, IReadOnlyList<NotificationEventKind> eventKinds,
        TimeSpan? timeout, long? resumeAfter)
    {
        SweepIfDue();
        var now = _time.GetUtcNow();
        var subscription = new Subscription(NewSubscriptionId(), kind, mailbox, owner, folders, eventKinds, timeout, now);
        if (!mailbox.Attach(subscription, resumeAfter, _settings.MaxSubscriptionsPerMailbox, out var start, out var limitReached))
        {
            return (null, limitReached ? NotificationErrors.ExceededSubscriptionCount : NotificationErrors.InvalidWatermark);
        }

        subscription.StartNumber = start;
        subscription.DeliveredThrough = start;
        _subscriptions[subscription.Id] = subscription;
        return (subscription, null);
    }

    /// <summary>
    /// The live subscription with this id, or the error Exchange gives: ErrorSubscriptionNotFound (unknown, ended or
    /// expired) or ErrorSubscriptionAccessDenied (created by another account).
    /// </summary>
    public (Subscription? Subscription, ItemError? Error) Find(string id, AuthenticatedCaller caller)
    {
        if (!_subscriptions.TryGetValue(id, out var subscription))
        {
            return (null, NotificationErrors.SubscriptionNotFound);
        }

        if (subscription.IsExpired(_time.GetUtcNow(), StreamingSubscriptionLifetime))
        {
            Remove(subscription);
            return (null, NotificationErrors.SubscriptionNotFound);
        }

        return string.Equals(subscription.Owner, caller.Name, StringComparison.OrdinalIgnoreCase)
            ? (subscription, null)
            : (null, NotificationErrors.SubscriptionAccessDenied);
    }

    /// <summary>Ends a subscription (Unsubscribe, expiry or injected loss); a connection holding it reports ErrorSubscriptionNotFound.</summary>
    public bool Remove(Subscription subscription)
    {
        if (!_subscriptions.TryRemove(new KeyValuePair<string, Subscription>(subscription.Id, subscription)))
        {
            return false;
        }

        subscription.MarkRemoved();
        subscription.Mailbox.Detach(subscription);
        subscription.Connection?.SubscriptionRemoved(subscription);
        return true;
    }

    /// <summary>Takes one of the HangingConnectionLimit slots of an account and target mailbox; false when all are taken.</summary>
    public bool TryAcquireHangingConnection(string budget)
    {
        var limit = HangingConnectionLimit;
        while (true)
        {
            var current = _hangingConnections.GetOrAdd(budget, 0);
            if (current >= limit)
            {
                return false;
            }

            if (_hangingConnections.TryUpdate(budget, current + 1, current))
            {
                return true;
            }
        }
    }

    public void ReleaseHangingConnection(string budget) => _hangingConnections.AddOrUpdate(budget, 0, static (_, current) => Math.Max(0, current - 1));

    public void Register(StreamingConnection connection) => _connections[connection] = 0;

    public void Unregister(StreamingConnection connection) => _connections.TryRemove(connection, out _);

    /// <summary>Removes every expired subscription; cheap enough to run once a minute, so abandoned subscriptions do not pile up.</summary>
    public void SweepIfDue()
    {
        var now = _time.GetUtcNow();
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepInterval).UtcTicks, due) != due)
        {
            return;
        }

        foreach (var subscription in _subscriptions.Values)
        {
            if (subscription.IsExpired(now, StreamingSubscriptionLifetime))
            {
                Remove(subscription);
            }
        }
    }

    private static string NewSubscriptionId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
}

/// <summary>The per-message errors of the notification operations.</summary>
internal static class NotificationErrors
{
    public static readonly ItemError SubscriptionNotFound = new("ErrorSubscriptionNotFound", "The specified subscription was not found.");

    public static readonly ItemError SubscriptionAccessDenied =
        new("ErrorSubscriptionAccessDenied", "Access is denied. Only the subscription owner may access the subscription.");

    public static readonly ItemError InvalidWatermark = new("ErrorInvalidWatermark", "The watermark used for creating this subscription was not found.");

    public static readonly ItemError MissedNotificationEvents =
        new("ErrorMissedNotificationEvents", "Notification events were lost because the subscription fell too far behind.");

    public static readonly ItemError ExceededSubscriptionCount =
        new("ErrorExceededSubscriptionCount", "You have exceeded the maximum number of subscriptions for this mailbox.");

    public static readonly ItemError InvalidPullSubscriptionId =
        new("ErrorInvalidPullSubscriptionId", "Subscription is not a pull subscription.");

    public static readonly ItemError InvalidSubscriptionRequest =
        new("ErrorInvalidSubscriptionRequest", "A subscription needs FolderIds or SubscribeToAllFolders, and may cover one mailbox only.");

    public static readonly ItemError DelegateAccessNotSupported =
        new("ErrorSubscriptionDelegateAccessNotSupported", "Subscriptions are not supported for delegate user access.");
}
