namespace ExSync.ExchangeSimulator.Tests;

public sealed class FolderTests : SimulatorTest
{
    [Fact]
    public async Task CreatedFolderIsFoundUnderItsParentAndBoundByItsImmutableId()
    {
        var created = await Client.EwsAsync(ChangeTrackingSoap.CreateFolder("inbox", "Projects"), impersonate: TestScenarios.Alice);

        created.AssertSuccess();
        var folderId = created.SingleMessage.FirstId("FolderId");
        var found = await Client.EwsAsync(ChangeTrackingSoap.FindFolder("inbox"), impersonate: TestScenarios.Alice);
        found.AssertSuccess();
        var root = found.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("1", (string?)root.Attribute("TotalItemsInView"));
        Assert.Equal("true", (string?)root.Attribute("IncludesLastItemInRange"));
        var folder = Assert.Single(root.Element(Soap.T + "Folders")!.Elements(Soap.T + "Folder"));
        Assert.Equal(folderId, folder.FirstId("FolderId"));
        Assert.Equal(["FolderId", "DisplayName", "TotalCount", "ChildFolderCount", "UnreadCount"], folder.Elements().Select(element => element.Name.LocalName));
        Assert.Equal("Projects", folder.Element(Soap.T + "DisplayName")!.Value);

        Host.State.AddItem(TestScenarios.Alice, folderId, "filed");
        var bound = await Client.EwsAsync(
            $"<m:GetFolder><m:FolderShape><t:BaseShape>AllProperties</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id=\"{folderId}\"/></m:FolderIds></m:GetFolder>",
            impersonate: TestScenarios.Alice);
        bound.AssertSuccess();
        var boundFolder = bound.SingleMessage.Element(Soap.M + "Folders")!.Element(Soap.T + "Folder")!;
        Assert.Equal(folderId, boundFolder.FirstId("FolderId"));
        Assert.Equal(Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.Inbox), boundFolder.FirstId("ParentFolderId"));
        Assert.Equal("IPF.Note", boundFolder.Element(Soap.T + "FolderClass")!.Value);
        Assert.Equal("1", boundFolder.Element(Soap.T + "TotalCount")!.Value);
    }

    [Fact]
    public async Task ASiblingWithTheSameNameIsErrorFolderExists()
    {
        (await Client.EwsAsync(ChangeTrackingSoap.CreateFolder("inbox", "Projects"), impersonate: TestScenarios.Alice)).AssertSuccess();

        var again = await Client.EwsAsync(ChangeTrackingSoap.CreateFolder("inbox", "PROJECTS"), impersonate: TestScenarios.Alice);
        var elsewhere = await Client.EwsAsync(ChangeTrackingSoap.CreateFolder("drafts", "Projects"), impersonate: TestScenarios.Alice);

        again.AssertItemError("ErrorFolderExists");
        elsewhere.AssertSuccess();
    }

    [Fact]
    public async Task FolderTypesDecideTheElementAndClass()
    {
        var response = await Client.EwsAsync(ChangeTrackingSoap.CreateFolder("msgfolderroot", "Team calendar", "CalendarFolder"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var folder = Assert.Single(response.SingleMessage.Element(Soap.M + "Folders")!.Elements());
        Assert.Equal("CalendarFolder", folder.Name.LocalName);
        Assert.Contains(Host.State.GetFolders(TestScenarios.Alice), info => info.DisplayName == "Team calendar" && info.FolderClass == "IPF.Appointment");

        var withClass = await Client.EwsAsync(
            ChangeTrackingSoap.CreateFolder("msgfolderroot", "Wrong", "CalendarFolder", "<t:FolderClass>IPF.Note</t:FolderClass>"), impersonate: TestScenarios.Alice);
        withClass.AssertItemError("ErrorNoFolderClassOverride");
    }

    [Fact]
    public async Task DeepTraversalListsTheSubtreeDepthFirstAndPages()
    {
        var projects = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Projects");
        Host.State.CreateFolder(TestScenarios.Alice, projects, "Beta");
        Host.State.CreateFolder(TestScenarios.Alice, projects, "Alpha");
        Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Archive");

        var deep = await Client.EwsAsync(ChangeTrackingSoap.FindFolder("inbox", "Deep"), impersonate: TestScenarios.Alice);
        var page = await Client.EwsAsync(
            ChangeTrackingSoap.FindFolder("inbox", "Deep", view: "<m:IndexedPageFolderView MaxEntriesReturned=\"2\" Offset=\"1\" BasePoint=\"Beginning\"/>"),
            impersonate: TestScenarios.Alice);
        var shallow = await Client.EwsAsync(ChangeTrackingSoap.FindFolder("inbox"), impersonate: TestScenarios.Alice);

        deep.AssertSuccess();
        Assert.Equal(["Archive", "Projects", "Alpha", "Beta"], Names(deep));
        page.AssertSuccess();
        Assert.Equal(["Projects", "Alpha"], Names(page));
        var pageRoot = page.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("3", (string?)pageRoot.Attribute("IndexedPagingOffset"));
        Assert.Equal("4", (string?)pageRoot.Attribute("TotalItemsInView"));
        Assert.Equal("false", (string?)pageRoot.Attribute("IncludesLastItemInRange"));
        Assert.Equal(["Archive", "Projects"], Names(shallow));
    }

    [Fact]
    public async Task CreatingUnderAMissingParentIsErrorParentFolderNotFound()
    {
        var gone = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Temporary");
        Assert.True(Host.State.DeleteFolder(TestScenarios.Alice, gone));

        var response = await Client.EwsAsync(ChangeTrackingSoap.CreateFolder(gone, "Child"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorParentFolderNotFound");
    }

    [Fact]
    public async Task DeleteFolderRemovesAUserFolderWithItsItemsButNeverADistinguishedOne()
    {
        var folder = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Old");
        var item = Host.State.AddItem(TestScenarios.Alice, folder, "inside");
        var sync = await Client.EwsAsync(ChangeTrackingSoap.Sync(folder, 10), impersonate: TestScenarios.Alice);
        var state = sync.SingleMessage.Value("SyncState");

        var deleted = await Client.EwsAsync($"<m:DeleteFolder DeleteType=\"HardDelete\"><m:FolderIds><t:FolderId Id=\"{folder}\"/></m:FolderIds></m:DeleteFolder>", impersonate: TestScenarios.Alice);
        var again = await Client.EwsAsync($"<m:DeleteFolder DeleteType=\"HardDelete\"><m:FolderIds><t:FolderId Id=\"{folder}\"/></m:FolderIds></m:DeleteFolder>", impersonate: TestScenarios.Alice);
        var inbox = await Client.EwsAsync("<m:DeleteFolder DeleteType=\"SoftDelete\"><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:DeleteFolder>", impersonate: TestScenarios.Alice);
        var syncAfter = await Client.EwsAsync(ChangeTrackingSoap.Sync(folder, 10, state), impersonate: TestScenarios.Alice);

        deleted.AssertSuccess();
        Assert.Null(Host.State.GetItem(TestScenarios.Alice, item));
        again.AssertItemError("ErrorItemNotFound");
        inbox.AssertItemError("ErrorDeleteDistinguishedFolder");
        syncAfter.AssertItemError("ErrorSyncFolderNotFound");
    }

    [Fact]
    public async Task MoveToDeletedItemsKeepsTheFolderId()
    {
        var folder = Host.State.CreateFolder(TestScenarios.Alice, SimulatedFolder.Inbox, "Done");

        var response = await Client.EwsAsync($"<m:DeleteFolder DeleteType=\"MoveToDeletedItems\"><m:FolderIds><t:FolderId Id=\"{folder}\"/></m:FolderIds></m:DeleteFolder>", impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var moved = Assert.Single(Host.State.GetFolders(TestScenarios.Alice), info => info.Id == folder);
        Assert.Equal(Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.DeletedItems), moved.ParentId);
    }

    [Fact]
    public async Task ScenarioFoldersExistAtStart()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(new SimulatorScenario
        {
            Mailboxes =
            [
                new ScenarioMailbox
                {
                    SmtpAddress = TestScenarios.Alice,
                    Folders = [new ScenarioFolder { Parent = "inbox", DisplayName = "Customers", ItemCount = 2, Folders = [new ScenarioFolder { DisplayName = "Contoso", ItemCount = 1 }] }],
                },
            ],
        }, TestContext.Current.CancellationToken);

        var folders = host.State.GetFolders(TestScenarios.Alice);
        var customers = Assert.Single(folders, folder => folder.DisplayName == "Customers");
        Assert.Equal(host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.Inbox), customers.ParentId);
        Assert.Equal(2, customers.TotalCount);
        Assert.Equal(1, Assert.Single(folders, folder => folder.DisplayName == "Contoso" && folder.ParentId == customers.Id).TotalCount);
    }

    private static List<string> Names(EwsResponse response) =>
        [.. response.SingleMessage.Descendants(Soap.T + "DisplayName").Select(name => name.Value)];
}
