using System.Diagnostics;
using ExSync.Domain.Jobs;
using ExSync.Engine.Jobs;
using ExSync.Persistence;
using ExSync.Persistence.Coordination;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Instances;

/// <summary>
/// Keeps this instance's heartbeat row alive, and watches the others: an instance whose beat count has not moved for
/// <see cref="InstanceOptions.DeadAfter"/> (on this instance's own clock, so clocks need not agree) is gone. Its row is removed and
/// what it held is released at once — job items, singleton duties, connection grants — instead of waiting for leases to expire.
/// On a clean stop, an instance releases what it holds itself.
/// </summary>
public sealed partial class InstanceHeartbeat(
    IDbContextFactory<ExSyncDbContext> contexts,
    InstanceIdentity instance,
    JobSignal signal,
    EngineMetrics metrics,
    TimeProvider time,
    IOptionsMonitor<InstanceOptions> options,
    ILogger<InstanceHeartbeat> logger) : BackgroundService
{
    // Another instance's last beat count, and when (on this clock) it last changed.
    private readonly Dictionary<Guid, (long Beat, long ChangedAt)> observed = [];
    private long beat;
    private readonly Lock stopLock = new();
    private Task? stopping;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await BeatAsync(stoppingToken);
                await ReapAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // A database hiccup: keep beating; others declare this instance dead only after DeadAfter without a beat.
                LogFailed(logger, ex);
            }

            try
            {
                // Real time: liveness is about the processes, not the clock tests steer.
                await Task.Delay(options.CurrentValue.HeartbeatInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);

        // A host may be stopped twice (a test factory, then the application's own RunAsync as it returns): both wait for the one release,
        // so neither returns while it still runs on a database the host's owner may be about to tear down.
        Task release;
        lock (stopLock)
        {
            release = stopping ??= ReleaseAtStopAsync();
        }

        await release;
    }

    private async Task ReleaseAtStopAsync()
    {
        try
        {
            // Released even when the host is out of patience (its token canceled by a slow service): a few seconds of our own, or others
            // wait DeadAfter for these leases.
            using var release = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using var db = await contexts.CreateDbContextAsync(release.Token);
            await ReleaseAsync(db, instance.Id, release.Token);
        }
        catch (Exception ex)
        {
            // Others reap this instance after DeadAfter instead.
            LogReleaseFailed(logger, ex);
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        beat++;
        var current = beat;
        var updated = await db.Instances
            .Where(i => i.Id == instance.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.Beat, current).SetProperty(i => i.HeartbeatAt, now), cancellationToken);
        if (updated == 0)
        {
            if (beat > 1)
            {
                // Another instance saw no beat for DeadAfter (a long pause?) and released what this one held; results of items this
                // instance no longer owns are discarded by the recorder, so nothing is recorded twice.
                LogRevived(logger, instance.Id);
            }

            db.Instances.Add(new InstanceRecord { Id = instance.Id, Name = instance.Name, Roles = instance.Roles.ToString(), StartedAt = now, HeartbeatAt = now, Beat = current });
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    private async Task ReapAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var others = await db.Instances.AsNoTracking().Where(i => i.Id != instance.Id).Select(i => new { i.Id, i.Beat, i.Name }).ToListAsync(cancellationToken);
        var now = Stopwatch.GetTimestamp();
        var deadAfter = options.CurrentValue.DeadAfter;
        foreach (var other in others)
        {
            if (!observed.TryGetValue(other.Id, out var seen) || seen.Beat != other.Beat)
            {
                observed[other.Id] = (other.Beat, now);
                continue;
            }

            if (Stopwatch.GetElapsedTime(seen.ChangedAt, now) < deadAfter)
            {
                continue;
            }

            // Only if it still has not beaten: a beat between the read and now means it lives.
            var gone = await db.Instances.Where(i => i.Id == other.Id && i.Beat == other.Beat).ExecuteDeleteAsync(cancellationToken);
            observed.Remove(other.Id);
            if (gone == 1)
            {
                var released = await ReleaseAsync(db, other.Id, cancellationToken);
                metrics.LeasesTakenOver(released);
                LogReaped(logger, other.Name, other.Id, (int)deadAfter.TotalSeconds, released);
                signal.Wake();
            }
        }

        foreach (var forgotten in observed.Keys.Except(others.Select(o => o.Id)).ToList())
        {
            observed.Remove(forgotten);
        }
    }

    /// <summary>Releases everything an instance holds and removes its row; returns how many job items and synchronization workloads it held.</summary>
    private async Task<int> ReleaseAsync(ExSyncDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        var owner = InstanceIdentity.OwnerOf(instanceId);
        var now = time.GetUtcNow();
        var items = await db.JobItems
            .Where(i => i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, JobItemState.Pending).SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
        var workloads = await db.SyncWorkloads
            .Where(w => w.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseExpiresAt, (DateTimeOffset?)null).SetProperty(w => w.NextRunAt, now), cancellationToken);
        await db.SingletonLeases.Where(l => l.OwnerId == instanceId).ExecuteDeleteAsync(cancellationToken);
        await db.ConnectionGrants.Where(g => g.InstanceId == instanceId).ExecuteDeleteAsync(cancellationToken);
        await db.Instances.Where(i => i.Id == instanceId).ExecuteDeleteAsync(cancellationToken);
        return items + workloads;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Name} ({InstanceId}) has not beaten for {Seconds} s and is presumed gone; released its {Items} job items and synchronization workloads, its duties and connection grants")]
    private static partial void LogReaped(ILogger logger, string name, Guid instanceId, int seconds, int items);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This instance ({InstanceId}) was presumed gone by another one and registers again; its earlier leases were released")]
    private static partial void LogRevived(ILogger logger, Guid instanceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The instance heartbeat failed; it will try again")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing this instance's leases at shutdown failed; other instances take them over once it is presumed gone")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
