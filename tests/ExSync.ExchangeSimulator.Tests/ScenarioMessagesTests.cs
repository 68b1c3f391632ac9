using System.Diagnostics;
using System.Text;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class ScenarioMessagesTests
{
    [Fact]
    public async Task ScenarioMessagesFromJsonAreRealMimeWithThreadsAndAttachments()
    {
        var scenario = SimulatorScenario.Parse("""
            {
              "accounts": [{ "userName": "svc-exsync@contoso.local", "password": "Passw0rd!", "canImpersonateAll": true }],
              "mailboxes": [{
                "smtpAddress": "alice@contoso.local",
                "messages": [
                  { "from": "Paula <paula@example.org>", "subject": "Offer", "messageId": "offer-1@example.org", "body": "Our offer.",
                    "attachments": [{ "name": "offer.txt", "contentType": "text/plain", "content": "42" }, { "name": "big.bin", "sizeBytes": 1000 }],
                    "receivedAt": "2024-05-01T10:00:00Z" },
                  { "from": "paula@example.org", "subject": "RE: Offer", "inReplyTo": "<offer-1@example.org>", "htmlBody": "<p>Still valid</p>",
                    "headers": { "X-Campaign": "spring" }, "receivedAt": "2024-05-01T11:00:00Z", "isRead": true },
                  { "mime": "Subject: raw one\r\nFrom: raw@example.org\r\n\r\nraw body\r\n", "folder": "junkemail" }
                ]
              }]
            }
            """);
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        var inbox = host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        Assert.Equal(["Offer", "RE: Offer"], inbox.Select(item => item.Subject));
        Assert.Equal([false, true], inbox.Select(item => item.IsRead));
        Assert.Equal("raw one", Assert.Single(host.State.GetItems(TestScenarios.Alice, SimulatedFolder.JunkEmail)).Subject);

        var response = await client.EwsAsync(Soap.GetItem("AllProperties", "", inbox[0].Id, inbox[1].Id), impersonate: TestScenarios.Alice);
        response.AssertSuccess();
        var items = response.ResponseMessages.Select(message => message.Element(Soap.M + "Items")!.Elements().Single()).ToList();
        Assert.Equal("2024-05-01T10:00:00Z", items[0].Element(Soap.T + "DateTimeReceived")!.Value);
        Assert.Equal(["offer.txt", "big.bin"], items[0].Descendants(Soap.T + "Name").Where(name => name.Parent!.Name.LocalName == "FileAttachment").Select(name => name.Value));
        Assert.Equal("1000", items[0].Descendants(Soap.T + "FileAttachment").Last().Element(Soap.T + "Size")!.Value);
        Assert.Equal(
            (string?)items[0].Element(Soap.T + "ConversationId")!.Attribute("Id"),
            (string?)items[1].Element(Soap.T + "ConversationId")!.Attribute("Id"));
        Assert.Equal("spring", items[1].Descendants(Soap.T + "InternetMessageHeader").Single(header => (string?)header.Attribute("HeaderName") == "X-Campaign").Value);
    }

    [Fact]
    public async Task GeneratedMessagesFillTheBenchmarkBacklogCheaply()
    {
        var generated = new ScenarioGeneratedMessages { Count = 100, BodySizeBytes = 20 * 1024, AttachmentEvery = 10, AttachmentSizeBytes = 200 * 1024 };
        var scenario = TestScenarios.Default();
        scenario.Mailboxes = [.. Enumerable.Range(0, 100).Select(index => new ScenarioMailbox { SmtpAddress = $"user{index}@contoso.local", GeneratedMessages = generated })];
        scenario.Accounts[0].CanImpersonateAll = true;

        GC.Collect();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);
        var started = clock.Elapsed;
        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        TestContext.Current.TestOutputHelper?.WriteLine($"100 x 100 generated messages: started in {started.TotalMilliseconds:0} ms, {retained / (1024 * 1024)} MB retained");

        // 10,000 messages of 20 KB plus 1,000 attachments of 200 KB would be 400 MB unshared.
        Assert.True(retained < 100L * 1024 * 1024, $"the backlog retains {retained / (1024 * 1024)} MB");
        Assert.True(started < TimeSpan.FromSeconds(20), $"starting took {started}");
        Assert.Equal(100, host.State.CountItems("user7@contoso.local", SimulatedFolder.Inbox));

        using var client = new SimulatorClient(host);
        var tenth = host.State.GetItems("user7@contoso.local", SimulatedFolder.Inbox)[9];
        var response = await client.EwsAsync(Soap.GetItem("AllProperties", "<t:IncludeMimeContent>true</t:IncludeMimeContent>", tenth.Id), impersonate: "user7@contoso.local");
        response.AssertSuccess();
        var item = response.SingleMessage.Element(Soap.M + "Items")!.Elements().Single();
        Assert.Equal(20 * 1024, item.Element(Soap.T + "Body")!.Value.Length);
        Assert.Equal("204800", item.Descendants(Soap.T + "FileAttachment").Single().Element(Soap.T + "Size")!.Value);
        var mime = Convert.FromBase64String(item.Element(Soap.T + "MimeContent")!.Value);
        Assert.Contains("Subject: Generated message 10", Encoding.ASCII.GetString(mime), StringComparison.Ordinal);
        var again = await client.EwsAsync(Soap.GetItem("IdOnly", "<t:IncludeMimeContent>true</t:IncludeMimeContent>", tenth.Id), impersonate: "user7@contoso.local");
        Assert.Equal(Convert.ToBase64String(mime), again.SingleMessage.Descendants(Soap.T + "MimeContent").Single().Value);
    }

    [Fact]
    public async Task TenThousandMailboxesStartQuickly()
    {
        var scenario = TestScenarios.Default();
        scenario.Mailboxes = [.. Enumerable.Range(0, 10_000).Select(index => new ScenarioMailbox { SmtpAddress = $"idle{index}@contoso.local" })];

        var clock = Stopwatch.StartNew();
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);

        TestContext.Current.TestOutputHelper?.WriteLine($"10,000 mailboxes: started in {clock.Elapsed.TotalMilliseconds:0} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"starting took {clock.Elapsed}");
        Assert.Equal(10_000, host.State.MailboxAddresses.Count);
    }

    [Theory]
    [InlineData("""{ "folder": "nowhere", "subject": "x" }""", "messages[0].folder 'nowhere'")]
    [InlineData("""{ "mime": "Subject: x\r\n\r\n", "subject": "y" }""", "mime gives the whole message")]
    [InlineData("""{ "attachments": [{ "name": "a", "content": "x", "sizeBytes": 3 }] }""", "exactly one of content, contentBase64 and sizeBytes")]
    [InlineData("""{ "attachments": [{ "name": "", "sizeBytes": 3 }] }""", "attachments[0] needs a name")]
    [InlineData("""{ "attachments": [{ "name": "a", "contentBase64": "%%" }] }""", "contentBase64 is not base64")]
    [InlineData("""{ "from": "not an address" }""", "'not an address' is not an address")]
    public void InvalidScenarioMessagesAreRejectedWithTheirPlace(string message, string problem)
    {
        var json = "{ \"mailboxes\": [{ \"smtpAddress\": \"alice@contoso.local\", \"messages\": [" + message + "] }] }";

        var error = Assert.Throws<InvalidDataException>(() => SimulatorScenario.Parse(json));

        Assert.Contains("mailbox alice@contoso.local: messages[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidGenerationSettingsAreRejected()
    {
        var json = """{ "mailboxes": [{ "smtpAddress": "alice@contoso.local", "generatedMessages": { "count": -1, "attachmentEvery": -2, "bodySizeBytes": 999999999 } }] }""";

        var error = Assert.Throws<InvalidDataException>(() => SimulatorScenario.Parse(json));

        Assert.Contains("generatedMessages.count", error.Message, StringComparison.Ordinal);
        Assert.Contains("generatedMessages.attachmentEvery", error.Message, StringComparison.Ordinal);
        Assert.Contains("bodySizeBytes and attachmentSizeBytes", error.Message, StringComparison.Ordinal);
    }
}
