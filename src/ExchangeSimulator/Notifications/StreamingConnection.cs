using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// What one streaming envelope carries: notifications, or an error for some subscriptions, and the connection
/// status (OK pings, Closed at the end).
/// </summary>
internal sealed record StreamingBatch(
    IReadOnlyList<(string SubscriptionId, IReadOnlyList<MailboxEvent> Events)> Notifications,
    ItemError? Error = null,
    IReadOnlyList<string>? ErrorSubscriptionIds = null,
    string? ConnectionStatus = null)
{
    public static StreamingBatch Status(string connectionStatus) => new([], ConnectionStatus: connectionStatus);

    public static StreamingBatch Failed(ItemError error, IReadOnlyList<string> subscriptionIds, string connectionStatus) =>
        new([], error, subscriptionIds, connectionStatus);
}

/// <summary>
/// One open GetStreamingEvents connection: it holds up to a few hundred subscriptions (of one or several mailboxes)
/// and sends one envelope per batch of events as they happen. Mailboxes wake it through
/// <see cref="MarkReady"/> only for its own subscriptions, so a delivered message reaches its connection at once
/// without anything scanning all subscriptions. Idle, it pings (ConnectionStatus OK); at its ConnectionTimeout it
/// ends with ConnectionStatus Closed.
/// </summary>
internal sealed class StreamingConnection(NotificationHub hub, string account, string mailbox) : IDisposable
{
    /// <summary>Exchange takes at most this many events off a subscription's queue per notification.</summary>
    public const int MaxEventsPerNotification = 50;

    public const string StatusOk = "OK";
    public const string StatusClosed = "Closed";

    private readonly ConcurrentQueue<Subscription> _ready = new();
    private readonly ConcurrentQueue<Subscription> _removed = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _dropped = new();
    private readonly List<Subscription> _held = [];

    /// <summary>The account that opened the connection.</summary>
    public string Account { get; } = account;

    /// <summary>The mailbox the request acted as (the impersonated anchor mailbox, or the account's own).</summary>
    public string Mailbox { get; } = mailbox;

    public bool WasDropped => _dropped.IsCancellationRequested;

    /// <summary>The subscriptions' mailboxes, for fault injection by mailbox.</summary>
    public IReadOnlyCollection<string> SubscribedMailboxes
    {
        get
        {
            lock (_held)
            {
                return [.. _held.Select(subscription => subscription.Mailbox.SmtpAddress).Distinct(StringComparer.OrdinalIgnoreCase)];
            }
        }
    }

    /// <summary>Queues a subscription that has new events (called under its mailbox's lock, so it only enqueues).</summary>
    public void MarkReady(Subscription subscription)
    {
        if (subscription.TryQueue())
        {
            _ready.Enqueue(subscription);
            _wake.Writer.TryWrite(true);
        }
    }

    public void SubscriptionRemoved(Subscription subscription)
    {
        _removed.Enqueue(subscription);
        _wake.Writer.TryWrite(true);
    }

    /// <summary>Fault injection: the connection breaks without a closing envelope, as a failed server or proxy would.</summary>
    public void Drop()
    {
        try
        {
            _dropped.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended on its own meanwhile.
        }
    }

    public void Dispose() => _dropped.Dispose();

    /// <summary>
    /// Streams until the connection times out (Closed), its last subscription ends (Closed after the error), or it is
    /// dropped or aborted (<see cref="OperationCanceledException"/>).
    /// </summary>
    public async Task RunAsync(IReadOnlyList<Subscription> subscriptions, TimeSpan lifetime, Func<StreamingBatch, Task> send, CancellationToken aborted)
    {
        var time = hub.Time;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted, _dropped.Token);
        lock (_held)
        {
            _held.AddRange(subscriptions);
        }

        hub.Register(this);
        try
        {
            foreach (var subscription in subscriptions)
            {
                subscription.AttachTo(this);

                // Events that happened while no connection held the subscription are waiting in the journal.
                MarkReady(subscription);
            }

            await send(StreamingBatch.Status(StatusOk)).ConfigureAwait(false);
            var deadline = time.GetUtcNow() + lifetime;
            var nextPing = time.GetUtcNow() + hub.HeartbeatInterval;
            while (true)
            {
                stop.Token.ThrowIfCancellationRequested();
                if (!await SendPendingAsync(send).ConfigureAwait(false))
                {
                    return;
                }

                var now = time.GetUtcNow();
                if (now >= deadline)
                {
                    await send(StreamingBatch.Status(StatusClosed)).ConfigureAwait(false);
                    return;
                }

                if (now >= nextPing)
                {
                    await send(StreamingBatch.Status(StatusOk)).ConfigureAwait(false);
                    nextPing = now + hub.HeartbeatInterval;
                }

                await WaitAsync(Min(deadline, nextPing) - now, time, stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            hub.Unregister(this);
            var now = time.GetUtcNow();
            lock (_held)
            {
                foreach (var subscription in _held)
                {
                    subscription.ReleaseFrom(this, now);
                }
            }
        }
    }

    /// <summary>Sends what is pending: errors for ended subscriptions, then events; false once no subscription is left.</summary>
    private async Task<bool> SendPendingAsync(Func<StreamingBatch, Task> send)
    {
        var ended = new List<string>();
        while (_removed.TryDequeue(out var removed))
        {
            lock (_held)
            {
                if (_held.Remove(removed))
                {
                    ended.Add(removed.Id);
                }
            }
        }

        int remaining;
        lock (_held)
        {
            remaining = _held.Count;
        }

        if (ended.Count > 0)
        {
            await send(StreamingBatch.Failed(NotificationErrors.SubscriptionNotFound, ended, remaining == 0 ? StatusClosed : StatusOk)).ConfigureAwait(false);
        }

        if (remaining == 0)
        {
            return false;
        }

        var notifications = new List<(string, IReadOnlyList<MailboxEvent>)>();
        var missed = new List<string>();
        var count = _ready.Count;
        for (var index = 0; index < count && _ready.TryDequeue(out var subscription); index++)
        {
            subscription.Dequeued();
            if (!ReferenceEquals(subscription.Connection, this) || subscription.IsRemoved)
            {
                continue;
            }

            if (ReadEvents(subscription, out var wasMissed) is { Count: > 0 } events)
            {
                notifications.Add((subscription.Id, events));
            }

            if (wasMissed)
            {
                missed.Add(subscription.Id);
            }
        }

        if (missed.Count > 0)
        {
            await send(StreamingBatch.Failed(NotificationErrors.MissedNotificationEvents, missed, StatusOk)).ConfigureAwait(false);
        }

        if (notifications.Count > 0)
        {
            await send(new StreamingBatch(notifications)).ConfigureAwait(false);
        }

        return true;
    }

    private List<MailboxEvent> ReadEvents(Subscription subscription, out bool missed)
    {
        lock (subscription.Gate)
        {
            var events = subscription.Mailbox.ReadEvents(
                subscription.DeliveredThrough, subscription.Matches, MaxEventsPerNotification, out var scannedThrough, out var more, out missed);
            missed |= subscription.TakeInjectedMissedEvents();
            subscription.DeliveredThrough = scannedThrough;
            if (more)
            {
                MarkReady(subscription);
            }

            return events;
        }
    }

    private async Task WaitAsync(TimeSpan delay, TimeProvider time, CancellationToken token)
    {
        if (_wake.Reader.TryRead(out _))
        {
            return;
        }

        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(token);
        var woken = _wake.Reader.WaitToReadAsync(waiting.Token).AsTask();
        var elapsed = Task.Delay(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, time, waiting.Token);
        await Task.WhenAny(woken, elapsed).ConfigureAwait(false);
        await waiting.CancelAsync().ConfigureAwait(false);
        token.ThrowIfCancellationRequested();
        _wake.Reader.TryRead(out _);
    }

    private static DateTimeOffset Min(DateTimeOffset first, DateTimeOffset second) => first < second ? first : second;
}
