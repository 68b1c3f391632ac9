using System.Net;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class GetFolderTests : SimulatorTest
{
    [Fact]
    public async Task ReturnsEachFolderAsTheElementTypeThatMatchesIt()
    {
        var response = await Client.EwsAsync(
            Soap.GetFolder("IdOnly", "", "inbox", "sentitems", "drafts", "calendar", "contacts", "tasks", "deleteditems", "root", "msgfolderroot", "junkemail", "outbox"),
            impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Equal("text/xml; charset=utf-8", response.ContentType);
        var elementNames = response.ResponseMessages.Select(message => message.Element(Soap.M + "Folders")!.Elements().Single().Name).ToList();
        Assert.Equal(
            [Soap.T + "Folder", Soap.T + "Folder", Soap.T + "Folder", Soap.T + "CalendarFolder", Soap.T + "ContactsFolder", Soap.T + "TasksFolder",
             Soap.T + "Folder", Soap.T + "Folder", Soap.T + "Folder", Soap.T + "Folder", Soap.T + "Folder"],
            elementNames);
    }

    [Fact]
    public async Task DefaultShapeAddsNameAndCountsInSchemaOrder()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("Default", "", "inbox", "calendar"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var inbox = response.ResponseMessages[0].Descendants(Soap.T + "Folder").Single();
        Assert.Equal(["FolderId", "DisplayName", "TotalCount", "ChildFolderCount", "UnreadCount"], inbox.Elements().Select(element => element.Name.LocalName));
        Assert.Equal("Inbox", inbox.Element(Soap.T + "DisplayName")!.Value);
        Assert.Equal("25", inbox.Element(Soap.T + "TotalCount")!.Value);
        var calendar = response.ResponseMessages[1].Descendants(Soap.T + "CalendarFolder").Single();
        Assert.Equal(["FolderId", "DisplayName", "TotalCount", "ChildFolderCount"], calendar.Elements().Select(element => element.Name.LocalName));
    }

    [Fact]
    public async Task AllPropertiesAddsFolderClassAndParent()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("AllProperties", "", "tasks"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var folder = response.SingleMessage.Descendants(Soap.T + "TasksFolder").Single();
        Assert.Equal(["FolderId", "ParentFolderId", "FolderClass", "DisplayName", "TotalCount", "ChildFolderCount", "UnreadCount"],
            folder.Elements().Select(element => element.Name.LocalName));
        Assert.Equal("IPF.Task", folder.Element(Soap.T + "FolderClass")!.Value);
    }

    [Fact]
    public async Task ServerVersionInfoHeaderCarriesTheBuildAsAttributes()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        var info = response.ServerVersionInfo;
        Assert.NotNull(info);
        Assert.Equal("15", (string?)info.Attribute("MajorVersion"));
        Assert.Equal("2", (string?)info.Attribute("MinorVersion"));
        Assert.Equal("1544", (string?)info.Attribute("MajorBuildNumber"));
        Assert.Equal("4", (string?)info.Attribute("MinorBuildNumber"));
        Assert.Equal("V2017_07_11", (string?)info.Attribute("Version"));
    }

    [Fact]
    public async Task ReturnsSetExtendedPropertiesAndFirstClassPropertiesByTag()
    {
        var additional = "<t:AdditionalProperties>" + Soap.OwnershipMarkerUri +
                         "<t:ExtendedFieldURI PropertyTag=\"0x3001\" PropertyType=\"String\"/><t:ExtendedFieldURI PropertyTag=\"0x1234\" PropertyType=\"String\"/></t:AdditionalProperties>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", additional, "msgfolderroot"), impersonate: TestScenarios.Frank);

        response.AssertSuccess();
        var properties = response.SingleMessage.Descendants(Soap.T + "ExtendedProperty").ToList();
        Assert.Equal(2, properties.Count);
        Assert.Equal("ExSyncOrganizationId", (string?)properties[0].Element(Soap.T + "ExtendedFieldURI")!.Attribute("PropertyName"));
        Assert.Equal(TestScenarios.FrankOwner, properties[0].Element(Soap.T + "Value")!.Value);
        // PR_DISPLAY_NAME is folder:DisplayName; the unset tag 0x1234 is simply absent.
        Assert.Equal("0x3001", (string?)properties[1].Element(Soap.T + "ExtendedFieldURI")!.Attribute("PropertyTag"));
        Assert.Equal("Top of Information Store", properties[1].Element(Soap.T + "Value")!.Value);
    }

    [Fact]
    public async Task AFolderPropertyTheSimulatorDoesNotKnowIsRefusedByName()
    {
        var additional = "<t:AdditionalProperties><t:FieldURI FieldURI=\"folder:NoSuchProperty\"/></t:AdditionalProperties>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", additional, "msgfolderroot"), impersonate: TestScenarios.Frank);

        response.AssertFault("ErrorInvalidPropertyRequest");
        Assert.Equal("folder:NoSuchProperty", response.FaultValue("FieldURI"));
    }

    [Fact]
    public async Task UnsetExtendedPropertyIsAbsentNotAnError()
    {
        var additional = "<t:AdditionalProperties>" + Soap.OwnershipMarkerUri + "</t:AdditionalProperties>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", additional, "msgfolderroot"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Empty(response.SingleMessage.Descendants(Soap.T + "ExtendedProperty"));
    }

    [Fact]
    public async Task FolderIdFromAnEarlierResponseBindsTheSameFolder()
    {
        var first = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "calendar"), impersonate: TestScenarios.Alice);
        var id = (string)first.SingleMessage.Descendants(Soap.T + "FolderId").Single().Attribute("Id")!;

        var second = await Client.EwsAsync(
            $"<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id=\"{id}\"/></m:FolderIds></m:GetFolder>",
            impersonate: TestScenarios.Alice);

        second.AssertSuccess();
        Assert.Equal("Calendar", second.SingleMessage.Descendants(Soap.T + "DisplayName").Single().Value);
    }

    [Fact]
    public async Task MalformedFolderIdIsAPerItemErrorNextToSuccesses()
    {
        var response = await Client.EwsAsync(
            "<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id=\"not-an-id\"/><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder>",
            impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["Error", "Success"], response.ResponseMessages.Select(message => (string?)message.Attribute("ResponseClass")));
        var error = response.ResponseMessages[0];
        Assert.Equal(["MessageText", "ResponseCode", "DescriptiveLinkKey", "Folders"], error.Elements().Select(element => element.Name.LocalName));
        Assert.Equal("ErrorInvalidIdMalformed", error.Element(Soap.M + "ResponseCode")!.Value);
    }

    [Fact]
    public async Task DistinguishedFolderThatIsNotSimulatedIsFolderNotFound()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "journal"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorFolderNotFound");
    }

    [Fact]
    public async Task AddressedMailboxThatDoesNotExistFailsTheRequest()
    {
        var response = await Client.EwsAsync(DelegateInbox("nobody@contoso.local"), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorNonExistentMailbox");
        Assert.Equal("nobody@contoso.local", response.FaultValue("SmtpAddress"));
    }

    [Fact]
    public async Task AddressedMailboxIsReadWhenTheCallerMayAndDeniedPerItemOtherwise()
    {
        var bob = await Client.EwsAsync(DelegateInbox(TestScenarios.Bob), impersonate: TestScenarios.Alice);
        var dave = await Client.EwsAsync(DelegateInbox(TestScenarios.Dave), impersonate: TestScenarios.Alice);

        bob.AssertSuccess();
        dave.AssertItemError("ErrorAccessDenied");
    }

    private static string DelegateInbox(string mailbox) =>
        $"<m:GetFolder><m:FolderShape><t:BaseShape>Default</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"><t:Mailbox><t:EmailAddress>{mailbox}</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>";
}
