using static ExSync.ExchangeSimulator.Tests.SendingTests;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// The faults "Exchange did it, the client never heard": the operation runs in full, then the answer is withheld.
/// This is what a sender must survive without sending twice.
/// </summary>
public sealed class ProcessedButUnansweredTests : SimulatorTest
{
    [Fact]
    public async Task DropAfterProcessingSendsAndSavesTheMessageThenAbortsTheConnection()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "CreateItem", Mailbox = TestScenarios.Alice, Kind = SimulatedFaultKind.DropAfterProcessing, Times = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.EwsAsync(Send("SendAndSaveCopy", "unknown outcome", To(TestScenarios.Bob, "buyer@customer.example")), impersonate: TestScenarios.Alice));

        Assert.Equal("unknown outcome", Assert.Single(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox)).Subject);
        Assert.Equal("unknown outcome", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems)).Subject);
        Assert.Equal(1, Host.Outbox.CountExternal(Assert.Single(Host.Outbox.External).MessageId));
        Assert.Equal(1, Host.Requests.Count("CreateItem", TestScenarios.Alice));

        // Only once: the next request is answered.
        (await Client.EwsAsync(Send("SendOnly", "answered", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
    }

    [Fact]
    public async Task DropAfterProcessingWorksForAnyOperation()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "*", Kind = SimulatedFaultKind.DropAfterProcessing, Times = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.EwsAsync(Soap.SaveDraft("saved in the dark"), impersonate: TestScenarios.Alice));

        Assert.Equal("saved in the dark", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts)).Subject);
    }

    [Fact]
    public async Task HangAfterProcessingHoldsTheAnswerUntilTheClientGivesUp()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "CreateItem", Kind = SimulatedFaultKind.HangAfterProcessing, Times = 1 });
        using var impatient = new SimulatorClient(Host);
        impatient.Http.Timeout = TimeSpan.FromMilliseconds(500);

        await Assert.ThrowsAsync<TaskCanceledException>(() => impatient.EwsAsync(Send("SendAndSaveCopy", "timed out", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice));

        Assert.Single(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems));
        Assert.Single(Host.Outbox.Sent);
    }

    [Fact]
    public async Task HangAfterProcessingWithADelayAnswersLateWithTheRealOutcome()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "CreateItem", Kind = SimulatedFaultKind.HangAfterProcessing, Times = 1, DelayMilliseconds = 300 });
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var created = await Client.EwsAsync(Soap.SaveDraft("late"), impersonate: TestScenarios.Alice);

        created.AssertSuccess();
        Assert.True(watch.ElapsedMilliseconds >= 280, $"answered after {watch.ElapsedMilliseconds} ms");
        Assert.Equal(Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts)).Id,
            (string?)created.SingleMessage.Descendants(Soap.T + "ItemId").Single().Attribute("Id"));
    }

    [Fact]
    public async Task AutodiscoverTreatsTheAfterProcessingKindsLikeTheirPlainOnes()
    {
        Host.State.AddFault(new ScenarioFault { Operation = "Autodiscover", Kind = SimulatedFaultKind.DropAfterProcessing, Times = 1 });
        var request = $"""<?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>{TestScenarios.Alice}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>""";

        await Assert.ThrowsAsync<HttpRequestException>(() => Client.PostAsync(request, "autodiscover/autodiscover.xml"));
    }
}
