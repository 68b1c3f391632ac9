using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Unsubscribe ends a pull or a streaming subscription (the reference documents it for pull; the Managed API uses it
/// for both, and Exchange accepts both). A connection holding a streaming subscription then reports it ended.
/// </summary>
internal sealed class UnsubscribeOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "Unsubscribe",
        Particle.Required(EwsNamespaces.Messages, "SubscriptionId"));

    private UnsubscribeOperation(string subscriptionId) => SubscriptionId = subscriptionId;

    public override string Name => "Unsubscribe";

    public string SubscriptionId { get; }

    public static UnsubscribeOperation Parse(XmlReader reader)
    {
        string? subscriptionId = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            subscriptionId = StrictXml.ReadText(reader).Trim();
        }

        return new UnsubscribeOperation(subscriptionId!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var hub = context.Runtime.State.Notifications;
        var (subscription, error) = context.ForcedItemError is { } forced ? (null, forced) : hub.Find(SubscriptionId, context.Caller);

        // A concurrent Unsubscribe or expiry may take it first.
        if (error is null && !hub.Remove(subscription!))
        {
            error = NotificationErrors.SubscriptionNotFound;
        }

        if (error is not null)
        {
            writer.WriteErrorMessage(error);
            return;
        }

        writer.StartMessage(null);
        writer.EndElement();
    }
}
