using ExSync.Domain.Mailboxes;

namespace ExSync.Persistence;

/// <summary>A synchronization workload a worker claimed.</summary>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="Direction">The direction to synchronize.</param>
public sealed record ClaimedWorkload(Guid MailboxId, SyncDirection Direction);

public partial interface IDatabaseDialect
{
    /// <summary>
    /// Claims up to <paramref name="count"/> due workloads of the given directions, earliest first, for <paramref name="owner"/> until
    /// <paramref name="leaseExpiresAt"/>: workloads that are not paused, due by <paramref name="now"/>, and not leased by a worker whose
    /// lease still runs. Two workers, in any processes, never claim the same workload. A claimed workload's next run moves to its lease's
    /// end, so a worker that dies mid-cycle leaves it due again when the lease runs out. A claim moves the workload's revision, so a worker
    /// that lost it to another can tell.
    /// </summary>
    Task<IReadOnlyList<ClaimedWorkload>> ClaimSyncWorkloadsAsync(
        ExSyncDbContext db, IReadOnlyCollection<SyncDirection> directions, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);
}
