using System.Collections.Concurrent;
using ExSync.Exchange;
using ExSync.Exchange.Ews;

namespace ExSync.Engine.Sync.Notifications;

/// <summary>One mailbox's streaming subscription, in the group whose connection carries its notifications.</summary>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="SubscriptionId">Exchange's subscription id.</param>
/// <param name="Group">The group.</param>
/// <param name="Fingerprint">What the subscription was made with (address, profile revision, folders); a change means subscribing again.</param>
/// <param name="Target">Where and as whom it was made, to unsubscribe.</param>
internal sealed record MailboxSubscription(Guid MailboxId, string SubscriptionId, StreamingGroup Group, string Fingerprint, EwsTarget Target);

/// <summary>An event that concerns one mailbox.</summary>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="Event">What Exchange reported.</param>
internal sealed record MailboxEvent(Guid MailboxId, NotificationEvent Event);

/// <summary>
/// Up to 200 subscriptions of one profile's mailboxes on one EWS endpoint, whose notifications arrive over one GetStreamingEvents
/// connection, as Microsoft recommends ("Maintain affinity between a group of subscriptions and the Mailbox server"): every request of
/// the group names the same anchor mailbox, so Exchange routes them to the server that holds the subscriptions, and the connection is
/// charged to the anchor's budget. The connection is reopened when Exchange closes it (at most every 30 minutes), when members change,
/// and after failures, with back-off; after a failure every member is synchronized once, since events may have been missed.
/// </summary>
internal sealed class StreamingGroup(
    string key,
    EwsTarget anchorTarget,
    IEwsClient ews,
    Action<IReadOnlyList<MailboxEvent>> onEvents,
    Action<IReadOnlyList<Guid>, bool> onLost,
    TimeProvider time)
{
    /// <summary>Exchange's limit of subscriptions on one streaming connection.</summary>
    public const int Capacity = GetStreamingEventsRequest.MaxSubscriptions;

    private readonly ConcurrentDictionary<string, Guid> members = new();
    private readonly CancellationTokenSource stopping = new();
    private CancellationTokenSource reconnect = new();
    private Task? loop;

    /// <summary>The profile and endpoint the group's mailboxes share.</summary>
    public string Key { get; } = key;

    /// <summary>The affinity every request of the group carries.</summary>
    public SubscriptionAffinity Affinity { get; } = new(anchorTarget.ImpersonatedMailbox!);

    /// <summary>How many subscriptions the group holds.</summary>
    public int Count => members.Count;

    /// <summary>Adds a subscription; the connection picks it up when it is reopened (see <see cref="Refresh"/>).</summary>
    public void Add(string subscriptionId, Guid mailboxId) => members[subscriptionId] = mailboxId;

    /// <summary>Removes a subscription.</summary>
    public bool Remove(string subscriptionId) => members.TryRemove(subscriptionId, out _);

    /// <summary>Reopens the connection with the current members (starting it the first time).</summary>
    public void Refresh()
    {
        loop ??= Task.Run(() => RunAsync(stopping.Token));
        // Not disposed: the loop may be linking to it at this moment; an undisposed source without a timer holds nothing.
        Interlocked.Exchange(ref reconnect, new CancellationTokenSource()).Cancel();
    }

    /// <summary>Closes the connection for good.</summary>
    public async Task StopAsync()
    {
        await stopping.CancelAsync();
        if (loop is not null)
        {
            await loop;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var ids = members.Keys.ToList();
            if (ids.Count == 0)
            {
                await WaitAsync(Timeout.InfiniteTimeSpan, stop);
                continue;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, Volatile.Read(ref reconnect).Token);
            try
            {
                var request = new GetStreamingEventsRequest { SubscriptionIds = ids, Affinity = Affinity, ConnectionTimeoutMinutes = 30 };
                await foreach (var response in ews.GetStreamingEventsAsync(anchorTarget, request, linked.Token))
                {
                    failures = 0;
                    Deliver(response);
                    if (response.Error is { } error && response.ErrorSubscriptionIds.Count == 0)
                    {
                        throw new ExchangeException(error);
                    }
                }
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                // Members changed or the group stops: reopen with the current members, or end.
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // The group stops: a connection that failed meanwhile (Exchange going away at the same moment) changes nothing.
            }
            catch (Exception) when (!stop.IsCancellationRequested)
            {
                // The connection failed: events may have been lost while it was down, so every member is synchronized once.
                failures++;
                onLost([.. members.Values], false);
                await WaitAsync(TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(failures, 6)))), stop);
            }
        }
    }

    private void Deliver(StreamingEventsResponse response)
    {
        var events = new List<MailboxEvent>();
        foreach (var notification in response.Notifications)
        {
            if (members.TryGetValue(notification.SubscriptionId, out var mailboxId))
            {
                events.AddRange(notification.Events.Where(e => e.Type != NotificationEventType.Status).Select(e => new MailboxEvent(mailboxId, e)));
            }
        }

        if (events.Count > 0)
        {
            onEvents(events);
        }

        // Subscriptions Exchange no longer knows (expired, mailbox moved): subscribe again, and synchronize in case events were missed.
        var lost = response.ErrorSubscriptionIds.Select(id => members.TryRemove(id, out var mailbox) ? mailbox : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        if (lost.Count > 0)
        {
            onLost(lost, true);
        }
    }

    private async Task WaitAsync(TimeSpan delay, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, Volatile.Read(ref reconnect).Token);
        try
        {
            await Task.Delay(delay, time, linked.Token);
        }
        catch (OperationCanceledException)
        {
            // Woken by a change of members, or stopping.
        }
    }
}
