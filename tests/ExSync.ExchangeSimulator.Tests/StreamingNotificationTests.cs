using System.Diagnostics;
using System.Net;
using System.Xml.Linq;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>GetStreamingEvents read incrementally from the open response, as a streaming client reads it.</summary>
public sealed class StreamingNotificationTests : SimulatorTest
{
    [Fact]
    public async Task OneConnectionStreamsTheEventsOfSeveralMailboxesAsTheyHappen()
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        var bob = await SubscribeAsync(Client, TestScenarios.Bob);
        using var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice, bob), TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/xml; charset=utf-8", stream.Response.Content.Headers.ContentType?.ToString());
        var opened = await stream.NextMessageAsync();
        Assert.Equal("OK", opened!.Element(Soap.M + "ConnectionStatus")!.Value);
        var clock = Stopwatch.StartNew();
        var bobsItem = Host.State.AddItem(TestScenarios.Bob, SimulatedFolder.Inbox, "for bob");
        var first = await stream.NextNotificationsAsync();
        var latency = clock.Elapsed;
        var alicesItem = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "for alice");
        var second = await stream.NextNotificationsAsync();

        Assert.True(latency < TimeSpan.FromSeconds(1), $"The notification took {latency.TotalMilliseconds:0} ms.");
        var bobNotification = Assert.Single(first.Element(Soap.M + "Notifications")!.Elements(Soap.M + "Notification"));
        Assert.Equal(bob, bobNotification.Element(Soap.T + "SubscriptionId")!.Value);
        Assert.Equal(["SubscriptionId", "CreatedEvent", "NewMailEvent", "ModifiedEvent"], bobNotification.Elements().Select(element => element.Name.LocalName));
        var created = bobNotification.Element(Soap.T + "CreatedEvent")!;
        Assert.Equal(["TimeStamp", "ItemId", "ParentFolderId"], created.Elements().Select(element => element.Name.LocalName));
        Assert.Equal(bobsItem, created.FirstId());
        Assert.Equal(alicesItem, second.Descendants(Soap.T + "NewMailEvent").Single().FirstId());
        Assert.Equal(alice, second.Descendants(Soap.T + "SubscriptionId").Single().Value);

        // The envelopes look like Exchange's, which ews-javascript-api finds by the literal text "<Envelope".
        Assert.All(stream.RawEnvelopes, envelope => Assert.StartsWith("<Envelope xmlns=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap11:Header", envelope, StringComparison.Ordinal));
    }

    [Fact]
    public async Task StreamingConnectionsAreCountedApartFromConcurrentRequests()
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        using var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice), TestScenarios.Alice);
        await stream.NextMessageAsync();

        Host.Requests.Reset();

        Assert.Equal(0, Host.Requests.PeakConcurrentRequests);
        Assert.Equal(0, Host.Requests.PeakConcurrentRequestsOf(TestScenarios.ServiceUser));
        Assert.Equal(1, Host.Requests.HangingConnections);
        Assert.Equal(1, Host.Requests.PeakHangingConnections);
        Assert.Equal(1, Host.Requests.PeakHangingConnectionsOf(TestScenarios.ServiceUser));
    }

    [Fact]
    public async Task UnknownAndForeignSubscriptionsAreReportedPerIdAndTheOthersStream()
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        using var admin = new SimulatorClient(Host, TestScenarios.AdminUser, TestScenarios.AdminPassword);
        var admins = await SubscribeAsync(admin, TestScenarios.Bob);
        using var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice, "bm8gc3VjaCBzdWJzY3JpcHRpb24=", admins), TestScenarios.Alice);

        var notFound = await stream.NextMessageAsync();
        var denied = await stream.NextMessageAsync();
        var opened = await stream.NextMessageAsync();

        AssertError(notFound!, "ErrorSubscriptionNotFound", "OK", "bm8gc3VjaCBzdWJzY3JpcHRpb24=");
        AssertError(denied!, "ErrorSubscriptionAccessDenied", "OK", admins);
        Assert.Equal("OK", opened!.Element(Soap.M + "ConnectionStatus")!.Value);
        Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "still streaming");
        Assert.NotNull((await stream.NextNotificationsAsync()).Element(Soap.M + "Notifications"));
    }

    [Fact]
    public async Task WithNoUsableSubscriptionTheResponseClosesAtOnce()
    {
        using var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, "bm8gc3VjaCBzdWJzY3JpcHRpb24="), TestScenarios.Alice);

        AssertError((await stream.NextMessageAsync())!, "ErrorSubscriptionNotFound", "Closed", "bm8gc3VjaCBzdWJzY3JpcHRpb24=");
        Assert.Null(await stream.NextMessageAsync());
    }

    [Fact]
    public async Task TheConnectionPingsWhenIdleClosesAtItsTimeoutAndTheSubscriptionLaterExpires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), new ExchangeSimulatorHostOptions { TimeProvider = time }, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);
        var alice = await SubscribeAsync(client, TestScenarios.Alice);
        using (var stream = await StreamingResponse.OpenAsync(client.Http, ChangeTrackingSoap.GetStreamingEvents(1, alice), TestScenarios.Alice))
        {
            await stream.NextMessageAsync();
            var ping = await AdvanceUntilMessageAsync(time, stream, TimeSpan.FromSeconds(31));
            var closed = await AdvanceUntilMessageAsync(time, stream, TimeSpan.FromSeconds(31));

            Assert.Equal(["ResponseCode", "ConnectionStatus"], ping.Elements().Select(element => element.Name.LocalName));
            Assert.Equal("OK", ping.Element(Soap.M + "ConnectionStatus")!.Value);
            Assert.Equal("Closed", closed.Element(Soap.M + "ConnectionStatus")!.Value);
            Assert.Null(await stream.NextMessageAsync());
        }

        // Without a connection holding it, a streaming subscription lives 30 minutes.
        await WaitUntilAsync(() => host.State.GetSubscriptions().All(subscription => !subscription.IsConnected));
        time.Advance(TimeSpan.FromMinutes(29));
        using (var reconnected = await StreamingResponse.OpenAsync(client.Http, ChangeTrackingSoap.GetStreamingEvents(1, alice), TestScenarios.Alice))
        {
            Assert.Equal("OK", (await reconnected.NextMessageAsync())!.Element(Soap.M + "ConnectionStatus")!.Value);
        }

        await WaitUntilAsync(() => host.State.GetSubscriptions().All(subscription => !subscription.IsConnected));
        time.Advance(TimeSpan.FromMinutes(31));
        using var expired = await StreamingResponse.OpenAsync(client.Http, ChangeTrackingSoap.GetStreamingEvents(1, alice), TestScenarios.Alice);
        AssertError((await expired.NextMessageAsync())!, "ErrorSubscriptionNotFound", "Closed", alice);
    }

    [Fact]
    public async Task TheHangingConnectionLimitCountsPerAccountAndTargetMailbox()
    {
        Host.State.HangingConnectionLimit = 1;
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        var bob = await SubscribeAsync(Client, TestScenarios.Bob);
        using var first = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice), TestScenarios.Alice);
        await first.NextMessageAsync();

        var refused = await Client.EwsAsync(ChangeTrackingSoap.GetStreamingEvents(30, alice), impersonate: TestScenarios.Alice);
        using var otherAnchor = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, bob), TestScenarios.Bob);

        refused.AssertFault("ErrorExceededConnectionCount");
        Assert.Equal("OK", (await otherAnchor.NextMessageAsync())!.Element(Soap.M + "ConnectionStatus")!.Value);
        Assert.Equal(2, Host.Requests.HangingConnections);
    }

    [Fact]
    public async Task ALostSubscriptionIsReportedAndTheLastOneClosesTheConnection()
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        var bob = await SubscribeAsync(Client, TestScenarios.Bob);
        using var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice, bob), TestScenarios.Alice);
        await stream.NextMessageAsync();

        Assert.True(Host.State.ExpireSubscription(alice));
        var firstLoss = await stream.NextMessageAsync();
        Assert.Equal(1, Host.State.LoseNotificationEvents(TestScenarios.Bob));
        var missed = await stream.NextMessageAsync();
        (await Client.EwsAsync(ChangeTrackingSoap.Unsubscribe(bob), impersonate: TestScenarios.Bob)).AssertSuccess();
        var lastLoss = await stream.NextMessageAsync();

        AssertError(firstLoss!, "ErrorSubscriptionNotFound", "OK", alice);
        AssertError(missed!, "ErrorMissedNotificationEvents", "OK", bob);
        AssertError(lastLoss!, "ErrorSubscriptionNotFound", "Closed", bob);
        Assert.Null(await stream.NextMessageAsync());
    }

    [Fact]
    public async Task ADroppedConnectionBreaksWithoutClosingAndItsSubscriptionsSurvive()
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);
        using (var stream = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice), TestScenarios.Alice))
        {
            await stream.NextMessageAsync();
            Assert.Equal(1, Host.State.DropStreamingConnections(TestScenarios.Alice));
            await Assert.ThrowsAnyAsync<IOException>(() => stream.NextMessageAsync());
        }

        var whileAway = Host.State.AddItem(TestScenarios.Alice, SimulatedFolder.Inbox, "while disconnected");
        using var reconnected = await StreamingResponse.OpenAsync(Client.Http, ChangeTrackingSoap.GetStreamingEvents(30, alice), TestScenarios.Alice);
        await reconnected.NextMessageAsync();
        Assert.Equal(whileAway, (await reconnected.NextNotificationsAsync()).Descendants(Soap.T + "NewMailEvent").Single().FirstId());
    }

    [Fact]
    public async Task AMessageReachesItsConnectionAmongAThousandWatchedMailboxesWithinASecond()
    {
        const int mailboxes = 1000;
        const int perConnection = 200;
        var addresses = Enumerable.Range(0, mailboxes).Select(index => $"user{index:D4}@contoso.local").ToList();
        foreach (var address in addresses)
        {
            Host.State.AddMailbox(new ScenarioMailbox { SmtpAddress = address });
        }

        using var admin = new SimulatorClient(Host, TestScenarios.AdminUser, TestScenarios.AdminPassword);
        var subscriptions = new string[mailboxes];
        await Parallel.ForAsync(0, mailboxes, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = TestContext.Current.CancellationToken },
            async (index, _) => subscriptions[index] = await SubscribeAsync(admin, addresses[index]));

        var streams = new List<StreamingResponse>();
        try
        {
            for (var group = 0; group < mailboxes / perConnection; group++)
            {
                var ids = subscriptions.Skip(group * perConnection).Take(perConnection).ToArray();
                var stream = await StreamingResponse.OpenAsync(admin.Http, ChangeTrackingSoap.GetStreamingEvents(30, ids), addresses[group * perConnection]);
                streams.Add(stream);
                await stream.NextMessageAsync();
            }

            var target = 777;
            var clock = Stopwatch.StartNew();
            var itemId = Host.State.AddItem(addresses[target], SimulatedFolder.Inbox, "needle");
            var notification = await streams[target / perConnection].NextNotificationsAsync(TimeSpan.FromSeconds(5));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"The notification took {clock.Elapsed.TotalMilliseconds:0} ms.");
            Assert.Equal(subscriptions[target], notification.Descendants(Soap.T + "SubscriptionId").Single().Value);
            Assert.Equal(itemId, notification.Descendants(Soap.T + "NewMailEvent").Single().FirstId());
            Assert.Equal(mailboxes / perConnection, Host.Requests.HangingConnections);
        }
        finally
        {
            streams.ForEach(stream => stream.Dispose());
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    public async Task TheConnectionTimeoutIsOneToThirtyMinutes(int minutes)
    {
        var alice = await SubscribeAsync(Client, TestScenarios.Alice);

        var response = await Client.EwsAsync(ChangeTrackingSoap.GetStreamingEvents(minutes, alice), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Theory]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, 3)]
    [InlineData(SimulatedExchangeVersion.Exchange2016, 10)]
    [InlineData(SimulatedExchangeVersion.Exchange2019, 10)]
    public async Task TheDefaultHangingConnectionLimitIsExchangesForTheVersion(SimulatedExchangeVersion version, int expected)
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(version), TestContext.Current.CancellationToken);

        Assert.Equal(expected, host.State.HangingConnectionLimit);
    }

    [Fact]
    public async Task SubscriptionsPerMailboxAreLimited()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.ChangeTracking.MaxSubscriptionsPerMailbox = 2;
        await using var host = await ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);
        await SubscribeAsync(client, TestScenarios.Alice);
        await SubscribeAsync(client, TestScenarios.Alice);

        var third = await client.EwsAsync(ChangeTrackingSoap.StreamingSubscribe("inbox"), impersonate: TestScenarios.Alice);
        var bob = await client.EwsAsync(ChangeTrackingSoap.StreamingSubscribe("inbox"), impersonate: TestScenarios.Bob);

        third.AssertItemError("ErrorExceededSubscriptionCount");
        bob.AssertSuccess();
    }

    private static async Task<string> SubscribeAsync(SimulatorClient client, string mailbox)
    {
        var response = await client.EwsAsync(ChangeTrackingSoap.StreamingSubscribe("inbox"), impersonate: mailbox);
        response.AssertSuccess();
        Assert.Null(response.SingleMessage.Element(Soap.M + "Watermark"));
        return response.SingleMessage.Value("SubscriptionId");
    }

    private static void AssertError(XElement message, string responseCode, string connectionStatus, params string[] subscriptionIds)
    {
        Assert.Equal("Error", (string?)message.Attribute("ResponseClass"));
        Assert.Equal(responseCode, message.Element(Soap.M + "ResponseCode")!.Value);
        Assert.Equal(subscriptionIds, message.Element(Soap.M + "ErrorSubscriptionIds")!.Elements(Soap.T + "SubscriptionId").Select(id => id.Value));
        Assert.Equal(connectionStatus, message.Element(Soap.M + "ConnectionStatus")!.Value);
    }

    /// <summary>Advances fake time in small steps until the connection sends something (its timers may not be armed yet at the first step).</summary>
    private static async Task<XElement> AdvanceUntilMessageAsync(FakeTimeProvider time, StreamingResponse stream, TimeSpan total)
    {
        var pending = stream.NextMessageAsync(TimeSpan.FromSeconds(20));
        var step = total / 10;
        for (var advanced = TimeSpan.Zero; !pending.IsCompleted && advanced < total * 3; advanced += step)
        {
            time.Advance(step);
            await Task.WhenAny(pending, Task.Delay(50, TestContext.Current.CancellationToken));
        }

        return (await pending)!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var attempt = 0; attempt < 200 && !condition(); attempt++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }
}
