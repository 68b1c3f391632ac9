using ExSync.Domain.Audit;
using ExSync.Domain.Directory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ExSync.Persistence;

/// <summary>The databases ExSync runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>Embedded, one file; the default for a single machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server, for several instances.</summary>
    PostgreSql,
}

/// <summary>A job item a worker claimed.</summary>
/// <param name="Id">The item.</param>
/// <param name="MailboxId">The mailbox it is about, if any.</param>
/// <param name="EmailAddress">The address it is about (a connection test), if any.</param>
public sealed record ClaimedJobItem(long Id, Guid? MailboxId, string? EmailAddress);

/// <summary>The final state of one job item, written with many others in one statement.</summary>
/// <param name="Id">The item.</param>
/// <param name="Outcome">Its outcome, by name.</param>
/// <param name="ErrorCode">Why it failed or was skipped.</param>
/// <param name="Result">Its stored result (the engine's internal JSON format).</param>
/// <param name="EmailAddress">The address it was processed for.</param>
/// <param name="ServerProfileId">The server profile it was processed with.</param>
public sealed record JobItemCompletion(long Id, string Outcome, string? ErrorCode, string? Result, string? EmailAddress, Guid? ServerProfileId);

/// <summary>The columns of a unique index a write violated.</summary>
/// <param name="Table">The table.</param>
/// <param name="Columns">The index's columns.</param>
public sealed record UniqueViolation(string Table, IReadOnlyList<string> Columns);

/// <summary>
/// Everything that needs SQL of one provider: the job queue, set-based writes, locks and the reading of constraint violations. Each
/// provider has one implementation, and provider-specific SQL appears nowhere else.
/// </summary>
public partial interface IDatabaseDialect
{
    /// <summary>The provider this dialect speaks.</summary>
    DatabaseProvider Provider { get; }

    /// <summary>
    /// Claims up to <paramref name="count"/> of a job's items that are pending, or leased by a worker whose lease expired, in item
    /// order. Two workers, in any processes, never claim the same item.
    /// </summary>
    Task<IReadOnlyList<ClaimedJobItem>> ClaimJobItemsAsync(
        ExSyncDbContext db, Guid jobId, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);

    /// <summary>
    /// Within the caller's transaction, returns which of the items <paramref name="owner"/> still holds leased, and keeps anyone else
    /// from taking them over until the transaction ends.
    /// </summary>
    Task<IReadOnlySet<long>> LockOwnedJobItemsAsync(ExSyncDbContext db, IReadOnlyCollection<long> itemIds, string owner, CancellationToken cancellationToken);

    /// <summary>Adds one pending item per mailbox, in the order given; returns how many.</summary>
    Task<int> InsertJobItemsAsync(ExSyncDbContext db, Guid jobId, IReadOnlyCollection<Guid> mailboxIds, CancellationToken cancellationToken);

    /// <summary>Adds one pending item per mailbox of a profile (and, for the organization default, per mailbox without a profile).</summary>
    Task<int> InsertJobItemsForProfileAsync(ExSyncDbContext db, Guid jobId, Guid profileId, bool includeMailboxesWithoutProfile, CancellationToken cancellationToken);

    /// <summary>
    /// Adds one pending item per mailbox whose scheduled retest is due, except mailboxes already in an unfinished job, most overdue
    /// first, at most <paramref name="limit"/>.
    /// </summary>
    Task<int> InsertJobItemsDueForRetestAsync(ExSyncDbContext db, Guid jobId, DateTimeOffset now, int limit, CancellationToken cancellationToken);

    /// <summary>Completes many items in one statement.</summary>
    Task<int> CompleteJobItemsAsync(ExSyncDbContext db, IReadOnlyList<JobItemCompletion> completions, DateTimeOffset completedAt, CancellationToken cancellationToken);

    /// <summary>Inserts many audit events in one statement.</summary>
    Task<int> InsertAuditEventsAsync(ExSyncDbContext db, IReadOnlyCollection<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>
    /// Within the caller's transaction, waits for an exclusive lock on <paramref name="name"/>, held until the transaction ends, so
    /// that check-then-insert sequences (one alert per hour) hold across instances.
    /// </summary>
    Task LockAsync(ExSyncDbContext db, string name, CancellationToken cancellationToken);

    /// <summary>
    /// A mailbox's revision and owner as committed when asked: the hottest read, asked before every GET of a mailbox. A plain query, not
    /// EF Core's pipeline, which cost three times the database's own work; on PostgreSQL the checks of concurrent requests share one query.
    /// </summary>
    Task<MailboxVersion?> FindMailboxVersionAsync(ExSyncDbContext db, Guid id, CancellationToken cancellationToken);

    /// <summary>
    /// Writes directory entries, new or replaced, with their addresses, in the caller's transaction: each entry's row is inserted or
    /// overwritten, and its addresses replaced. A few set-based statements whatever the number of entries (a bulk upsert writes 10,000).
    /// </summary>
    Task WriteDirectoryEntriesAsync(ExSyncDbContext db, IReadOnlyList<DirectoryEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// The content of a kept attachment as a stream that reads it from the database as it is read (an attachment may be 128 MiB), on the
    /// context's connection until the stream is disposed; null when the attachment has no stored content.
    /// </summary>
    Task<Stream?> OpenAttachmentContentAsync(ExSyncDbContext db, Guid attachmentId, CancellationToken cancellationToken);

    /// <summary>Which unique index of <paramref name="model"/> a failed write violated, if that is why it failed.</summary>
    UniqueViolation? FindUniqueViolation(DbUpdateException exception, IModel model);
}
