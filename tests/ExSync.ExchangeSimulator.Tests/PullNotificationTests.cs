using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class PullNotificationTests : SimulatorTest
{
    private const string AllEvents = "NewMailEvent,CreatedEvent,DeletedEvent,ModifiedEvent,MovedEvent,CopiedEvent";

    [Fact]
    public async Task NewMailRaisesCreatedNewMailAndFolderModifiedEventsEachWithItsWatermark()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("inbox");

        var nothing = await GetEventsAsync(subscriptionId, watermark);
        var itemId = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "new mail");
        var delivered = await GetEventsAsync(subscriptionId, watermark);

        var quiet = Notification(nothing);
        Assert.Equal(["SubscriptionId", "PreviousWatermark", "MoreEvents", "StatusEvent"], quiet.Elements().Select(element => element.Name.LocalName));
        Assert.Equal(watermark, quiet.Element(Soap.T + "StatusEvent")!.Element(Soap.T + "Watermark")!.Value);

        var notification = Notification(delivered);
        Assert.Equal(subscriptionId, notification.Element(Soap.T + "SubscriptionId")!.Value);
        Assert.Equal(watermark, notification.Element(Soap.T + "PreviousWatermark")!.Value);
        Assert.Equal("false", notification.Element(Soap.T + "MoreEvents")!.Value);
        var events = Events(notification);
        Assert.Equal(["CreatedEvent", "NewMailEvent", "ModifiedEvent"], events.Select(element => element.Name.LocalName));
        var inboxId = Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.Inbox);
        Assert.All(events[..2], created =>
        {
            Assert.Equal(["Watermark", "TimeStamp", "ItemId", "ParentFolderId"], created.Elements().Select(element => element.Name.LocalName));
            Assert.Equal(itemId, created.FirstId());
            Assert.Equal(inboxId, created.FirstId("ParentFolderId"));
        });
        Assert.Equal(inboxId, events[2].FirstId("FolderId"));
        Assert.Equal("10", events[2].Element(Soap.T + "UnreadCount")!.Value);
        Assert.Equal(3, events.Select(element => element.Element(Soap.T + "Watermark")!.Value).Distinct().Count());

        var after = await GetEventsAsync(subscriptionId, events[^1].Element(Soap.T + "Watermark")!.Value);
        Assert.NotNull(Notification(after).Element(Soap.T + "StatusEvent"));
    }

    [Fact]
    public async Task OnlyTheSubscribedFoldersAndEventTypesAreReported()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("inbox", "NewMailEvent");

        Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.JunkEmail, "elsewhere");
        var itemId = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "here");
        var response = await GetEventsAsync(subscriptionId, watermark);

        var newMail = Assert.Single(Events(Notification(response)));
        Assert.Equal("NewMailEvent", newMail.Name.LocalName);
        Assert.Equal(itemId, newMail.FirstId());
    }

    [Fact]
    public async Task MovesAndSoftDeletesAreMovedEventsWithTheOldIdAndParent()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("*", "MovedEvent,DeletedEvent");
        var items = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox);

        var moved = (await Client.EwsAsync(ChangeTrackingSoap.Move("drafts", items[0].Id), impersonate: TestScenarios.Alice)).SingleMessage.FirstId();
        (await Client.EwsAsync(ChangeTrackingSoap.Delete(items[1].Id, "SoftDelete"), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(ChangeTrackingSoap.Delete(items[2].Id, "HardDelete"), impersonate: TestScenarios.Alice)).AssertSuccess();
        var events = Events(Notification(await GetEventsAsync(subscriptionId, watermark)));

        Assert.Equal(["MovedEvent", "MovedEvent", "DeletedEvent"], events.Select(element => element.Name.LocalName));
        Assert.Equal(["Watermark", "TimeStamp", "ItemId", "ParentFolderId", "OldItemId", "OldParentFolderId"], events[0].Elements().Select(element => element.Name.LocalName));
        Assert.Equal(moved, events[0].FirstId());
        Assert.Equal(Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.Drafts), events[0].FirstId("ParentFolderId"));
        Assert.Equal(items[0].Id, events[0].FirstId("OldItemId"));
        Assert.Equal(Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.Inbox), events[0].FirstId("OldParentFolderId"));
        Assert.Equal(Host.State.GetFolderId(TestScenarios.Alice, SimulatedFolder.RecoverableItemsDeletions), events[1].FirstId("ParentFolderId"));
        Assert.Equal(items[2].Id, events[2].FirstId());
    }

    [Fact]
    public async Task AtMostFiftyEventsComePerCallWithMoreEvents()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("inbox", "CreatedEvent");
        for (var index = 0; index < 60; index++)
        {
            Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, $"bulk {index}");
        }

        var first = Notification(await GetEventsAsync(subscriptionId, watermark));
        var firstEvents = Events(first);
        var second = Notification(await GetEventsAsync(subscriptionId, firstEvents[^1].Element(Soap.T + "Watermark")!.Value));

        Assert.Equal(50, firstEvents.Count);
        Assert.Equal("true", first.Element(Soap.T + "MoreEvents")!.Value);
        Assert.Equal(10, Events(second).Count);
        Assert.Equal("false", second.Element(Soap.T + "MoreEvents")!.Value);
    }

    [Fact]
    public async Task ASubscriptionExpiresWhenNoGetEventsComesWithinItsTimeout()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), new ExchangeSimulatorHostOptions { TimeProvider = time }, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);
        var subscribed = await client.EwsAsync(ChangeTrackingSoap.PullSubscribe("inbox", timeout: 1), impersonate: TestScenarios.Alice);
        var (subscriptionId, watermark) = (subscribed.SingleMessage.Value("SubscriptionId"), subscribed.SingleMessage.Value("Watermark"));

        time.Advance(TimeSpan.FromSeconds(45));
        var kept = await client.EwsAsync(ChangeTrackingSoap.GetEvents(subscriptionId, watermark), impersonate: TestScenarios.Alice);
        time.Advance(TimeSpan.FromSeconds(45));
        var keptAgain = await client.EwsAsync(ChangeTrackingSoap.GetEvents(subscriptionId, watermark), impersonate: TestScenarios.Alice);
        time.Advance(TimeSpan.FromSeconds(61));
        var expired = await client.EwsAsync(ChangeTrackingSoap.GetEvents(subscriptionId, watermark), impersonate: TestScenarios.Alice);

        kept.AssertSuccess();
        keptAgain.AssertSuccess();
        expired.AssertItemError("ErrorSubscriptionNotFound");
        Assert.Empty(host.State.GetSubscriptions());
    }

    [Fact]
    public async Task UnsubscribeEndsTheSubscriptionAndOnlyItsCreatorMayUseIt()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("inbox");
        using var admin = new SimulatorClient(Host, TestScenarios.AdminUser, TestScenarios.AdminPassword);

        var foreignRead = await admin.EwsAsync(ChangeTrackingSoap.GetEvents(subscriptionId, watermark), impersonate: TestScenarios.Alice);
        var foreignEnd = await admin.EwsAsync(ChangeTrackingSoap.Unsubscribe(subscriptionId), impersonate: TestScenarios.Alice);
        var ended = await Client.EwsAsync(ChangeTrackingSoap.Unsubscribe(subscriptionId), impersonate: TestScenarios.Alice);
        var afterwards = await GetEventsAsync(subscriptionId, watermark);
        var again = await Client.EwsAsync(ChangeTrackingSoap.Unsubscribe(subscriptionId), impersonate: TestScenarios.Alice);

        foreignRead.AssertItemError("ErrorSubscriptionAccessDenied");
        foreignEnd.AssertItemError("ErrorSubscriptionAccessDenied");
        ended.AssertSuccess();
        afterwards.AssertItemError("ErrorSubscriptionNotFound");
        again.AssertItemError("ErrorSubscriptionNotFound");
    }

    [Fact]
    public async Task AWatermarkResumesANewSubscriptionWhereTheOldOneStopped()
    {
        var (first, watermark) = await SubscribeAsync("inbox", "NewMailEvent");
        (await Client.EwsAsync(ChangeTrackingSoap.Unsubscribe(first), impersonate: TestScenarios.Alice)).AssertSuccess();
        var missedWhileAway = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "while away");

        var resumed = await Client.EwsAsync(ChangeTrackingSoap.PullSubscribe("inbox", "NewMailEvent", watermark: watermark), impersonate: TestScenarios.Alice);
        var foreign = await Client.EwsAsync(ChangeTrackingSoap.PullSubscribe("inbox", "NewMailEvent", watermark: watermark), impersonate: TestScenarios.Bob);

        resumed.AssertSuccess();
        Assert.Equal(watermark, resumed.SingleMessage.Value("Watermark"));
        var events = Events(Notification(await GetEventsAsync(resumed.SingleMessage.Value("SubscriptionId"), watermark)));
        Assert.Equal(missedWhileAway, Assert.Single(events).FirstId());
        foreign.AssertItemError("ErrorInvalidWatermark");
    }

    [Fact]
    public async Task InjectedLossesGiveErrorMissedNotificationEventsOrErrorSubscriptionNotFound()
    {
        var (subscriptionId, watermark) = await SubscribeAsync("inbox");

        Assert.Equal(1, Host.State.LoseNotificationEvents(TestScenarios.Alice));
        var missed = await GetEventsAsync(subscriptionId, watermark);
        var recovered = await GetEventsAsync(subscriptionId, watermark);
        Assert.Equal(1, Host.State.ExpireSubscriptions(TestScenarios.Alice));
        var lost = await GetEventsAsync(subscriptionId, watermark);

        missed.AssertItemError("ErrorMissedNotificationEvents");
        recovered.AssertSuccess();
        lost.AssertItemError("ErrorSubscriptionNotFound");
    }

    [Fact]
    public async Task SubscribingToAnotherMailboxsFolderIsDelegateAccessAndRefused()
    {
        var response = await Client.EwsAsync(
            "<m:Subscribe><m:PullSubscriptionRequest><t:FolderIds><t:DistinguishedFolderId Id=\"inbox\"><t:Mailbox><t:EmailAddress>bob@contoso.local</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></t:FolderIds>" +
            "<t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>",
            impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorSubscriptionDelegateAccessNotSupported");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1441)]
    public async Task TheTimeoutIsOneTo1440Minutes(int timeout)
    {
        var response = await Client.EwsAsync(ChangeTrackingSoap.PullSubscribe("inbox", timeout: timeout), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    private async Task<(string SubscriptionId, string Watermark)> SubscribeAsync(string folders, string eventTypes = AllEvents)
    {
        var response = await Client.EwsAsync(ChangeTrackingSoap.PullSubscribe(folders, eventTypes), impersonate: TestScenarios.Alice);
        response.AssertSuccess();
        return (response.SingleMessage.Value("SubscriptionId"), response.SingleMessage.Value("Watermark"));
    }

    private Task<EwsResponse> GetEventsAsync(string subscriptionId, string watermark) =>
        Client.EwsAsync(ChangeTrackingSoap.GetEvents(subscriptionId, watermark), impersonate: TestScenarios.Alice);

    private static XElement Notification(EwsResponse response)
    {
        response.AssertSuccess();
        return response.SingleMessage.Element(Soap.M + "Notification")!;
    }

    private static List<XElement> Events(XElement notification) =>
        [.. notification.Elements().Where(element => element.Name.LocalName.EndsWith("Event", StringComparison.Ordinal))];
}
