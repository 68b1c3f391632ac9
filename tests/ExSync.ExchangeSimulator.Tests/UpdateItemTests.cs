namespace ExSync.ExchangeSimulator.Tests;

public sealed class UpdateItemTests : SimulatorTest
{
    [Fact]
    public async Task CategoriesReadFlagSubjectAndExtendedPropertiesAreSetAndTheChangeKeyChanges()
    {
        var item = FirstInboxItem();
        var updates = ChangeTrackingSoap.SetCategories("Tracked to CRM") + ChangeTrackingSoap.SetIsRead(true) +
                      ChangeTrackingSoap.SetSubject("renamed") + ChangeTrackingSoap.SetLinkId("link-42");

        var response = await UpdateAsync(item.Id, item.ChangeKey, updates);

        response.AssertSuccess();
        var message = response.SingleMessage;
        Assert.Equal(["ResponseCode", "Items", "ConflictResults"], message.Elements().Select(element => element.Name.LocalName));
        Assert.Equal("0", message.Element(Soap.M + "ConflictResults")!.Element(Soap.T + "Count")!.Value);
        var itemId = message.Element(Soap.M + "Items")!.Element(Soap.T + "Message")!.Element(Soap.T + "ItemId")!;
        Assert.Equal(item.Id, (string?)itemId.Attribute("Id"));
        var updated = Host.State.GetItem(TestScenarios.Alice, item.Id)!;
        Assert.Equal(updated.ChangeKey, (string?)itemId.Attribute("ChangeKey"));
        Assert.NotEqual(item.ChangeKey, updated.ChangeKey);
        Assert.Equal(["Tracked to CRM"], updated.Categories);
        Assert.True(updated.IsRead);
        Assert.Equal("renamed", updated.Subject);
        Assert.Equal(["link-42"], updated.ExtendedProperties[ChangeTrackingSoap.LinkIdKey]);
    }

    [Fact]
    public async Task DeleteItemFieldRemovesCategoriesAndExtendedProperties()
    {
        var item = FirstInboxItem();
        Host.State.SetItemCategories(TestScenarios.Alice, item.Id, "Tracked to CRM");
        Host.State.SetItemExtendedProperty(TestScenarios.Alice, item.Id, ChangeTrackingSoap.LinkIdKey, "link-1");
        var current = Host.State.GetItem(TestScenarios.Alice, item.Id)!;

        var response = await UpdateAsync(item.Id, current.ChangeKey,
            "<t:DeleteItemField><t:FieldURI FieldURI=\"item:Categories\"/></t:DeleteItemField><t:DeleteItemField>" + ChangeTrackingSoap.LinkIdUri + "</t:DeleteItemField>");

        response.AssertSuccess();
        var updated = Host.State.GetItem(TestScenarios.Alice, item.Id)!;
        Assert.Empty(updated.Categories);
        Assert.Empty(updated.ExtendedProperties);
    }

    [Theory]
    [InlineData("NeverOverwrite", "ErrorIrresolvableConflict")]
    [InlineData("AutoResolve", null)]
    [InlineData("AlwaysOverwrite", null)]
    public async Task AStaleChangeKeyConflictsOnlyWhereExchangeWould(string conflictResolution, string? expectedError)
    {
        var item = FirstInboxItem();
        Assert.True(Host.State.SetItemSubject(TestScenarios.Alice, item.Id, "changed in Outlook"));

        // Another property changed since the client's version: only NeverOverwrite refuses.
        var response = await UpdateAsync(item.Id, item.ChangeKey, ChangeTrackingSoap.SetCategories("Tracked to CRM"), conflictResolution);

        if (expectedError is null)
        {
            response.AssertSuccess();
            Assert.Equal(["Tracked to CRM"], Host.State.GetItem(TestScenarios.Alice, item.Id)!.Categories);
        }
        else
        {
            response.AssertItemError(expectedError);
            Assert.Empty(Host.State.GetItem(TestScenarios.Alice, item.Id)!.Categories);
        }
    }

    [Theory]
    [InlineData("AutoResolve", "ErrorIrresolvableConflict")]
    [InlineData("AlwaysOverwrite", null)]
    public async Task AStaleChangeKeyOnTheSamePropertyConflictsUnlessOverwriting(string conflictResolution, string? expectedError)
    {
        var item = FirstInboxItem();
        Assert.True(Host.State.SetItemCategories(TestScenarios.Alice, item.Id, "Red"));

        var response = await UpdateAsync(item.Id, item.ChangeKey, ChangeTrackingSoap.SetCategories("Tracked to CRM"), conflictResolution);

        var categories = Host.State.GetItem(TestScenarios.Alice, item.Id)!.Categories;
        if (expectedError is null)
        {
            response.AssertSuccess();
            Assert.Equal(["Tracked to CRM"], categories);
        }
        else
        {
            var error = response.AssertItemError(expectedError);
            Assert.Empty(error.Element(Soap.M + "Items")!.Elements());
            Assert.Equal(["Red"], categories);
        }
    }

    [Fact]
    public async Task TheReturnedChangeKeyIsCurrentForTheNextUpdate()
    {
        var item = FirstInboxItem();
        var first = await UpdateAsync(item.Id, item.ChangeKey, ChangeTrackingSoap.SetCategories("A"), "NeverOverwrite");
        var changeKey = (string)first.SingleMessage.Descendants(Soap.T + "ItemId").Single().Attribute("ChangeKey")!;

        var second = await UpdateAsync(item.Id, changeKey, ChangeTrackingSoap.SetCategories("B"), "NeverOverwrite");
        var stale = await UpdateAsync(item.Id, changeKey, ChangeTrackingSoap.SetCategories("C"), "NeverOverwrite");

        second.AssertSuccess();
        stale.AssertItemError("ErrorIrresolvableConflict");
    }

    [Theory]
    [InlineData(null, "ErrorChangeKeyRequiredForWriteOperations")]
    [InlineData("bm90IGEgY2hhbmdla2V5", "ErrorInvalidChangeKey")]
    public async Task AMissingOrForeignChangeKeyIsRefusedEvenWithAlwaysOverwrite(string? changeKey, string expectedError)
    {
        var item = FirstInboxItem();

        var response = await UpdateAsync(item.Id, changeKey, ChangeTrackingSoap.SetIsRead(true), "AlwaysOverwrite");

        response.AssertItemError(expectedError);
    }

    [Fact]
    public async Task MessagesNeedMessageDispositionAndCalendarItemsTheMeetingMode()
    {
        var item = FirstInboxItem();
        var appointment = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Calendar)[0];

        var message = await Client.EwsAsync(ChangeTrackingSoap.Update(item.Id, item.ChangeKey, ChangeTrackingSoap.SetCategories("x"), disposition: ""), impersonate: TestScenarios.Alice);
        var calendar = await Client.EwsAsync(ChangeTrackingSoap.Update(appointment.Id, appointment.ChangeKey,
            "<t:SetItemField><t:FieldURI FieldURI=\"item:Categories\"/><t:Item><t:Categories><t:String>x</t:String></t:Categories></t:Item></t:SetItemField>"), impersonate: TestScenarios.Alice);
        var send = await Client.EwsAsync(ChangeTrackingSoap.Update(item.Id, item.ChangeKey, ChangeTrackingSoap.SetCategories("x"), disposition: " MessageDisposition=\"SendOnly\""), impersonate: TestScenarios.Alice);

        message.AssertItemError("ErrorMessageDispositionRequired");
        calendar.AssertItemError("ErrorSendMeetingInvitationsOrCancellationsRequired");
        send.AssertFault("ErrorInvalidRequest");
    }

    [Theory]
    [InlineData("<t:AppendToItemField><t:FieldURI FieldURI=\"item:Categories\"/><t:Message><t:Categories><t:String>x</t:String></t:Categories></t:Message></t:AppendToItemField>", "ErrorInvalidPropertyAppend")]
    [InlineData("<t:DeleteItemField><t:FieldURI FieldURI=\"message:IsRead\"/></t:DeleteItemField>", "ErrorInvalidPropertyDelete")]
    [InlineData("<t:SetItemField><t:FieldURI FieldURI=\"item:Categories\"/><t:Message><t:Subject>x</t:Subject></t:Message></t:SetItemField>", "ErrorUpdatePropertyMismatch")]
    [InlineData("<t:SetItemField><t:FieldURI FieldURI=\"item:Subject\"/><t:Message><t:Subject>x</t:Subject><t:IsRead>true</t:IsRead></t:Message></t:SetItemField>", "ErrorIncorrectUpdatePropertyCount")]
    public async Task InvalidChangesArePerItemErrorsAndChangeNothing(string updates, string expectedError)
    {
        var item = FirstInboxItem();

        var response = await UpdateAsync(item.Id, item.ChangeKey, updates);

        response.AssertItemError(expectedError);
        Assert.Equal(item.ChangeKey, Host.State.GetItem(TestScenarios.Alice, item.Id)!.ChangeKey);
    }

    [Theory]
    [InlineData("<t:SetItemField><t:FieldURI FieldURI=\"item:Importance\"/><t:Message><t:Importance>High</t:Importance></t:Message></t:SetItemField>")]
    [InlineData("<t:SetItemField><t:FieldURI FieldURI=\"item:Categories\"/><t:Task><t:Categories><t:String>x</t:String></t:Categories></t:Task></t:SetItemField>")]
    public async Task PropertiesTheSimulatorDoesNotStoreAreRefusedWithAFault(string updates)
    {
        var item = FirstInboxItem();

        var response = await UpdateAsync(item.Id, item.ChangeKey, updates);

        response.AssertFault("ErrorInvalidRequest");
        Assert.Contains("does not simulate", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConflictResolutionIsRequired()
    {
        var item = FirstInboxItem();

        var response = await Client.EwsAsync(
            ChangeTrackingSoap.Update(item.Id, item.ChangeKey, ChangeTrackingSoap.SetIsRead(true)).Replace("ConflictResolution=\"AutoResolve\" ", "", StringComparison.Ordinal),
            impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task EachItemChangeSucceedsOrFailsOnItsOwn()
    {
        var items = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        var body = "<m:UpdateItem ConflictResolution=\"AutoResolve\" MessageDisposition=\"SaveOnly\" SuppressReadReceipts=\"true\"><m:ItemChanges>" +
                   $"<t:ItemChange><t:ItemId Id=\"{items[0].Id}\" ChangeKey=\"{items[0].ChangeKey}\"/><t:Updates>{ChangeTrackingSoap.SetIsRead(true)}</t:Updates></t:ItemChange>" +
                   $"<t:ItemChange><t:ItemId Id=\"{items[1].Id}\"/><t:Updates>{ChangeTrackingSoap.SetIsRead(true)}</t:Updates></t:ItemChange>" +
                   "</m:ItemChanges></m:UpdateItem>";

        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        Assert.Equal(["Success", "Error"], response.ResponseMessages.Select(message => (string?)message.Attribute("ResponseClass")));
        Assert.True(Host.State.GetItem(TestScenarios.Alice, items[0].Id)!.IsRead);
    }

    private SimulatedItemInfo FirstInboxItem() => Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];

    private Task<EwsResponse> UpdateAsync(string itemId, string? changeKey, string updates, string conflictResolution = "AutoResolve") =>
        Client.EwsAsync(ChangeTrackingSoap.Update(itemId, changeKey, updates, conflictResolution), impersonate: TestScenarios.Alice);
}
