using ExSync.Domain.Mailboxes;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Sync;

/// <summary>
/// Told when mailboxes start being synchronized in a direction (their workload was just made): for features that act on that moment
/// without a loop of their own, such as demo mode delivering its sample emails.
/// </summary>
public interface ISyncStartObserver
{
    Task MailboxesStartedAsync(IReadOnlyList<Guid> mailboxIds, SyncDirection direction, CancellationToken cancellationToken);
}

/// <summary>Tells every <see cref="ISyncStartObserver"/>; one that fails is logged and never stops synchronization.</summary>
public sealed partial class SyncStarts(IEnumerable<ISyncStartObserver> observers, ILogger<SyncStarts> logger)
{
    public async Task NotifyAsync(IReadOnlyList<Guid> mailboxIds, SyncDirection direction, CancellationToken cancellationToken)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.MailboxesStartedAsync(mailboxIds, direction, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogObserverFailed(logger, ex, observer.GetType().Name, mailboxIds.Count);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Observer} failed on {Count} mailboxes starting synchronization")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer, int count);
}
