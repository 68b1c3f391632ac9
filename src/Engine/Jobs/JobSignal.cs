using System.Collections.Concurrent;
using System.Threading.Channels;

namespace ExSync.Engine.Jobs;

/// <summary>
/// In-process notifications between the API and the job engine. The database stays the source of truth: a lost wake-up only
/// delays a job until the next poll, and cancellation is also found by polling the job row.
/// </summary>
public sealed class JobSignal
{
    // One pending wake-up is enough: the worker looks at every runnable job when it wakes.
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<Guid, CancellationTokenSource> running = new();

    /// <summary>Tells the worker there is new work.</summary>
    public void Wake() => wake.Writer.TryWrite(true);

    /// <summary>Waits for a wake-up, or for <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timer.CancelAfter(timeout);
        try
        {
            await wake.Reader.ReadAsync(timer.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Poll interval elapsed.
        }
    }

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
