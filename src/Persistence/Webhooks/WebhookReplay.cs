using ExSync.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>Replay: the events of a time range sent again to one subscription.</summary>
public static class WebhookReplay
{
    /// <summary>
    /// Queues again, due at once, every delivery to <paramref name="subscription"/> of an event that happened in [<paramref name="from"/>,
    /// <paramref name="to"/>), whatever its status; and queues a first delivery of every event of the subscription's types in that range
    /// that never had one (it happened while the subscription was disabled, or before it listed the type). One transaction; returns how
    /// many deliveries were queued.
    /// </summary>
    public static async Task<int> ReplayWebhooksAsync(
        this ExSyncDbContext db, WebhookSubscription subscription, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, Func<Guid> newId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = subscription.Id;
        var requeued = await db.WebhookDeliveries
            .Where(d => d.SubscriptionId == id && d.EventOccurredAt >= from && d.EventOccurredAt < to)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Pending)
                    .SetProperty(d => d.RoundAttempts, 0)
                    .SetProperty(d => d.NextAttemptAt, now)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null),
                cancellationToken);

        var types = subscription.EventTypes.ToList();
        var missed = await db.WebhookEvents
            .Where(e => e.OccurredAt >= from && e.OccurredAt < to && e.SubscriptionId == null && e.DispatchedAt != null && types.Contains(e.Type)
                        && !db.WebhookDeliveries.Any(d => d.EventId == e.Id && d.SubscriptionId == id))
            .ToListAsync(cancellationToken);
        db.WebhookDeliveries.AddRange(missed.Select(e => WebhookDelivery.Create(newId(), subscription, e, now)));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return requeued + missed.Count;
    }
}
