using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Sending and finding the sent copy by its stamp, against the simulator (an independent EWS implementation).</summary>
public sealed class SendSimulatorTests : SimulatorTestBase
{
    private const string Carol = "carol@contoso.local";

    private static readonly ExtendedPropertyDefinition LinkStamp =
        ExtendedPropertyDefinition.Named(Guid.Parse("3c2f8a47-0d4e-4c55-a0b3-1f6e2d9c7b14"), "ExSyncLinkId", MapiPropertyType.String);

    internal override void Configure(SimulatorScenario scenario) =>
        scenario.Mailboxes = [.. scenario.Mailboxes, new ScenarioMailbox { SmtpAddress = Carol, DisplayName = "Carol" }];

    private static SendMessageRequest Message(string linkId) => new()
    {
        MimeContent = Encoding.UTF8.GetBytes(
            $"From: Alice <{Scenarios.Alice}>\r\nTo: Bob <{Scenarios.Bob}>\r\nSubject: Quote {linkId}\r\nMessage-ID: <{linkId}@exsync.test>\r\n" +
            "Date: Mon, 2 Jun 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Bob\r\n"),
        ExtendedProperties = [new ExtendedPropertyValue(LinkStamp, linkId, [])],
        Categories = ["Tracked to CRM"],
        ToRecipients = [new SmtpRecipient(Scenarios.Bob, "Bob")],
        BccRecipients = [new SmtpRecipient(Carol)],
    };

    private Task<FindItemResponse> FindSentAsync(string linkId) => Client.Ews.FindItemAsync(Scenarios.Target(Simulator), new FindItemRequest
    {
        ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.SentItems),
        Restriction = ItemRestriction.IsEqualTo(LinkStamp, linkId),
        AdditionalExtendedProperties = [LinkStamp],
        AdditionalFieldUris = ["item:Subject"],
        MaxEntriesReturned = 2,
    }, Ct);

    [Fact]
    public async Task A_sent_message_reaches_to_and_bcc_recipients_and_its_copy_is_found_by_its_stamp()
    {
        Assert.Empty((await FindSentAsync("email-1")).Items);

        await Client.Ews.SendMessageAsync(Scenarios.Target(Simulator), Message("email-1"), Ct);

        var found = Assert.Single((await FindSentAsync("email-1")).Items);
        Assert.Equal("Quote email-1", found.Subject);
        Assert.Equal("email-1", Assert.Single(found.ExtendedProperties).Value);
        Assert.Single(Simulator.State.GetItems(Scenarios.Bob, SimulatedFolder.Inbox), i => i.Subject == "Quote email-1");
        Assert.Single(Simulator.State.GetItems(Carol, SimulatedFolder.Inbox), i => i.Subject == "Quote email-1");
        Assert.Single(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.SentItems));
    }

    [Fact]
    public async Task The_stamp_look_up_tells_sent_messages_apart()
    {
        await Client.Ews.SendMessageAsync(Scenarios.Target(Simulator), Message("email-1"), Ct);
        await Client.Ews.SendMessageAsync(Scenarios.Target(Simulator), Message("email-2"), Ct);

        Assert.Equal("Quote email-2", Assert.Single((await FindSentAsync("email-2")).Items).Subject);
        Assert.Empty((await FindSentAsync("email-3")).Items);
    }

    [Fact]
    public async Task A_send_without_any_recipient_is_refused_as_invalid_recipients_and_nothing_is_sent()
    {
        var request = Message("email-1") with
        {
            MimeContent = Encoding.UTF8.GetBytes("From: alice@contoso.local\r\nSubject: nobody\r\n\r\nbody\r\n"),
            ToRecipients = [],
            BccRecipients = [],
        };

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.SendMessageAsync(Scenarios.Target(Simulator), request, Ct));

        Assert.Equal((ExchangeErrorCodes.InvalidRecipients, ExchangeErrorClass.Permanent, false), (exception.Error.Code, exception.Error.ErrorClass, exception.Error.OutcomeUnknown));
        Assert.Empty(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.SentItems));
    }

    [Fact]
    public async Task A_send_as_a_mailbox_the_account_may_not_impersonate_is_permanent_and_not_sent()
    {
        var target = Scenarios.Target(Simulator, Scenarios.Bob, Scenarios.Basic(Scenarios.LimitedUser, Scenarios.LimitedPassword));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.SendMessageAsync(target, Message("email-1"), Ct));

        Assert.Equal((ExchangeErrorCodes.ImpersonationDenied, false), (exception.Error.Code, exception.Error.OutcomeUnknown));
        Assert.Equal(1, Simulator.Requests.Count("CreateItem"));
        Assert.Empty(Simulator.State.GetItems(Scenarios.Bob, SimulatedFolder.SentItems));
    }
}
