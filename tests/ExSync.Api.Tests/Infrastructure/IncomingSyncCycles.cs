using ExSync.Client;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Single incoming synchronization cycles of an in-process application, for tests that look at each cycle's status.</summary>
public static class IncomingSyncCycles
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Runs a cycle of the mailbox now and returns the incoming direction's status once a cycle that started after the request has
    /// completed (the mailbox's first one too).
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="mailboxId">The mailbox.</param>
    /// <param name="clockStep">
    /// Moves the application's clock on by this much every 100 ms while the cycle runs: timeouts are measured on that clock.
    /// </param>
    public static async Task<DirectionSyncStatus> RunCycleAsync(this ExSyncApplication app, Guid mailboxId, TimeSpan? clockStep = null)
    {
        // Generous: on a loaded machine each status request can take a second, and a cycle that waits out a back-off on the application's
        // clock needs that many of them to move the clock past it.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        DirectionSyncStatus? status = null;
        while (DateTime.UtcNow < deadline)
        {
            // The application's clock is a test clock: move it, so that a cycle that starts from now on is told apart by its start time
            // from one already running (which may have read the folder before the caller's mail arrived); and ask again now and then,
            // since a request made at the very instant a cycle started is taken as seen by that cycle.
            app.Time.Advance(TimeSpan.FromSeconds(1));
            var askedAt = app.Time.GetUtcNow();
            await app.SyncAsync(mailboxId);
            var asked = DateTime.UtcNow;
            while (DateTime.UtcNow < deadline && DateTime.UtcNow - asked < TimeSpan.FromSeconds(3))
            {
                status = await app.IncomingStatusAsync(mailboxId);
                if (status is { Running: false, LastRunStartedAt: { } started, LastRunCompletedAt: { } completed } && started >= askedAt && completed >= started)
                {
                    return status;
                }

                await Task.Delay(clockStep is null ? 50 : 100, Ct);
                if (clockStep is { } step)
                {
                    app.Time.Advance(step);
                }
            }
        }

        var problems = app.Logs.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(10);
        throw new Xunit.Sdk.XunitException(
            $"No synchronization cycle of mailbox {mailboxId} completed within 60 s. Status: {status?.State}, running {status?.Running}, started {status?.LastRunStartedAt:O}, " +
            $"completed {status?.LastRunCompletedAt:O}, next {status?.NextRunAt:O}, clock {app.Time.GetUtcNow():O}, error {status?.LastError?.Code}: {status?.LastError?.Message}." +
            $"{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
    }

    /// <summary>The incoming direction's status, or null before the mailbox's first cycle was asked for.</summary>
    public static async Task<DirectionSyncStatus?> IncomingStatusAsync(this ExSyncApplication app, Guid mailboxId) =>
        (await app.Mailboxes().GetMailboxSyncStatusAsync(mailboxId, Ct)).Directions.SingleOrDefault(d => d.Direction == SyncDirection.IncomingEmail);
}
