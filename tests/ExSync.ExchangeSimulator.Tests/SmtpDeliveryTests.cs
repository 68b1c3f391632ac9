using System.Text;
using System.Xml.Linq;
using MimeKit;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class SmtpDeliveryTests : SimulatorTest
{
    [Fact]
    public async Task MailKitDeliversToToCcAndBccAndOnlyTheBccdCopyShowsItsBcc()
    {
        var message = Mail.Message("Quarterly numbers");
        message.Cc.Add(MailboxAddress.Parse(TestScenarios.Bob));
        message.Bcc.Add(MailboxAddress.Parse(TestScenarios.Carol));

        await Mail.SendAsync(Host, message);

        var alice = await GetNewestInboxMessageAsync(TestScenarios.Alice);
        var bob = await GetNewestInboxMessageAsync(TestScenarios.Bob);
        var carol = await GetNewestInboxMessageAsync(TestScenarios.Carol);
        foreach (var copy in new[] { alice, bob, carol })
        {
            Assert.Equal("Quarterly numbers", copy.Element(Soap.T + "Subject")!.Value);
            Assert.Equal("paula@example.org", copy.Element(Soap.T + "From")!.Descendants(Soap.T + "EmailAddress").Single().Value);
            Assert.Equal("<" + message.MessageId + ">", copy.Element(Soap.T + "InternetMessageId")!.Value);
            Assert.Equal("false", copy.Element(Soap.T + "IsRead")!.Value);
        }

        Assert.Null(alice.Element(Soap.T + "BccRecipients"));
        Assert.Null(bob.Element(Soap.T + "BccRecipients"));
        Assert.Equal(TestScenarios.Carol, carol.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.Equal(TestScenarios.Bob, alice.Element(Soap.T + "CcRecipients")!.Descendants(Soap.T + "EmailAddress").Single().Value);
    }

    [Fact]
    public async Task AnUnknownRecipientIsRefusedWith550AndTheOthersStillGetTheMessage()
    {
        await using var smtp = await RawSmtp.ConnectAsync(Host);
        Assert.StartsWith("250", await smtp.CommandAsync("EHLO client.example.org"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<paula@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("550 5.1.10", await smtp.CommandAsync("RCPT TO:<nobody@contoso.local>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<ALICE@contoso.local>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: partly delivered\r\n\r\n..a line that starts with a dot\r\n."), StringComparison.Ordinal);

        var item = Assert.Single(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox), item => item.Subject == "partly delivered");
        var stored = await GetItemAsync(TestScenarios.Alice, item.Id, "<t:IncludeMimeContent>true</t:IncludeMimeContent>");
        var mime = Encoding.UTF8.GetString(Convert.FromBase64String(stored.Element(Soap.T + "MimeContent")!.Value));
        Assert.Equal("Subject: partly delivered\r\n\r\n.a line that starts with a dot\r\n", mime);
    }

    [Fact]
    public async Task ProtocolMistakesAreAnsweredAndTheSessionGoesOn()
    {
        await using var smtp = await RawSmtp.ConnectAsync(Host);
        Assert.StartsWith("503", await smtp.CommandAsync("MAIL FROM:<paula@example.org>"), StringComparison.Ordinal);
        var ehlo = await smtp.CommandAsync("EHLO client.example.org");
        Assert.Contains("250-SIZE 36700160", ehlo, StringComparison.Ordinal);
        Assert.Contains("PIPELINING", ehlo, StringComparison.Ordinal);
        Assert.DoesNotContain("STARTTLS", ehlo, StringComparison.Ordinal);
        Assert.StartsWith("503", await smtp.CommandAsync("RCPT TO:<alice@contoso.local>"), StringComparison.Ordinal);
        Assert.StartsWith("503", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("500", await smtp.CommandAsync("STARTTLS"), StringComparison.Ordinal);
        Assert.StartsWith("501", await smtp.CommandAsync("MAIL FROM:<unterminated"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<>"), StringComparison.Ordinal);
        Assert.StartsWith("503", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RSET"), StringComparison.Ordinal);
        Assert.StartsWith("221", await smtp.CommandAsync("QUIT"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMessageOverTheSizeLimitIsRefusedWith552WithoutEndingTheSession()
    {
        await using var small = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), new ExchangeSimulatorHostOptions { SmtpMaxMessageBytes = 100_000 }, TestContext.Current.CancellationToken);
        await using var smtp = await RawSmtp.ConnectAsync(small);
        await smtp.CommandAsync("EHLO client.example.org");

        Assert.StartsWith("552 5.3.4", await smtp.CommandAsync("MAIL FROM:<paula@example.org> SIZE=200000"), StringComparison.Ordinal);

        // A client that declares no size is read to the end of its data, then refused.
        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<paula@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<alice@contoso.local>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        var big = "Subject: too big\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 998) + "\r\n", 200)) + ".";
        Assert.StartsWith("552 5.3.4", await smtp.CommandAsync(big), StringComparison.Ordinal);

        Assert.StartsWith("250", await smtp.CommandAsync("MAIL FROM:<paula@example.org>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("RCPT TO:<alice@contoso.local>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: small\r\n\r\nok\r\n."), StringComparison.Ordinal);
        Assert.Equal(["small"], small.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox).Where(item => item.Subject is "small" or "too big").Select(item => item.Subject));
    }

    public static TheoryData<string> HostileMessages => new(HostileMail.Names);

    [Theory]
    [MemberData(nameof(HostileMessages))]
    public async Task HostileMailIsStoredAsFarAsItCanBeAndNothingElseBreaks(string name)
    {
        var before = Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Inbox);
        await using var smtp = await RawSmtp.ConnectAsync(Host);
        await smtp.CommandAsync("EHLO client.example.org");
        await smtp.CommandAsync("MAIL FROM:<mallory@example.org>");
        await smtp.CommandAsync("RCPT TO:<alice@contoso.local>");
        Assert.StartsWith("354", await smtp.CommandAsync("DATA"), StringComparison.Ordinal);
        await smtp.WriteAsync(HostileMail.Build(name));
        var reply = await smtp.ReadReplyAsync();

        if (name == HostileMail.OverTheLimit)
        {
            Assert.StartsWith("552", reply, StringComparison.Ordinal);
            Assert.Equal(before, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Inbox));
        }
        else
        {
            Assert.StartsWith("250", reply, StringComparison.Ordinal);
            var stored = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox).OrderBy(item => item.DateTimeReceived).Last();
            var item = await GetItemAsync(TestScenarios.Alice, stored.Id, "<t:IncludeMimeContent>true</t:IncludeMimeContent>" + Soap.AdditionalProperties("item:InternetMessageHeaders", "item:TextBody", "item:UniqueBody"));
            Assert.Equal(name == "empty message", item.Element(Soap.T + "MimeContent")!.Value.Length == 0);
        }

        // The same session, and the listener, still deliver ordinary mail.
        await smtp.CommandAsync("MAIL FROM:<paula@example.org>");
        await smtp.CommandAsync("RCPT TO:<alice@contoso.local>");
        await smtp.CommandAsync("DATA");
        Assert.StartsWith("250", await smtp.CommandAsync("Subject: after " + name + "\r\n\r\nstill here\r\n."), StringComparison.Ordinal);
        await Mail.SendAsync(Host, Mail.Message("also after " + name));
        Assert.Contains(Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox), item => item.Subject == "also after " + name);
    }

    [Fact]
    public async Task DeliverMessageWithoutSmtpUsesTheSamePath()
    {
        var message = Mail.Message("Delivered in process", to: TestScenarios.Bob);
        message.Bcc.Add(MailboxAddress.Parse(TestScenarios.Carol));

        var result = Host.DeliverMessage(message);
        var unknown = Host.DeliverMessage(Encoding.ASCII.GetBytes("Subject: raw\r\n\r\nbody\r\n"), ["nobody@contoso.local", TestScenarios.Alice]);

        Assert.Equal([TestScenarios.Bob, TestScenarios.Carol], result.Delivered.Select(item => item.Mailbox));
        Assert.Equal(["nobody@contoso.local"], unknown.UnknownRecipients);
        var carol = await GetItemAsync(TestScenarios.Carol, result.Delivered[1].ItemId, "");
        var bob = await GetItemAsync(TestScenarios.Bob, result.Delivered[0].ItemId, "<t:IncludeMimeContent>true</t:IncludeMimeContent>");
        Assert.Equal(TestScenarios.Carol, carol.Element(Soap.T + "BccRecipients")!.Descendants(Soap.T + "EmailAddress").Single().Value);
        Assert.DoesNotContain("carol", Encoding.UTF8.GetString(Convert.FromBase64String(bob.Element(Soap.T + "MimeContent")!.Value)), StringComparison.OrdinalIgnoreCase);
        Assert.Single(message.Bcc);
        Assert.Equal("raw", (await GetItemAsync(TestScenarios.Alice, unknown.Delivered[0].ItemId, "")).Element(Soap.T + "Subject")!.Value);
    }

    private async Task<XElement> GetNewestInboxMessageAsync(string mailbox)
    {
        var item = Host.State.GetItems(mailbox, SimulatedFolder.Inbox).OrderBy(info => info.DateTimeReceived).Last();
        return await GetItemAsync(mailbox, item.Id, "");
    }

    private async Task<XElement> GetItemAsync(string mailbox, string itemId, string shapeExtras)
    {
        var response = await Client.EwsAsync(Soap.GetItem("AllProperties", shapeExtras, itemId), impersonate: mailbox);
        response.AssertSuccess();
        return response.SingleMessage.Element(Soap.M + "Items")!.Elements().Single();
    }
}
