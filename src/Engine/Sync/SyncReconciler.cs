using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync;

/// <summary>
/// Every <see cref="SyncOptions.ReconcileInterval"/>, on one instance: matches the workloads to the mailboxes. A mailbox newly synchronized
/// in a direction (Test &amp; Enable passed it) gets a workload, due at once; a workload whose mailbox stopped being synchronized (disabled,
/// deleted, unapproved, profile inactive) is paused; a paused one whose mailbox qualifies again resumes. Set-based, so ten thousand
/// mailboxes cost a few statements.
/// </summary>
public sealed partial class SyncReconciler(
    IDbContextFactory<ExSyncDbContext> contexts,
    IEnumerable<ISyncWorkloadHandler> handlers,
    SingletonLeases leases,
    SyncSignal signal,
    SyncReconcileSignal reconcile,
    SyncStarts starts,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> options,
    ILogger<SyncReconciler> logger) : SingletonDuty(leases, logger)
{
    // Inserting in slices keeps each transaction short when a whole profile is enabled at once.
    private const int InsertBatch = 2_000;

    protected override string Duty => "sync-reconciler";

    protected override bool TakesPart => options.CurrentValue.Enabled;

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        reconcile.WaitAsync(options.CurrentValue.ReconcileInterval, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var activeProfiles = await db.ServerProfiles.Where(p => p.State == RecordState.Active).Select(p => p.Id).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        var (created, paused, resumed) = (0, 0, 0);
        foreach (var direction in handlers.Select(h => h.Direction).Distinct())
        {
            var synchronized = db.Mailboxes.Where(SyncEligibility.Query(direction, organization, activeProfiles));
            var workloads = db.SyncWorkloads.Where(w => w.Direction == direction);

            paused += await workloads
                .Where(w => w.State != SyncWorkloadState.Paused && !synchronized.Any(m => m.Id == w.MailboxId))
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.State, SyncWorkloadState.Paused).SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);

            resumed += await workloads
                .Where(w => w.State == SyncWorkloadState.Paused && synchronized.Any(m => m.Id == w.MailboxId))
                .ExecuteUpdateAsync(
                    s => s.SetProperty(w => w.State, SyncWorkloadState.NotStarted)
                        .SetProperty(w => w.NextRunAt, now)
                        .SetProperty(w => w.ConsecutiveErrors, 0)
                        .SetProperty(w => w.EmptyCycles, 0)
                        .SetProperty(w => w.Revision, w => w.Revision + 1),
                    cancellationToken);

            while (true)
            {
                var missing = await synchronized
                    .Where(m => !workloads.Any(w => w.MailboxId == m.Id))
                    .Select(m => m.Id)
                    .Take(InsertBatch)
                    .ToListAsync(cancellationToken);
                if (missing.Count == 0)
                {
                    break;
                }

                db.SyncWorkloads.AddRange(missing.Select(id => SyncWorkload.Create(id, direction, now)));
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
                created += missing.Count;
                await starts.NotifyAsync(missing, direction, cancellationToken);
            }
        }

        if (created + resumed > 0)
        {
            signal.Wake();
        }

        if (created + paused + resumed > 0)
        {
            LogReconciled(logger, created, paused, resumed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Synchronization workloads: {Created} created, {Paused} paused, {Resumed} resumed")]
    private static partial void LogReconciled(ILogger logger, int created, int paused, int resumed);
}
