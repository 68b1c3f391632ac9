using System.Xml;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// GetStreamingEvents: one hanging response for up to a few hundred streaming subscriptions, possibly of several
/// mailboxes (affinity groups), held open for ConnectionTimeout (1..30) minutes. It streams one SOAP envelope per
/// batch of events, pings with ConnectionStatus OK when idle and ends with ConnectionStatus Closed. Unknown, expired
/// or foreign subscriptions are reported per id (ErrorSubscriptionIds). Connections count against
/// HangingConnectionLimit per account and target mailbox (ErrorExceededConnectionCount), not against the
/// concurrent-request counters.
/// </summary>
internal sealed class GetStreamingEventsOperation : HangingEwsOperation
{
    private const string M = EwsNamespaces.Messages;

    private static readonly ElementSequence Sequence = new(M, "GetStreamingEvents",
        Particle.Required(M, "SubscriptionIds"),
        Particle.Required(M, "ConnectionTimeout"));

    private static readonly ElementSequence SubscriptionIdsSequence = new(M, "SubscriptionIds",
        Particle.Many(EwsNamespaces.Types, "SubscriptionId", minOccurs: 1));

    private static readonly ItemError NotStreamingSubscription =
        new("ErrorInvalidSubscription", "The subscription is not a streaming subscription.");

    private static readonly EwsFault ExceededConnectionCount = new("ErrorExceededConnectionCount",
        "You have exceeded the available concurrent connections for your account. Try again once your other requests have completed.");

    private GetStreamingEventsOperation(IReadOnlyList<string> subscriptionIds, int connectionTimeoutMinutes)
    {
        SubscriptionIds = subscriptionIds;
        ConnectionTimeoutMinutes = connectionTimeoutMinutes;
    }

    public override string Name => "GetStreamingEvents";

    public IReadOnlyList<string> SubscriptionIds { get; }

    public int ConnectionTimeoutMinutes { get; }

    public static GetStreamingEventsOperation Parse(XmlReader reader)
    {
        var ids = new List<string>();
        var timeout = 0;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 1)
            {
                timeout = StrictXml.ReadIntText(reader, "StreamingSubscriptionConnectionTimeoutType", 1, 30);
                continue;
            }

            var idsCursor = SubscriptionIdsSequence.Open(reader);
            while (idsCursor.MoveNext(out _))
            {
                ids.Add(StrictXml.ReadText(reader).Trim());
            }
        }

        return new GetStreamingEventsOperation(ids, timeout);
    }

    public override async Task RunAsync(EwsExecutionContext context, HttpContext http)
    {
        var hub = context.Runtime.State.Notifications;
        var budget = $"{context.Caller.Name}|{context.Mailbox.SmtpAddress}";
        if (!hub.TryAcquireHangingConnection(budget))
        {
            await EwsEndpoint.WriteFaultAsync(http, ExceededConnectionCount).ConfigureAwait(false);
            return;
        }

        try
        {
            http.Features.Get<InFlightRequestFeature>()?.BecomeHanging();
            http.Response.StatusCode = StatusCodes.Status200OK;
            http.Response.Headers.ContentType = EwsEndpoint.ContentType;
            var profile = context.Runtime.ProfileFor(context.Mailbox);
            async Task Send(StreamingBatch batch)
            {
                await http.Response.Body.WriteAsync(NotificationWriter.RenderStreamingEnvelope(profile, batch), http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }

            if (context.ForcedItemError is { } forced)
            {
                await Send(StreamingBatch.Failed(forced, [], StreamingConnection.StatusClosed)).ConfigureAwait(false);
                return;
            }

            var held = await OpenSubscriptionsAsync(context, Send).ConfigureAwait(false);
            if (held.Count > 0)
            {
                await StreamAsync(context, http, held, Send).ConfigureAwait(false);
            }
        }
        finally
        {
            hub.ReleaseHangingConnection(budget);
        }
    }

    /// <summary>The subscriptions the connection can hold; the others are reported first, grouped by error.</summary>
    private async Task<List<Subscription>> OpenSubscriptionsAsync(EwsExecutionContext context, Func<StreamingBatch, Task> send)
    {
        var held = new List<Subscription>();
        var failed = new List<(ItemError Error, string Id)>();
        foreach (var id in SubscriptionIds.Distinct(StringComparer.Ordinal))
        {
            var (subscription, error) = context.Runtime.State.Notifications.Find(id, context.Caller);
            if (subscription is { Kind: SubscriptionKind.Streaming })
            {
                held.Add(subscription);
            }
            else
            {
                failed.Add((error ?? NotStreamingSubscription, id));
            }
        }

        var groups = failed.GroupBy(failure => failure.Error).ToList();
        for (var index = 0; index < groups.Count; index++)
        {
            var last = index == groups.Count - 1;
            var status = held.Count == 0 && last ? StreamingConnection.StatusClosed : StreamingConnection.StatusOk;
            await send(StreamingBatch.Failed(groups[index].Key, [.. groups[index].Select(failure => failure.Id)], status)).ConfigureAwait(false);
        }

        return held;
    }

    private async Task StreamAsync(EwsExecutionContext context, HttpContext http, List<Subscription> held, Func<StreamingBatch, Task> send)
    {
        using var connection = new StreamingConnection(context.Runtime.State.Notifications, context.Caller.Name, context.Mailbox.SmtpAddress);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, context.Runtime.Stopping);
        try
        {
            await connection.RunAsync(held, TimeSpan.FromMinutes(ConnectionTimeoutMinutes), send, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (connection.WasDropped)
        {
            http.Abort();
        }
        catch (OperationCanceledException)
        {
            // The client went away or the simulator is stopping: nothing more to send.
        }
    }
}
