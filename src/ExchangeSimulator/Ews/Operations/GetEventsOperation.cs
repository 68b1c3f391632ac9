using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// GetEvents (pull): the events after the given watermark that the subscription watches, at most 50, each with its
/// watermark; MoreEvents when there are more; a StatusEvent when there are none. Every call restarts the
/// subscription's Timeout; an expired subscription is ErrorSubscriptionNotFound. A watermark the subscription
/// never issued (another mailbox, before it started, or forgotten by the journal) is ErrorInvalidWatermark.
/// </summary>
internal sealed class GetEventsOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "GetEvents",
        Particle.Required(M, "SubscriptionId"),
        Particle.Required(M, "Watermark"));

    private GetEventsOperation(string subscriptionId, string watermark)
    {
        SubscriptionId = subscriptionId;
        Watermark = watermark;
    }

    public override string Name => "GetEvents";

    public string SubscriptionId { get; }

    public string Watermark { get; }

    public static GetEventsOperation Parse(XmlReader reader)
    {
        string? subscriptionId = null, watermark = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            var text = StrictXml.ReadText(reader).Trim();
            if (particle == 0)
            {
                subscriptionId = text;
            }
            else
            {
                watermark = text;
            }
        }

        return new GetEventsOperation(subscriptionId!, watermark!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var hub = context.Runtime.State.Notifications;
        var (subscription, error) = context.ForcedItemError is { } forced ? (null, forced) : hub.Find(SubscriptionId, context.Caller);
        if (subscription is { Kind: not SubscriptionKind.Pull })
        {
            (subscription, error) = (null, NotificationErrors.InvalidPullSubscriptionId);
        }

        var mailbox = subscription?.Mailbox;
        long after = 0;
        if (subscription is not null &&
            (!WatermarkCodec.TryDecode(Watermark, mailbox!.MailboxGuid, out after) || after < subscription.StartNumber || after > mailbox.LastEventNumber))
        {
            (subscription, error) = (null, NotificationErrors.InvalidWatermark);
        }

        if (error is not null)
        {
            writer.WriteErrorMessage(error);
            return;
        }

        subscription!.Touch(hub.Time.GetUtcNow());
        var events = mailbox!.ReadEvents(after, subscription.Matches, StreamingConnection.MaxEventsPerNotification, out var scannedThrough, out var more, out var missed);
        // Not short-circuited: an injected loss is consumed even when the journal lost events too.
        if (missed | subscription.TakeInjectedMissedEvents())
        {
            writer.WriteErrorMessage(NotificationErrors.MissedNotificationEvents);
            return;
        }

        writer.StartMessage(null);
        var xml = writer.Xml;
        xml.WriteStartElement("m", "Notification", M);
        xml.WriteElementString("t", "SubscriptionId", T, subscription.Id);
        xml.WriteElementString("t", "PreviousWatermark", T, Watermark);
        xml.WriteElementString("t", "MoreEvents", T, more ? "true" : "false");
        foreach (var mailboxEvent in events)
        {
            NotificationWriter.WriteEvent(xml, mailboxEvent, WatermarkCodec.Encode(mailbox.MailboxGuid, mailboxEvent.Number));
        }

        if (events.Count == 0)
        {
            NotificationWriter.WriteStatusEvent(xml, WatermarkCodec.Encode(mailbox.MailboxGuid, scannedThrough));
        }

        xml.WriteEndElement();
        writer.EndElement();
    }
}
