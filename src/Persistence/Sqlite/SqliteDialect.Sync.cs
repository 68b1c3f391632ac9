using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.Sqlite;

internal sealed partial class SqliteDialect
{
    public async Task<IReadOnlyList<ClaimedWorkload>> ClaimSyncWorkloadsAsync(
        ExSyncDbContext db, IReadOnlyCollection<SyncDirection> directions, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        // BEGIN IMMEDIATE: no other writer between the read and the update.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var wanted = directions.ToArray();
        var due = await db.SyncWorkloads
            .Where(w => w.NextRunAt <= now && w.State != SyncWorkloadState.Paused && wanted.Contains(w.Direction)
                && (w.LeaseExpiresAt == null || w.LeaseExpiresAt < now))
            .OrderBy(w => w.NextRunAt)
            .Select(w => new ClaimedWorkload(w.MailboxId, w.Direction))
            .Take(count)
            .ToListAsync(cancellationToken);
        foreach (var group in due.GroupBy(w => w.Direction))
        {
            var mailboxIds = group.Select(w => w.MailboxId).ToArray();
            await db.SyncWorkloads
                .Where(w => w.Direction == group.Key && mailboxIds.Contains(w.MailboxId))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(w => w.LeaseOwner, owner)
                        .SetProperty(w => w.LeaseExpiresAt, leaseExpiresAt)
                        .SetProperty(w => w.NextRunAt, leaseExpiresAt)
                        .SetProperty(w => w.Revision, w => w.Revision + 1),
                    cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return due;
    }
}
