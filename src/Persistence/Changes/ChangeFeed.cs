using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>
/// The change feed: how changes are recorded with what they record, read in order, and pruned.
/// <para>
/// Ordering: a reader that has seen sequence <c>n</c> asks for what comes after <c>n</c>, so a change must never commit after a
/// larger sequence became visible. PostgreSQL assigns identity values at insert but commits transactions in any order; so every
/// transaction that records a change takes an exclusive transaction-scoped lock just before its change rows are inserted and holds it
/// until it commits (<see cref="ChangeFeedOrdering"/>, through <see cref="IDatabaseDialect.LockAsync"/>): change-writing transactions
/// commit one after the other, in sequence order. On SQLite, whose one writer at a time already does that, the lock is free. The lock
/// is held from the save to the commit, so keep the rest of a unit of work that records a change short after it saves.
/// </para>
/// </summary>
public static class ChangeFeed
{
    /// <summary>The name of the lock that orders change-writing transactions.</summary>
    public const string WriterLock = "change-feed";

    /// <summary>
    /// Adds a change to the context's unit of work: it is saved, and gets its sequence, with whatever the next
    /// <see cref="DbContext.SaveChangesAsync(CancellationToken)"/> saves, in the same transaction (the caller's, or one the save opens).
    /// Call it once per change, with the object's version after the change.
    /// </summary>
    public static ChangeRecord RecordChange(this ExSyncDbContext db, string objectType, string objectId, ChangeOperation operation, long version, DateTimeOffset occurredAt)
    {
        var change = ChangeRecord.Create(objectType, objectId, operation, version, occurredAt);
        db.Changes.Add(change);
        return change;
    }

    /// <summary>Records a change of an email (<see cref="ChangeObjectTypes.Email"/>) at its current version.</summary>
    public static ChangeRecord RecordEmailChange(this ExSyncDbContext db, EmailActivity email, ChangeOperation operation, DateTimeOffset occurredAt) =>
        db.RecordChange(ChangeObjectTypes.Email, email.Id.ToString(), operation, email.Version, occurredAt);

    /// <summary>Up to <paramref name="count"/> changes after <paramref name="position"/>, in sequence order.</summary>
    public static Task<List<ChangeRecord>> ChangesAfterAsync(this ExSyncDbContext db, long position, int count, CancellationToken cancellationToken) =>
        db.Changes.AsNoTracking().Where(c => c.Sequence > position).OrderBy(c => c.Sequence).Take(count).ToListAsync(cancellationToken);

    /// <summary>
    /// The largest sequence retention removed (0 when it removed none): a reader that has seen less than it has missed that change at
    /// least, and must start over; one that has seen it or more has missed nothing.
    /// </summary>
    public static async Task<long> ChangeFeedWatermarkAsync(this ExSyncDbContext db, CancellationToken cancellationToken) =>
        await db.ChangeFeedState.AsNoTracking().Where(s => s.Id == ChangeFeedState.SingletonId).Select(s => (long?)s.PrunedThrough).SingleOrDefaultAsync(cancellationToken) ?? 0;

    /// <summary>The position of a reader that has seen everything committed so far: the last sequence, or the watermark when none is left.</summary>
    public static async Task<long> LatestChangePositionAsync(this ExSyncDbContext db, CancellationToken cancellationToken)
    {
        var last = await db.Changes.MaxAsync(c => (long?)c.Sequence, cancellationToken);
        return Math.Max(last ?? 0, await db.ChangeFeedWatermarkAsync(cancellationToken));
    }

    /// <summary>
    /// Removes the changes older than <paramref name="cutoff"/> and raises the watermark to the largest sequence removed, in one
    /// transaction. Changes are removed by sequence, up to the first one at or after the cutoff, so the watermark is exact: everything
    /// at or below it is gone, everything above it is kept. Returns how many were removed.
    /// </summary>
    public static async Task<int> PruneChangesAsync(this ExSyncDbContext db, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var firstKept = await db.Changes.Where(c => c.OccurredAt >= cutoff).MinAsync(c => (long?)c.Sequence, cancellationToken);
        var removable = db.Changes.Where(c => firstKept == null || c.Sequence < firstKept);
        var last = await removable.MaxAsync(c => (long?)c.Sequence, cancellationToken);
        if (last is null)
        {
            return 0;
        }

        var removed = await db.Changes.Where(c => c.Sequence <= last).ExecuteDeleteAsync(cancellationToken);

        // The row exists from the start (the migration seeds it); a conditional update never lowers the watermark, whoever prunes.
        await db.ChangeFeedState
            .Where(s => s.Id == ChangeFeedState.SingletonId && s.PrunedThrough < last)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.PrunedThrough, last.Value).SetProperty(x => x.PrunedAt, cutoff), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return removed;
    }
}

/// <summary>What retention left of the change feed: the watermark below which changes are gone.</summary>
public sealed class ChangeFeedState
{
    /// <summary>The key of the single row.</summary>
    public const int SingletonId = 1;

    /// <summary>Key of the single row.</summary>
    public int Id { get; set; }

    /// <summary>The largest sequence retention removed.</summary>
    public long PrunedThrough { get; set; }

    /// <summary>The cutoff of the retention round that last raised the watermark.</summary>
    public DateTimeOffset? PrunedAt { get; set; }
}
