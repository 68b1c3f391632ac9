namespace ExSync.ExchangeSimulator.Tests;

public sealed class SyncFolderItemsTests : SimulatorTest
{
    [Fact]
    public async Task FullSyncPagesThroughEveryItemThenReportsNothingNew()
    {
        string? state = null;
        var created = new List<string>();
        var calls = 0;
        bool includesLast;
        do
        {
            var response = await Client.EwsAsync(Soap.SyncInbox(10, state), impersonate: TestScenarios.Alice);
            response.AssertSuccess();
            var message = response.SingleMessage;
            Assert.Equal(["ResponseCode", "SyncState", "IncludesLastItemInRange", "Changes"], message.Elements().Select(element => element.Name.LocalName));
            state = message.Element(Soap.M + "SyncState")!.Value;
            includesLast = message.Element(Soap.M + "IncludesLastItemInRange")!.Value == "true";
            created.AddRange(message.Element(Soap.M + "Changes")!.Elements(Soap.T + "Create").Select(create => (string)create.Descendants(Soap.T + "ItemId").Single().Attribute("Id")!));
            calls++;
        }
        while (!includesLast);

        Assert.Equal(3, calls);
        Assert.Equal(25, created.Distinct().Count());

        var again = await Client.EwsAsync(Soap.SyncInbox(10, state), impersonate: TestScenarios.Alice);
        Assert.Empty(again.SingleMessage.Element(Soap.M + "Changes")!.Elements());
        Assert.Equal("true", again.SingleMessage.Element(Soap.M + "IncludesLastItemInRange")!.Value);
    }

    [Fact]
    public async Task IncrementalSyncReportsCreateUpdateDeleteAndReadFlagChanges()
    {
        var items = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        var initial = await Client.EwsAsync(Soap.SyncInbox(512), impersonate: TestScenarios.Alice);
        var state = initial.SingleMessage.Element(Soap.M + "SyncState")!.Value;

        var added = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "new");
        Assert.True(Host.State.SetItemSubject(TestScenarios.Alice, items[0].Id, "renamed"));
        Assert.True(Host.State.SetItemRead(TestScenarios.Alice, items[1].Id, !items[1].IsRead));
        Assert.True(Host.State.DeleteItem(TestScenarios.Alice, items[2].Id));
        var transient = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "created and deleted between syncs");
        Assert.True(Host.State.DeleteItem(TestScenarios.Alice, transient));

        var response = await Client.EwsAsync(Soap.SyncInbox(512, state), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var changes = response.SingleMessage.Element(Soap.M + "Changes")!.Elements().ToList();
        string IdOf(System.Xml.Linq.XElement change) => (string)change.Descendants(Soap.T + "ItemId").First().Attribute("Id")!;
        Assert.Equal(4, changes.Count);
        Assert.Contains(changes, change => change.Name == Soap.T + "Create" && IdOf(change) == added);
        Assert.Contains(changes, change => change.Name == Soap.T + "Update" && IdOf(change) == items[0].Id);
        var readFlag = Assert.Single(changes, change => change.Name == Soap.T + "ReadFlagChange");
        Assert.Equal(items[1].Id, IdOf(readFlag));
        Assert.Equal((!items[1].IsRead).ToString().ToLowerInvariant(), readFlag.Element(Soap.T + "IsRead")!.Value);
        Assert.Contains(changes, change => change.Name == Soap.T + "Delete" && IdOf(change) == items[2].Id);
    }

    [Theory]
    [InlineData("garbage!")]
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygp")]
    public async Task CorruptSyncStateIsInvalidSyncStateData(string state)
    {
        var response = await Client.EwsAsync(Soap.SyncInbox(10, state), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorInvalidSyncStateData");
    }

    [Fact]
    public async Task SyncStateOfAnotherFolderIsRejected()
    {
        var inbox = await Client.EwsAsync(Soap.SyncInbox(10), impersonate: TestScenarios.Alice);
        var inboxState = inbox.SingleMessage.Element(Soap.M + "SyncState")!.Value;

        var response = await Client.EwsAsync(Soap.SyncInbox(10, inboxState, folder: "calendar"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorInvalidSyncStateData");
    }

    [Fact]
    public async Task CalendarChangesComeAsCalendarItems()
    {
        var response = await Client.EwsAsync(Soap.SyncInbox(10, folder: "calendar"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Equal(3, response.SingleMessage.Descendants(Soap.T + "CalendarItem").Count());
    }
}
