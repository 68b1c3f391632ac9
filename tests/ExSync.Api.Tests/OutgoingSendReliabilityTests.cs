using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Sending survives a crash: a real ExSync process killed with SIGKILL while it sends 1,000 emails, then a new process on the same
/// database. Every email ends Sent and reached Exchange exactly once, counted in the simulator's outbox and in the recipient's mailbox:
/// emails the dead process left Sending are looked up in Sent Items before anything is sent again.
/// </summary>
public sealed class OutgoingSendReliabilityTests
{
    private const int Senders = 10;
    private const int EmailsPerSender = 100;
    private const string External = "partner@fabrikam.example";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProcessKilledWhileSending1000EmailsLosesNoneAndSendsNoneTwice()
    {
        var senders = Enumerable.Range(1, Senders).Select(i => $"sender{i:D2}@contoso.local").ToList();
        const string Recipient = "recipient@contoso.local";

        // Each send takes a while and only four go at once (about 80 a second), so that the kill finds emails sent, being sent and waiting.
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario([.. senders, Recipient], latencyMilliseconds: 50), Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-send-").FullName;
        var database = TestDatabase.ForDirectory(directory);
        var settings = new Dictionary<string, string>(database.Settings) { ["Sync:Outgoing:ClaimBatchSize"] = "20" };
        var first = await ApiProcess.StartAsync(directory, settings, Ct);
        ApiProcess? second = null;
        try
        {
            var http = first.CreateClient();
            var profile = SimulatedExchange.Profile(simulator);
            profile.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 4 };
            await new ServerProfilesClient(http).CreateServerProfileAsync(profile, Ct);
            var mailboxes = new MailboxesClient(http);
            var ids = new List<Guid>();
            foreach (var address in senders)
            {
                var input = TestData.Mailbox(address);
                input.Directions(IncomingEmailDeliveryMethod.None, DeliveryMethod.ServerSideSynchronization, DeliveryMethod.None);
                ids.Add((await mailboxes.CreateMailboxAsync(input, Ct)).Id);
            }

            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids }, Ct);
            var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct);
            Assert.Equal(Senders, (await new JobsClient(http).WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct)).Counts.Succeeded);

            // 1,000 drafts written, then all sent through the API, eight requests at a time; the process sends them as they come.
            var emails = new EmailsClient(http);
            var emailIds = new Guid[Senders * EmailsPerSender];
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct };
            await Parallel.ForEachAsync(Enumerable.Range(0, emailIds.Length), parallel, async (i, token) =>
                emailIds[i] = (await emails.CreateEmailAsync(new EmailInput
                {
                    MailboxId = ids[i % Senders],
                    Subject = $"Order confirmation {i}",
                    Body = new EmailBodyInput { ContentType = EmailBodyContentType.Text, Content = $"Order {i} is confirmed." },
                    To = [new EmailRecipientInput { EmailAddress = Recipient }, new EmailRecipientInput { EmailAddress = External }],
                }, cancellationToken: token)).Id);
            await Parallel.ForEachAsync(emailIds, parallel, async (id, token) => await emails.SendEmailAsync(id, cancellationToken: token));

            // Killed with emails in flight: some sent, some Sending, the rest waiting.
            await EventuallyAsync(() => simulator.Outbox.Sent.Count >= 200, TimeSpan.FromMinutes(2));
            Assert.True(await database.CountAsync("Emails", "\"Status\" = 'Sending'", Ct) > 0, "No email was being sent when the process was killed.");
            first.Kill();
            var sentBeforeTheKill = simulator.Outbox.Sent.Count;
            Assert.True(sentBeforeTheKill < emailIds.Length, "Every email was sent before the kill.");

            second = await ApiProcess.StartAsync(directory, settings, Ct);
            var elapsed = Stopwatch.StartNew();
            while (await database.CountAsync("Emails", "\"Status\" = 'Sent'", Ct) < emailIds.Length)
            {
                Assert.True(elapsed.Elapsed < TimeSpan.FromMinutes(4), $"{await database.CountAsync("Emails", "\"Status\" = 'Sent'", Ct)} of {emailIds.Length} emails Sent 4 minutes after the restart; {simulator.Outbox.Sent.Count} in the outbox.");
                await Task.Delay(Poll, Ct);
            }

            // Exactly once each: one submission per Message-ID, one copy in the recipient's Inbox, one in each sender's Sent Items.
            var after = new EmailsClient(second.CreateClient());
            var messageIds = new List<string>();
            foreach (var id in emailIds)
            {
                var email = await after.GetEmailAsync(id, Ct);
                Assert.Equal(EmailStatus.Sent, email.Status);
                messageIds.Add(email.InternetMessageId!);
            }

            Assert.Equal(emailIds.Length, messageIds.Distinct(StringComparer.Ordinal).Count());
            Assert.All(messageIds, messageId => Assert.Equal(1, simulator.Outbox.CountSent(messageId)));
            Assert.Equal(emailIds.Length, simulator.Outbox.Sent.Count);
            Assert.Equal(emailIds.Length, simulator.State.GetItems(Recipient, SimulatedFolder.Inbox).Count);
            Assert.Equal(emailIds.Length, senders.Sum(s => simulator.State.GetItems(s, SimulatedFolder.SentItems).Count));
        }
        finally
        {
            await first.DisposeAsync();
            if (second is not null)
            {
                await second.DisposeAsync();
            }

            await TestDatabase.DropAsync(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(elapsed.Elapsed < timeout, $"The condition did not hold within {timeout}.");
            await Task.Delay(Poll, Ct);
        }
    }
}
