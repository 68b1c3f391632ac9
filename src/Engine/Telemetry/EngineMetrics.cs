using System.Diagnostics.Metrics;
using ExSync.Domain.Jobs;
using ExSync.Engine.Jobs;
using ExSync.Persistence;

namespace ExSync.Engine;

/// <summary>
/// The engine's metrics (meter <see cref="MeterName"/>): jobs and items by kind, status or outcome and code, lease takeovers, and the
/// depth of the job queue.
/// </summary>
public sealed class EngineMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ExSync.Engine";

    private readonly Meter meter;
    private readonly Counter<long> jobs;
    private readonly Counter<long> items;
    private readonly Counter<long> takeovers;

    /// <summary>Creates the instruments.</summary>
    public EngineMetrics(IMeterFactory meters, JobQueueDepth queue)
    {
        meter = meters.Create(MeterName);
        jobs = meter.CreateCounter<long>("exsync.jobs.finished", "{job}", "Jobs that finished, by kind, status and error code.");
        items = meter.CreateCounter<long>("exsync.job_items.completed", "{item}", "Job items completed, by job kind, outcome and error code.");
        takeovers = meter.CreateCounter<long>("exsync.leases.taken_over", "{item}", "Job items released from instances presumed gone, to be taken over by others.");
        meter.CreateObservableGauge("exsync.jobs.queue_depth", queue.Observe, "{item}", "Job items not completed yet (pending or leased), as last counted.");
    }

    /// <summary>A job reached a final status.</summary>
    public void JobFinished(JobKind kind, JobStatus status, string? errorCode) => jobs.Add(
        1,
        new KeyValuePair<string, object?>("exsync.job.kind", kind.ToString()),
        new KeyValuePair<string, object?>("exsync.job.status", status.ToString()),
        new KeyValuePair<string, object?>("exsync.error.code", errorCode));

    /// <summary>A batch of items was completed.</summary>
    public void ItemsCompleted(JobKind kind, IEnumerable<JobItemCompletion> completions)
    {
        foreach (var group in completions.GroupBy(c => (c.Outcome, c.ErrorCode)))
        {
            items.Add(
                group.Count(),
                new KeyValuePair<string, object?>("exsync.job.kind", kind.ToString()),
                new KeyValuePair<string, object?>("exsync.job_item.outcome", group.Key.Outcome),
                new KeyValuePair<string, object?>("exsync.error.code", group.Key.ErrorCode));
        }
    }

    /// <summary>Items of a departed instance were released.</summary>
    public void LeasesTakenOver(int count)
    {
        if (count > 0)
        {
            takeovers.Add(count);
        }
    }

    public void Dispose() => meter.Dispose();
}
