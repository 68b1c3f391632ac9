using System.Diagnostics;
using System.Net;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class FaultInjectionTests : SimulatorTest
{
    [Fact]
    public async Task ServerBusyFailsTheGivenNumberOfTimesWithBackOff()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = TestScenarios.Alice, Kind = SimulatedFaultKind.ServerBusy, Times = 2, BackOffMilliseconds = 1234 });

        var first = await GetInboxAsync(TestScenarios.Alice);
        var second = await GetInboxAsync(TestScenarios.Alice);
        var third = await GetInboxAsync(TestScenarios.Alice);

        first.AssertFault("ErrorServerBusy");
        Assert.Equal("1234", first.FaultValue("BackOffMilliseconds"));
        second.AssertFault("ErrorServerBusy");
        third.AssertSuccess();
        Assert.Equal(3, Host.Requests.Count("GetFolder", TestScenarios.Alice));
    }

    [Fact]
    public async Task FaultsMatchOperationAndMailbox()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = TestScenarios.Alice, Kind = SimulatedFaultKind.ServerBusy });

        (await GetInboxAsync(TestScenarios.Bob)).AssertSuccess();
        (await Client.EwsAsync(Soap.SyncInbox(10), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await GetInboxAsync(TestScenarios.Alice)).AssertFault("ErrorServerBusy");
        (await GetInboxAsync(TestScenarios.Alice)).AssertFault("ErrorServerBusy");

        Host.State.ClearFaults();
        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();
    }

    [Fact]
    public async Task Http503IsAPlainIisErrorWithRetryAfter()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.Http503, Times = 1, BackOffMilliseconds = 2500 });

        var response = await GetInboxAsync(TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Message.Headers.RetryAfter!.Delta);
        Assert.StartsWith("text/html", response.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DropConnectionAbortsWithoutAResponse()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.DropConnection, Times = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => GetInboxAsync(TestScenarios.Alice));
        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();
    }

    [Theory]
    [InlineData(SimulatedFaultKind.MailboxStoreUnavailable, "ErrorMailboxStoreUnavailable")]
    [InlineData(SimulatedFaultKind.MailboxMoveInProgress, "ErrorMailboxMoveInProgress")]
    [InlineData(SimulatedFaultKind.ExceededConnectionCount, "ErrorExceededConnectionCount")]
    public async Task RequestLevelFaultKindsAreSoapFaults(SimulatedFaultKind kind, string responseCode)
    {
        Host.State.AddFault(new ScenarioFault { Kind = kind, Times = 1 });

        (await GetInboxAsync(TestScenarios.Alice)).AssertFault(responseCode);
    }

    [Fact]
    public async Task CustomSoapFaultUsesTheGivenCode()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.SoapFault, ResponseCode = "ErrorConnectionFailed", Message = "Connection did not succeed.", Times = 1 });

        var response = await GetInboxAsync(TestScenarios.Alice);

        response.AssertFault("ErrorConnectionFailed");
        Assert.Equal("Connection did not succeed.", response.Xml.Descendants("faultstring").Single().Value);
    }

    [Fact]
    public async Task InternalServerErrorIsAPerItemErrorWithTheInnerServerBusy()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.InternalServerError, Times = 1, BackOffMilliseconds = 900 });

        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox", "calendar"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.ResponseMessages.Count);
        var message = response.ResponseMessages[0];
        Assert.Equal("ErrorInternalServerError", message.Element(Soap.M + "ResponseCode")!.Value);
        var values = message.Element(Soap.M + "MessageXml")!.Elements(Soap.T + "Value").ToDictionary(value => (string)value.Attribute("Name")!, value => value.Value);
        Assert.Equal("ErrorServerBusy", values["InnerErrorResponseCode"]);
        Assert.Equal("900", values["BackOffMilliseconds"]);
        Assert.NotNull(response.ServerVersionInfo);
    }

    [Fact]
    public async Task ItemErrorKindAppliesToEveryResponseMessage()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "CreateItem", Kind = SimulatedFaultKind.ItemError, ResponseCode = "ErrorQuotaExceeded", Times = 1 });

        var response = await Client.EwsAsync(Soap.SaveDraft("over quota"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorQuotaExceeded");
        Assert.Equal(0, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Drafts));
    }

    [Fact]
    public async Task UnauthorizedKindRejectsValidCredentials()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.Unauthorized, Times = 1 });

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetInboxAsync(TestScenarios.Alice)).Status);
        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();
    }

    [Fact]
    public async Task HangStallsUntilTheClientGivesUp()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.Hang, Times = 1 });
        using var impatient = new SimulatorClient(Host, configure: handler => handler.ConnectTimeout = TimeSpan.FromSeconds(5));
        impatient.Http.Timeout = TimeSpan.FromMilliseconds(300);

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice));
    }

    [Fact]
    public async Task HangWithADelayAnswersLate()
    {
        Host.State.AddFault(new ScenarioFault { Kind = SimulatedFaultKind.Hang, Times = 1, DelayMilliseconds = 300 });
        var watch = Stopwatch.StartNew();

        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();

        Assert.True(watch.ElapsedMilliseconds >= 280, $"answered after {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task LatencyDelaysEveryRequestAndCanChangeLive()
    {
        Host.State.LatencyMilliseconds = 200;
        var watch = Stopwatch.StartNew();
        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();
        var slow = watch.ElapsedMilliseconds;

        Host.State.LatencyMilliseconds = 0;
        watch.Restart();
        (await GetInboxAsync(TestScenarios.Alice)).AssertSuccess();

        Assert.True(slow >= 190, $"with latency: {slow} ms");
        Assert.True(watch.ElapsedMilliseconds < slow, $"without latency: {watch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ScenarioFaultsApplyFromTheStart()
    {
        var scenario = TestScenarios.Default();
        scenario.Faults.Add(new ScenarioFault { Operation = "*", Mailbox = TestScenarios.Carol, Kind = SimulatedFaultKind.ServerBusy, Times = 1 });
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        (await client.EwsAsync(Soap.SyncInbox(5), impersonate: TestScenarios.Carol)).AssertFault("ErrorServerBusy");
        (await client.EwsAsync(Soap.SyncInbox(5), impersonate: TestScenarios.Carol)).AssertSuccess();
    }

    private Task<EwsResponse> GetInboxAsync(string mailbox) =>
        Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: mailbox);
}
