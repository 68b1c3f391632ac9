using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.PostgreSql;

internal sealed partial class PostgreSqlDialect
{
    public async Task<IReadOnlyList<Guid>> LockUndispatchedWebhookEventsAsync(ExSyncDbContext db, int count, CancellationToken cancellationToken) =>
        await db.Database.SqlQuery<Guid>(
            $"""
             SELECT "Id" AS "Value" FROM "WebhookEvents"
             WHERE "DispatchedAt" IS NULL
             ORDER BY "Id"
             LIMIT {count}
             FOR UPDATE SKIP LOCKED
             """).ToListAsync(cancellationToken);

    public async Task<IReadOnlyList<ClaimedWebhookDelivery>> ClaimWebhookDeliveriesAsync(
        ExSyncDbContext db, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<ClaimedWebhookDelivery>(
            $"""
             UPDATE "WebhookDeliveries" AS d
             SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {leaseExpiresAt.ToUniversalTime()}, "NextAttemptAt" = {leaseExpiresAt.ToUniversalTime()}
             FROM (SELECT "Id" FROM "WebhookDeliveries"
                   WHERE "Status" = 'Pending' AND "NextAttemptAt" <= {now.ToUniversalTime()}
                   ORDER BY "NextAttemptAt"
                   LIMIT {count}
                   FOR UPDATE SKIP LOCKED) AS c
             WHERE d."Id" = c."Id"
             RETURNING d."Id", d."SubscriptionId", d."EventId", d."RoundAttempts"
             """).ToListAsync(cancellationToken);
        return rows;
    }
}
