namespace ExSync.Domain.Webhooks;

/// <summary>
/// An event in the outbox, written in the same transaction as the change it tells about, so a crash cannot lose it. Its body is built
/// once, when it is recorded, so every delivery and retry sends the same bytes under the same <c>webhook-id</c> (the event's id).
/// </summary>
public sealed class WebhookEvent
{
    private WebhookEvent()
    {
        Type = string.Empty;
        Payload = string.Empty;
    }

    /// <summary>The event's id: the <c>webhook-id</c> of every delivery of it.</summary>
    public Guid Id { get; private set; }

    /// <summary>One of <see cref="WebhookEventTypes"/>.</summary>
    public string Type { get; private set; }

    /// <summary>The id of the object the event is about (<c>data.id</c>).</summary>
    public Guid ObjectId { get; private set; }

    /// <summary>The JSON body sent: <c>{ type, timestamp, data: { id, … } }</c>.</summary>
    public string Payload { get; private set; }

    /// <summary>When the change happened (the body's timestamp).</summary>
    public DateTimeOffset OccurredAt { get; private set; }

    /// <summary>
    /// The only subscription the event is for (a ping); null for an event that goes to every enabled subscription listing its type.
    /// </summary>
    public Guid? SubscriptionId { get; private set; }

    /// <summary>When the dispatcher queued its deliveries; null while it waits in the outbox.</summary>
    public DateTimeOffset? DispatchedAt { get; private set; }

    /// <summary>Creates an event; <paramref name="payload"/> is its finished body.</summary>
    public static WebhookEvent Create(Guid id, string type, Guid objectId, string payload, DateTimeOffset occurredAt, Guid? subscriptionId = null) => new()
    {
        Id = id,
        Type = type,
        ObjectId = objectId,
        Payload = payload,
        OccurredAt = occurredAt,
        SubscriptionId = subscriptionId,
    };

    /// <summary>Marks the event as fanned out to its subscriptions.</summary>
    public void MarkDispatched(DateTimeOffset now) => DispatchedAt = now;
}
