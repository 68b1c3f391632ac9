using System.Text;
using System.Xml.Linq;
using MimeKit;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>FindItem restrictions and sort orders, CreateItem with MimeContent, ConvertId.</summary>
public sealed class MessageOperationTests : SimulatorTest
{
    internal override SimulatorScenario CreateScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Mailboxes.Single(mailbox => mailbox.SmtpAddress == TestScenarios.Bob).Messages =
        [
            new ScenarioMessage { Subject = "Invoice 7", From = "billing@vendor.example", ReceivedAt = At(1), IsRead = true, Attachments = [new ScenarioAttachment { Name = "invoice.pdf", SizeBytes = 2000 }] },
            new ScenarioMessage { Subject = "Lunch", From = "carol@contoso.local", ReceivedAt = At(2) },
            new ScenarioMessage { Subject = "RE: Invoice 7", From = "billing@vendor.example", ReceivedAt = At(3), InReplyTo = "invoice-7@vendor.example", Headers = { ["Importance"] = "high" } },
            new ScenarioMessage { Subject = "Newsletter", From = "news@list.example", ReceivedAt = At(4), Body = new string('n', 10_000) },
        ];
        return scenario;
    }

    [Theory]
    [InlineData("<t:Contains ContainmentMode=\"Substring\" ContainmentComparison=\"IgnoreCase\"><t:FieldURI FieldURI=\"item:Subject\"/><t:Constant Value=\"invoice\"/></t:Contains>", "RE: Invoice 7,Invoice 7")]
    [InlineData("<t:Contains ContainmentMode=\"Prefixed\" ContainmentComparison=\"Exact\"><t:FieldURI FieldURI=\"item:Subject\"/><t:Constant Value=\"invoice\"/></t:Contains>", "")]
    [InlineData("<t:IsEqualTo><t:FieldURI FieldURI=\"message:IsRead\"/><t:FieldURIOrConstant><t:Constant Value=\"true\"/></t:FieldURIOrConstant></t:IsEqualTo>", "Invoice 7")]
    [InlineData("<t:IsGreaterThan><t:FieldURI FieldURI=\"item:DateTimeReceived\"/><t:FieldURIOrConstant><t:Constant Value=\"2024-05-01T10:02:30Z\"/></t:FieldURIOrConstant></t:IsGreaterThan>", "Newsletter,RE: Invoice 7")]
    [InlineData("<t:And><t:IsEqualTo><t:FieldURI FieldURI=\"item:HasAttachments\"/><t:FieldURIOrConstant><t:Constant Value=\"false\"/></t:FieldURIOrConstant></t:IsEqualTo><t:Not><t:IsEqualTo><t:FieldURI FieldURI=\"message:From\"/><t:FieldURIOrConstant><t:Constant Value=\"BILLING@vendor.example\"/></t:FieldURIOrConstant></t:IsEqualTo></t:Not></t:And>", "Newsletter,Lunch")]
    [InlineData("<t:Or><t:Exists><t:FieldURI FieldURI=\"item:InReplyTo\"/></t:Exists><t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI=\"item:Size\"/><t:FieldURIOrConstant><t:Constant Value=\"10000\"/></t:FieldURIOrConstant></t:IsGreaterThanOrEqualTo></t:Or>", "Newsletter,RE: Invoice 7")]
    [InlineData("<t:IsEqualTo><t:FieldURI FieldURI=\"item:Importance\"/><t:FieldURIOrConstant><t:Constant Value=\"High\"/></t:FieldURIOrConstant></t:IsEqualTo>", "RE: Invoice 7")]
    [InlineData("<t:IsEqualTo><t:ExtendedFieldURI PropertyTag=\"0x0037\" PropertyType=\"String\"/><t:FieldURIOrConstant><t:Constant Value=\"lunch\"/></t:FieldURIOrConstant></t:IsEqualTo>", "Lunch")]
    public async Task RestrictionsFilterTheView(string restriction, string expectedSubjects)
    {
        var (subjects, total) = await FindAsync(restriction, sortOrder: "");

        Assert.Equal(expectedSubjects, string.Join(",", subjects));
        Assert.Equal(subjects.Count, total);
    }

    [Fact]
    public async Task SortOrderOrdersByEveryFieldInTurnAndPagesTheSortedView()
    {
        const string BySenderThenNewest =
            "<t:FieldOrder Order=\"Ascending\"><t:FieldURI FieldURI=\"message:From\"/></t:FieldOrder>" +
            "<t:FieldOrder Order=\"Descending\"><t:FieldURI FieldURI=\"item:DateTimeReceived\"/></t:FieldOrder>";

        var (all, _) = await FindAsync(restriction: null, BySenderThenNewest);
        var (bySubject, _) = await FindAsync(restriction: null, "<t:FieldOrder Order=\"Ascending\"><t:FieldURI FieldURI=\"item:Subject\"/></t:FieldOrder>");
        var (secondPage, total) = await FindAsync(restriction: null, BySenderThenNewest, offset: 2, max: 2);

        Assert.Equal(["RE: Invoice 7", "Invoice 7", "Lunch", "Newsletter"], all);
        Assert.Equal(["Invoice 7", "Lunch", "Newsletter", "RE: Invoice 7"], bySubject);
        Assert.Equal(["Lunch", "Newsletter"], secondPage);
        Assert.Equal(4, total);
    }

    [Theory]
    [InlineData("<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI=\"message:ToRecipients\"/><t:FieldURIOrConstant><t:Constant Value=\"x\"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>", "ErrorUnsupportedPathForQuery", "message:ToRecipients")]
    [InlineData("<m:Restriction><t:Exists><t:FieldURI FieldURI=\"message:IsRead\"/></t:Exists></m:Restriction>", "ErrorInvalidPropertyForExists", "message:IsRead")]
    [InlineData("<m:SortOrder><t:FieldOrder Order=\"Ascending\"><t:FieldURI FieldURI=\"item:Attachments\"/></t:FieldOrder></m:SortOrder>", "ErrorUnsupportedPathForSortGroup", "item:Attachments")]
    [InlineData("<m:SortOrder><t:FieldOrder Order=\"Ascending\"><t:IndexedFieldURI FieldURI=\"item:InternetMessageHeader\" FieldIndex=\"X-A\"/></t:FieldOrder></m:SortOrder>", "ErrorUnsupportedPathForSortGroup", "item:InternetMessageHeader [X-A]")]
    public async Task WhatCannotBeQueriedIsRefusedByName(string query, string responseCode, string path)
    {
        var response = await Client.EwsAsync(
            $"<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>{query}<m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>",
            impersonate: TestScenarios.Bob);

        response.AssertFault(responseCode);
        Assert.Equal(path, response.FaultValue("FieldURI"));
    }

    [Theory]
    [InlineData("item:Body")]
    [InlineData("message:ToRecipients")]
    [InlineData("item:Attachments")]
    public async Task FindItemAndSyncFolderItemsRefuseWhatOnlyGetItemReturns(string fieldUri)
    {
        var find = await Client.EwsAsync(
            $"<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>{Soap.AdditionalProperties(fieldUri)}</m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>",
            impersonate: TestScenarios.Bob);
        var sync = await Client.EwsAsync(
            $"<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>{Soap.AdditionalProperties(fieldUri)}</m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned></m:SyncFolderItems>",
            impersonate: TestScenarios.Bob);

        find.AssertFault("ErrorInvalidPropertyRequest");
        sync.AssertFault("ErrorInvalidPropertyRequest");
        Assert.Equal(fieldUri, find.FaultValue("FieldURI"));
    }

    [Fact]
    public async Task FindItemAllPropertiesReturnsSummariesWithoutBodies()
    {
        var response = await Client.EwsAsync(
            "<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>AllProperties</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>",
            impersonate: TestScenarios.Bob);

        response.AssertSuccess();
        var message = response.SingleMessage.Descendants(Soap.T + "Message").First();
        Assert.NotNull(message.Element(Soap.T + "InternetMessageId"));
        Assert.NotNull(message.Element(Soap.T + "ConversationId"));
        Assert.Null(message.Element(Soap.T + "Body"));
        Assert.Null(message.Element(Soap.T + "ToRecipients"));
        Assert.Null(message.Element(Soap.T + "InternetMessageHeaders"));
    }

    [Fact]
    public async Task CreateItemWithMimeContentSavesTheMimeExactly()
    {
        var mime = MimeBytes(GetItemTests.RichMessage());

        var created = await Client.EwsAsync(CreateWithMime("SaveOnly", mime, folder: "inbox",
            "<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag=\"0x0E07\" PropertyType=\"Integer\"/><t:Value>1</t:Value></t:ExtendedProperty>"), impersonate: TestScenarios.Alice);

        created.AssertSuccess();
        var id = (string)created.SingleMessage.Descendants(Soap.T + "ItemId").Single().Attribute("Id")!;
        var item = await GetAsync(TestScenarios.Alice, id);
        Assert.Equal(Convert.ToBase64String(mime), item.Element(Soap.T + "MimeContent")!.Value);
        Assert.Equal("Budget review", item.Element(Soap.T + "Subject")!.Value);
        Assert.Equal("<budget-2@example.org>", item.Element(Soap.T + "InternetMessageId")!.Value);
        Assert.Equal("true", item.Element(Soap.T + "HasAttachments")!.Value);
        Assert.Equal("false", item.Element(Soap.T + "IsDraft")!.Value);
        Assert.Equal("true", item.Element(Soap.T + "IsRead")!.Value);
    }

    [Fact]
    public async Task CreateItemSendAndSaveCopyWithMimeDeliversOneMessageIdEverywhere()
    {
        var message = Mail.Message("Team update", to: TestScenarios.Bob, from: "Alice Anderson <alice@contoso.local>");
        message.Bcc.Add(MailboxAddress.Parse(TestScenarios.Carol));
        message.MessageId = "team-update@contoso.local";

        var sent = await Client.EwsAsync(CreateWithMime("SendAndSaveCopy", MimeBytes(message), folder: null), impersonate: TestScenarios.Alice);

        sent.AssertSuccess();
        var bob = await GetAsync(TestScenarios.Bob, Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox).Single(item => item.Subject == "Team update").Id);
        var carol = await GetAsync(TestScenarios.Carol, Assert.Single(Host.State.GetItems(TestScenarios.Carol, SimulatedFolder.Inbox)).Id);
        var copy = await GetAsync(TestScenarios.Alice, Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems)).Id);
        foreach (var item in new[] { bob, carol, copy })
        {
            Assert.Equal("<team-update@contoso.local>", item.Element(Soap.T + "InternetMessageId")!.Value);
        }

        // Transport removes the Bcc header; the sender's copy still lists the Bcc recipient, and so does Carol's own copy.
        Assert.DoesNotContain("Bcc:", Encoding.UTF8.GetString(Convert.FromBase64String(bob.Element(Soap.T + "MimeContent")!.Value)), StringComparison.OrdinalIgnoreCase);
        Assert.Null(bob.Element(Soap.T + "BccRecipients"));
        Assert.Equal(TestScenarios.Carol, carol.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.Equal(TestScenarios.Carol, copy.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.Equal("false", copy.Element(Soap.T + "IsDraft")!.Value);
    }

    [Fact]
    public async Task CreateItemRefusesInvalidMimeAndSettingAFirstClassPropertyByTag()
    {
        var invalid = await Client.EwsAsync(CreateWithMime("SaveOnly", "%%%"u8.ToArray(), folder: null, rawBase64: "%%%"), impersonate: TestScenarios.Alice);
        var byTag = await Client.EwsAsync(
            "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:Items><t:Message><t:Subject>x</t:Subject><t:ExtendedProperty><t:ExtendedFieldURI PropertyTag=\"0x0037\" PropertyType=\"String\"/><t:Value>other</t:Value></t:ExtendedProperty></t:Message></m:Items></m:CreateItem>",
            impersonate: TestScenarios.Alice);

        invalid.AssertItemError("ErrorMimeContentInvalidBase64String");
        byTag.AssertFault("ErrorInvalidPropertySet");
        Assert.Equal("item:Subject", byTag.FaultValue("FieldURI"));
    }

    [Fact]
    public async Task UpdateFolderRefusesSettingAFirstClassFolderPropertyByTag()
    {
        var response = await Client.EwsAsync(
            "<m:UpdateFolder><m:FolderChanges><t:FolderChange><t:DistinguishedFolderId Id=\"inbox\"/><t:Updates><t:SetFolderField>" +
            "<t:ExtendedFieldURI PropertyTag=\"0x3001\" PropertyType=\"String\"/><t:Folder><t:ExtendedProperty><t:ExtendedFieldURI PropertyTag=\"0x3001\" PropertyType=\"String\"/>" +
            "<t:Value>Renamed</t:Value></t:ExtendedProperty></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>",
            impersonate: TestScenarios.Bob);

        response.AssertFault("ErrorInvalidPropertySet");
        Assert.Equal("folder:DisplayName", response.FaultValue("FieldURI"));
    }

    [Fact]
    public async Task ConvertIdRoundTripsEveryFormat()
    {
        var itemId = Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox)[0].Id;
        string[] formats = ["EwsLegacyId", "EntryId", "HexEntryId", "StoreId", "OwaId", "EwsId"];
        var current = (Format: "EwsId", Id: itemId);
        foreach (var format in formats)
        {
            var response = await Client.EwsAsync(
                $"<m:ConvertId DestinationFormat=\"{format}\"><m:SourceIds><t:AlternateId Format=\"{current.Format}\" Id=\"{current.Id}\" Mailbox=\"{TestScenarios.Bob}\"/></m:SourceIds></m:ConvertId>",
                impersonate: TestScenarios.Bob);
            response.AssertSuccess();
            var alternate = response.SingleMessage.Element(Soap.M + "AlternateId")!;
            Assert.Equal("t:AlternateIdType", (string?)alternate.Attribute(XName.Get("type", "http://www.w3.org/2001/XMLSchema-instance")));
            Assert.Equal(TestScenarios.Bob, (string?)alternate.Attribute("Mailbox"));
            current = (format, (string)alternate.Attribute("Id")!);
        }

        Assert.Equal(itemId, current.Id);

        // PR_ENTRYID read by tag is the EntryId ConvertId computes.
        var entryId = await Client.EwsAsync($"<m:ConvertId DestinationFormat=\"EntryId\"><m:SourceIds><t:AlternateId Format=\"EwsId\" Id=\"{itemId}\" Mailbox=\"{TestScenarios.Bob}\"/></m:SourceIds></m:ConvertId>", impersonate: TestScenarios.Bob);
        var tagged = await Client.EwsAsync(Soap.GetItem("IdOnly", "<t:AdditionalProperties><t:ExtendedFieldURI PropertyTag=\"0x0FFF\" PropertyType=\"Binary\"/></t:AdditionalProperties>", itemId), impersonate: TestScenarios.Bob);
        Assert.Equal((string)entryId.SingleMessage.Element(Soap.M + "AlternateId")!.Attribute("Id")!, tagged.SingleMessage.Descendants(Soap.T + "Value").Single().Value);

        var malformed = await Client.EwsAsync($"<m:ConvertId DestinationFormat=\"EwsId\"><m:SourceIds><t:AlternateId Format=\"HexEntryId\" Id=\"ZZ\" Mailbox=\"{TestScenarios.Bob}\"/></m:SourceIds></m:ConvertId>", impersonate: TestScenarios.Bob);
        malformed.AssertItemError("ErrorInvalidIdMalformed");
    }

    private static DateTimeOffset At(int minute) => new(2024, 5, 1, 10, minute, 0, TimeSpan.Zero);

    private async Task<(List<string> Subjects, int Total)> FindAsync(string? restriction, string sortOrder, int offset = 0, int max = 50)
    {
        var body = "<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape>" + Soap.AdditionalProperties("item:Subject") + "</m:ItemShape>" +
                   $"<m:IndexedPageItemView MaxEntriesReturned=\"{max}\" Offset=\"{offset}\" BasePoint=\"Beginning\"/>" +
                   (restriction is null ? "" : $"<m:Restriction>{restriction}</m:Restriction>") +
                   (sortOrder.Length == 0 ? "" : $"<m:SortOrder>{sortOrder}</m:SortOrder>") +
                   "<m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>";
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Bob);
        response.AssertSuccess();
        var root = response.SingleMessage.Element(Soap.M + "RootFolder")!;
        return ([.. root.Descendants(Soap.T + "Subject").Select(subject => subject.Value)], int.Parse((string)root.Attribute("TotalItemsInView")!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private async Task<XElement> GetAsync(string mailbox, string id)
    {
        var response = await Client.EwsAsync(Soap.GetItem("AllProperties", "<t:IncludeMimeContent>true</t:IncludeMimeContent>", id), impersonate: mailbox);
        response.AssertSuccess();
        return response.SingleMessage.Element(Soap.M + "Items")!.Elements().Single();
    }

    private static byte[] MimeBytes(MimeMessage message)
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return stream.ToArray();
    }

    private static string CreateWithMime(string disposition, byte[] mime, string? folder, string extended = "", string? rawBase64 = null) =>
        $"<m:CreateItem MessageDisposition=\"{disposition}\">" + (folder is null ? "" : $"<m:SavedItemFolderId><t:DistinguishedFolderId Id=\"{folder}\"/></m:SavedItemFolderId>") +
        $"<m:Items><t:Message><t:MimeContent CharacterSet=\"UTF-8\">{rawBase64 ?? Convert.ToBase64String(mime)}</t:MimeContent>{extended}</t:Message></m:Items></m:CreateItem>";
}
