using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>SyncFolderItems across folders, moves, updates, expiry and injected faults.</summary>
public sealed class ChangeSyncTests : SimulatorTest
{
    [Fact]
    public async Task SyncStatesLookLikeExchangesAndAreBoundToTheirFolderAndMailbox()
    {
        var projects = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Projects");
        var inbox = await SyncAsync("inbox");
        var state = inbox.SingleMessage.Value("SyncState");

        var onProjects = await SyncAsync(projects, state);
        var onBobsInbox = await Client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 10, state), impersonate: TestScenarios.Bob);
        var tampered = await SyncAsync("inbox", state[..^6] + (state[^6] == 'A' ? "B" : "A") + state[^5..]);

        Assert.StartsWith("H4sI", state, StringComparison.Ordinal);
        onProjects.AssertItemError("ErrorInvalidSyncStateData");
        onBobsInbox.AssertItemError("ErrorInvalidSyncStateData");
        tampered.AssertItemError("ErrorInvalidSyncStateData");
        (await SyncAsync("inbox", state)).AssertSuccess();
    }

    [Fact]
    public async Task InvalidatedStatesAreRejectedAndASyncWithoutStateStartsAfresh()
    {
        var state = (await SyncAsync("inbox")).SingleMessage.Value("SyncState");

        Host.State.InvalidateSyncStates(TestScenarios.Alice, SimulatedFolder.Inbox);
        var rejected = await SyncAsync("inbox", state);
        var fresh = await SyncAsync("inbox", maxChanges: 512);
        var next = await SyncAsync("inbox", fresh.SingleMessage.Value("SyncState"));

        rejected.AssertItemError("ErrorInvalidSyncStateData");
        fresh.AssertSuccess();
        Assert.Equal(25, fresh.SingleMessage.Changes().Count(change => change.Name == Soap.T + "Create"));
        next.AssertSuccess();
        Assert.Empty(next.SingleMessage.Changes());
    }

    [Fact]
    public async Task StatesOlderThanTheRememberedDeletionsExpire()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(WithTombstoneWindow(3), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);
        var items = host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        var before = (await client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512), impersonate: TestScenarios.Alice)).SingleMessage.Value("SyncState");

        for (var index = 0; index < 3; index++)
        {
            host.State.DeleteItem(TestScenarios.Alice, items[index].Id);
        }

        var withinWindow = await client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512, before), impersonate: TestScenarios.Alice);
        host.State.DeleteItem(TestScenarios.Alice, items[3].Id);
        var beyondWindow = await client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512, before), impersonate: TestScenarios.Alice);
        var recent = await client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512, withinWindow.SingleMessage.Value("SyncState")), impersonate: TestScenarios.Alice);

        withinWindow.AssertSuccess();
        Assert.Equal(3, withinWindow.SingleMessage.Changes().Count(change => change.Name == Soap.T + "Delete"));
        beyondWindow.AssertItemError("ErrorInvalidSyncStateData");
        recent.AssertSuccess();
        Assert.Equal(items[3].Id, Assert.Single(recent.SingleMessage.Changes()).FirstId());
    }

    [Fact]
    public async Task AMovedItemIsADeleteInTheSourceAndACreateWithANewIdInTheDestination()
    {
        var projects = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Projects");
        var inboxState = (await SyncAsync("inbox", maxChanges: 512)).SingleMessage.Value("SyncState");
        var projectsState = (await SyncAsync(projects)).SingleMessage.Value("SyncState");
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[5];

        var moved = await Client.EwsAsync(ChangeTrackingSoap.Move(projects, item.Id), impersonate: TestScenarios.Alice);
        var inbox = await SyncAsync("inbox", inboxState);
        var destination = await SyncAsync(projects, projectsState);

        moved.AssertSuccess();
        var newId = moved.SingleMessage.FirstId();
        Assert.NotEqual(item.Id, newId);
        var delete = Assert.Single(inbox.SingleMessage.Changes());
        Assert.Equal(Soap.T + "Delete", delete.Name);
        Assert.Equal(item.Id, delete.FirstId());
        var create = Assert.Single(destination.SingleMessage.Changes());
        Assert.Equal(Soap.T + "Create", create.Name);
        Assert.Equal(newId, create.FirstId());
    }

    [Fact]
    public async Task UpdatesComeAsUpdateAndAReadFlagAloneAsReadFlagChange()
    {
        var items = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        var state = (await SyncAsync("inbox", maxChanges: 512)).SingleMessage.Value("SyncState");

        (await Client.EwsAsync(ChangeTrackingSoap.Update(items[0].Id, items[0].ChangeKey, ChangeTrackingSoap.SetCategories("Tracked to CRM")), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(ChangeTrackingSoap.Update(items[1].Id, items[1].ChangeKey, ChangeTrackingSoap.SetIsRead(!items[1].IsRead)), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(ChangeTrackingSoap.Update(items[2].Id, items[2].ChangeKey, ChangeTrackingSoap.SetIsRead(!items[2].IsRead) + ChangeTrackingSoap.SetLinkId("link-2")), impersonate: TestScenarios.Alice)).AssertSuccess();
        var response = await SyncAsync("inbox", state);

        var changes = response.SingleMessage.Changes();
        Assert.Equal(3, changes.Count);
        Assert.Equal([(Soap.T + "Update", items[0].Id), (Soap.T + "ReadFlagChange", items[1].Id), (Soap.T + "Update", items[2].Id)],
            changes.Select(change => (change.Name, change.FirstId())));
        Assert.Equal((!items[1].IsRead).ToString().ToLowerInvariant(), changes[1].Element(Soap.T + "IsRead")!.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(513)]
    public async Task MaxChangesReturnedOutsideOneTo512IsASchemaFault(int maxChanges)
    {
        var response = await SyncAsync("inbox", maxChanges: maxChanges);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task ShapesAddDefaultPropertiesCategoriesAndExtendedProperties()
    {
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];
        Host.State.SetItemCategories(TestScenarios.Alice, item.Id, "Tracked to CRM", "Blue");
        Host.State.SetItemExtendedProperty(TestScenarios.Alice, item.Id, ChangeTrackingSoap.LinkIdKey, "link-1");
        var additional = "<t:AdditionalProperties><t:FieldURI FieldURI=\"item:Categories\"/>" + ChangeTrackingSoap.LinkIdUri + "</t:AdditionalProperties>";

        var idOnly = await SyncAsync("inbox", maxChanges: 512);
        var withDefault = await Client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512, baseShape: "Default"), impersonate: TestScenarios.Alice);
        var withAdditional = await Client.EwsAsync(ChangeTrackingSoap.Sync("inbox", 512, additionalProperties: additional), impersonate: TestScenarios.Alice);

        Assert.Equal(["ItemId"], ItemOf(idOnly, item.Id).Elements().Select(element => element.Name.LocalName));
        Assert.Contains("Subject", ItemOf(withDefault, item.Id).Elements().Select(element => element.Name.LocalName));
        var message = ItemOf(withAdditional, item.Id);
        Assert.Equal(["ItemId", "Categories", "ExtendedProperty"], message.Elements().Select(element => element.Name.LocalName));
        Assert.Equal(["Tracked to CRM", "Blue"], message.Element(Soap.T + "Categories")!.Elements().Select(category => category.Value));
        Assert.Equal("link-1", message.Element(Soap.T + "ExtendedProperty")!.Element(Soap.T + "Value")!.Value);
    }

    [Fact]
    public async Task ItemsCanVanishBetweenSyncFolderItemsAndTheNextRequest()
    {
        Host.State.DeleteCreatedItemsAfterNextSync(TestScenarios.Alice, SimulatedFolder.Inbox, maxItems: 2);

        var response = await SyncAsync("inbox", maxChanges: 5);
        var reported = response.SingleMessage.Changes().Select(change => change.FirstId()).ToList();
        var next = await SyncAsync("inbox", maxChanges: 5);

        Assert.Equal(5, reported.Count);
        Assert.Null(Host.State.GetItem(TestScenarios.Alice, reported[0]));
        Assert.Null(Host.State.GetItem(TestScenarios.Alice, reported[1]));
        Assert.NotNull(Host.State.GetItem(TestScenarios.Alice, reported[2]));
        (await Client.EwsAsync(ChangeTrackingSoap.Delete(reported[0], "HardDelete"), impersonate: TestScenarios.Alice)).AssertItemError("ErrorItemNotFound");
        Assert.DoesNotContain(next.SingleMessage.Changes(), change => change.FirstId() == reported[0]);
    }

    private Task<EwsResponse> SyncAsync(string folder, string? state = null, int maxChanges = 10) =>
        Client.EwsAsync(ChangeTrackingSoap.Sync(folder, maxChanges, state), impersonate: TestScenarios.Alice);

    private static XElement ItemOf(EwsResponse response, string itemId) =>
        response.SingleMessage.Changes().Single(change => change.FirstId() == itemId).Element(Soap.T + "Message")!;

    private static SimulatorScenario WithTombstoneWindow(int tombstones)
    {
        var scenario = TestScenarios.Default();
        scenario.Server.ChangeTracking.SyncTombstonesPerFolder = tombstones;
        return scenario;
    }
}
