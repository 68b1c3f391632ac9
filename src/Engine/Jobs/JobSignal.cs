using System.Collections.Concurrent;

namespace ExSync.Engine.Jobs;

/// <summary>
/// In-process notifications between the API and the job engine. The database stays the source of truth: a lost wake-up only
/// delays a job until the next poll, and cancellation is also found by polling the job row.
/// </summary>
public sealed class JobSignal : WakeSignal
{
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    /// <summary>Registers a job this process is running, so a cancel request stops it at once.</summary>
    public void Running(Guid jobId, CancellationTokenSource cancellation) => running[jobId] = cancellation;

    /// <summary>Forgets a job this process stopped running.</summary>
    public void Stopped(Guid jobId) => running.TryRemove(jobId, out _);

    /// <summary>Cancels a job if this process is running it.</summary>
    public void Cancel(Guid jobId)
    {
        if (running.TryGetValue(jobId, out var cancellation))
        {
            cancellation.Cancel();
        }
    }
}
