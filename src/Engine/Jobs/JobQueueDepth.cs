using ExSync.Domain.Jobs;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Engine.Jobs;

/// <summary>
/// The number of job items waiting or in progress, counted by the job worker on its rounds: a metric collection must not query the
/// database itself.
/// </summary>
public sealed class JobQueueDepth
{
    // Nothing counted yet: an instance that runs no job worker (the Api role) never counts, and must not report an empty queue.
    private long depth = -1;

    /// <summary>The last count, or null before the first.</summary>
    public long? Current => Interlocked.Read(ref depth) is >= 0 and var counted ? counted : null;

    /// <summary>Counts again, from the unfinished jobs' progress counts (a handful of rows, not their items).</summary>
    public async Task RefreshAsync(ExSyncDbContext db, CancellationToken cancellationToken) =>
        Interlocked.Exchange(ref depth, await db.Jobs
            .Where(j => j.Status == JobStatus.NotStarted || j.Status == JobStatus.Running)
            .SumAsync(j => (long)(j.Total - j.Succeeded - j.Failed - j.RetryScheduled - j.Skipped - j.Canceled), cancellationToken));
}
