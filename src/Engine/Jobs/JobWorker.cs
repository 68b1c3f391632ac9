using ExSync.Domain.Jobs;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Jobs;

/// <summary>
/// Runs jobs in the background: the ones it is told about at once, and, by polling, the ones started through another instance or
/// left running by a crash (their items are taken over when their leases expire). Each job runs on its own, up to
/// <see cref="JobOptions.MaxConcurrentJobs"/> at a time, so a quick connection test does not wait behind a large Test &amp; Enable.
/// </summary>
public sealed partial class JobWorker(
    IDbContextFactory<ExSyncDbContext> contexts,
    JobRunner runner,
    JobSignal signal,
    InstanceIdentity instance,
    JobQueueDepth queue,
    IOptionsMonitor<JobOptions> options,
    ILogger<JobWorker> logger) : BackgroundService
{
    /// <summary>Identifies this worker in item leases: the instance, so that its leases are released at once when it is known to be gone.</summary>
    public string WorkerId => instance.LeaseOwner;

    // Jobs that came back unfinished (their remaining items are leased by another worker, perhaps a dead one) wait for the next
    // poll instead of being retried at every wake-up.
    private readonly Dictionary<Guid, long> resting = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var running = new Dictionary<Guid, Task<bool>>();
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = Environment.TickCount64;
            foreach (var (jobId, task) in running.Where(r => r.Value.IsCompleted).ToList())
            {
                running.Remove(jobId);
                if (!task.Result)
                {
                    resting[jobId] = now + (long)options.CurrentValue.PollInterval.TotalMilliseconds;
                }
            }

            foreach (var jobId in resting.Where(r => r.Value <= now).Select(r => r.Key).ToList())
            {
                resting.Remove(jobId);
            }

            try
            {
                var free = options.CurrentValue.MaxConcurrentJobs - running.Count;
                if (free > 0)
                {
                    foreach (var jobId in await RunnableJobsAsync([.. running.Keys, .. resting.Keys], free, stoppingToken))
                    {
                        running[jobId] = RunAsync(jobId, stoppingToken);
                    }
                }
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Like eShop's background services: log and keep going, a database hiccup must not stop job processing.
                LogScanFailed(logger, ex);
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

        await Task.WhenAll(running.Values);
    }

    private async Task<List<Guid>> RunnableJobsAsync(List<Guid> alreadyRunning, int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await queue.RefreshAsync(db, cancellationToken);
        return await db.Jobs
            .Where(j => (j.Status == JobStatus.NotStarted || j.Status == JobStatus.Running) && !alreadyRunning.Contains(j.Id))
            .OrderBy(j => j.CreatedAt)
            .Select(j => j.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
    }

    private async Task<bool> RunAsync(Guid jobId, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Yield();
            var finished = await runner.RunAsync(jobId, WorkerId, stoppingToken);
            if (finished)
            {
                // Free capacity: look for the next job now rather than at the next poll.
                signal.Wake();
            }

            return finished;
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down (the database may already refuse): the job resumes at the next start, here or in another instance.
            return false;
        }
        catch (Exception ex)
        {
            LogRunFailed(logger, ex, jobId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Looking for runnable jobs failed")]
    private static partial void LogScanFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Running job {JobId} failed; it will be resumed")]
    private static partial void LogRunFailed(ILogger logger, Exception exception, Guid jobId);
}
