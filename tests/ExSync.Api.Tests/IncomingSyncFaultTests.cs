using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Exchange failing while a mailbox's backlog is being read (throttling with a back-off, an IIS 503, a request that never answers,
/// throttling reported per item): each is classified in sync-status (and in sync-events when items fail), the sync state does not move
/// past what was not taken in, and once the fault is gone every message is exactly one activity.
/// </summary>
public sealed class IncomingSyncFaultTests
{
    private const string Sender = "sender@elsewhere.example";
    private const int FirstPart = 6;
    private const int SecondPart = 14;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThrottlingMidSyncIsRetryingWithExchangesBackOffAndLosesNothing()
    {
        var (app, simulator, mailbox, delivered) = await MailboxWithAFirstPartTakenInAsync();
        await using var _ = app;
        await using var __ = simulator;
        simulator.State.AddFault(new ScenarioFault { Operation = "GetItem", Mailbox = mailbox.EmailAddress, Kind = SimulatedFaultKind.ServerBusy, BackOffMilliseconds = 45_000 });
        delivered.AddRange(Deliver(simulator, mailbox, "Second part", SecondPart));

        // The clock moves fast: a cycle the delivery's notification started may hold the pause Exchange asked for (45 s on the
        // application's clock), and the cycle asked for here waits it out behind it.
        var status = await app.RunCycleAsync(mailbox.Id, clockStep: TimeSpan.FromSeconds(1));
        Assert.Equal((SyncWorkloadState.Retrying, "ServerBusy", true), (status.State, status.LastError?.Code, status.LastError?.IsTransient));

        // Exchange asked for 45 s (longer than ExSync's own first retry, 30 s): the next attempt is not planned sooner.
        Assert.True(status.NextRunAt >= status.LastRunCompletedAt!.Value.AddSeconds(45), $"Next run {status.NextRunAt:O}, {(status.NextRunAt - status.LastRunCompletedAt)?.TotalSeconds} s after the throttled cycle.");

        await ClearedAndCaughtUpAsync(app, simulator, mailbox, delivered);
    }

    [Fact]
    public async Task AnHttp503MidSyncIsRetryingAsServiceUnavailableAndLosesNothing()
    {
        var (app, simulator, mailbox, delivered) = await MailboxWithAFirstPartTakenInAsync();
        await using var _ = app;
        await using var __ = simulator;
        simulator.State.AddFault(new ScenarioFault { Operation = "GetItem", Mailbox = mailbox.EmailAddress, Kind = SimulatedFaultKind.Http503, BackOffMilliseconds = 0 });
        delivered.AddRange(Deliver(simulator, mailbox, "Second part", SecondPart));

        var status = await app.RunCycleAsync(mailbox.Id);
        Assert.Equal((SyncWorkloadState.Retrying, "ServiceUnavailable"), (status.State, status.LastError?.Code));
        var errorsAfterFirst = status.ConsecutiveErrors;
        status = await app.RunCycleAsync(mailbox.Id);

        // A notification of the delivery may have run one more cycle meanwhile: each failing cycle counts.
        Assert.Equal(SyncWorkloadState.Retrying, status.State);
        Assert.True(status.ConsecutiveErrors > errorsAfterFirst, $"{status.ConsecutiveErrors} errors in a row after {errorsAfterFirst}");

        await ClearedAndCaughtUpAsync(app, simulator, mailbox, delivered);
    }

    [Fact]
    public async Task ARequestThatNeverAnswersTimesOutAsRetryingAndLosesNothing()
    {
        var (app, simulator, mailbox, delivered) = await MailboxWithAFirstPartTakenInAsync(connectionTimeoutSeconds: 1);
        await using var _ = app;
        await using var __ = simulator;
        simulator.State.AddFault(new ScenarioFault { Operation = "SyncFolderItems", Mailbox = mailbox.EmailAddress, Kind = SimulatedFaultKind.Hang });
        delivered.AddRange(Deliver(simulator, mailbox, "Second part", SecondPart));

        var status = await app.RunCycleAsync(mailbox.Id, clockStep: TimeSpan.FromMilliseconds(500));
        Assert.Equal((SyncWorkloadState.Retrying, "Timeout"), (status.State, status.LastError?.Code));

        // Back to the default timeout, so that the test's own clock steps cannot time out a healthy request from here on.
        var profile = Assert.Single((await app.ServerProfiles().ListServerProfilesAsync(cancellationToken: Ct)).Value);
        await app.ServerProfiles().UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { Advanced = new ServerProfileAdvancedOptionsInput { ConnectionTimeoutSeconds = 100 } }, cancellationToken: Ct);
        await ClearedAndCaughtUpAsync(app, simulator, mailbox, delivered);
    }

    [Fact]
    public async Task ThrottlingReportedPerItemFailsTheItemsWithAReasonAndNeverGivesThemUp()
    {
        var (app, simulator, mailbox, delivered) = await MailboxWithAFirstPartTakenInAsync();
        await using var _ = app;
        await using var __ = simulator;
        simulator.State.AddFault(new ScenarioFault { Operation = "GetItem", Mailbox = mailbox.EmailAddress, Kind = SimulatedFaultKind.InternalServerError, BackOffMilliseconds = 1000 });
        delivered.AddRange(Deliver(simulator, mailbox, "Second part", SecondPart));

        // More cycles than an item may fail before it is given up: throttling is Exchange's state, not the message's. Each cycle is
        // either stopped as throttled, or fails its items with a reason.
        for (var cycle = 0; cycle < 6; cycle++)
        {
            // The clock moves while the cycle runs, so the one-second pauses Exchange asks for pass whatever else the machine is doing.
            var status = await app.RunCycleAsync(mailbox.Id, clockStep: TimeSpan.FromMilliseconds(500));
            TestContext.Current.TestOutputHelper?.WriteLine($"Cycle {cycle}: {status.State} {status.LastError?.Code} failed {status.ItemsFailedLastCycle}");
            Assert.True(status.LastError?.Code == "ServerBusy" || status.ItemsFailedLastCycle > 0, $"Cycle {cycle}: {status.State}, {status.LastError?.Code}, {status.ItemsFailedLastCycle} failed.");
        }

        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, pageSize: 1000, cancellationToken: Ct)).Value;
        Assert.DoesNotContain(events, e => e.ReasonCode == "Undeliverable");
        Assert.DoesNotContain(simulator.Inbox(mailbox.EmailAddress), i => i.Categories.Any(c => c.Contains("Undeliverable", StringComparison.OrdinalIgnoreCase)));

        await ClearedAndCaughtUpAsync(app, simulator, mailbox, delivered);
    }

    /// <summary>
    /// A mailbox whose backlog comes in pages of 5 (so a fault lands between pages), with a first part of its mail already taken in.
    /// </summary>
    private static async Task<(ExSyncApplication App, ExchangeSimulatorHost Simulator, Mailbox Mailbox, List<string> Delivered)> MailboxWithAFirstPartTakenInAsync(int? connectionTimeoutSeconds = null)
    {
        var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:MaxItemsPerCycle"] = "5";
        var profile = SimulatedExchange.Profile(simulator);
        if (connectionTimeoutSeconds is { } seconds)
        {
            profile.Advanced = new ServerProfileAdvancedOptionsInput { ConnectionTimeoutSeconds = seconds };
        }

        await app.ServerProfiles().CreateServerProfileAsync(profile, Ct);
        var mailbox = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("faults"), input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages);
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.Succeeded);
        var delivered = Deliver(simulator, mailbox, "First part", FirstPart);
        await app.WaitForEmailsAsync(mailbox.Id, e => e.Count == FirstPart);
        return (app, simulator, mailbox, delivered);
    }

    private static List<string> Deliver(ExchangeSimulatorHost simulator, Mailbox mailbox, string subject, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var message = IncomingMail.Message(Sender, [mailbox.EmailAddress], $"{subject} {i}");
            simulator.DeliverMessage(message);
            ids.Add($"<{message.MessageId}>");
        }

        return ids;
    }

    /// <summary>Removes the fault; then every delivered message is one activity, each item tracked once, and the mailbox healthy.</summary>
    private static async Task ClearedAndCaughtUpAsync(ExSyncApplication app, ExchangeSimulatorHost simulator, Mailbox mailbox, List<string> delivered)
    {
        // Past any back-off Exchange asked for: ExSync's connection policy waits it out on the application's clock.
        simulator.State.ClearFaults();
        app.Time.Advance(TimeSpan.FromMinutes(3));
        var emails = await app.WaitForEmailsAsync(mailbox.Id, e => e.Count >= delivered.Count);
        var status = await app.RunCycleAsync(mailbox.Id);
        emails = (await app.Emails().ListEmailsAsync(mailbox.Id, pageSize: 200, cancellationToken: Ct)).Value;
        Assert.Equal(delivered.Order(StringComparer.Ordinal), emails.Select(e => e.InternetMessageId).Order(StringComparer.Ordinal));

        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, pageSize: 1000, cancellationToken: Ct)).Value;
        var tracked = events.Where(e => e.Outcome == ItemOutcome.Tracked).ToList();
        Assert.Equal(delivered.Count, tracked.Count);
        Assert.Equal(delivered.Count, tracked.Select(e => e.ItemId).Distinct().Count());
        Assert.Equal((SyncWorkloadState.Active, 0), (status.State, status.ConsecutiveErrors));
        Assert.All(simulator.Inbox(mailbox.EmailAddress), item => Assert.Contains("Tracked to CRM", item.Categories));
    }
}
