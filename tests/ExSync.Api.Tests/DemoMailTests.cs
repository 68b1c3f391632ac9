using System.Net.Http.Headers;
using System.Net.Mail;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ExSync.Api.Demo;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using MimeKit;

namespace ExSync.Api.Tests;

/// <summary>
/// Demo mode's sample mail, read back from the embedded simulator over EWS as any EWS client would (Basic authentication, impersonation,
/// FindItem and GetItem with the MIME content), and the SMTP port its banner prints.
/// </summary>
public sealed partial class DemoModeTests
{
    private const string Alice = "alice@contoso.demo";
    private const string Bob = "bob@contoso.demo";
    private const string Carol = "carol@contoso.demo";

    [Fact]
    public async Task MailboxesThatPassTestAndEnableReceiveTheSampleEmailsOncePerDatabaseAndTheSimulatorTakesMoreOverSmtp()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-demo-").FullName;
        await using (var api = await ApiProcess.StartAsync(directory, Demo(directory), Ct, trustTestTokens: false))
        {
            var (token, mailboxIds) = await ReadBannerAsync(api);
            using var http = WithToken(api, token);
            using var exchange = await DemoExchangeReader.ConnectAsync(api, http);

            // The senders are CRM records of the directory; the advertiser is not. The mailboxes track mail from CRM records.
            var directoryClient = new DirectoryClient(http);
            foreach (var record in DemoSampleMail.Records)
            {
                var entry = Assert.Single((await directoryClient.ListDirectoryEntriesAsync(emailAddress: record.EmailAddress, cancellationToken: Ct)).Value);
                Assert.Equal((record.RecordType.ToString(), record.RecordId), (entry.RecordType.ToString(), entry.RecordId));
            }

            Assert.Empty((await directoryClient.ListDirectoryEntriesAsync(emailAddress: DemoSampleMail.UnknownSender, cancellationToken: Ct)).Value);
            foreach (var id in mailboxIds)
            {
                Assert.Equal(IncomingEmailFilteringMethod.FromCrmRecords, (await new MailboxesClient(http).GetMailboxAsync(id, Ct)).IncomingEmailFilteringMethod);
            }

            // Nothing before Test & Enable: mail delivered earlier would predate the mailbox's "process email received after" date.
            await Task.Delay(TimeSpan.FromSeconds(2), Ct);
            Assert.Empty(await exchange.ReadInboxAsync(Alice));

            var mailboxes = new MailboxesClient(http);
            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = mailboxIds }, Ct);
            var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct);
            await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(100), cancellationToken: Ct);

            var alice = await exchange.WaitForInboxAsync(Alice, 4);
            var carol = await exchange.WaitForInboxAsync(Carol, 3);
            Assert.Equal(
                ["Fabrikam renewal: updated quote", "Purchase order PO-4711", "RE: Fabrikam renewal: updated quote", "Last chance: 80% off printer ink"],
                alice.Select(m => m.Subject));
            Assert.Equal(["Fabrikam renewal: updated quote", "Northwind: site visit on Thursday", "RE: Fabrikam renewal: updated quote"], carol.Select(m => m.Subject));

            // One message to both mailboxes: the same Message-ID in each, as Exchange delivers it, so it becomes one activity with two receivers.
            var question = alice[0];
            Assert.Equal(question.MessageId, carol[0].MessageId);
            Assert.Equal(["paula.price@fabrikam.example"], question.From.Mailboxes.Select(m => m.Address));
            Assert.Equal([Carol, "ravi.patel@fabrikam.example"], question.Cc.Mailboxes.Select(m => m.Address));

            // The reply answers the question by its Message-ID, and comes from another contact.
            var reply = alice[2];
            Assert.Equal(question.MessageId, reply.InReplyTo);
            Assert.Equal([question.MessageId!], reply.References);
            Assert.Equal(["ravi.patel@fabrikam.example"], reply.From.Mailboxes.Select(m => m.Address));
            Assert.True(reply.Date > question.Date, $"The reply ({reply.Date}) is older than the question ({question.Date}).");

            var order = alice[1];
            Assert.Equal(["orders@fabrikam.example"], order.From.Mailboxes.Select(m => m.Address));
            var attachment = Assert.Single(order.Attachments.OfType<MimePart>());
            Assert.Equal(("PO-4711.csv", "text/csv"), (attachment.FileName, attachment.ContentType.MimeType));
            Assert.NotNull(order.HtmlBody);
            Assert.Equal(["miguel.ortiz@northwind.example"], carol[1].From.Mailboxes.Select(m => m.Address));
            Assert.Equal([DemoSampleMail.UnknownSender], alice[3].From.Mailboxes.Select(m => m.Address));

            // Bob failed Test & Enable: he gets nothing (the service account may not read his mailbox, so the log tells).
            Assert.Contains($"delivered 4 sample emails to {Alice}", api.Output, StringComparison.Ordinal);
            Assert.Contains($"delivered 3 sample emails to {Carol}", api.Output, StringComparison.Ordinal);
            Assert.DoesNotContain($"sample emails to {Bob}", api.Output, StringComparison.Ordinal);

            // One more, with any SMTP client, on the port the banner prints.
            var smtp = SmtpPattern().Match(api.Output);
            Assert.True(smtp.Success, $"No SMTP line in the demo banner:{Environment.NewLine}{api.Output}");
            using (var client = new SmtpClient(smtp.Groups["host"].Value, int.Parse(smtp.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture)))
            {
                await client.SendMailAsync(new MailMessage("paula.price@fabrikam.example", Alice, "Fabrikam renewal: signed order form", "Signed and attached."), Ct);
            }

            Assert.Equal("Fabrikam renewal: signed order form", (await exchange.WaitForInboxAsync(Alice, 5))[^1].Subject);
        }

        // The restarted simulator starts empty, and Alice and Carol are enabled already: they get no second round of samples.
        await using (var restarted = await ApiProcess.StartAsync(directory, Demo(directory), Ct, trustTestTokens: false))
        {
            var (token, _) = await ReadBannerAsync(restarted);
            using var http = WithToken(restarted, token);
            using var exchange = await DemoExchangeReader.ConnectAsync(restarted, http);
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            Assert.Empty(await exchange.ReadInboxAsync(Alice));
            Assert.Empty(await exchange.ReadInboxAsync(Carol));
            Assert.Equal(4, (await new DirectoryClient(http).ListDirectoryEntriesAsync(cancellationToken: Ct)).Value.Count);
        }
    }

    [Fact]
    public async Task AnSmtpPortInUseStopsDemoModeWithALineNamingTheSetting()
    {
        using var occupant = new TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        var directory = Directory.CreateTempSubdirectory("exsync-demo-").FullName;

        var (exitCode, output) = await ApiProcess.RunUntilExitAsync(directory, new Dictionary<string, string>(Demo(directory)) { ["Demo:SmtpPort"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, Ct, trustTestTokens: false);

        Assert.Equal(1, exitCode);
        Assert.Contains($"ExSync cannot start: Demo:SmtpPort: port {port} is in use", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSampleEmailsBecomeEmailActivitiesAndTheAdvertisementIsFilteredOut()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-demo-").FullName;
        await using var api = await ApiProcess.StartAsync(directory, Demo(directory), Ct, trustTestTokens: false);
        var (token, mailboxIds) = await ReadBannerAsync(api);
        using var http = WithToken(api, token);
        var latest = await new ChangesClient(http).ListChangesAsync("latest", cancellationToken: Ct);
        var mailboxes = new MailboxesClient(http);
        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = mailboxIds }, Ct);
        var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct);
        await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(100), cancellationToken: Ct);
        var listed = (await mailboxes.ListMailboxesAsync(cancellationToken: Ct)).Value;
        var (aliceId, carolId) = (listed.Single(m => m.EmailAddress == Alice).Id, listed.Single(m => m.EmailAddress == Carol).Id);

        var emails = new EmailsClient(http);
        List<Email> tracked = [];
        for (var i = 0; i < 300 && tracked.Count < 4; i++)
        {
            await Task.Delay(100, Ct);
            tracked = [.. (await emails.ListEmailsAsync(cancellationToken: Ct)).Value];
        }

        // Four activities: the message to Alice and Carol is one, received by both; the advertisement is none.
        Assert.Equal(
            ["Fabrikam renewal: updated quote", "Northwind: site visit on Thursday", "Purchase order PO-4711", "RE: Fabrikam renewal: updated quote"],
            tracked.Select(e => e.Subject).Order(StringComparer.Ordinal));
        var question = await emails.GetEmailAsync(tracked.Single(e => e.Subject == DemoSampleMail.RenewalQuestion.Subject).Id, Ct);
        Assert.Equal([aliceId, carolId], question.ReceivingMailboxIds.Order());
        Assert.Equal((DirectoryRecordType.Contact, "CONTACT-1001"), (question.From!.Record!.RecordType, question.From.Record.RecordId));
        var reply = await emails.GetEmailAsync(tracked.Single(e => e.Subject.StartsWith("RE: ", StringComparison.Ordinal)).Id, Ct);
        Assert.Equal(question.InternetMessageId, reply.InReplyTo);
        Assert.Equal(question.ConversationId, reply.ConversationId);
        Assert.Equal(DirectoryRecordType.Account, tracked.Single(e => e.Subject == "Purchase order PO-4711").From!.Record!.RecordType);
        Assert.Equal(DirectoryRecordType.Lead, tracked.Single(e => e.Subject.StartsWith("Northwind", StringComparison.Ordinal)).From!.Record!.RecordType);

        var filtered = (await mailboxes.ListMailboxSyncEventsAsync(aliceId, reasonCode: "FilteredOut", cancellationToken: Ct)).Value;
        Assert.Single(filtered);

        var changes = await new ChangesClient(http).ListChangesAsync(CursorOf(latest.DeltaLink ?? latest.NextLink), cancellationToken: Ct);
        Assert.Subset(changes.Value.Where(c => c.ObjectType == "Email").Select(c => c.ObjectId).ToHashSet(), tracked.Select(e => e.Id.ToString()).ToHashSet());
    }

    private static string CursorOf(string? link) => System.Web.HttpUtility.ParseQueryString(new Uri(link!).Query)["cursor"]!;

    [GeneratedRegex(@"SMTP of the simulator: (?<host>[0-9.]+):(?<port>\d+)")]
    private static partial Regex SmtpPattern();

    [GeneratedRegex(@"an Exchange simulator at (?<url>https://[^\s,]+)")]
    private static partial Regex EwsUrlPattern();

    /// <summary>Reads demo mailboxes' Inboxes from the simulator over EWS, as the demo's service account.</summary>
    private sealed class DemoExchangeReader(HttpClient ews, Uri url) : IDisposable
    {
        private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";

        public static async Task<DemoExchangeReader> ConnectAsync(ApiProcess api, HttpClient http)
        {
            var url = new Uri(EwsUrlPattern().Match(api.Output).Groups["url"].Value);
            var profile = Assert.Single((await new ServerProfilesClient(http).ListServerProfilesAsync(cancellationToken: Ct)).Value);
            var authority = X509Certificate2.CreateFromPem(profile.TrustedCaCertificatePem!);
            var handler = new SocketsHttpHandler();
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
            var ews = new HttpClient(handler);
            ews.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{DemoScenario.ServiceAccount}:{DemoScenario.ServiceAccountPassword}")));
            return new DemoExchangeReader(ews, url);
        }

        /// <summary>The Inbox's messages, oldest first.</summary>
        public async Task<List<MimeMessage>> ReadInboxAsync(string mailbox)
        {
            var found = await CallAsync(mailbox, """
                <m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
                <m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>
                """);
            var ids = found.Descendants(T + "ItemId").Select(id => id.Attribute("Id")!.Value).ToList();
            if (ids.Count == 0)
            {
                return [];
            }

            var items = await CallAsync(mailbox,
                "<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:IncludeMimeContent>true</t:IncludeMimeContent></m:ItemShape><m:ItemIds>" +
                string.Concat(ids.Select(id => $"<t:ItemId Id=\"{id}\"/>")) + "</m:ItemIds></m:GetItem>");
            var messages = items.Descendants(T + "MimeContent").Select(mime => MimeMessage.Load(new MemoryStream(Convert.FromBase64String(mime.Value)))).ToList();
            return [.. messages.OrderBy(m => m.Date)];
        }

        public async Task<List<MimeMessage>> WaitForInboxAsync(string mailbox, int count)
        {
            for (var i = 0; ; i++)
            {
                var messages = await ReadInboxAsync(mailbox);
                if (messages.Count >= count || i == 150)
                {
                    Assert.True(messages.Count == count, $"{mailbox} has {messages.Count} messages, not {count}: {string.Join(", ", messages.Select(m => m.Subject))}");
                    return messages;
                }

                await Task.Delay(100, Ct);
            }
        }

        public void Dispose() => ews.Dispose();

        private async Task<XDocument> CallAsync(string mailbox, string body)
        {
            var envelope = $"""
                <?xml version="1.0" encoding="utf-8"?>
                <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="{T}" xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <soap:Header><t:RequestServerVersion Version="Exchange2013_SP1"/>
                    <t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>{mailbox}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>
                  <soap:Body>{body}</soap:Body>
                </soap:Envelope>
                """;
            using var response = await ews.PostAsync(url, new StringContent(envelope, Encoding.UTF8, "text/xml"), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode && !text.Contains("ResponseClass=\"Error\"", StringComparison.Ordinal), $"{(int)response.StatusCode} {response.Headers.WwwAuthenticate} {text}");
            return XDocument.Parse(text);
        }
    }
}
