namespace ExSync.ExchangeSimulator.Tests;

public sealed class ItemOperationTests : SimulatorTest
{
    [Fact]
    public async Task SaveOnlyReturnsTheItemIdAndHardDeleteRemovesIt()
    {
        var created = await Client.EwsAsync(Soap.SaveDraft("probe 1"), impersonate: TestScenarios.Alice);

        created.AssertSuccess();
        var itemId = created.SingleMessage.Element(Soap.M + "Items")!.Element(Soap.T + "Message")!.Element(Soap.T + "ItemId")!;
        Assert.NotNull(itemId.Attribute("ChangeKey"));
        var draft = Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts));
        Assert.Equal("probe 1", draft.Subject);
        Assert.Equal((string)itemId.Attribute("Id")!, draft.Id);

        var deleted = await Client.EwsAsync(Soap.HardDelete(draft.Id), impersonate: TestScenarios.Alice);
        deleted.AssertSuccess();
        Assert.Equal(["ResponseCode"], deleted.SingleMessage.Elements().Select(element => element.Name.LocalName));
        Assert.Equal(0, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Drafts));

        var again = await Client.EwsAsync(Soap.HardDelete(draft.Id), impersonate: TestScenarios.Alice);
        again.AssertItemError("ErrorItemNotFound");
    }

    [Fact]
    public async Task MoveToDeletedItemsMovesTheItem()
    {
        var itemId = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Drafts, "to bin");

        var response = await Client.EwsAsync($"""<m:DeleteItem DeleteType="MoveToDeletedItems"><m:ItemIds><t:ItemId Id="{itemId}"/></m:ItemIds></m:DeleteItem>""", impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Equal("to bin", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.DeletedItems)).Subject);
    }

    [Fact]
    public async Task CalendarItemsNeedSendMeetingCancellations()
    {
        var appointment = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Calendar)[0].Id;

        var response = await Client.EwsAsync(Soap.HardDelete(appointment), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorSendMeetingCancellationsRequired");
    }

    [Fact]
    public async Task MalformedItemIdIsAPerItemError()
    {
        var response = await Client.EwsAsync(Soap.HardDelete("bm90IGFuIGlk"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorInvalidIdMalformed");
    }

    [Fact]
    public async Task SendAndSaveCopyDeliversToSimulatedRecipientsAndKeepsASentCopy()
    {
        var body = """
            <m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message>
              <t:Subject>hello bob</t:Subject><t:Body BodyType="HTML">&lt;p&gt;hi&lt;/p&gt;</t:Body>
              <t:ToRecipients><t:Mailbox><t:EmailAddress>bob@contoso.local</t:EmailAddress></t:Mailbox><t:Mailbox><t:EmailAddress>external@example.org</t:EmailAddress></t:Mailbox></t:ToRecipients>
            </t:Message></m:Items></m:CreateItem>
            """;
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Empty(response.SingleMessage.Element(Soap.M + "Items")!.Elements());
        var delivered = Assert.Single(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Equal("hello bob", delivered.Subject);
        Assert.False(delivered.IsRead);
        Assert.Equal("hello bob", Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems)).Subject);
    }

    [Fact]
    public async Task SendOnlyKeepsNoCopy()
    {
        var body = "<m:CreateItem MessageDisposition=\"SendOnly\"><m:Items><t:Message><t:Subject>once</t:Subject><t:ToRecipients><t:Mailbox><t:EmailAddress>bob@contoso.local</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>";
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Single(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Empty(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems));
    }

    [Fact]
    public async Task MessagesNeedAMessageDisposition()
    {
        var response = await Client.EwsAsync("<m:CreateItem><m:Items><t:Message><t:Subject>x</t:Subject></t:Message></m:Items></m:CreateItem>", impersonate: TestScenarios.Alice);

        var error = response.AssertItemError("ErrorMessageDispositionRequired");
        Assert.NotNull(error.Element(Soap.M + "Items"));
    }

    [Fact]
    public async Task SendingWithoutRecipientsFails()
    {
        var response = await Client.EwsAsync("<m:CreateItem MessageDisposition=\"SendOnly\"><m:Items><t:Message><t:Subject>x</t:Subject></t:Message></m:Items></m:CreateItem>", impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorInvalidRecipients");
    }

    [Fact]
    public async Task FindItemPagesNewestFirstWithPagingAttributes()
    {
        var newest = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "newest");
        var body = """
            <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>
              <m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>
              <m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>
            """;
        var first = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        first.AssertSuccess();
        var root = first.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("10", (string?)root.Attribute("IndexedPagingOffset"));
        Assert.Equal("26", (string?)root.Attribute("TotalItemsInView"));
        Assert.Equal("false", (string?)root.Attribute("IncludesLastItemInRange"));
        var messages = root.Element(Soap.T + "Items")!.Elements(Soap.T + "Message").ToList();
        Assert.Equal(10, messages.Count);
        Assert.Equal(newest, (string?)messages[0].Element(Soap.T + "ItemId")!.Attribute("Id"));
        Assert.Equal("newest", messages[0].Element(Soap.T + "Subject")!.Value);

        var last = await Client.EwsAsync(body.Replace("Offset=\"0\"", "Offset=\"20\"", StringComparison.Ordinal), impersonate: TestScenarios.Alice);
        var lastRoot = last.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("true", (string?)lastRoot.Attribute("IncludesLastItemInRange"));
        Assert.Equal(6, lastRoot.Descendants(Soap.T + "Message").Count());
    }

    [Fact]
    public async Task FindItemOnAnEmptyFolderReturnsEmptyItems()
    {
        var response = await Client.EwsAsync("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned=\"1\" Offset=\"0\" BasePoint=\"Beginning\"/><m:ParentFolderIds><t:DistinguishedFolderId Id=\"drafts\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        var root = response.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("0", (string?)root.Attribute("TotalItemsInView"));
        Assert.Equal("true", (string?)root.Attribute("IncludesLastItemInRange"));
        Assert.Empty(root.Element(Soap.T + "Items")!.Elements());
    }

    [Fact]
    public async Task FindItemNeedsTraversal()
    {
        var response = await Client.EwsAsync("<m:FindItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task FindItemRefusesARestrictionItCannotEvaluateRatherThanIgnoringIt()
    {
        var response = await Client.EwsAsync("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:Restriction><t:Exists><t:FieldURI FieldURI=\"message:ToRecipients\"/></t:Exists></m:Restriction><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorUnsupportedPathForQuery");
        Assert.Equal("message:ToRecipients", response.FaultValue("FieldURI"));
    }
}
