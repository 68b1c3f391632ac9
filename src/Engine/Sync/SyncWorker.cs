using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync;

/// <summary>
/// Runs the synchronization workloads that are due: claims them with a lease (so no other instance runs the same mailbox), runs each
/// with its direction's handler, renews the leases while cycles run, and records each cycle's outcome. Up to
/// <see cref="SyncOptions.MaxConcurrentMailboxes"/> mailboxes at a time; each profile's connection limit applies underneath.
/// </summary>
public sealed partial class SyncWorker(
    IDbContextFactory<ExSyncDbContext> contexts,
    IDatabaseDialect dialect,
    IEnumerable<ISyncWorkloadHandler> handlers,
    SyncWorkloads workloads,
    SyncSignal signal,
    InstanceIdentity instance,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> options,
    ILogger<SyncWorker> logger) : BackgroundService
{
    private readonly Dictionary<SyncDirection, ISyncWorkloadHandler> byDirection = handlers.ToDictionary(h => h.Direction);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        var running = new Dictionary<ClaimedWorkload, Task>();
        var nextRenewal = time.GetUtcNow() + options.CurrentValue.LeaseDuration / 3;
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var done in running.Where(r => r.Value.IsCompleted).Select(r => r.Key).ToList())
            {
                running.Remove(done);
            }

            try
            {
                var settings = options.CurrentValue;
                var free = settings.MaxConcurrentMailboxes - running.Count;
                if (free > 0 && byDirection.Count > 0)
                {
                    var claims = await ClaimAsync(free, settings, stoppingToken);
                    foreach (var (claim, cycle) in await workloads.StartAsync(claims, time.GetUtcNow(), stoppingToken))
                    {
                        running[claim] = RunAsync(claim, cycle, stoppingToken);
                    }
                }

                if (time.GetUtcNow() >= nextRenewal)
                {
                    await workloads.RenewLeasesAsync(running.Where(r => !r.Value.IsCompleted).Select(r => r.Key).ToList(), stoppingToken);
                    nextRenewal = time.GetUtcNow() + settings.LeaseDuration / 3;
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A database hiccup must not stop synchronization; the next round tries again.
                LogClaimFailed(logger, ex);
            }

            try
            {
                await signal.WaitAsync(options.CurrentValue.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        // Cycles stop at their next await; what they committed stays, the rest is replayed by the next holder.
        await Task.WhenAll(running.Values);
        await workloads.ReleaseAsync(running.Keys.ToList());
    }

    private async Task<IReadOnlyList<ClaimedWorkload>> ClaimAsync(int count, SyncOptions settings, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await dialect.ClaimSyncWorkloadsAsync(db, byDirection.Keys, instance.LeaseOwner, count, now, now + settings.LeaseDuration, cancellationToken);
    }

    private async Task RunAsync(ClaimedWorkload claim, SyncCycle cycle, CancellationToken stoppingToken)
    {
        // Off the loop's thread: a cycle's synchronous start must not delay the claims of others.
        await Task.Yield();
        try
        {
            var handler = byDirection[claim.Direction];
            SyncCycleOutcome outcome;
            try
            {
                outcome = await handler.RunAsync(cycle, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogCycleFailed(logger, ex, claim.MailboxId, claim.Direction);
                outcome = new SyncCycleOutcome(0, 0, 0, new SyncError("SyncFailed", $"The synchronization cycle failed unexpectedly: {ex.Message}", null, IsTransient: true, time.GetUtcNow()));
            }

            await workloads.CompleteAsync(claim, cycle, outcome, handler.Cadence(options.CurrentValue.Cadence), CancellationToken.None);
            signal.Wake();
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the lease is released below, or runs out, and another instance resumes the mailbox.
        }
        catch (Exception ex)
        {
            LogCycleFailed(logger, ex, claim.MailboxId, claim.Direction);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for due synchronization workloads failed")]
    private static partial void LogClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A synchronization cycle of mailbox {MailboxId} ({Direction}) failed; it will be retried")]
    private static partial void LogCycleFailed(ILogger logger, Exception exception, Guid mailboxId, SyncDirection direction);
}
