using System.Text;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// CreateItem sending as an Exchange sender sees it: the outbox of what left the organisation, Message-IDs kept end to
/// end, recipients next to MimeContent, the link property on the Sent Items copy, and transport's refusals (quota,
/// rate limits, Send As, invalid recipients).
/// </summary>
public sealed class SendingTests : SimulatorTest
{
    private const string LinkPropertySet = "c11ff724-aa03-4555-9952-8fa248a11c3e";

    [Fact]
    public async Task MailToAddressesNoMailboxHasLandsInTheOutboxOncePerMessageId()
    {
        var response = await Client.EwsAsync(Send("SendAndSaveCopy", "quote",
            recipients: To(TestScenarios.Bob, "buyer@customer.example") + Cc("ops@customer.example")), impersonate: TestScenarios.Alice);
        var internalOnly = await Client.EwsAsync(Send("SendOnly", "internal", recipients: To(TestScenarios.Bob)), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        internalOnly.AssertSuccess();
        var external = Assert.Single(Host.Outbox.External);
        Assert.Equal("quote", external.Subject);
        Assert.Equal(TestScenarios.Alice, external.Sender);
        Assert.Equal(TestScenarios.Alice, external.From);
        Assert.Equal([TestScenarios.Bob, "buyer@customer.example", "ops@customer.example"], external.Recipients);
        Assert.Equal(["buyer@customer.example", "ops@customer.example"], external.ExternalRecipients);
        var mime = Encoding.UTF8.GetString(external.Mime.Span);
        Assert.Contains($"Message-Id: {external.MessageId}", mime, StringComparison.OrdinalIgnoreCase);

        // The Message-ID the outbox reports is the one Bob's and the Sent Items copies carry.
        Assert.Equal(external.MessageId, await InternetMessageIdAsync(TestScenarios.Bob, Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox).Single(item => item.Subject == "quote").Id));
        Assert.Equal(1, Host.Outbox.CountSent(external.MessageId));
        Assert.Equal(1, Host.Outbox.CountExternal(external.MessageId.Trim('<', '>')));
        Assert.Equal(2, Host.Outbox.Sent.Count);
        Assert.Equal(0, Host.Outbox.CountExternal(Host.Outbox.Sent.Single(message => message.Subject == "internal").MessageId));

        Assert.Equal(2, Host.Outbox.TakeAll().Count);
        Assert.Empty(Host.Outbox.Sent);
        Assert.Equal(0, Host.Outbox.CountSent(external.MessageId));
    }

    [Fact]
    public async Task MimeContentKeepsItsMessageIdAndThreadHeadersAndBccStaysBlind()
    {
        var message = Mail.Message("RE: Offer", to: TestScenarios.Bob, from: "Alice Anderson <alice@contoso.local>");
        message.MessageId = "reply-1@contoso.local";
        message.InReplyTo = "offer-1@customer.example";
        message.References.Add("offer-1@customer.example");

        // Bcc given next to the MIME adds blind recipients; To and Cc come from the MIME's headers.
        var response = await Client.EwsAsync(SendMime("SendAndSaveCopy", message, Bcc(TestScenarios.Carol, "auditor@customer.example")), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var bob = await GetAsync(TestScenarios.Bob, Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox).Single(item => item.Subject == "RE: Offer").Id);
        var carol = await GetAsync(TestScenarios.Carol, Assert.Single(Host.State.GetItems(TestScenarios.Carol, SimulatedFolder.Inbox)).Id);
        var copy = await GetAsync(TestScenarios.Alice, Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems)).Id);
        foreach (var item in new[] { bob, carol, copy })
        {
            Assert.Equal("<reply-1@contoso.local>", item.Element(Soap.T + "InternetMessageId")!.Value);
            Assert.Equal("<offer-1@customer.example>", item.Element(Soap.T + "InReplyTo")!.Value);
            Assert.Equal("<offer-1@customer.example>", item.Element(Soap.T + "References")!.Value);
        }

        Assert.Null(bob.Element(Soap.T + "BccRecipients"));
        Assert.DoesNotContain("auditor", Encoding.UTF8.GetString(Convert.FromBase64String(bob.Element(Soap.T + "MimeContent")!.Value)), StringComparison.OrdinalIgnoreCase);
        Assert.Equal([TestScenarios.Carol], carol.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Select(address => address.Value));
        Assert.Equal([TestScenarios.Carol, "auditor@customer.example"], copy.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Select(address => address.Value));
        var sent = Assert.Single(Host.Outbox.Sent);
        Assert.Equal("<reply-1@contoso.local>", sent.MessageId);
        Assert.Equal(["auditor@customer.example"], sent.ExternalRecipients);
        Assert.Equal(1, Host.Outbox.CountSent("reply-1@contoso.local"));
    }

    [Fact]
    public async Task ToAndCcElementsNextToMimeContentReplaceTheHeadersRecipients()
    {
        var message = Mail.Message("Revised", to: "old@customer.example", from: "alice@contoso.local");
        message.MessageId = "revised-1@contoso.local";

        var response = await Client.EwsAsync(SendMime("SendOnly", message, To(TestScenarios.Bob) + Cc(TestScenarios.Carol)), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var sent = Assert.Single(Host.Outbox.Sent);
        Assert.Equal([TestScenarios.Bob, TestScenarios.Carol], sent.Recipients);
        Assert.Empty(sent.ExternalRecipients);
        var bob = await GetAsync(TestScenarios.Bob, Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox).Single(item => item.Subject == "Revised").Id);
        Assert.Equal([TestScenarios.Bob], bob.Element(Soap.T + "ToRecipients")!.Descendants(Soap.T + "EmailAddress").Select(address => address.Value));
        Assert.Equal([TestScenarios.Carol], bob.Element(Soap.T + "CcRecipients")!.Descendants(Soap.T + "EmailAddress").Select(address => address.Value));
        Assert.Equal("<revised-1@contoso.local>", bob.Element(Soap.T + "InternetMessageId")!.Value);
        Assert.Single(Host.State.GetItems(TestScenarios.Carol, SimulatedFolder.Inbox));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task FindItemInSentItemsFindsTheCopyByTheNamedPropertyTheSenderStamped(bool withMime)
    {
        var link = Guid.NewGuid().ToString();
        var stamp = $"<t:ExtendedProperty><t:ExtendedFieldURI PropertySetId=\"{LinkPropertySet}\" PropertyName=\"ExSyncLinkId\" PropertyType=\"String\"/><t:Value>{link}</t:Value></t:ExtendedProperty>";
        var other = stamp.Replace(link, "another-email", StringComparison.Ordinal);
        var message = Mail.Message("linked", to: "buyer@customer.example", from: "alice@contoso.local");
        string Request(string extended) => withMime
            ? SendMime("SendAndSaveCopy", message, "", extended)
            : Send("SendAndSaveCopy", "linked", To("buyer@customer.example"), extended);

        (await Client.EwsAsync(Request(other), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Request(stamp), impersonate: TestScenarios.Alice)).AssertSuccess();
        var find = $"""
            <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>
              <t:ExtendedFieldURI PropertySetId="{LinkPropertySet}" PropertyName="ExSyncLinkId" PropertyType="String"/></t:AdditionalProperties></m:ItemShape>
              <m:IndexedPageItemView MaxEntriesReturned="10" Offset="0" BasePoint="Beginning"/>
              <m:Restriction><t:IsEqualTo><t:ExtendedFieldURI PropertySetId="{LinkPropertySet}" PropertyName="ExSyncLinkId" PropertyType="String"/>
                <t:FieldURIOrConstant><t:Constant Value="{link}"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>
              <m:ParentFolderIds><t:DistinguishedFolderId Id="sentitems"/></m:ParentFolderIds></m:FindItem>
            """;

        var found = await Client.EwsAsync(find, impersonate: TestScenarios.Alice);

        found.AssertSuccess();
        var item = Assert.Single(found.SingleMessage.Descendants(Soap.T + "Message"));
        Assert.Equal(link, item.Descendants(Soap.T + "Value").Single().Value);
        Assert.Equal(2, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.SentItems));
        var missing = await Client.EwsAsync(find.Replace(link, Guid.NewGuid().ToString(), StringComparison.Ordinal), impersonate: TestScenarios.Alice);
        Assert.Empty(missing.SingleMessage.Descendants(Soap.T + "Message"));
    }

    [Fact]
    public async Task AFullMailboxCannotSendAndStopsTheRestOfTheBatch()
    {
        Host.State.SetSendLimits(TestScenarios.Alice, new ScenarioSendLimits { ProhibitSendQuotaBytes = 1024 });
        var message = "<t:Message><t:Subject>full</t:Subject>" + To(TestScenarios.Bob) + "</t:Message>";

        var response = await Client.EwsAsync($"<m:CreateItem MessageDisposition=\"SendAndSaveCopy\"><m:Items>{message}{message}</m:Items></m:CreateItem>", impersonate: TestScenarios.Alice);

        Assert.Equal(["ErrorQuotaExceeded", "ErrorBatchProcessingStopped"], response.ResponseMessages.Select(element => element.Element(Soap.M + "ResponseCode")!.Value));
        Assert.Empty(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Empty(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems));
        Assert.Empty(Host.Outbox.Sent);

        // Bob's mailbox is almost empty, so the same quota does not stop him.
        Host.State.SetSendLimits(TestScenarios.Bob, new ScenarioSendLimits { ProhibitSendQuotaBytes = 1024 * 1024 });
        (await Client.EwsAsync(Send("SendOnly", "room", To(TestScenarios.Carol)), impersonate: TestScenarios.Bob)).AssertSuccess();
    }

    [Fact]
    public async Task TheMessageRateLimitRefusesTheMessageOverItUntilTheMinuteHasPassed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ExchangeSimulatorHost.StartAsync(WithSending(TestScenarios.Alice, new ScenarioSendLimits { MessageRateLimit = 2 }), new ExchangeSimulatorHostOptions { TimeProvider = time }, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        (await client.EwsAsync(Send("SendOnly", "1", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        time.Advance(TimeSpan.FromSeconds(30));
        (await client.EwsAsync(Send("SendOnly", "2", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await client.EwsAsync(Send("SendOnly", "3", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertItemError("ErrorSubmissionQuotaExceeded");
        (await client.EwsAsync(Send("SendOnly", "other sender", To(TestScenarios.Bob)), impersonate: TestScenarios.Carol)).AssertSuccess();
        time.Advance(TimeSpan.FromSeconds(30));
        (await client.EwsAsync(Send("SendOnly", "4", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();

        Assert.Equal(["1", "2", "4"], host.Outbox.Sent.Where(message => message.Sender == TestScenarios.Alice).Select(message => message.Subject));
        Assert.Equal(4, host.State.CountItems(TestScenarios.Bob, SimulatedFolder.Inbox));
    }

    [Fact]
    public async Task TheRecipientRateLimitCountsRecipientsOverADay()
    {
        Host.State.SetSendLimits(TestScenarios.Alice, new ScenarioSendLimits { RecipientRateLimit = 3 });

        (await Client.EwsAsync(Send("SendOnly", "two", To(TestScenarios.Bob, "x@customer.example")), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Send("SendOnly", "two more", To(TestScenarios.Bob, TestScenarios.Carol)), impersonate: TestScenarios.Alice)).AssertItemError("ErrorSubmissionQuotaExceeded");
        (await Client.EwsAsync(Send("SendOnly", "one more", To(TestScenarios.Carol)), impersonate: TestScenarios.Alice)).AssertSuccess();

        Assert.Equal(["two", "one more"], Host.Outbox.Sent.Select(message => message.Subject));
    }

    [Fact]
    public async Task SendingAsAnotherAddressWithoutTheRightIsDeniedAndLeavesADraft()
    {
        var asCarol = Send("SendAndSaveCopy", "on behalf", To(TestScenarios.Bob), from: TestScenarios.Carol);

        var denied = await Client.EwsAsync(asCarol, impersonate: TestScenarios.Alice);
        Host.State.SetSendLimits(TestScenarios.Alice, new ScenarioSendLimits { SendAs = [TestScenarios.Carol] });
        var allowed = await Client.EwsAsync(asCarol, impersonate: TestScenarios.Alice);

        denied.AssertItemError("ErrorSendAsDenied");
        allowed.AssertSuccess();
        var draft = Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Drafts));
        Assert.Equal("on behalf", draft.Subject);
        Assert.Equal("true", (await GetAsync(TestScenarios.Alice, draft.Id)).Element(Soap.T + "IsDraft")!.Value);
        Assert.Single(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Equal(TestScenarios.Carol, Assert.Single(Host.Outbox.Sent).From);
    }

    [Fact]
    public async Task AMailboxTheCallerMayNotSendAsRefusesEverySend()
    {
        Host.State.SetSendLimits(TestScenarios.Alice, new ScenarioSendLimits { SendAsDenied = true });

        var response = await Client.EwsAsync(Send("SendOnly", "mine", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice);
        var saving = await Client.EwsAsync(Soap.SaveDraft("just a draft"), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorSendAsDenied");
        saving.AssertSuccess();
        Assert.Empty(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Equal(2, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Drafts));
    }

    [Theory]
    [InlineData("blocked@customer.example")]
    [InlineData("not an address")]
    [InlineData("two@@customer.example")]
    public async Task ARecipientTransportRefusesFailsTheWholeMessage(string recipient)
    {
        Host.State.SetRejectedRecipients(["BLOCKED@customer.example"]);

        var response = await Client.EwsAsync(Send("SendAndSaveCopy", "refused", To(TestScenarios.Bob, recipient)), impersonate: TestScenarios.Alice);

        var error = response.AssertItemError("ErrorInvalidRecipients");
        Assert.Contains(recipient, error.Element(Soap.M + "MessageText")!.Value, StringComparison.Ordinal);
        Assert.Empty(Host.State.GetItems(TestScenarios.Bob, SimulatedFolder.Inbox));
        Assert.Empty(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.SentItems));
        Assert.Empty(Host.Outbox.Sent);
    }

    [Fact]
    public async Task SendLimitsComeFromTheScenario()
    {
        var scenario = WithSending(TestScenarios.Alice, new ScenarioSendLimits { ProhibitSendQuotaBytes = 0 });
        scenario.Server.RejectedRecipients = ["blocked@customer.example"];
        var parsed = SimulatorScenario.Parse(scenario.ToJson());
        await using var host = await ExchangeSimulatorHost.StartAsync(parsed, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        (await client.EwsAsync(Send("SendOnly", "x", To(TestScenarios.Carol)), impersonate: TestScenarios.Alice)).AssertItemError("ErrorQuotaExceeded");
        (await client.EwsAsync(Send("SendOnly", "x", To("blocked@customer.example")), impersonate: TestScenarios.Bob)).AssertItemError("ErrorInvalidRecipients");
        Assert.Equal(0, host.State.GetSendLimits(TestScenarios.Alice)!.ProhibitSendQuotaBytes);
        Assert.Throws<InvalidDataException>(() => SimulatorScenario.Parse(WithSending(TestScenarios.Alice, new ScenarioSendLimits { MessageRateLimit = -1 }).ToJson()));
    }

    [Fact]
    public async Task CreateItemRequestsAreCountedPerMailbox()
    {
        (await Client.EwsAsync(Send("SendOnly", "a", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Send("SendOnly", "b", To(TestScenarios.Bob)), impersonate: TestScenarios.Carol)).AssertSuccess();
        (await Client.EwsAsync(Soap.SaveDraft("c"), impersonate: TestScenarios.Alice)).AssertSuccess();

        Assert.Equal(3, Host.Requests.Count("CreateItem"));
        Assert.Equal(2, Host.Requests.Count("CreateItem", TestScenarios.Alice));
        Assert.Equal(2, Host.Outbox.Sent.Count);
    }

    internal static SimulatorScenario WithSending(string mailbox, ScenarioSendLimits limits)
    {
        var scenario = TestScenarios.Default();
        scenario.Mailboxes.Single(candidate => candidate.SmtpAddress == mailbox).Sending = limits;
        return scenario;
    }

    internal static string To(params string[] addresses) => Recipients("ToRecipients", addresses);

    internal static string Cc(params string[] addresses) => Recipients("CcRecipients", addresses);

    internal static string Bcc(params string[] addresses) => Recipients("BccRecipients", addresses);

    /// <summary>A CreateItem that sends a message built from properties; <paramref name="extended"/> goes where ExtendedProperty belongs.</summary>
    internal static string Send(string disposition, string subject, string recipients, string extended = "", string? from = null) =>
        $"<m:CreateItem MessageDisposition=\"{disposition}\"><m:Items><t:Message><t:Subject>{subject}</t:Subject><t:Body BodyType=\"Text\">text</t:Body>" +
        $"{extended}{recipients}" + (from is null ? "" : $"<t:From><t:Mailbox><t:EmailAddress>{from}</t:EmailAddress></t:Mailbox></t:From>") +
        "</t:Message></m:Items></m:CreateItem>";

    private static string SendMime(string disposition, MimeMessage message, string recipients, string extended = "")
    {
        using var stream = new MemoryStream();
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        message.WriteTo(options, stream);
        return $"<m:CreateItem MessageDisposition=\"{disposition}\"><m:Items><t:Message><t:MimeContent CharacterSet=\"UTF-8\">{Convert.ToBase64String(stream.ToArray())}</t:MimeContent>" +
               $"{extended}{recipients}</t:Message></m:Items></m:CreateItem>";
    }

    private static string Recipients(string element, string[] addresses) =>
        $"<t:{element}>" + string.Concat(addresses.Select(address => $"<t:Mailbox><t:EmailAddress>{address}</t:EmailAddress></t:Mailbox>")) + $"</t:{element}>";

    private async Task<XElement> GetAsync(string mailbox, string itemId)
    {
        var response = await Client.EwsAsync(Soap.GetItem("AllProperties", "<t:IncludeMimeContent>true</t:IncludeMimeContent>", itemId), impersonate: mailbox);
        response.AssertSuccess();
        return response.SingleMessage.Descendants(Soap.T + "Message").Single();
    }

    private async Task<string> InternetMessageIdAsync(string mailbox, string itemId) =>
        (await GetAsync(mailbox, itemId)).Element(Soap.T + "InternetMessageId")!.Value;
}
