using System.Threading.Channels;

namespace ExSync.Engine;

/// <summary>
/// Wakes a background loop of this process when there is work sooner than its next poll. The database stays the source of truth: a lost
/// wake-up only delays the work until the next poll.
/// </summary>
public abstract class WakeSignal
{
    // One pending wake-up is enough: the loop looks at all the work there is when it wakes.
    private readonly Channel<bool> wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Tells the loop there is work.</summary>
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
}
