using System.Diagnostics;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>
/// A server's connection limit counts the HTTP requests ExSync sends it, whoever sends them: autodiscover, EWS, both directions of a
/// profile with separate outgoing settings. A throttled answer holds every caller to that server.
/// </summary>
public sealed class ConnectionLimitTests : SimulatorTestBase
{
    internal override void Configure(SimulatorScenario scenario)
    {
        scenario.Server.LatencyMilliseconds = 20;
        scenario.Mailboxes.AddRange(Enumerable.Range(1, 12).Select(i => new ScenarioMailbox { SmtpAddress = $"load{i:D2}@contoso.local", DisplayName = $"Load {i}" }));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Connectivity_tests_of_many_mailboxes_at_once_never_exceed_the_limit_in_requests(int limit)
    {
        var connectionLimit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", limit);
        var incoming = Scenarios.Connection(Simulator) with { Limit = connectionLimit };

        // Outgoing with settings of its own (another protocol, so another connection pool), counted under the same limit.
        var outgoing = Scenarios.Connection(Simulator, Scenarios.Ntlm()) with { Limit = connectionLimit };
        Simulator.Requests.Reset();

        var reports = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Client.Tester.TestAsync(
            new MailboxConnectivityRequest
            {
                MailboxSmtpAddress = $"load{i:D2}@contoso.local",
                Directions = MailboxDirections.All,
                Incoming = incoming,
                Outgoing = outgoing,
                OrganizationId = Scenarios.OurOrganization,
            },
            Ct)));

        Assert.All(reports, report => Assert.Equal(DirectionOutcome.Passed, report.Outgoing.Outcome));
        Assert.True(Simulator.Requests.Total >= 36, $"Only {Simulator.Requests.Total} requests.");
        Assert.InRange(Simulator.Requests.PeakConcurrentRequests, 1, limit);
        if (limit > 1)
        {
            Assert.Equal(limit, Simulator.Requests.PeakConcurrentRequests);
        }
    }

    [Fact]
    public async Task A_server_busy_back_off_holds_the_other_callers_to_the_server_too()
    {
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 10);
        var connection = Scenarios.Connection(Simulator) with { Limit = limit };
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = Scenarios.Alice, Kind = SimulatedFaultKind.ServerBusy, Times = 1, BackOffMilliseconds = 1500 });

        var throttled = GetInboxAsync(new Ews.EwsTarget(Simulator.EwsUrl, connection, Scenarios.Alice));
        while (Simulator.Requests.Count("GetFolder", Scenarios.Alice) == 0)
        {
            await Task.Delay(10, Ct);
        }

        // Bob was not throttled himself, but Exchange throttles the account: his request waits out the back-off Alice was given.
        await Task.Delay(100, Ct);
        var bob = Stopwatch.StartNew();
        await GetInboxAsync(new Ews.EwsTarget(Simulator.EwsUrl, connection, Scenarios.Bob));
        Assert.True(bob.Elapsed >= TimeSpan.FromMilliseconds(1000), $"Bob's request went {bob.Elapsed.TotalMilliseconds:F0} ms into a 1,500 ms back-off.");
        await throttled;
    }
}
