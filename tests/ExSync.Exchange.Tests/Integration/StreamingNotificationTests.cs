using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>
/// Subscriptions and GetStreamingEvents over real HTTPS: envelopes parsed as they arrive in one chunked response, the hanging
/// connection kept out of the profile's slots, affinity headers and cookie, and how a stream ends.
/// </summary>
public sealed class StreamingNotificationTests : IAsyncLifetime
{
    private readonly ExchangeClientHarness _client = ExchangeClientHarness.Create();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExchangeConnectionPolicy Policy => _client.Services.GetRequiredService<ExchangeConnectionPolicy>();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _client.DisposeAsync();
    }

    private static string Envelope(string messages) => EwsXml.Envelope(
        $"""<m:GetStreamingEventsResponse {EwsXml.Namespaces}><m:ResponseMessages>{messages}</m:ResponseMessages></m:GetStreamingEventsResponse>""");

    private static string NewMail(string subscriptionId, string itemId) => Envelope($"""
        <m:GetStreamingEventsResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Notifications>
            <m:Notification>
              <t:SubscriptionId>{subscriptionId}</t:SubscriptionId>
              <t:NewMailEvent>
                <t:Watermark>W-{itemId}</t:Watermark>
                <t:TimeStamp>2024-05-01T08:00:00Z</t:TimeStamp>
                <t:ItemId Id="{itemId}" ChangeKey="CQAAAA=="/>
                <t:ParentFolderId Id="inbox-id" ChangeKey="AQAAAA=="/>
              </t:NewMailEvent>
            </m:Notification>
          </m:Notifications>
        </m:GetStreamingEventsResponseMessage>
        """);

    private static string Status(string status) => Envelope($"""
        <m:GetStreamingEventsResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:ConnectionStatus>{status}</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>
        """);

    private static string SubscribeResponse(string id) => EwsXml.Envelope($"""
        <m:SubscribeResponse {EwsXml.Namespaces}><m:ResponseMessages><m:SubscribeResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode><m:SubscriptionId>{id}</m:SubscriptionId>
        </m:SubscribeResponseMessage></m:ResponseMessages></m:SubscribeResponse>
        """);

    private static GetStreamingEventsRequest Stream(params string[] subscriptions) => new() { SubscriptionIds = subscriptions, ConnectionTimeoutMinutes = 1 };

    [Fact(Timeout = 30_000)] // a client that waited for the response to end would hang here
    public async Task Each_notification_is_yielded_as_soon_as_its_envelope_arrives_while_the_connection_stays_open()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (request, context) =>
        {
            await ScriptedEwsServer.SendChunkAsync(context, NewMail("sub-1", "item-1"));
            await _release.Task.WaitAsync(context.RequestAborted); // the connection stays open, as Exchange keeps it
            await ScriptedEwsServer.SendChunkAsync(context, NewMail("sub-1", "item-2") + Status("Closed"));
        }, Ct);

        var received = new List<StreamingEventsResponse>();
        await foreach (var response in _client.Ews.GetStreamingEventsAsync(server.Target(), Stream("sub-1"), Ct))
        {
            received.Add(response);
            if (received.Count == 1)
            {
                // Yielded while the server is still holding the rest back: nothing waited for the response to end.
                Assert.False(_release.Task.IsCompleted);
                _release.SetResult();
            }
        }

        Assert.Equal(["item-1", "item-2"], received.SelectMany(r => r.Notifications).SelectMany(n => n.Events).Select(e => e.ItemId?.Id));
        Assert.Equal(StreamingConnectionStatus.Closed, received[^1].ConnectionStatus);
        var sent = Assert.Single(server.Requests);
        Assert.Equal("GetStreamingEvents", sent.Operation);
        Assert.Equal("1", sent.Body.Elements().Last().Value);
    }

    [Fact(Timeout = 30_000)] // a client that waited for the response to end would hang here
    public async Task An_open_stream_holds_no_slot_of_the_profile_only_a_hanging_place()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (request, context) =>
        {
            if (request.Operation == "GetStreamingEvents")
            {
                await ScriptedEwsServer.SendChunkAsync(context, Status("OK"));
                await _release.Task.WaitAsync(context.RequestAborted);
                await ScriptedEwsServer.SendChunkAsync(context, Status("Closed"));
            }
            else
            {
                await ScriptedEwsServer.RespondAsync(context, SubscribeResponse("sub-2"));
            }
        }, Ct);
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 1) { MaxHangingConnections = 1 };
        var target = server.Target(limit: limit);

        await using var stream = _client.Ews.GetStreamingEventsAsync(target, Stream("sub-1"), Ct).GetAsyncEnumerator(Ct);
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(StreamingConnectionStatus.Ok, stream.Current.ConnectionStatus);

        // The profile's only slot is free for its synchronizations while the stream is open...
        var subscribed = await _client.Ews.SubscribeToStreamingNotificationsAsync(
            target, new StreamingSubscriptionRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] }, Ct)
            .WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal("sub-2", subscribed.SubscriptionId);
        Assert.Equal(1, Policy.HangingConnections(limit.Key));
        Assert.Equal(0, Policy.Usage().Single(u => u.Key == limit.Key).InFlight);

        // ... but a second stream has no hanging place and is refused before anything is sent.
        var refused = await Assert.ThrowsAsync<ExchangeException>(async () =>
        {
            await foreach (var _ in _client.Ews.GetStreamingEventsAsync(target, Stream("sub-2"), Ct))
            {
            }
        });
        Assert.Equal(ExchangeErrorCodes.HangingConnectionLimitReached, refused.Error.Code);
        Assert.Equal(2, server.Requests.Count);

        _release.SetResult();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(StreamingConnectionStatus.Closed, stream.Current.ConnectionStatus);
        Assert.False(await stream.MoveNextAsync());
        Assert.Equal(0, Policy.HangingConnections(limit.Key));
    }

    [Fact]
    public async Task A_group_is_routed_by_its_anchor_and_the_cookie_of_its_first_subscription()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (request, context) =>
        {
            if (request.Operation == "Subscribe")
            {
                if (request.Sequence == 1)
                {
                    context.Response.Headers.Append("Set-Cookie", "exchangecookie=ddb8c383aef34c7694132aa679744feb; path=/; HttpOnly");
                    context.Response.Headers.Append("Set-Cookie", "X-BackEndOverrideCookie=CO1PR06MB222.namprd06.prod.outlook.com~1941996295; path=/; secure; HttpOnly");
                }

                await ScriptedEwsServer.RespondAsync(context, SubscribeResponse($"sub-{request.ImpersonatedMailbox}"));
            }
            else
            {
                await ScriptedEwsServer.SendChunkAsync(context, Status("Closed"));
            }
        }, Ct);
        var affinity = new SubscriptionAffinity(Scenarios.Alice);
        var inbox = new[] { (EwsFolderId)EwsFolderId.Distinguished(DistinguishedFolderName.Inbox) };

        var alice = await _client.Ews.SubscribeToStreamingNotificationsAsync(server.Target(Scenarios.Alice), new() { Folders = inbox, Affinity = affinity }, Ct);
        var bob = await _client.Ews.SubscribeToStreamingNotificationsAsync(server.Target(Scenarios.Bob), new() { Folders = inbox, Affinity = affinity }, Ct);
        await foreach (var _ in _client.Ews.GetStreamingEventsAsync(
            server.Target(affinity.AnchorMailbox), Stream(alice.SubscriptionId, bob.SubscriptionId) with { Affinity = affinity }, Ct))
        {
        }

        Assert.Equal("CO1PR06MB222.namprd06.prod.outlook.com~1941996295", affinity.BackEndOverrideCookie);
        var (first, second, stream) = (server.Requests[0], server.Requests[1], server.Requests[2]);
        Assert.All(server.Requests, r =>
        {
            Assert.Equal(Scenarios.Alice, r.Header("X-AnchorMailbox"));
            Assert.Equal("true", r.Header("X-PreferServerAffinity"));
        });
        Assert.Null(first.Header("Cookie"));
        Assert.Equal("X-BackEndOverrideCookie=CO1PR06MB222.namprd06.prod.outlook.com~1941996295", second.Header("Cookie"));
        Assert.Equal(second.Header("Cookie"), stream.Header("Cookie"));
        Assert.Equal([Scenarios.Alice, Scenarios.Bob, Scenarios.Alice], server.Requests.Select(r => r.ImpersonatedMailbox));
        Assert.Equal(["sub-" + Scenarios.Alice, "sub-" + Scenarios.Bob], stream.Body.Elements().First().Elements().Select(e => e.Value));
    }

    [Fact]
    public async Task Without_affinity_only_the_impersonated_mailbox_routes_the_request()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client,
            (_, context) => ScriptedEwsServer.RespondAsync(context, SubscribeResponse("sub-1")), Ct);

        await _client.Ews.SubscribeToPullNotificationsAsync(server.Target(Scenarios.Bob),
            new PullSubscriptionRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] }, Ct);

        var request = Assert.Single(server.Requests);
        Assert.Equal(Scenarios.Bob, request.Header("X-AnchorMailbox"));
        Assert.Null(request.Header("X-PreferServerAffinity"));
        Assert.Null(request.Header("Cookie"));
    }

    [Fact]
    public async Task A_connection_cut_inside_an_envelope_ends_the_stream_as_malformed_after_the_complete_ones()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (_, context) =>
        {
            var second = NewMail("sub-1", "item-2");
            await ScriptedEwsServer.SendChunkAsync(context, NewMail("sub-1", "item-1") + second[..(second.Length / 2)]);
        }, Ct);

        var received = new List<StreamingEventsResponse>();
        var exception = await Assert.ThrowsAsync<ExchangeException>(async () =>
        {
            await foreach (var response in _client.Ews.GetStreamingEventsAsync(server.Target(), Stream("sub-1"), Ct))
            {
                received.Add(response);
            }
        });

        Assert.Equal("item-1", Assert.Single(received).Notifications[0].Events[0].ItemId?.Id);
        Assert.Equal(ExchangeErrorCodes.MalformedResponse, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
    }

    [Fact(Timeout = 30_000)] // a client without an idle timeout would hang here
    public async Task A_silent_connection_is_given_up_after_the_idle_timeout()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (_, context) =>
        {
            await ScriptedEwsServer.SendChunkAsync(context, Status("OK"));
            await _release.Task.WaitAsync(context.RequestAborted);
        }, Ct);
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 5);

        var exception = await Assert.ThrowsAsync<ExchangeException>(async () =>
        {
            await foreach (var _ in _client.Ews.GetStreamingEventsAsync(server.Target(limit: limit), Stream("sub-1") with { IdleTimeout = TimeSpan.FromMilliseconds(300) }, Ct))
            {
            }
        });

        Assert.Equal(ExchangeErrorCodes.ConnectionDropped, exception.Error.Code);
        Assert.Contains("heartbeat", exception.Error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Policy.HangingConnections(limit.Key));
    }

    [Fact]
    public async Task A_throttled_stream_fails_classified_and_holds_every_caller_of_the_profile()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (_, context) => ScriptedEwsServer.RespondAsync(context, EwsXml.Envelope("""
            <s:Fault>
              <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
              <faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
              <detail>
                <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
                <e:MessageXml xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"><t:Value Name="BackOffMilliseconds" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">30000</t:Value></e:MessageXml>
              </detail>
            </s:Fault>
            """), status: 500), Ct);
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 5);

        var exception = await Assert.ThrowsAsync<ExchangeException>(async () =>
        {
            await foreach (var _ in _client.Ews.GetStreamingEventsAsync(server.Target(limit: limit), Stream("sub-1"), Ct))
            {
            }
        });

        Assert.Equal(ExchangeErrorCodes.ServerBusy, exception.Error.Code);
        Assert.Equal(TimeSpan.FromSeconds(30), exception.Error.BackOff);
        Assert.True(Policy.PausedFor(limit.Key) > TimeSpan.FromSeconds(25), "The back-off did not pause the profile.");
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Per_subscription_errors_are_yielded_and_the_stream_goes_on()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (_, context) =>
        {
            await ScriptedEwsServer.SendChunkAsync(context, Envelope("""
                <m:GetStreamingEventsResponseMessage ResponseClass="Error">
                  <m:MessageText>The specified subscription was not found.</m:MessageText>
                  <m:ResponseCode>ErrorSubscriptionNotFound</m:ResponseCode>
                  <m:ErrorSubscriptionIds><m:SubscriptionId>sub-gone</m:SubscriptionId></m:ErrorSubscriptionIds>
                </m:GetStreamingEventsResponseMessage>
                """));
            await ScriptedEwsServer.SendChunkAsync(context, NewMail("sub-1", "item-1"));
        }, Ct);

        var received = new List<StreamingEventsResponse>();
        await foreach (var response in _client.Ews.GetStreamingEventsAsync(server.Target(), Stream("sub-1", "sub-gone"), Ct))
        {
            received.Add(response);
        }

        Assert.Equal(ExchangeErrorCodes.SubscriptionLost, received[0].Error?.Code);
        Assert.Equal(["sub-gone"], received[0].ErrorSubscriptionIds);
        Assert.Equal("item-1", received[1].Notifications[0].Events[0].ItemId?.Id);
    }
}
