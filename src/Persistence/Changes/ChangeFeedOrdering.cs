using System.Runtime.CompilerServices;
using ExSync.Domain.Changes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace ExSync.Persistence;

/// <summary>
/// Makes every save that inserts change records take the change feed's writer lock first (see <see cref="ChangeFeed"/>): inside the
/// caller's transaction when there is one, otherwise inside a transaction this opens for the save and commits after it. The lock is
/// taken after the save's own reads, right before its inserts, and released at commit. Being an interceptor, it covers every path
/// that records a change, the API's and the engine's alike.
/// </summary>
internal sealed class ChangeFeedOrdering(IDatabaseDialect dialect) : SaveChangesInterceptor
{
    // Transactions this opened, by context (contexts are pooled, so the key is the context instance and the entry goes at commit).
    private readonly ConditionalWeakTable<DbContext, IDbContextTransaction> opened = new();

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ExSyncDbContext db && RecordsChanges(db))
        {
            if (db.Database.CurrentTransaction is null)
            {
                opened.AddOrUpdate(db, await db.Database.BeginTransactionAsync(cancellationToken));
            }

            await dialect.LockAsync(db, ChangeFeed.WriterLock, cancellationToken);
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } db && Opened(db) is { } transaction)
        {
            await using (transaction)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }

        return result;
    }

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default) =>
        RollBackAsync(eventData.Context);

    public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default) =>
        RollBackAsync(eventData.Context);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result) =>
        eventData.Context is ExSyncDbContext db && RecordsChanges(db)
            ? throw new InvalidOperationException("Changes to the change feed are saved with SaveChangesAsync.")
            : result;

    private async Task RollBackAsync(DbContext? db)
    {
        if (db is not null && Opened(db) is { } transaction)
        {
            await using (transaction)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
        }
    }

    // The transaction this opened for the context's current save, if that is still open. A save that lost a concurrency check was
    // ended by the context itself (EF Core tells no interceptor of it), so what is stored for a context may be one that ended.
    private IDbContextTransaction? Opened(DbContext db)
    {
        if (!opened.TryGetValue(db, out var transaction))
        {
            return null;
        }

        opened.Remove(db);
        return ReferenceEquals(transaction, db.Database.CurrentTransaction) ? transaction : null;
    }

    // Change records are only ever added, never reached through a navigation, so the tracker needs no detection pass to know them.
    private static bool RecordsChanges(ExSyncDbContext db)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return db.ChangeTracker.Entries<ChangeRecord>().Any(e => e.State == EntityState.Added);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }
}
