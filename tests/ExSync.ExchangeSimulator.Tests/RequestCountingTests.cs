namespace ExSync.ExchangeSimulator.Tests;

public sealed class RequestCountingTests : SimulatorTest
{
    [Fact]
    public async Task CountsPerOperationPerMailboxAndInTotal()
    {
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Bob);
        await Client.EwsAsync(Soap.SyncInbox(5), impersonate: TestScenarios.Alice);
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: "ghost@contoso.local");

        Assert.Equal(4, Host.Requests.Total);
        Assert.Equal(3, Host.Requests.Count("GetFolder"));
        Assert.Equal(1, Host.Requests.Count("SyncFolderItems"));
        Assert.Equal(2, Host.Requests.CountForMailbox(TestScenarios.Alice));
        Assert.Equal(2, Host.Requests.CountForMailbox("ALICE@Contoso.Local"));
        Assert.Equal(1, Host.Requests.Count("GetFolder", TestScenarios.Alice));
        Assert.Equal(1, Host.Requests.CountForMailbox("ghost@contoso.local"));
        Assert.Equal(3, Host.Requests.SnapshotByOperation()["GetFolder"]);
    }

    [Fact]
    public async Task FailedRequestsAreCountedUnderTheirOperation()
    {
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: "Exchange2019", impersonate: TestScenarios.Alice);
        await Client.EwsAsync("<m:GetFolder><m:FolderIds/></m:GetFolder>", impersonate: TestScenarios.Alice);

        Assert.Equal(2, Host.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task ResetStartsFromZero()
    {
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Host.Requests.Reset();

        Assert.Equal(0, Host.Requests.Total);
        Assert.Equal(0, Host.Requests.Count("GetFolder"));
        Assert.Equal(0, Host.Requests.CountForMailbox(TestScenarios.Alice));
        await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);
        Assert.Equal(1, Host.Requests.Count("GetFolder", TestScenarios.Alice));
    }
}

public sealed class ConcurrencyTests : SimulatorTest
{
    [Fact]
    public async Task SixtyFourParallelRequestsAllSucceedAndAreAllCounted()
    {
        var mailboxes = new[] { TestScenarios.Alice, TestScenarios.Bob, TestScenarios.Carol, TestScenarios.Frank };
        var tasks = Enumerable.Range(0, 64).Select(index =>
        {
            var mailbox = mailboxes[index % mailboxes.Length];
            return (index % 3) switch
            {
                0 => Client.EwsAsync(Soap.GetFolder("Default", "", "inbox", "calendar"), impersonate: mailbox),
                1 => Client.EwsAsync(Soap.SaveDraft($"parallel {index}"), impersonate: mailbox),
                _ => Client.EwsAsync(Soap.SyncInbox(50), impersonate: mailbox),
            };
        });

        var responses = await Task.WhenAll(tasks);

        Assert.All(responses, response => response.AssertSuccess());
        Assert.Equal(64, Host.Requests.Total);
        Assert.Equal(21, mailboxes.Sum(mailbox => Host.State.CountItems(mailbox, SimulatedFolder.Drafts)));
    }

    [Fact]
    public async Task ParallelCreatesAndDeletesInOneMailboxKeepItConsistent()
    {
        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(index => Client.EwsAsync(Soap.SaveDraft($"draft {index}"), impersonate: TestScenarios.Alice)));
        var ids = created.Select(response => (string)response.SingleMessage.Descendants(Soap.T + "ItemId").Single().Attribute("Id")!).ToList();

        var deleted = await Task.WhenAll(ids.Select(id => Client.EwsAsync(Soap.HardDelete(id), impersonate: TestScenarios.Alice)));

        Assert.All(deleted, response => response.AssertSuccess());
        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(0, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Drafts));
    }
}
