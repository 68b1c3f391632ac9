using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Exchange answers "server busy" and ExSync backs off, as for carol in demo mode: the job result shows every attempt and
/// wait, and the log has one line per retry instead of a warning with a stack trace.
/// </summary>
public sealed class ThrottlingTests
{
    private const string Carol = "carol@contoso.local";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AThrottledMailboxIsEnabledAndItsResultShowsEachAttemptAndEachWaitExchangeAskedFor()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario([Carol]), Ct);
        simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = Carol, Kind = SimulatedFaultKind.ServerBusy, Times = 2, BackOffMilliseconds = 600 });
        await using var app = new ExSyncApplication();
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var carol = await app.CreateMailboxAsync(Carol);

        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [carol.Id] }, cancellationToken: Ct);
        await WaitOutBackOffsUntilRequestAsync(app, simulator, count: 3);
        await app.WaitAsync(job);

        var result = await app.ResultOfAsync(job.Id, carol.Id);
        Assert.Equal(JobItemOutcome.Succeeded, result.Outcome);
        var connect = result.Steps.Flatten().Single(s => s.Id == "connect");
        Assert.Equal("Passed", connect.Outcome);
        Assert.True(connect.DurationMilliseconds >= 1200, $"{connect.DurationMilliseconds} ms: the waits belong to the step's time");
        Assert.Equal(
            [("attempt.1", "Failed", "ServerBusy"), ("attempt.2", "Failed", "ServerBusy"), ("attempt.3", "Passed", (string?)null)],
            connect.Children!.Select(c => (c.Id, c.Outcome, c.ErrorCode)));
        Assert.EndsWith("Waited 600 ms, as Exchange asked, before attempt 2.", connect.Children![0].Detail, StringComparison.Ordinal);
        Assert.EndsWith("Waited 600 ms, as Exchange asked, before attempt 3.", connect.Children![1].Detail, StringComparison.Ordinal);
        Assert.NotNull(connect.Children![0].Remediation);

        // What a host prints at its usual levels, and whatever the Exchange client logs at any level: no stack trace, no "(null)".
        var printed = app.Logs.Where(line => !line.StartsWith("Trace ", StringComparison.Ordinal) && !line.StartsWith("Debug ", StringComparison.Ordinal)
            || line.Contains(" ExSync.Exchange.", StringComparison.Ordinal)).ToArray();
        Assert.All(printed, line =>
        {
            Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
            Assert.DoesNotContain("(null)", line, StringComparison.Ordinal);
        });
        Assert.Equal(2, printed.Count(line => line.Contains($"EWS GetFolder for {Carol}: ServerBusy (EWS ErrorServerBusy, HTTP 500); retry ", StringComparison.Ordinal)));
    }

    /// <summary>
    /// The application's clock is fake, and the EWS client waits out each back-off on it: whenever the simulator has seen no new
    /// request for a moment, a wait is pending (or a request in flight, which a later advance does not disturb), so the clock
    /// moves on by the back-off until the simulator has counted <paramref name="count"/> requests.
    /// </summary>
    private static async Task WaitOutBackOffsUntilRequestAsync(ExSyncApplication app, ExchangeSimulatorHost simulator, int count)
    {
        while (simulator.Requests.Count("GetFolder", Carol) is var seen && seen < count)
        {
            await Task.Delay(100, Ct);
            if (seen > 0 && simulator.Requests.Count("GetFolder", Carol) == seen)
            {
                app.Time.Advance(TimeSpan.FromMilliseconds(600));
            }
        }
    }
}
