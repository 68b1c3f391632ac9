using ExSync.Domain.Directory;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>The result of <see cref="DirectoryEntryStore.UpsertDirectoryEntriesAsync"/>.</summary>
/// <param name="Existing">The entries as they were, by id (those that existed).</param>
/// <param name="Plan">What was written; null when the precondition refused the write.</param>
public sealed record DirectoryUpsertResult(IReadOnlyDictionary<string, DirectoryEntry> Existing, DirectoryUpsertPlan? Plan)
{
    /// <summary>Whether the entries were written: the precondition held and no record was named twice.</summary>
    public bool Written => Plan is { Conflicts.Count: 0 };
}

/// <summary>Reads and writes of the directory of CRM records.</summary>
public static class DirectoryEntryStore
{
    /// <summary>The lock that serializes the directory's writers, in every instance.</summary>
    public const string WriterLock = "directory";

    /// <summary>
    /// Creates or replaces entries, all or none, in one transaction, while no other writer of the directory works (one at a time,
    /// across instances). <paramref name="precondition"/>, given the current entries, may refuse the write (If-Match). Nothing is
    /// written when it refuses, or when a write would give a record a second entry (<see cref="DirectoryUpsertPlan.Conflicts"/>).
    /// </summary>
    public static async Task<DirectoryUpsertResult> UpsertDirectoryEntriesAsync(
        this ExSyncDbContext db,
        IDatabaseDialect dialect,
        IReadOnlyList<DirectoryEntryWrite> writes,
        DateTimeOffset now,
        Func<IReadOnlyDictionary<string, DirectoryEntry>, bool>? precondition,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await dialect.LockAsync(db, WriterLock, cancellationToken);
        var ids = writes.Select(w => w.Id).ToList();
        var existing = await db.DirectoryEntries.AsNoTracking().Include(e => e.EmailAddresses).Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id, StringComparer.Ordinal, cancellationToken);
        if (precondition is not null && !precondition(existing))
        {
            return new DirectoryUpsertResult(existing, null);
        }

        var recordIds = writes.Select(w => w.Content.RecordId.Trim()).Distinct(StringComparer.Ordinal).ToList();
        var holders = await db.DirectoryEntries.AsNoTracking()
            .Where(e => recordIds.Contains(e.RecordId))
            .Select(e => new { e.Id, e.RecordType, e.RecordId })
            .ToListAsync(cancellationToken);
        var plan = DirectoryUpsertPlan.Plan(writes, existing, holders.Select(h => new DirectoryRecordHolder(h.Id, new CrmRecordReference(h.RecordType, h.RecordId))), now);
        if (plan.Conflicts.Count == 0)
        {
            await dialect.WriteDirectoryEntriesAsync(db, plan.Writes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return new DirectoryUpsertResult(existing, plan);
    }

    /// <summary>
    /// Deletes an entry if <paramref name="precondition"/>, given the current one (null when there is none), allows it. Returns the
    /// entry as it was, and whether the precondition held.
    /// </summary>
    public static async Task<(DirectoryEntry? Entry, bool Allowed)> DeleteDirectoryEntryAsync(
        this ExSyncDbContext db,
        IDatabaseDialect dialect,
        string id,
        Func<DirectoryEntry?, bool> precondition,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await dialect.LockAsync(db, WriterLock, cancellationToken);
        var entry = await db.DirectoryEntries.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (!precondition(entry))
        {
            return (entry, false);
        }

        // The addresses go with the entry (ON DELETE CASCADE).
        await db.DirectoryEntries.Where(e => e.Id == id).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (entry, true);
    }

    /// <summary>An entry with its addresses, read without tracking; null when there is none with this id.</summary>
    public static Task<DirectoryEntry?> FindDirectoryEntryAsync(this ExSyncDbContext db, string id, CancellationToken cancellationToken) =>
        db.DirectoryEntries.AsNoTracking().Include(e => e.EmailAddresses).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
}
