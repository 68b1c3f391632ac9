using ExSync.Domain.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.Sqlite;

internal sealed partial class SqliteDialect
{
    // The caller's transaction began IMMEDIATE and holds the database's only write lock, so the rows read cannot be taken meanwhile.
    public async Task<IReadOnlyList<Guid>> LockUndispatchedWebhookEventsAsync(ExSyncDbContext db, int count, CancellationToken cancellationToken) =>
        await db.WebhookEvents.Where(e => e.DispatchedAt == null).OrderBy(e => e.Id).Select(e => e.Id).Take(count).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<ClaimedWebhookDelivery>> ClaimWebhookDeliveriesAsync(
        ExSyncDbContext db, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: no other writer between the read and the update.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.WebhookDeliveries
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now)
            .OrderBy(d => d.NextAttemptAt)
            .Select(d => new ClaimedWebhookDelivery(d.Id, d.SubscriptionId, d.EventId, d.RoundAttempts))
            .Take(count)
            .ToListAsync(cancellationToken);
        if (due.Count > 0)
        {
            var ids = due.Select(d => d.Id).ToArray();
            await db.WebhookDeliveries
                .Where(d => ids.Contains(d.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseOwner, owner).SetProperty(d => d.LeaseExpiresAt, leaseExpiresAt).SetProperty(d => d.NextAttemptAt, leaseExpiresAt), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due;
    }
}
