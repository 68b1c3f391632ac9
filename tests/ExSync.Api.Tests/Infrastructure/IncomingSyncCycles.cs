using ExSync.Client;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Single incoming synchronization cycles of an in-process application, for tests that look at each cycle's status.</summary>
public static class IncomingSyncCycles
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Runs a cycle of the mailbox now and returns the incoming direction's status once it has completed. Unlike
    /// <see cref="IncomingMail.SyncAndWaitAsync"/>, it works for a mailbox that has never completed a cycle.
    /// </summary>
    /// <param name="app">The application.</param>
    /// <param name="mailboxId">The mailbox.</param>
    /// <param name="clockStep">
    /// Moves the application's clock on by this much every 100 ms while the cycle runs: timeouts are measured on that clock.
    /// </param>
    public static async Task<DirectionSyncStatus> RunCycleAsync(this ExSyncApplication app, Guid mailboxId, TimeSpan? clockStep = null)
    {
        var before = (await app.IncomingStatusAsync(mailboxId))?.LastRunCompletedAt;

        // The application's clock is a test clock: move it, so the cycle's completion time is later than the last one's.
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await app.SyncAsync(mailboxId);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        DirectionSyncStatus? status;
        while ((status = await app.IncomingStatusAsync(mailboxId)) is not { Running: false, LastRunCompletedAt: { } completed } || completed <= before)
        {
            Assert.True(DateTime.UtcNow < deadline, $"No cycle of mailbox {mailboxId} completed within 20 s; last error {status?.LastError?.Code}: {status?.LastError?.Message}");
            await Task.Delay(clockStep is null ? 50 : 100, Ct);
            if (clockStep is { } step)
            {
                app.Time.Advance(step);
            }
        }

        return status;
    }

    /// <summary>The incoming direction's status, or null before the mailbox's first cycle was asked for.</summary>
    public static async Task<DirectionSyncStatus?> IncomingStatusAsync(this ExSyncApplication app, Guid mailboxId) =>
        (await app.Mailboxes().GetMailboxSyncStatusAsync(mailboxId, Ct)).Directions.SingleOrDefault(d => d.Direction == SyncDirection.IncomingEmail);
}
