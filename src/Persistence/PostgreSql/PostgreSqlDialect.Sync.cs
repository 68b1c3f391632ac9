using ExSync.Domain.Mailboxes;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.PostgreSql;

internal sealed partial class PostgreSqlDialect
{
    public async Task<IReadOnlyList<ClaimedWorkload>> ClaimSyncWorkloadsAsync(
        ExSyncDbContext db, IReadOnlyCollection<SyncDirection> directions, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        var wanted = directions.Select(d => d.ToString()).ToArray();
        var rows = await db.Database.SqlQuery<ClaimedWorkloadRow>(
            $"""
             UPDATE "SyncWorkloads" AS w
             SET "LeaseOwner" = {owner}, "LeaseExpiresAt" = {leaseExpiresAt.ToUniversalTime()}, "NextRunAt" = {leaseExpiresAt.ToUniversalTime()},
                 "Revision" = w."Revision" + 1
             FROM (SELECT "MailboxId", "Direction" FROM "SyncWorkloads"
                   WHERE "NextRunAt" <= {now.ToUniversalTime()} AND "State" <> 'Paused' AND "Direction" = ANY({wanted})
                     AND ("LeaseExpiresAt" IS NULL OR "LeaseExpiresAt" < {now.ToUniversalTime()})
                   ORDER BY "NextRunAt"
                   LIMIT {count}
                   FOR UPDATE SKIP LOCKED) AS c
             WHERE w."MailboxId" = c."MailboxId" AND w."Direction" = c."Direction"
             RETURNING w."MailboxId", w."Direction"
             """).ToListAsync(cancellationToken);
        return rows.Select(r => new ClaimedWorkload(r.MailboxId, Enum.Parse<SyncDirection>(r.Direction))).ToList();
    }

    private sealed record ClaimedWorkloadRow(Guid MailboxId, string Direction);
}
