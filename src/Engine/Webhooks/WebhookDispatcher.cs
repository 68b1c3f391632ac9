using ExSync.Domain.Webhooks;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Webhooks;

/// <summary>
/// Fans the outbox out: each committed event becomes one delivery per enabled subscription that lists its type (a ping, one delivery to
/// its subscription), and is marked dispatched in the same transaction. Events are locked while they are fanned out, so dispatchers of
/// several instances share the outbox without queuing an event twice (and the unique index on event and subscription would refuse it).
/// </summary>
public sealed class WebhookDispatcher(
    IDbContextFactory<ExSyncDbContext> contexts, IDatabaseDialect dialect, SequentialIds ids, TimeProvider time, IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>Fans out one batch of events; returns how many events it took from the outbox and how many deliveries it queued.</summary>
    public async Task<(int Events, int Deliveries)> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var eventIds = await dialect.LockUndispatchedWebhookEventsAsync(db, options.CurrentValue.BatchSize, cancellationToken);
        if (eventIds.Count == 0)
        {
            return (0, 0);
        }

        var events = await db.WebhookEvents.Where(e => eventIds.Contains(e.Id)).ToListAsync(cancellationToken);

        // Subscriptions are few and small; the secrets are not needed here.
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var deliveries = 0;
        foreach (var webhookEvent in events.OrderBy(e => e.Id))
        {
            var targets = webhookEvent.SubscriptionId is { } only
                ? subscriptions.Where(s => s.Id == only)
                : subscriptions.Where(s => s.Wants(webhookEvent.Type));
            foreach (var subscription in targets)
            {
                db.WebhookDeliveries.Add(WebhookDelivery.Create(ids.Next(), subscription, webhookEvent, now));
                deliveries++;
            }

            webhookEvent.MarkDispatched(now);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (events.Count, deliveries);
    }
}
