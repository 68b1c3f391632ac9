using System.Net.Mail;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine.Sync.Outgoing;
using ExSync.ExchangeSimulator;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>
/// Outgoing email end to end: drafts written through the generated client, sent by the sending engine through the Exchange simulator
/// (CreateItem SendAndSaveCopy, impersonating the sender), read back as activities, counted in the recipients' mailboxes and the
/// simulator's outbox, and answered over SMTP.
/// </summary>
public sealed class OutgoingEmailSendTests
{
    private const string External = "dana@fabrikam.example";
    private const string ExternalBcc = "erin@fabrikam.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AliceSendsToBobOnceBobsCopyIsTheSameActivityAndBobsReplyOverSmtpCorrelatesWithIt()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { TrackSentItems = true }, cancellationToken: Ct);
        var (alice, bob) = await TwoEnabledMailboxesAsync(app, simulator);

        var draft = await app.DraftAsync(alice.Id, "Proposal for 40 chairs", [bob.EmailAddress, External], bcc: [ExternalBcc]);
        await app.Emails().UpdateEmailAsync(draft.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Opportunity", RecordId = "opp-7" } }, cancellationToken: Ct);
        var pending = await app.Emails().SendEmailAsync(draft.Id, cancellationToken: Ct);
        Assert.Equal((EmailDirection.Outgoing, EmailStatus.PendingSend), (pending.Direction, pending.Status));
        Assert.Matches(@"\[CRM:\d{7}\]", pending.Subject);
        Assert.NotNull(pending.InternetMessageId);

        // Sent within seconds: send wakes the mailbox's outgoing workload; nothing moves the application's clock here.
        var sent = await app.WaitForEmailAsync(draft.Id, e => e.Status == EmailStatus.Sent, timeout: TimeSpan.FromSeconds(15));
        Assert.Equal(1, sent.SendStatus!.Attempts);
        Assert.NotNull(sent.SentAt);
        Assert.Equal(1, simulator.Outbox.CountSent(sent.InternetMessageId!));
        var outgoing = Assert.Single(simulator.Outbox.Sent);
        Assert.Equal([bob.EmailAddress, External, ExternalBcc], outgoing.Recipients.Order(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparer.OrdinalIgnoreCase);
        Assert.Equal([External, ExternalBcc], outgoing.ExternalRecipients.Order(StringComparer.OrdinalIgnoreCase).ToArray(), StringComparer.OrdinalIgnoreCase);
        var sentCopy = Assert.Single(simulator.State.GetItems(alice.EmailAddress, SimulatedFolder.SentItems));
        Assert.Contains(sentCopy.ExtendedProperties, p => p.Key.ToString().Contains("ExSyncEmailId", StringComparison.Ordinal) && p.Value.Single() == sent.Id.ToString("D"));
        Assert.Single(simulator.Inbox(bob.EmailAddress));

        // Bob's copy and alice's Sent Items copy are this activity, not new ones.
        await app.SyncAndWaitAsync(bob.Id);
        await app.SyncAndWaitAsync(alice.Id);
        var joined = await app.Emails().GetEmailAsync(sent.Id, Ct);
        Assert.Equal([bob.Id], joined.ReceivingMailboxIds);
        Assert.Equal(EmailStatus.Sent, joined.Status);
        Assert.Equal([sent.Id], (await app.Emails().ListEmailsAsync(mailboxId: bob.Id, cancellationToken: Ct)).Value.Select(e => e.Id));
        Assert.Equal([sent.Id], (await app.Emails().ListEmailsAsync(mailboxId: alice.Id, cancellationToken: Ct)).Value.Select(e => e.Id));

        // Bob answers over SMTP; alice's synchronization correlates the answer by In-Reply-To, and it inherits what the email is about.
        using (var smtp = new SmtpClient(simulator.SmtpHost, simulator.SmtpPort))
        using (var answer = new MailMessage(bob.EmailAddress, alice.EmailAddress, $"RE: {sent.Subject}", "Yes, please."))
        {
            answer.Headers.Add("In-Reply-To", sent.InternetMessageId);
            answer.Headers.Add("References", sent.InternetMessageId);
            await smtp.SendMailAsync(answer, Ct);
        }

        var emails = await app.WaitForEmailsAsync(alice.Id, e => e.Count == 2);
        var reply = await app.Emails().GetEmailAsync(emails.Single(e => e.Id != sent.Id).Id, Ct);
        Assert.Equal((EmailDirection.Incoming, CorrelationMethod.InReplyTo), (reply.Direction, reply.Correlation.Method));
        Assert.Equal(sent.InternetMessageId, reply.InReplyTo);
        Assert.Equal(TrackingReason.ResponseToCrmEmail, reply.TrackedBecause);
        Assert.Equal(("Opportunity", "opp-7"), (reply.Regarding!.RecordType, reply.Regarding.RecordId));
    }

    [Fact]
    public async Task WithTwoActivitiesForInternalEmailBobsCopyIsAnIncomingActivityOfItsOwn()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { TrackInternalEmailAsTwoActivities = true }, cancellationToken: Ct);
        var (alice, bob) = await TwoEnabledMailboxesAsync(app, simulator);

        var sent = await app.SendNewAsync(alice.Id, "Internal note", [bob.EmailAddress]);
        await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Sent);
        await app.SyncAndWaitAsync(bob.Id);

        var received = Assert.Single((await app.Emails().ListEmailsAsync(mailboxId: bob.Id, cancellationToken: Ct)).Value);
        Assert.NotEqual(sent.Id, received.Id);
        Assert.Equal((EmailDirection.Incoming, sent.InternetMessageId), (received.Direction, received.InternetMessageId));
        Assert.Empty((await app.Emails().GetEmailAsync(sent.Id, Ct)).ReceivingMailboxIds);

        // Bob's next cycles find the same copy again, and nothing more is created.
        await app.SyncAndWaitAsync(bob.Id);
        Assert.Single((await app.Emails().ListEmailsAsync(mailboxId: bob.Id, cancellationToken: Ct)).Value);
    }

    [Fact]
    public async Task AMessageExchangeAcceptedBeforeTheConnectionDroppedIsFoundInSentItemsAndNeverSentTwice()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator);
        simulator.State.AddFault(new ScenarioFault { Operation = "CreateItem", Mailbox = alice.EmailAddress, Kind = SimulatedFaultKind.DropAfterProcessing, Times = 1 });

        var sent = await app.SendNewAsync(alice.Id, "Dropped on the way back", [External]);
        var retrying = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.PendingSend && e.SendStatus?.LastError is not null);
        Assert.Equal(1, retrying.SendStatus!.Attempts);
        Assert.Equal(1, simulator.Outbox.CountSent(sent.InternetMessageId!));

        // The retry looks in Sent Items, finds the copy, and records the email as sent without a second CreateItem.
        var createItems = simulator.Requests.Count("CreateItem", alice.EmailAddress);
        var done = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Sent, clockStep: TimeSpan.FromSeconds(10));
        Assert.Equal(createItems, simulator.Requests.Count("CreateItem", alice.EmailAddress));
        Assert.Equal(1, simulator.Outbox.CountSent(done.InternetMessageId!));
        Assert.Null(done.SendStatus!.LastError);
    }

    [Fact]
    public async Task AnEmailWhoseLastAttemptMayHaveReachedExchangeFailsAsPossiblySentAndIsNeverSentTwiceWhenAskedAgain()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:Outgoing:MaxAttempts"] = "1";
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator);
        simulator.State.AddFault(new ScenarioFault { Operation = "CreateItem", Mailbox = alice.EmailAddress, Kind = SimulatedFaultKind.DropAfterProcessing, Times = 1 });

        var sent = await app.SendNewAsync(alice.Id, "Dropped on its only attempt", [External]);
        var failed = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Failed);
        Assert.Equal((1, true), (failed.SendStatus!.Attempts, failed.SendStatus.OutcomeUnknown));
        Assert.Contains("may have reached Exchange", failed.SendStatus.LastError!.Message, StringComparison.Ordinal);
        Assert.Equal(1, simulator.Outbox.CountSent(sent.InternetMessageId!));

        // The CRM asks again: ExSync finds Exchange's copy in Sent Items and records the email as sent, without a second CreateItem.
        var createItems = simulator.Requests.Count("CreateItem", alice.EmailAddress);
        await app.Emails().SendEmailAsync(sent.Id, cancellationToken: Ct);
        var done = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Sent);
        Assert.Equal(createItems, simulator.Requests.Count("CreateItem", alice.EmailAddress));
        Assert.Equal(1, simulator.Outbox.CountSent(done.InternetMessageId!));
        Assert.False(done.SendStatus!.OutcomeUnknown);
    }

    [Fact]
    public async Task ARejectedRecipientFailsTheEmailAtOnceWithItsCodeAndAlertsTheOwner()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator);
        simulator.State.SetRejectedRecipients(["nobody@fabrikam.example"]);

        var sent = await app.SendNewAsync(alice.Id, "To nobody", ["nobody@fabrikam.example"]);
        var failed = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Failed);
        Assert.Equal(("InvalidRecipients", 1), (failed.SendStatus!.LastError!.Code, failed.SendStatus.Attempts));
        Assert.Contains("nobody@fabrikam.example", failed.SendStatus.LastError.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, simulator.Outbox.CountSent(failed.InternetMessageId!));
        var alert = Assert.Single(await app.AlertsOfAsync(alice.Id), a => a.Code == "InvalidRecipients");
        Assert.Contains("To nobody", alert.Title, StringComparison.Ordinal);

        // Corrected, it can be sent again.
        simulator.State.SetRejectedRecipients([]);
        await app.Emails().SendEmailAsync(sent.Id, cancellationToken: Ct);
        await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Sent);
        Assert.Equal(1, simulator.Outbox.CountSent(failed.InternetMessageId!));
    }

    [Fact]
    public async Task ARateLimitIsRetriedWithBackOffAndAnOutageFailsTheEmailAfterItsAttempts()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:Outgoing:MaxAttempts"] = "3";
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator);

        // One message a minute: the second waits and goes once the minute has passed on Exchange's clock.
        simulator.State.SetSendLimits(alice.EmailAddress, new ScenarioSendLimits { MessageRateLimit = 1 });
        var first = await app.SendNewAsync(alice.Id, "First", [External]);
        await app.WaitForEmailAsync(first.Id, e => e.Status == EmailStatus.Sent);
        var second = await app.SendNewAsync(alice.Id, "Second", [External]);
        var waiting = await app.WaitForEmailAsync(second.Id, e => e.SendStatus?.LastError?.Code == "SubmissionQuotaExceeded");
        Assert.Equal(EmailStatus.PendingSend, waiting.Status);
        Assert.True(waiting.SendStatus!.NextAttemptAt > waiting.ModifiedAt, "A retry is planned later.");
        simulator.State.SetSendLimits(alice.EmailAddress, null);
        await app.WaitForEmailAsync(second.Id, e => e.Status == EmailStatus.Sent, clockStep: TimeSpan.FromSeconds(10));
        Assert.Equal(1, simulator.Outbox.CountSent(second.InternetMessageId!));

        // Exchange unavailable for good: three attempts, then Failed with the last error.
        simulator.State.AddFault(new ScenarioFault { Operation = "CreateItem", Mailbox = alice.EmailAddress, Kind = SimulatedFaultKind.Http503, BackOffMilliseconds = 0 });
        var third = await app.SendNewAsync(alice.Id, "Third", [External]);
        var failed = await app.WaitForEmailAsync(third.Id, e => e.Status == EmailStatus.Failed, clockStep: TimeSpan.FromMinutes(1));
        Assert.Equal(("ServiceUnavailable", 3), (failed.SendStatus!.LastError!.Code, failed.SendStatus.Attempts));
        Assert.Equal(0, simulator.Outbox.CountSent(failed.InternetMessageId!));
    }

    [Fact]
    public async Task AttachmentsAndAnHtmlBodyArriveAsTheCrmWroteThem()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator);
        var draft = await app.Emails().CreateEmailAsync(new EmailInput
        {
            MailboxId = alice.Id,
            Subject = "Quote attached",
            Body = new EmailBodyInput { ContentType = EmailBodyContentType.Html, Content = "<p>Please find the <b>quote</b> attached.</p>" },
            To = [new EmailRecipientInput { EmailAddress = External, Name = "Dana" }],
        }, cancellationToken: Ct);
        var pdf = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        using (var stream = new MemoryStream(pdf))
        {
            await app.Emails().AddEmailAttachmentAsync(draft.Id, new FileParameter(stream, "quote.pdf", "application/pdf"), cancellationToken: Ct);
        }

        await app.Emails().SendEmailAsync(draft.Id, cancellationToken: Ct);
        var sent = await app.WaitForEmailAsync(draft.Id, e => e.Status == EmailStatus.Sent);

        var message = MimeKit.MimeMessage.Load(new MemoryStream(Assert.Single(simulator.Outbox.External).Mime.ToArray()), Ct);
        Assert.Equal(sent.InternetMessageId, $"<{message.MessageId}>");
        Assert.Equal(("Dana", External), (((MimeKit.MailboxAddress)message.To.Single()).Name, ((MimeKit.MailboxAddress)message.To.Single()).Address));
        Assert.Equal(alice.EmailAddress, ((MimeKit.MailboxAddress)message.From.Single()).Address, ignoreCase: true);
        Assert.Contains("<b>quote</b>", message.HtmlBody, StringComparison.Ordinal);
        var attachment = Assert.Single(message.Attachments.OfType<MimeKit.MimePart>());
        Assert.Equal("quote.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content, Ct);
        Assert.Equal(pdf, content.ToArray());
    }

    [Fact]
    public async Task EmailWhoseSendSignalWasLostIsSentByTheSweepThoughTheQuietMailboxPollsOnlyHourly()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:Outgoing:SweepInterval"] = "00:00:01";

        // As if the instance stopped between the send's commit and its signal: nothing tells the engine. The test moves the clock a second
        // at a time while it waits, far from the mailbox's next poll.
        app.AddedServices.Add(services => services.AddSingleton<IOutgoingEmailSignal>(new LostSignal()));
        var (alice, bob) = await TwoEnabledMailboxesAsync(app, simulator);

        // The mailbox's outgoing workload has run and found nothing: its next poll is an hour away.
        var quiet = await WaitForOutgoingStatusAsync(app, alice.Id, s => s.LastSuccessfulSyncAt is not null && !s.Running);
        Assert.True(quiet.NextRunAt - quiet.LastRunStartedAt >= TimeSpan.FromMinutes(59), $"next run {quiet.NextRunAt:O} after a cycle started at {quiet.LastRunStartedAt:O}");

        var sent = await app.SendNewAsync(alice.Id, "Swept", [bob.EmailAddress]);
        var done = await app.WaitForEmailAsync(sent.Id, e => e.Status == EmailStatus.Sent, clockStep: TimeSpan.FromSeconds(1), timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, simulator.Outbox.CountSent(done.InternetMessageId!));
    }

    [Fact]
    public async Task EmailWaitingInAMailboxThatStoppedBeingAbleToSendFailsWithTheReasonInsteadOfWaitingSilently()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:Outgoing:SweepInterval"] = "00:00:01";
        app.Settings["Sync:Outgoing:UnsendableAfter"] = "00:02:00";
        app.Settings["Sync:ReconcileInterval"] = "00:00:01";
        app.AddedServices.Add(services => services.AddSingleton<IOutgoingEmailSignal>(new LostSignal()));
        var (alice, bob) = await TwoEnabledMailboxesAsync(app, simulator);
        await WaitForOutgoingStatusAsync(app, alice.Id, s => s.LastSuccessfulSyncAt is not null && !s.Running);
        var pending = await app.SendNewAsync(alice.Id, "Never sent", [bob.EmailAddress]);

        // A second one was being handed to Exchange by an instance that stopped: it may have been sent.
        var abandoned = await app.SendNewAsync(alice.Id, "Maybe sent", [bob.EmailAddress]);
        await app.ChangeEmailAsync(abandoned.Id, e => Assert.True(e.BeginSending(app.Time.GetUtcNow(), app.Time.GetUtcNow().AddMinutes(1))));

        // The CRM asked while alice could send; then her outgoing email stops going through server-side synchronization.
        await app.Mailboxes().UpdateMailboxAsync(alice.Id, new MailboxPatch { OutgoingDeliveryMethod = DeliveryMethod.None }, cancellationToken: Ct);
        var failed = await app.WaitForEmailAsync(pending.Id, e => e.Status == EmailStatus.Failed, clockStep: TimeSpan.FromSeconds(10), timeout: TimeSpan.FromSeconds(30));

        Assert.Equal("SenderNotServerSideSynchronization", failed.SendStatus!.LastError!.Code);
        Assert.Equal((0, false), (failed.SendStatus.Attempts, failed.SendStatus.OutcomeUnknown));
        Assert.EndsWith("and was not sent.", failed.SendStatus.LastError.Message, StringComparison.Ordinal);
        Assert.Empty(simulator.Outbox.Sent);
        var alerts = (await app.Mailboxes().ListMailboxAlertsAsync(alice.Id, cancellationToken: Ct)).Value;
        Assert.Contains(alerts, a => a.Code == "SenderNotServerSideSynchronization");

        // The abandoned one fails too once its lease has been out as long, and says it may have been sent rather than staying Sending.
        var unknown = await app.WaitForEmailAsync(abandoned.Id, e => e.Status == EmailStatus.Failed, clockStep: TimeSpan.FromSeconds(10), timeout: TimeSpan.FromSeconds(30));
        Assert.Equal(("SenderNotServerSideSynchronization", 1, true), (unknown.SendStatus!.LastError!.Code, unknown.SendStatus.Attempts, unknown.SendStatus.OutcomeUnknown));
        Assert.Contains("may have reached Exchange", unknown.SendStatus.LastError.Message, StringComparison.Ordinal);

        // Alice can send again and the CRM asks once more: ExSync looks in Sent Items first, finds nothing there, and sends it once.
        await app.Mailboxes().UpdateMailboxAsync(alice.Id, new MailboxPatch { OutgoingDeliveryMethod = DeliveryMethod.ServerSideSynchronization }, cancellationToken: Ct);
        Assert.Equal(1, (await app.TestAndEnableAsync(alice.Id)).Counts.Succeeded);
        var again = await app.Emails().SendEmailAsync(abandoned.Id, cancellationToken: Ct);
        Assert.True(again.SendStatus!.OutcomeUnknown);
        var sent = await app.WaitForEmailAsync(abandoned.Id, e => e.Status == EmailStatus.Sent, clockStep: TimeSpan.FromSeconds(10), timeout: TimeSpan.FromSeconds(30));
        Assert.False(sent.SendStatus!.OutcomeUnknown);
        Assert.Equal(sent.InternetMessageId, Assert.Single(simulator.Outbox.Sent).MessageId);
    }

    private static async Task<DirectionSyncStatus> WaitForOutgoingStatusAsync(ExSyncApplication app, Guid mailboxId, Func<DirectionSyncStatus, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var status = (await app.Mailboxes().GetMailboxSyncStatusAsync(mailboxId, Ct)).Directions.SingleOrDefault(d => d.Direction == SyncDirection.OutgoingEmail);
            if (status is not null && until(status))
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"outgoing workload of {mailboxId}: {status?.State}");
            await Task.Delay(100, Ct);
        }
    }

    private sealed class LostSignal : IOutgoingEmailSignal
    {
        public Task EmailDueAsync(Guid mailboxId, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private static async Task<(Mailbox Alice, Mailbox Bob)> TwoEnabledMailboxesAsync(ExSyncApplication app, ExchangeSimulatorHost simulator)
    {
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var alice = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("alice"));
        var bob = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("bob"));
        var job = await app.TestAndEnableAsync(alice.Id, bob.Id);
        Assert.Equal(2, job.Counts.Succeeded);
        return (await app.Mailboxes().GetMailboxAsync(alice.Id, Ct), await app.Mailboxes().GetMailboxAsync(bob.Id, Ct));
    }
}
