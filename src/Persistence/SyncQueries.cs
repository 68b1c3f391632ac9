using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>
/// The reads every synchronization cycle makes, compiled once. Ten thousand idle mailboxes make hundreds of cycles a second, and EF Core
/// otherwise rebuilds each query from its expression tree every time, a large part of what an idle cycle costs.
/// </summary>
public static class SyncQueries
{
    private static readonly Func<ExSyncDbContext, Guid, SyncDirection, CancellationToken, Task<SyncWorkload?>> Workload =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid mailboxId, SyncDirection direction, CancellationToken cancellationToken) =>
            db.SyncWorkloads.FirstOrDefault(w => w.MailboxId == mailboxId && w.Direction == direction));

    private static readonly Func<ExSyncDbContext, Guid, IAsyncEnumerable<FolderSyncState>> FolderStates =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid mailboxId) => db.FolderSyncStates.AsNoTracking().Where(s => s.MailboxId == mailboxId));

    private static readonly Func<ExSyncDbContext, Guid, int, IAsyncEnumerable<ExchangeItemLink>> UnfinishedLinks =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid mailboxId, int count) => db.ExchangeItemLinks.AsNoTracking()
            .Where(l => l.MailboxId == mailboxId && (l.State == ItemLinkState.Failed || l.StampPending))
            .OrderBy(l => l.Id)
            .Take(count));

    /// <summary>A mailbox's workload in one direction, tracked for update; null when it has none.</summary>
    public static Task<SyncWorkload?> SyncWorkloadAsync(this ExSyncDbContext db, Guid mailboxId, SyncDirection direction, CancellationToken cancellationToken) =>
        Workload(db, mailboxId, direction, cancellationToken);

    /// <summary>The saved sync states of a mailbox's folders, read without tracking.</summary>
    public static Task<List<FolderSyncState>> FolderSyncStatesAsync(this ExSyncDbContext db, Guid mailboxId, CancellationToken cancellationToken) =>
        ListAsync(FolderStates(db, mailboxId), cancellationToken);

    /// <summary>The mailbox's first <paramref name="count"/> item links with work left: failed items, and marks not yet written to Exchange.</summary>
    public static Task<List<ExchangeItemLink>> UnfinishedItemLinksAsync(this ExSyncDbContext db, Guid mailboxId, int count, CancellationToken cancellationToken) =>
        ListAsync(UnfinishedLinks(db, mailboxId, count), cancellationToken);

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> rows, CancellationToken cancellationToken)
    {
        var list = new List<T>();
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            list.Add(row);
        }

        return list;
    }
}
