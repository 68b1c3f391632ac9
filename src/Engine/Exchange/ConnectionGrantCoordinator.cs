using ExSync.Engine.Instances;
using ExSync.Exchange;
using ExSync.Persistence;
using ExSync.Persistence.Coordination;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Exchange;

/// <summary>
/// Divides each server profile's <c>maxConcurrentConnections</c> between the instances sharing the database, so that the limit holds
/// for all of them together. Each instance publishes, per profile, how many connections it wants (<see cref="ConnectionGrant.Demand"/>)
/// and how many it may use (<see cref="ConnectionGrant.Granted"/>); the grants of all instances never add up to more than the limit.
/// </summary>
/// <remarks>
/// <para>
/// An instance changes its own grant in a transaction that excludes the other instances for that profile (an advisory lock on
/// PostgreSQL, the single writer on SQLite). It grows its grant only into what others leave free, and only then lets more requests
/// through; it shrinks by holding new requests back first and publishes a smaller grant only once its requests in flight fit in it.
/// So at every moment the requests in flight across all instances stay within the limit.
/// </para>
/// <para>
/// While nobody else wants more, a busy instance takes all that is free, and one idle for five seconds gives its grant back. When others wait, each gets a fair share
/// (max-min fairness over the demands; the remainder rotates every 10 seconds, so a limit smaller than the number of instances still
/// serves them all in turn). A departed instance's grants are deleted with its heartbeat row, freeing its share within
/// <see cref="InstanceOptions.DeadAfter"/>. Changes are made when demand changes (at once) and otherwise every second.
/// </para>
/// </remarks>
public sealed partial class ConnectionGrantCoordinator(
    IDbContextFactory<ExSyncDbContext> contexts,
    IDatabaseDialect dialect,
    ExchangeConnectionPolicy policy,
    InstanceIdentity instance,
    TimeProvider time,
    ILogger<ConnectionGrantCoordinator> logger) : BackgroundService
{
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BusyInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MinimumInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan IdleRelease = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly Dictionary<string, (int Granted, int Demand)> published = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> lastBusy = new(StringComparer.Ordinal);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Before any request: from now on this instance uses only what it is granted.
        policy.EnableCoordination();
        policy.DemandChanged += Wake;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        policy.DemandChanged -= Wake;
        await base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var contended = false;
            try
            {
                contended = await RebalanceAsync(stoppingToken);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Grants stay as they were: safe, only possibly unfair until the next round.
                LogFailed(logger, ex);
            }

            try
            {
                await Task.Delay(MinimumInterval, stoppingToken);
                await wake.WaitAsync(contended ? BusyInterval : IdleInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    /// <summary>One round over every server this instance uses; returns whether any instance waits for more than it has.</summary>
    private async Task<bool> RebalanceAsync(CancellationToken cancellationToken)
    {
        var contended = false;
        foreach (var usage in policy.Usage())
        {
            if (!Guid.TryParse(usage.Key, out var profileId))
            {
                continue;
            }

            var demand = Math.Min(usage.Limit, usage.InFlight + usage.Waiting);
            var last = published.GetValueOrDefault(usage.Key);
            if (demand == 0 && last is { Granted: 0, Demand: 0 } && usage.Capacity == 0)
            {
                continue;
            }

            contended |= await RebalanceAsync(profileId, usage, demand, cancellationToken);
        }

        return contended;
    }

    private async Task<bool> RebalanceAsync(Guid profileId, ServerConnectionUsage usage, int demand, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await dialect.LockAsync(db, $"connections:{profileId}", cancellationToken);
        var rows = await db.ConnectionGrants.Where(g => g.ServerProfileId == profileId).ToListAsync(cancellationToken);
        var mine = rows.SingleOrDefault(r => r.InstanceId == instance.Id);
        var others = rows.Where(r => r.InstanceId != instance.Id).ToList();
        var othersGranted = others.Sum(o => o.Granted);
        var othersWaiting = others.Any(o => o.Demand > o.Granted);
        var free = Math.Max(0, usage.Limit - othersGranted);
        // Alone in wanting: take all that is free, so a burst does not wait for grant after grant. Others waiting: no more than a fair
        // share. Idle: keep the grant for a while (a job's requests pause between batches, and waiting for a new grant would stall
        // them), and give it back when idle for longer or when someone else wants it.
        var now = Environment.TickCount64;
        if (demand > 0)
        {
            lastBusy[usage.Key] = now;
        }

        var idleTooLong = now - lastBusy.GetValueOrDefault(usage.Key) > (long)IdleRelease.TotalMilliseconds;
        var target = demand == 0 ? (othersWaiting || idleTooLong ? 0 : Math.Min(usage.Capacity, free))
            : othersWaiting ? Math.Min(free, FairShare(usage.Limit, others.Select(o => (o.InstanceId, o.Demand)).Append((instance.Id, demand)).ToList()))
            : free;

        if (target < usage.Capacity)
        {
            // Shrinking: hold new requests back first, then publish no less than what is still in flight.
            policy.Grant(usage.Key, target);
        }

        var inFlight = policy.Usage().FirstOrDefault(u => u.Key == usage.Key).InFlight;
        var granted = Math.Max(target, inFlight);
        if (mine is null)
        {
            mine = new ConnectionGrant { ServerProfileId = profileId, InstanceId = instance.Id };
            db.ConnectionGrants.Add(mine);
        }

        mine.Granted = granted;
        mine.Demand = demand;
        mine.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        published[usage.Key] = (granted, demand);

        if (target >= usage.Capacity)
        {
            // Growing: only now that the grant is published.
            policy.Grant(usage.Key, target);
        }

        return othersWaiting || demand > target;
    }

    /// <summary>
    /// This instance's max-min fair share of <paramref name="limit"/> given every instance's demand. The units an equal split leaves
    /// over go one each to instances that want more, starting at a position that moves every 10 seconds.
    /// </summary>
    internal int FairShare(int limit, IReadOnlyList<(Guid Instance, int Demand)> demands)
    {
        var shares = demands.OrderBy(d => d.Instance).ToDictionary(d => d.Instance, _ => 0);
        var remaining = limit;
        var unmet = demands.Where(d => d.Demand > 0).OrderBy(d => d.Demand).ThenBy(d => d.Instance).ToList();
        while (unmet.Count > 0 && remaining >= unmet.Count)
        {
            var each = Math.Min(remaining / unmet.Count, unmet[0].Demand - shares[unmet[0].Instance]);
            foreach (var (id, _) in unmet)
            {
                shares[id] += each;
            }

            remaining -= each * unmet.Count;
            unmet = unmet.Where(d => d.Demand > shares[d.Instance]).ToList();
            if (each == 0)
            {
                break;
            }
        }

        if (remaining > 0 && unmet.Count > 0)
        {
            var ordered = unmet.OrderBy(d => d.Instance).ToList();
            var start = (int)(time.GetUtcNow().ToUnixTimeSeconds() / 10 % ordered.Count);
            for (var i = 0; i < ordered.Count && remaining > 0; i++, remaining--)
            {
                shares[ordered[(start + i) % ordered.Count].Instance]++;
            }
        }

        return shares.GetValueOrDefault(instance.Id);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebalancing the connection grants failed; they stay as they were until the next round")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
