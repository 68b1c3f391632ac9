namespace ExSync.ExchangeSimulator.Tests;

public sealed class MoveAndDeleteTests : SimulatorTest
{
    [Fact]
    public async Task MoveItemGivesTheItemANewIdAndTheOldIdIsGone()
    {
        var projects = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Projects");
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];
        Host.State.SetItemExtendedProperty(TestScenarios.Alice, item.Id, ChangeTrackingSoap.LinkIdKey, "link-7");

        var response = await Client.EwsAsync(ChangeTrackingSoap.Move(projects, item.Id, returnNewItemIds: "<m:ReturnNewItemIds>true</m:ReturnNewItemIds>"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var newId = response.SingleMessage.FirstId();
        var moved = Host.State.GetItem(TestScenarios.Alice, newId)!;
        Assert.NotEqual(item.Id, newId);
        Assert.NotEqual(item.ChangeKey, moved.ChangeKey);
        Assert.Equal(projects, moved.FolderId);
        Assert.Null(moved.Folder);
        Assert.Equal(["link-7"], moved.ExtendedProperties[ChangeTrackingSoap.LinkIdKey]);
        Assert.Null(Host.State.GetItem(TestScenarios.Alice, item.Id));
        (await Client.EwsAsync(ChangeTrackingSoap.Delete(item.Id, "HardDelete"), impersonate: TestScenarios.Alice)).AssertItemError("ErrorItemNotFound");
    }

    [Fact]
    public async Task ReturnNewItemIdsFalseAnswersWithoutIds()
    {
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];

        var response = await Client.EwsAsync(ChangeTrackingSoap.Move("junkemail", item.Id, returnNewItemIds: "<m:ReturnNewItemIds>false</m:ReturnNewItemIds>"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Empty(response.SingleMessage.Element(Soap.M + "Items")!.Elements());
        Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.JunkEmail));
    }

    [Fact]
    public async Task CopyItemKeepsTheOriginal()
    {
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];

        var response = await Client.EwsAsync(ChangeTrackingSoap.Move("drafts", item.Id, "CopyItem"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.NotNull(Host.State.GetItem(TestScenarios.Alice, item.Id));
        var copy = Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts));
        Assert.Equal(response.SingleMessage.FirstId(), copy.Id);
        Assert.Equal(item.Subject, copy.Subject);
    }

    [Fact]
    public async Task AMissingDestinationIsErrorToFolderNotFound()
    {
        var gone = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Gone");
        Host.State.DeleteFolder(TestScenarios.Alice, gone);
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];

        var response = await Client.EwsAsync(ChangeTrackingSoap.Move(gone, item.Id), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorToFolderNotFound");
        Assert.NotNull(Host.State.GetItem(TestScenarios.Alice, item.Id));
    }

    [Fact]
    public async Task SoftDeleteMovesTheItemToTheDumpsterWhereFindItemSeesIt()
    {
        var item = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];

        var deleted = await Client.EwsAsync(ChangeTrackingSoap.Delete(item.Id, "SoftDelete"), impersonate: TestScenarios.Alice);
        var dumpster = await Client.EwsAsync(
            "<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"recoverableitemsdeletions\"/></m:ParentFolderIds></m:FindItem>",
            impersonate: TestScenarios.Alice);

        deleted.AssertSuccess();
        Assert.Equal(24, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Inbox));
        dumpster.AssertSuccess();
        Assert.Equal(item.Subject, dumpster.SingleMessage.Descendants(Soap.T + "Subject").Single().Value);
        Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.RecoverableItemsDeletions));
    }

    [Fact]
    public async Task MoveToDeletedItemsFromDeletedItemsGoesToTheDumpster()
    {
        var item = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.DeletedItems, "twice deleted");

        var response = await Client.EwsAsync(ChangeTrackingSoap.Delete(item, "MoveToDeletedItems"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Empty(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.DeletedItems));
        Assert.Equal("twice deleted", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.RecoverableItemsDeletions)).Subject);
    }

    [Fact]
    public async Task TasksNeedAffectedTaskOccurrences()
    {
        var task = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Tasks)[0].Id;

        var refused = await Client.EwsAsync(ChangeTrackingSoap.Delete(task, "MoveToDeletedItems"), impersonate: TestScenarios.Alice);
        var accepted = await Client.EwsAsync(
            $"<m:DeleteItem DeleteType=\"MoveToDeletedItems\" AffectedTaskOccurrences=\"AllOccurrences\"><m:ItemIds><t:ItemId Id=\"{task}\"/></m:ItemIds></m:DeleteItem>", impersonate: TestScenarios.Alice);

        refused.AssertItemError("ErrorAffectedTaskOccurrencesRequired");
        accepted.AssertSuccess();
        Assert.Equal("IPM.Task", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.DeletedItems)).ItemClass);
    }
}
