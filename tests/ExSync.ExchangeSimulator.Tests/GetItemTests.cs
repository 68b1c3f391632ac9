using System.Text;
using System.Xml.Linq;
using MimeKit;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class GetItemTests : SimulatorTest
{
    /// <summary>ItemType then MessageType element order from types.xsd (the elements the simulator can write).</summary>
    private static readonly string[] SchemaOrder =
    [
        "MimeContent", "ItemId", "ParentFolderId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments", "DateTimeReceived",
        "Size", "Categories", "Importance", "InReplyTo", "IsSubmitted", "IsDraft", "IsFromMe", "IsResend", "IsUnmodified",
        "InternetMessageHeaders", "DateTimeSent", "DateTimeCreated", "ReminderIsSet", "ReminderMinutesBeforeStart", "DisplayCc",
        "DisplayTo", "HasAttachments", "ExtendedProperty", "Culture", "EffectiveRights", "LastModifiedName", "LastModifiedTime",
        "IsAssociated", "ConversationId", "UniqueBody", "Preview", "TextBody", "Sender", "ToRecipients", "CcRecipients", "BccRecipients",
        "IsReadReceiptRequested", "IsDeliveryReceiptRequested", "ConversationIndex", "ConversationTopic", "From", "InternetMessageId",
        "IsRead", "IsResponseRequested", "References", "ReplyTo", "ReceivedBy", "ReceivedRepresenting",
    ];

    [Fact]
    public async Task AllPropertiesReturnsTheMessagePromotedFromItsMimeInSchemaOrder()
    {
        var id = Deliver(RichMessage());

        var item = await GetAsync(id, "AllProperties", "<t:IncludeMimeContent>true</t:IncludeMimeContent>" +
            Soap.AdditionalProperties("item:UniqueBody", "item:TextBody", "item:Preview"));

        var names = item.Elements().Select(element => element.Name.LocalName).ToList();
        Assert.Equal(names.OrderBy(name => Array.IndexOf(SchemaOrder, name)), names);
        Assert.DoesNotContain(-1, names.Select(name => Array.IndexOf(SchemaOrder, name)));
        Assert.Equal("Budget review", Value(item, "Subject"));
        Assert.Equal("High", Value(item, "Importance"));
        Assert.Equal("Private", Value(item, "Sensitivity"));
        Assert.Equal("<budget-2@example.org>", Value(item, "InternetMessageId"));
        Assert.Equal("<budget-1@example.org>", Value(item, "InReplyTo"));
        Assert.Equal("<budget-0@example.org> <budget-1@example.org>", Value(item, "References"));
        Assert.Equal("Budget review", Value(item, "ConversationTopic"));
        Assert.Equal("2024-03-01T09:30:00Z", Value(item, "DateTimeSent"));
        Assert.Equal("true", Value(item, "HasAttachments"));
        Assert.Equal("true", Value(item, "IsReadReceiptRequested"));
        Assert.Equal("Alice Anderson", Value(item, "DisplayTo"));
        Assert.Equal("Assistant <assistant@example.org>".Split(' ')[0], item.Element(Soap.T + "Sender")!.Descendants(Soap.T + "Name").Single().Value);
        Assert.Equal("replies@example.org", item.Element(Soap.T + "ReplyTo")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.Equal(TestScenarios.Alice, item.Element(Soap.T + "ReceivedBy")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.Equal("HTML", (string?)item.Element(Soap.T + "Body")!.Attribute("BodyType"));
        Assert.Contains("<b>numbers</b>", Value(item, "Body"), StringComparison.Ordinal);
        Assert.Equal("Here are the numbers.", Value(item, "TextBody"));
        Assert.Equal("Here are the numbers.", Value(item, "Preview"));
        var mime = Encoding.UTF8.GetString(Convert.FromBase64String(Value(item, "MimeContent")));
        Assert.Contains("Subject: Budget review", mime, StringComparison.Ordinal);
        Assert.Equal(int.Parse(Value(item, "Size"), System.Globalization.CultureInfo.InvariantCulture), Encoding.UTF8.GetByteCount(mime));

        var headers = item.Element(Soap.T + "InternetMessageHeaders")!.Elements().ToDictionary(header => (string)header.Attribute("HeaderName")!, header => header.Value);
        Assert.Equal("Outlook 16", headers["X-Mailer"]);

        // Document order: the inline image (multipart/related) comes before the attachments of multipart/mixed.
        var attachments = item.Element(Soap.T + "Attachments")!.Elements().ToList();
        Assert.Equal(["FileAttachment", "FileAttachment", "ItemAttachment"], attachments.Select(attachment => attachment.Name.LocalName));
        Assert.Equal("logo@example.org", Value(attachments[0], "ContentId"));
        Assert.Equal("true", Value(attachments[0], "IsInline"));
        Assert.Equal("report.pdf", Value(attachments[1], "Name"));
        Assert.Equal("application/pdf", Value(attachments[1], "ContentType"));
        Assert.Equal("5", Value(attachments[1], "Size"));
        Assert.Equal("false", Value(attachments[1], "IsInline"));
        Assert.Null(attachments[1].Element(Soap.T + "Content"));
    }

    [Theory]
    [InlineData("Best", "HTML", "<b>numbers</b>")]
    [InlineData("HTML", "HTML", "<b>numbers</b>")]
    [InlineData("Text", "Text", "Here are the numbers.")]
    public async Task BodyTypeChoosesTheStoredBody(string requested, string returnedType, string expected)
    {
        var id = Deliver(RichMessage());

        var body = (await GetAsync(id, "IdOnly", $"<t:BodyType>{requested}</t:BodyType>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;

        Assert.Equal(returnedType, (string?)body.Attribute("BodyType"));
        Assert.Contains(expected, body.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATextOnlyMessageIsConvertedToHtmlAndAnHtmlOnlyOneToText()
    {
        var text = Deliver(Mail.Message("plain", text: "a < b & c\r\nsecond line"));
        var html = Deliver(Mail.Message("rich", text: null, html: "<html><head><style>p{}</style></head><body><p>first&nbsp;para</p><p>second <i>para</i></p><script>x()</script></body></html>"));

        var asHtml = (await GetAsync(text, "IdOnly", "<t:BodyType>HTML</t:BodyType>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;
        var best = (await GetAsync(text, "IdOnly", Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;
        var asText = (await GetAsync(html, "IdOnly", "<t:BodyType>Text</t:BodyType>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;

        Assert.Equal("HTML", (string?)asHtml.Attribute("BodyType"));
        Assert.Contains("<pre>a &lt; b &amp; c\r\nsecond line", asHtml.Value, StringComparison.Ordinal);
        Assert.StartsWith("<html>", asHtml.Value, StringComparison.Ordinal);
        Assert.Equal("Text", (string?)best.Attribute("BodyType"));
        Assert.Equal("first\u00a0para\r\nsecond para", asText.Value);
    }

    [Fact]
    public async Task MaximumBodySizeTruncatesAndSaysSo()
    {
        var id = Deliver(Mail.Message("long", text: new string('z', 5000) + "\u00e9"));
        var euro = Deliver(Mail.Message("euro", text: new string('z', 1023) + "\u20ac"));

        var body = (await GetAsync(id, "IdOnly", "<t:BodyType>Text</t:BodyType><t:MaximumBodySize>2</t:MaximumBodySize>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;
        var whole = (await GetAsync(id, "IdOnly", "<t:BodyType>Text</t:BodyType><t:MaximumBodySize>10</t:MaximumBodySize>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;
        var cut = (await GetAsync(euro, "IdOnly", "<t:BodyType>Text</t:BodyType><t:MaximumBodySize>1</t:MaximumBodySize>" + Soap.AdditionalProperties("item:Body"))).Element(Soap.T + "Body")!;

        // Kilobytes of UTF-8: 2 KB is 2,048 characters of ASCII; a 3-byte character that would cross the limit is left out.
        Assert.Equal(2048, body.Value.Length);
        Assert.Equal("true", (string?)body.Attribute("IsTruncated"));
        Assert.Equal("false", (string?)whole.Attribute("IsTruncated"));
        Assert.Equal(new string('z', 1023), cut.Value);
    }

    [Fact]
    public async Task IdOnlyAndDefaultShapesAndSingleHeadersByIndex()
    {
        var id = Deliver(RichMessage());

        var idOnly = await GetAsync(id, "IdOnly", "");
        var defaults = await GetAsync(id, "Default", "");
        var oneHeader = await GetAsync(id, "IdOnly", "<t:AdditionalProperties><t:IndexedFieldURI FieldURI=\"item:InternetMessageHeader\" FieldIndex=\"x-mailer\"/></t:AdditionalProperties>");

        Assert.Equal(["ItemId"], idOnly.Elements().Select(element => element.Name.LocalName));
        Assert.Equal(
            ["ItemId", "ItemClass", "Subject", "Sensitivity", "Body", "Attachments", "DateTimeReceived", "Size", "DateTimeSent", "DateTimeCreated", "HasAttachments", "IsAssociated", "IsDeliveryReceiptRequested", "From", "IsRead"],
            defaults.Elements().Select(element => element.Name.LocalName));
        var header = Assert.Single(oneHeader.Element(Soap.T + "InternetMessageHeaders")!.Elements());
        Assert.Equal("X-Mailer", (string?)header.Attribute("HeaderName"));
    }

    [Fact]
    public async Task SeveralIdsGetOneAnswerEachWithPerItemErrors()
    {
        var live = Deliver(Mail.Message("live"));
        var deleted = Deliver(Mail.Message("deleted"));
        Assert.True(Host.State.DeleteItem(TestScenarios.Alice, deleted));

        var response = await Client.EwsAsync(Soap.GetItem("IdOnly", "", live, deleted, "bm90IGFuIGlk", live), impersonate: TestScenarios.Alice);

        var messages = response.ResponseMessages;
        Assert.Equal(["Success", "Error", "Error", "Success"], messages.Select(message => (string)message.Attribute("ResponseClass")!));
        Assert.Equal("ErrorItemNotFound", messages[1].Element(Soap.M + "ResponseCode")!.Value);
        Assert.Equal("ErrorInvalidIdMalformed", messages[2].Element(Soap.M + "ResponseCode")!.Value);
        Assert.NotNull(messages[1].Element(Soap.M + "Items"));
    }

    [Fact]
    public async Task APropertyTheSimulatorDoesNotSimulateIsRefusedByName()
    {
        var id = Deliver(Mail.Message("x"));

        var unknown = await Client.EwsAsync(Soap.GetItem("IdOnly", Soap.AdditionalProperties("calendar:Start"), id), impersonate: TestScenarios.Alice);
        var indexed = await Client.EwsAsync(Soap.GetItem("IdOnly", "<t:AdditionalProperties><t:IndexedFieldURI FieldURI=\"contacts:EmailAddress\" FieldIndex=\"EmailAddress1\"/></t:AdditionalProperties>", id), impersonate: TestScenarios.Alice);
        var mistyped = await Client.EwsAsync(Soap.GetItem("IdOnly", "<t:AdditionalProperties><t:ExtendedFieldURI PropertyTag=\"0x0037\" PropertyType=\"Integer\"/></t:AdditionalProperties>", id), impersonate: TestScenarios.Alice);

        unknown.AssertFault("ErrorInvalidPropertyRequest");
        Assert.Equal("calendar:Start", unknown.FaultValue("FieldURI"));
        indexed.AssertFault("ErrorInvalidPropertyRequest");
        mistyped.AssertFault("ErrorInvalidPropertyRequest");
        Assert.Equal("0x0037", mistyped.FaultValue("PropertyTag"));
    }

    [Fact]
    public async Task PropertyTagsAgreeWithTheFirstClassPropertiesTheyDenote()
    {
        var id = Deliver(RichMessage());
        const string Tags =
            "<t:AdditionalProperties><t:FieldURI FieldURI=\"item:Subject\"/><t:FieldURI FieldURI=\"item:Size\"/><t:FieldURI FieldURI=\"message:InternetMessageId\"/>" +
            "<t:ExtendedFieldURI PropertyTag=\"0x0037\" PropertyType=\"String\"/><t:ExtendedFieldURI PropertyTag=\"0x0E08\" PropertyType=\"Integer\"/>" +
            "<t:ExtendedFieldURI PropertyTag=\"0x1035\" PropertyType=\"String\"/><t:ExtendedFieldURI PropertyTag=\"0x1000\" PropertyType=\"String\"/>" +
            "<t:ExtendedFieldURI PropertyTag=\"0x0E07\" PropertyType=\"Integer\"/></t:AdditionalProperties>";

        var item = await GetAsync(id, "IdOnly", Tags);

        var byTag = item.Elements(Soap.T + "ExtendedProperty").ToDictionary(
            property => (string)property.Element(Soap.T + "ExtendedFieldURI")!.Attribute("PropertyTag")!, property => property.Element(Soap.T + "Value")!.Value);
        Assert.Equal(Value(item, "Subject"), byTag["0x0037"]);
        Assert.Equal(Value(item, "Size"), byTag["0x0E08"]);
        Assert.Equal(Value(item, "InternetMessageId"), byTag["0x1035"]);
        Assert.Equal("Here are the numbers.", byTag["0x1000"]);
        Assert.Equal("16", byTag["0x0E07"]);
    }

    [Fact]
    public async Task RepliesShareTheConversationIdByThreadIndexOrInReplyTo()
    {
        var first = Mail.Message("Lunch?");
        first.MessageId = "lunch-1@example.org";
        var reply = Mail.Message("RE: Lunch?");
        reply.InReplyTo = "lunch-1@example.org";
        var outlookReply = Mail.Message("RE: Lunch?");
        outlookReply.Headers.Add("Thread-Index", Convert.ToBase64String(new byte[27]));
        var outlookFirst = Mail.Message("Other");
        outlookFirst.Headers.Add("Thread-Index", Convert.ToBase64String(new byte[22]));
        var unrelated = Mail.Message("Lunch?");

        var ids = new[] { first, reply, outlookReply, outlookFirst, unrelated }.Select(Deliver).ToList();
        var items = new List<XElement>();
        foreach (var id in ids)
        {
            items.Add(await GetAsync(id, "IdOnly", Soap.AdditionalProperties("item:ConversationId", "message:ConversationIndex", "message:ConversationTopic")));
        }

        string Conversation(int index) => (string)items[index].Element(Soap.T + "ConversationId")!.Attribute("Id")!;
        string Index(int index) => Value(items[index], "ConversationIndex");
        Assert.Equal(Conversation(0), Conversation(1));
        Assert.Equal(Index(0), Convert.ToBase64String(Convert.FromBase64String(Index(1)).AsSpan(0, 22)));
        Assert.Equal(27, Convert.FromBase64String(Index(1)).Length);
        Assert.Equal(Conversation(2), Conversation(3));
        Assert.NotEqual(Conversation(0), Conversation(4));
        Assert.Equal("Lunch?", Value(items[1], "ConversationTopic"));
    }

    [Fact]
    public async Task GetAttachmentReturnsFileContentAndAttachedMessages()
    {
        var id = Deliver(RichMessage());
        var attachmentIds = (await GetAsync(id, "IdOnly", Soap.AdditionalProperties("item:Attachments")))
            .Descendants(Soap.T + "AttachmentId").Select(element => (string)element.Attribute("Id")!).ToList();

        var response = await Client.EwsAsync(
            "<m:GetAttachment><m:AttachmentShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:AttachmentShape><m:AttachmentIds>" +
            string.Concat(attachmentIds.Append("bm90IGFuIGlk").Select(attachment => $"<t:AttachmentId Id=\"{attachment}\"/>")) + "</m:AttachmentIds></m:GetAttachment>",
            impersonate: TestScenarios.Alice);

        var messages = response.ResponseMessages;
        Assert.Equal(4, messages.Count);
        var file = messages[1].Element(Soap.M + "Attachments")!.Element(Soap.T + "FileAttachment")!;
        Assert.Equal("%PDF-", Encoding.ASCII.GetString(Convert.FromBase64String(Value(file, "Content"))));
        var attached = messages[2].Element(Soap.M + "Attachments")!.Element(Soap.T + "ItemAttachment")!.Element(Soap.T + "Message")!;
        Assert.Equal("Original request", Value(attached, "Subject"));
        Assert.Equal("Text", (string?)attached.Element(Soap.T + "Body")!.Attribute("BodyType"));
        Assert.Contains("Subject: Original request", Encoding.UTF8.GetString(Convert.FromBase64String(Value(attached, "MimeContent"))), StringComparison.Ordinal);
        Assert.Equal("ErrorInvalidIdMalformed", messages[3].Element(Soap.M + "ResponseCode")!.Value);

        Assert.True(Host.State.DeleteItem(TestScenarios.Alice, id));
        var gone = await Client.EwsAsync($"<m:GetAttachment><m:AttachmentIds><t:AttachmentId Id=\"{attachmentIds[1]}\"/></m:AttachmentIds></m:GetAttachment>", impersonate: TestScenarios.Alice);
        gone.AssertItemError("ErrorInvalidAttachmentId");
    }

    [Fact]
    public async Task ItemsCreatedWithoutMimeStillHaveMimeContentAndProperties()
    {
        var id = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "no mime");

        var item = await GetAsync(id, "AllProperties", "<t:IncludeMimeContent>true</t:IncludeMimeContent>");

        Assert.Contains("Subject: no mime", Encoding.UTF8.GetString(Convert.FromBase64String(Value(item, "MimeContent"))), StringComparison.Ordinal);
        Assert.Equal("false", Value(item, "HasAttachments"));
        Assert.NotNull(item.Element(Soap.T + "ConversationId"));
    }

    internal static MimeMessage RichMessage()
    {
        var attached = Mail.Message("Original request", text: "Please send the numbers.");
        const string Html = "<html><body><p>Here are the <b>numbers</b>.</p><img src=\"cid:logo@example.org\"></body></html>";
        var message = Mail.Message("Budget review");
        message.Sender = MailboxAddress.Parse("Assistant <assistant@example.org>");
        message.ReplyTo.Add(MailboxAddress.Parse("replies@example.org"));
        message.To.Clear();
        message.To.Add(new MailboxAddress("Alice Anderson", TestScenarios.Alice));
        message.MessageId = "budget-2@example.org";
        message.InReplyTo = "budget-1@example.org";
        message.References.Add("budget-0@example.org");
        message.References.Add("budget-1@example.org");
        message.Date = new DateTimeOffset(2024, 3, 1, 9, 30, 0, TimeSpan.Zero);
        message.Importance = MessageImportance.High;
        message.Headers.Add("Sensitivity", "Private");
        message.Headers.Add("Disposition-Notification-To", "paula@example.org");
        message.Headers.Add("X-Mailer", "Outlook 16");
        var builder = new BodyBuilder { TextBody = "Here are the numbers.", HtmlBody = Html };
        builder.Attachments.Add("report.pdf", "%PDF-"u8.ToArray(), new ContentType("application", "pdf"));
        builder.LinkedResources.Add("logo.png", new byte[] { 0x89, 0x50, 0x4E, 0x47 }, new ContentType("image", "png")).ContentId = "logo@example.org";
        builder.Attachments.Add(new MessagePart { Message = attached });
        message.Body = builder.ToMessageBody();
        return message;
    }

    private string Deliver(MimeMessage message) => Host.DeliverMessage(message, [TestScenarios.Alice]).Delivered.Single().ItemId;

    private async Task<XElement> GetAsync(string itemId, string baseShape, string shapeExtras)
    {
        var response = await Client.EwsAsync(Soap.GetItem(baseShape, shapeExtras, itemId), impersonate: TestScenarios.Alice);
        response.AssertSuccess();
        return response.SingleMessage.Element(Soap.M + "Items")!.Elements().Single();
    }

    private static string Value(XElement item, string name) => item.Element(Soap.T + name)?.Value ?? throw new Xunit.Sdk.XunitException($"{name} is missing from {item}");
}
