using ExSync.Persistence;
using ExSync.Persistence.Coordination;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Instances;

/// <summary>
/// Duties one instance at a time performs (scheduling retests, deleting expired data). A lease row names the instance performing
/// each; it keeps the duty while it lives, and another instance takes it when its row is gone (stopped, or reaped by
/// <see cref="InstanceHeartbeat"/>).
/// </summary>
public sealed class SingletonLeases(IDbContextFactory<ExSyncDbContext> contexts, IDatabaseDialect dialect, InstanceIdentity instance, TimeProvider time)
{
    /// <summary>Whether this instance performs the duty now, taking it if nobody living does.</summary>
    public async Task<bool> TryHoldAsync(string duty, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lease = await db.SingletonLeases.AsNoTracking().SingleOrDefaultAsync(l => l.Name == duty, cancellationToken);
        if (lease?.OwnerId == instance.Id)
        {
            return true;
        }

        if (lease is null)
        {
            db.SingletonLeases.Add(new SingletonLease { Name = duty, OwnerId = instance.Id, AcquiredAt = time.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return true;
            }
            catch (DbUpdateException ex) when (dialect.FindUniqueViolation(ex, db.Model) is not null)
            {
                // Another instance took it at the same moment.
                return false;
            }
        }

        // An owner without an instance row stopped without releasing, or was reaped: take the duty over from exactly that owner.
        var previous = lease.OwnerId;
        var ownerLives = await db.Instances.AnyAsync(i => i.Id == previous, cancellationToken);
        if (ownerLives)
        {
            return false;
        }

        var now = time.GetUtcNow();
        return await db.SingletonLeases
            .Where(l => l.Name == duty && l.OwnerId == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.OwnerId, instance.Id).SetProperty(l => l.AcquiredAt, now), cancellationToken) == 1;
    }

    /// <summary>Gives a duty up (on shutdown).</summary>
    public async Task ReleaseAsync(string duty)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await db.SingletonLeases.Where(l => l.Name == duty && l.OwnerId == instance.Id).ExecuteDeleteAsync();
    }
}

/// <summary>
/// A duty performed in rounds by one instance at a time: each round, the instance that holds (or can take) the duty's lease runs it.
/// </summary>
public abstract partial class SingletonDuty(SingletonLeases leases, ILogger logger) : BackgroundService
{
    /// <summary>The duty's name in the lease table.</summary>
    protected abstract string Duty { get; }

    /// <summary>Waits until the next round is due.</summary>
    protected abstract Task WaitForNextRoundAsync(CancellationToken cancellationToken);

    /// <summary>One round of the duty.</summary>
    public abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>A round in which another instance holds the duty: a duty that keeps state between rounds lets it go here.</summary>
    protected virtual Task StandByAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Whether this instance takes part in the duty at all (read at start): one that does not never holds its lease.</summary>
    protected virtual bool TakesPart => true;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!TakesPart)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await WaitForNextRoundAsync(stoppingToken);
                if (await leases.TryHoldAsync(Duty, stoppingToken))
                {
                    await RunOnceAsync(stoppingToken);
                }
                else
                {
                    await StandByAsync(stoppingToken);
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Like eShop's background services: log and keep going; the next round tries again.
                LogFailed(logger, ex, Duty);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await leases.ReleaseAsync(Duty);
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, Duty);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Duty} duty failed; it will try again at its next round")]
    private static partial void LogFailed(ILogger logger, Exception exception, string duty);
}
