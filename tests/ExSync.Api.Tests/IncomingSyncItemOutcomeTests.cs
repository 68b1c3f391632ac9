using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>What happens to items in Exchange after their outcome: given up as Undeliverable, or deleted by a queue after processing.</summary>
public sealed class IncomingSyncItemOutcomeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnItemThatFailsFiveTimesGetsTheUndeliverableCategoryAndMovesToTheUndeliverableFolder()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var profile = SimulatedExchange.Profile(simulator);
        profile.Advanced = new ServerProfileAdvancedOptionsInput { MoveFailedEmailsToUndeliverableFolder = true };
        await app.ServerProfiles().CreateServerProfileAsync(profile, Ct);
        var address = simulator.AddExchangeMailbox("failing");
        var mailbox = await app.CreateMailboxAsync(address, input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages);
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.Succeeded);
        await app.RunCycleAsync(mailbox.Id);

        // Exchange cannot give this item's content five times running; the sixth read (for the mark) works.
        simulator.State.AddFault(new ScenarioFault { Operation = "GetItem", Mailbox = address, Kind = SimulatedFaultKind.ItemError, ResponseCode = "ErrorCorruptData", Times = 5 });
        simulator.DeliverMessage(IncomingMail.Message("someone@elsewhere.example", [address], "Broken beyond repair"));
        for (var cycle = 0; cycle < 5; cycle++)
        {
            await app.RunCycleAsync(mailbox.Id);
        }

        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, outcome: ItemOutcome.Failed, cancellationToken: Ct)).Value;
        Assert.Equal([1, 2, 3, 4, 5], events.Select(e => e.Attempt));
        Assert.Equal(["Malformed", "Malformed", "Malformed", "Malformed", "Undeliverable"], events.Select(e => e.ReasonCode));
        Assert.Empty((await app.Emails().ListEmailsAsync(mailboxId: mailbox.Id, cancellationToken: Ct)).Value);

        var left = simulator.Inbox(address);
        var status = await app.IncomingStatusAsync(mailbox.Id);
        Assert.True(left.Count == 0, $"Still in the Inbox: {string.Join(", ", left.Select(i => $"{i.Subject} [{string.Join('|', i.Categories)}]"))}; last error {status?.LastError?.Code}: {status?.LastError?.Message}");
        var folder = Assert.Single(simulator.State.GetFolders(address), f => f.DisplayName == "Undeliverable");
        var item = Assert.Single(simulator.State.GetItems(address, folder.Id));
        Assert.Equal(["Tracked to CRM (Undeliverable)"], item.Categories);

        // Given up means given up: later cycles leave it alone.
        await app.RunCycleAsync(mailbox.Id);
        Assert.Equal(5, (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, outcome: ItemOutcome.Failed, cancellationToken: Ct)).Value.Count);
    }

    [Fact]
    public async Task AQueueThatDeletesEmailAfterProcessingSendsTrackedItemsToDeletedItems()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var address = simulator.AddExchangeMailbox("support");
        var queue = await app.CreateMailboxAsync(address, input =>
        {
            input.Owner = new MailboxOwnerInput { Type = MailboxOwnerType.Queue, Id = "queue-support" };
            input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages;
            input.DeleteEmailsAfterProcessing = true;
        });
        Assert.Equal(1, (await app.TestAndEnableAsync(queue.Id)).Counts.Succeeded);

        simulator.DeliverMessage(IncomingMail.Message("customer@elsewhere.example", [address], "My order is late"));
        var email = Assert.Single(await app.WaitForEmailsAsync(queue.Id, e => e.Count == 1));

        // The item is moved once its page is committed, which is when the activity becomes visible: shortly after.
        for (var wait = DateTime.UtcNow.AddSeconds(15); simulator.Inbox(address).Count > 0 && DateTime.UtcNow < wait;)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Empty(simulator.Inbox(address));
        var deleted = Assert.Single(simulator.State.GetItems(address, SimulatedFolder.DeletedItems));
        Assert.Equal("My order is late", deleted.Subject);
        Assert.Equal(DirectoryRecordType.Queue, (await app.Emails().GetEmailAsync(email.Id, Ct)).To.Single().Record!.RecordType);
    }

    [Fact]
    public async Task WithTrackSentItemsMailInSentItemsBecomesAnOutgoingSentActivityJudgedByItsRecipients()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { TrackSentItems = true }, cancellationToken: Ct);
        await app.DirectoryEntries().PutDirectoryEntryAsync("contact-carol", new DirectoryEntryInput
        {
            RecordType = DirectoryRecordType.Contact, RecordId = "c-1", DisplayName = "Carol Contact", EmailAddresses = ["carol@fabrikam.example"],
        }, cancellationToken: Ct);
        var address = simulator.AddExchangeMailbox("sender");
        var mailbox = await app.CreateMailboxAsync(address, input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.FromCrmRecords);
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.Succeeded);

        // What the user sent from Outlook: one message to a contact, one to a stranger, both filed in Sent Items.
        foreach (var (to, subject) in new[] { ("carol@fabrikam.example", "Your quote"), ("stranger@elsewhere.example", "Lunch?") })
        {
            var delivered = simulator.DeliverMessage(IncomingMail.Message(address, [to], subject), [address]);
            Assert.NotNull(simulator.State.MoveItem(address, Assert.Single(delivered.Delivered).ItemId, SimulatedFolder.SentItems));
        }

        var sent = Assert.Single(await app.WaitForEmailsAsync(mailbox.Id, e => e.Count >= 1));
        var email = await app.Emails().GetEmailAsync(sent.Id, Ct);
        Assert.Equal((EmailDirection.Outgoing, EmailStatus.Sent, "Your quote"), (email.Direction, email.Status, email.Subject));
        Assert.Equal((mailbox.Id, TrackingReason.FromCrmRecord), (email.MailboxId, email.TrackedBecause));
        Assert.Empty(email.ReceivingMailboxIds);
        Assert.Equal(DirectoryRecordType.Contact, Assert.Single(email.To).Record!.RecordType);
        await app.RunCycleAsync(mailbox.Id);
        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(mailbox.Id, cancellationToken: Ct)).Value;
        Assert.Contains(events, e => e.Folder == SyncFolder.SentItems && e.ReasonCode == "FilteredOut" && e.Subject == "Lunch?");
    }
}
