using System.Diagnostics;
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

    /// <summary>Tag: the kind of job (TestAndEnableMailboxes, TestConnection, …).</summary>
    public const string JobKindTag = "exsync.job.kind";

    /// <summary>Tag: a job's final status (Succeeded, Failed, Canceled).</summary>
    public const string JobStatusTag = "exsync.job.status";

    /// <summary>Tag: an item's outcome (Succeeded, Failed, RetryScheduled, Skipped, Canceled).</summary>
    public const string ItemOutcomeTag = "exsync.job_item.outcome";

    /// <summary>Tag: the error code of a failed job or item (absent on success).</summary>
    public const string ErrorCodeTag = "exsync.error.code";

    /// <summary>Tag: the server profile an item was tested with (absent when it had none).</summary>
    public const string ServerProfileTag = "exsync.server_profile.id";

    private readonly Meter meter;
    private readonly Counter<long> jobs;
    private readonly Counter<long> items;
    private readonly Counter<long> takeovers;

    /// <summary>Creates the instruments.</summary>
    public EngineMetrics(IMeterFactory meters, JobQueueDepth queue)
    {
        meter = meters.Create(MeterName, typeof(EngineMetrics).Assembly.GetName().Version?.ToString());
        jobs = meter.CreateCounter<long>("exsync.jobs.finished", "{job}", "Jobs that finished, by kind, status and error code.");
        items = meter.CreateCounter<long>(
            "exsync.job_items.completed", "{item}", "Job items completed, by job kind, outcome, error code and server profile.");
        takeovers = meter.CreateCounter<long>(
            "exsync.leases.taken_over", "{item}", "Job items released from instances presumed gone (no heartbeat), to be taken over by others.");

        // A gauge, not an up-down counter: every worker counts the same shared queue, so the values of several instances must not be added.
        meter.CreateObservableGauge(
            "exsync.jobs.queue_depth",
            () => queue.Current is { } depth ? [new Measurement<long>(depth)] : Array.Empty<Measurement<long>>(),
            "{item}",
            "Job items not completed yet (pending or leased), as last counted by this instance's job worker.");
    }

    /// <summary>A job reached a final status.</summary>
    public void JobFinished(JobKind kind, JobStatus status, string? errorCode)
    {
        var tags = new TagList { { JobKindTag, kind.ToString() }, { JobStatusTag, status.ToString() } };
        AddIfPresent(ref tags, ErrorCodeTag, errorCode);
        jobs.Add(1, tags);
    }

    /// <summary>A batch of items was completed.</summary>
    public void ItemsCompleted(JobKind kind, IEnumerable<JobItemCompletion> completions)
    {
        foreach (var group in completions.GroupBy(c => (c.Outcome, c.ErrorCode, c.ServerProfileId)))
        {
            var tags = new TagList { { JobKindTag, kind.ToString() }, { ItemOutcomeTag, group.Key.Outcome } };
            AddIfPresent(ref tags, ErrorCodeTag, group.Key.ErrorCode);
            AddIfPresent(ref tags, ServerProfileTag, group.Key.ServerProfileId?.ToString());
            items.Add(group.Count(), tags);
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

    // An absent tag rather than an empty one: exporters differ in how they render a null value.
    private static void AddIfPresent(ref TagList tags, string key, string? value)
    {
        if (value is not null)
        {
            tags.Add(key, value);
        }
    }
}
