using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Incoming email end to end: mail delivered into the simulator, read by the synchronization engine over EWS, read back as email
/// activities, change feed entries and item outcomes through the generated client, and marked in the simulator's mailbox.
/// </summary>
public sealed class IncomingEmailSyncTests
{
    private const string Contact = "carol@fabrikam.example";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMessageFromAContactBecomesOneActivityWithItsPartiesBodyAndAttachmentMarkedInExchangeAndInTheChangeFeed()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var start = await app.Changes().ListChangesAsync("latest", cancellationToken: Ct);
        var (alice, bob) = await TwoEnabledMailboxesAsync(app, simulator, IncomingEmailFilteringMethod.FromCrmRecords);
        await app.DirectoryEntries().PutDirectoryEntryAsync("contact-carol", new DirectoryEntryInput
        {
            RecordType = DirectoryRecordType.Contact, RecordId = "c-1", DisplayName = "Carol Contact", EmailAddresses = [Contact],
        }, cancellationToken: Ct);
        var pdf = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
        var message = IncomingMail.Message(Contact, [alice.EmailAddress], "Quote for 40 chairs", cc: [bob.EmailAddress]).WithAttachment("quote.pdf", pdf);
        // Alice's copy first, so that hers makes the activity and bob's (delivered once it exists) joins it.
        simulator.DeliverMessage(message, [alice.EmailAddress]);
        var emails = await app.WaitForEmailsAsync(alice.Id, e => e.Count == 1);
        simulator.DeliverMessage(message, [bob.EmailAddress]);
        await app.SyncAndWaitAsync(bob.Id);
        var email = await app.Emails().GetEmailAsync(emails.Single().Id, Ct);

        Assert.Equal((EmailDirection.Incoming, EmailStatus.Received), (email.Direction, email.Status));
        Assert.Equal("Quote for 40 chairs", email.Subject);
        Assert.Equal($"<{message.MessageId}>", email.InternetMessageId);
        Assert.Equal((Contact, DirectoryRecordType.Contact, "c-1"), (email.From!.EmailAddress, email.From.Record!.RecordType, email.From.Record.RecordId));
        Assert.Equal((alice.EmailAddress, DirectoryRecordType.User), (Assert.Single(email.To).EmailAddress, email.To[0].Record!.RecordType));
        Assert.Equal(bob.EmailAddress, Assert.Single(email.Cc).EmailAddress);
        Assert.Equal(TrackingReason.FromCrmRecord, email.TrackedBecause);
        Assert.Equal(alice.Id, email.MailboxId);
        Assert.Equal([alice.Id, bob.Id], email.ReceivingMailboxIds);
        Assert.Contains("Hello, this is Quote for 40 chairs.", email.Body!.Content, StringComparison.Ordinal);
        var attachment = Assert.Single(email.Attachments);
        Assert.Equal(("quote.pdf", "application/pdf", 3000L, false), (attachment.Name, attachment.ContentType, attachment.Size, attachment.Skipped));
        using (var content = await app.Emails().GetEmailAttachmentContentAsync(email.Id, attachment.Id, Ct))
        {
            using var copy = new MemoryStream();
            await content.Stream.CopyToAsync(copy, Ct);
            Assert.Equal(pdf, copy.ToArray());
        }

        // Marked in both mailboxes, with the category and this deployment's stamp.
        foreach (var address in new[] { alice.EmailAddress, bob.EmailAddress })
        {
            var item = Assert.Single(simulator.Inbox(address));
            Assert.Contains("Tracked to CRM", item.Categories);
            Assert.Contains(item.ExtendedProperties, p => p.Key.ToString().Contains("ExSyncEmailId", StringComparison.Ordinal) && p.Value.Single() == email.Id.ToString("D"));
        }

        // One Created entry, then Updated when bob's copy joined, and the mailboxes' first synchronization; the outcomes say why.
        var changes = await app.ChangesSinceAsync(IncomingMail.CursorOf(start.DeltaLink!));
        var ofEmail = changes.Where(c => c.ObjectType == "Email" && c.ObjectId == email.Id.ToString()).ToList();
        Assert.Equal([ChangeOperation.Created, ChangeOperation.Updated], ofEmail.Select(c => c.Operation));
        Assert.Contains(changes, c => c.ObjectType == "MailboxSyncStatus" && c.ObjectId == alice.Id.ToString());
        var aliceEvents = (await app.Mailboxes().ListMailboxSyncEventsAsync(alice.Id, cancellationToken: Ct)).Value;
        Assert.Contains(aliceEvents, e => e.Outcome == ItemOutcome.Tracked && e.ReasonCode == "Created" && e.EmailId == email.Id);
        var bobEvents = (await app.Mailboxes().ListMailboxSyncEventsAsync(bob.Id, cancellationToken: Ct)).Value;
        Assert.Contains(bobEvents, e => e.Outcome == ItemOutcome.Tracked && e.ReasonCode == "Duplicate" && e.EmailId == email.Id);

        // More cycles see only ExSync's own writes: nothing new, nothing duplicated.
        await app.SyncAndWaitAsync(alice.Id);
        await app.SyncAndWaitAsync(bob.Id);
        Assert.Single((await app.Emails().ListEmailsAsync(mailboxId: alice.Id, cancellationToken: Ct)).Value);
        Assert.Equal(aliceEvents.Count, (await app.Mailboxes().ListMailboxSyncEventsAsync(alice.Id, cancellationToken: Ct)).Value.Count);
        var status = (await app.Mailboxes().GetMailboxSyncStatusAsync(alice.Id, Ct)).Directions.Single(d => d.Direction == SyncDirection.IncomingEmail);
        Assert.Equal(SyncWorkloadState.Active, status.State);
        Assert.NotNull(status.LastSuccessfulSyncAt);
    }

    [Fact]
    public async Task FiltersDecideCategoriesOverrideAndRepliesJoinTheirThreadWithItsRegarding()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator, IncomingEmailFilteringMethod.ResponsesToCrmEmail);
        await app.DirectoryEntries().PutDirectoryEntryAsync("contact-carol", new DirectoryEntryInput
        {
            RecordType = DirectoryRecordType.Contact, RecordId = "c-1", DisplayName = "Carol Contact", EmailAddresses = [Contact],
        }, cancellationToken: Ct);

        // Not a response to CRM email: filtered out, with the reason listed.
        var first = IncomingMail.Message(Contact, [alice.EmailAddress], "Chairs?");
        simulator.DeliverMessage(first);
        await app.SyncAndWaitAsync(alice.Id);
        Assert.Empty((await app.Emails().ListEmailsAsync(mailboxId: alice.Id, cancellationToken: Ct)).Value);
        var events = (await app.Mailboxes().ListMailboxSyncEventsAsync(alice.Id, cancellationToken: Ct)).Value;
        Assert.Contains(events, e => e.Outcome == ItemOutcome.NotTracked && e.ReasonCode == "FilteredOut" && e.Subject == "Chairs?");

        // The user tracks it with the category: tracked whatever the filter says.
        var item = Assert.Single(simulator.Inbox(alice.EmailAddress));
        simulator.State.SetItemCategories(alice.EmailAddress, item.Id, "Tracked to CRM");
        var tracked = Assert.Single(await app.WaitForEmailsAsync(alice.Id, e => e.Count == 1));
        Assert.Equal(TrackingReason.TrackedCategory, tracked.TrackedBecause);
        var original = await app.Emails().GetEmailAsync(tracked.Id, Ct);
        await app.Emails().UpdateEmailAsync(tracked.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Opportunity", RecordId = "opp-7" } }, original.Etag, Ct);

        // A reply is a response to CRM email: tied to the original by In-Reply-To, regarding inherited.
        simulator.DeliverMessage(IncomingMail.Message(Contact, [alice.EmailAddress], "RE: Chairs?", inReplyTo: first.MessageId));
        var both = await app.WaitForEmailsAsync(alice.Id, e => e.Count == 2);
        var reply = await app.Emails().GetEmailAsync(both.Single(e => e.Id != tracked.Id).Id, Ct);
        Assert.Equal(TrackingReason.ResponseToCrmEmail, reply.TrackedBecause);
        Assert.Equal((CorrelationMethod.InReplyTo, (Guid?)tracked.Id), (reply.Correlation.Method, reply.Correlation.EmailId));
        Assert.Equal(("Opportunity", "opp-7"), (reply.Regarding!.RecordType, reply.Regarding.RecordId));

        // Removing the category untracks the item; the activity stays.
        simulator.State.SetItemCategories(alice.EmailAddress, item.Id);
        await app.SyncAndWaitAsync(alice.Id);
        await app.SyncAndWaitAsync(alice.Id);
        Assert.Contains((await app.Mailboxes().ListMailboxSyncEventsAsync(alice.Id, cancellationToken: Ct)).Value, e => e.Outcome == ItemOutcome.Untracked && e.ReasonCode == "CategoryRemoved");
        Assert.Equal(2, (await app.Emails().ListEmailsAsync(mailboxId: alice.Id, cancellationToken: Ct)).Value.Count);
    }

    [Fact]
    public async Task AnInvalidSyncStateAndAnItemThatVanishesAreHandledWithoutLosingOrDuplicatingMail()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var (alice, _) = await TwoEnabledMailboxesAsync(app, simulator, IncomingEmailFilteringMethod.AllEmailMessages);
        for (var i = 0; i < 3; i++)
        {
            simulator.DeliverMessage(IncomingMail.Message("someone@elsewhere.example", [alice.EmailAddress], $"Message {i}"));
        }

        await app.WaitForEmailsAsync(alice.Id, e => e.Count == 3);

        // Exchange forgets the state: the folder is read again from the start, and the three messages are recognised.
        simulator.State.InvalidateSyncStates(alice.EmailAddress, SimulatedFolder.Inbox);
        simulator.DeliverMessage(IncomingMail.Message("someone@elsewhere.example", [alice.EmailAddress], "Message 3"));
        var four = await app.WaitForEmailsAsync(alice.Id, e => e.Count >= 4);
        await app.SyncAndWaitAsync(alice.Id);
        Assert.Equal(4, (await app.Emails().ListEmailsAsync(mailboxId: alice.Id, cancellationToken: Ct)).Value.Count);
        Assert.Equal(4, four.Select(e => e.InternetMessageId).Distinct().Count());

        // An item deleted between SyncFolderItems and GetItem: one outcome, and the mailbox goes on.
        simulator.State.DeleteCreatedItemsAfterNextSync(alice.EmailAddress, SimulatedFolder.Inbox);
        simulator.DeliverMessage(IncomingMail.Message("someone@elsewhere.example", [alice.EmailAddress], "Gone soon"));
        await app.SyncAndWaitAsync(alice.Id);
        Assert.Contains((await app.Mailboxes().ListMailboxSyncEventsAsync(alice.Id, cancellationToken: Ct)).Value, e => e.ReasonCode == "ItemVanished");
        simulator.DeliverMessage(IncomingMail.Message("someone@elsewhere.example", [alice.EmailAddress], "After"));
        var after = await app.WaitForEmailsAsync(alice.Id, e => e.Any(x => x.Subject == "After"));
        Assert.Equal(5, after.Count);
    }

    private static async Task<(Mailbox Alice, Mailbox Bob)> TwoEnabledMailboxesAsync(ExSyncApplication app, ExchangeSimulatorHost simulator, IncomingEmailFilteringMethod aliceFilter)
    {
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var alice = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("alice"), input => input.IncomingEmailFilteringMethod = aliceFilter);
        var bob = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("bob"));
        var job = await app.TestAndEnableAsync(alice.Id, bob.Id);
        Assert.Equal(2, job.Counts.Succeeded);
        return (await app.Mailboxes().GetMailboxAsync(alice.Id, Ct), await app.Mailboxes().GetMailboxAsync(bob.Id, Ct));
    }
}
