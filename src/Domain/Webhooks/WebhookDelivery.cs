namespace ExSync.Domain.Webhooks;

/// <summary>Where a delivery stands.</summary>
public enum WebhookDeliveryStatus
{
    /// <summary>Waiting for its next attempt (the first, or a retry).</summary>
    Pending,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered,

    /// <summary>Every attempt failed, or the receiver answered 410 Gone; no more attempts unless it is redelivered.</summary>
    Failed,
}

/// <summary>One event to one subscription: its attempts, and what the receiver last answered.</summary>
public sealed class WebhookDelivery
{
    /// <summary>Longest error text kept.</summary>
    public const int LastErrorMaxLength = 1000;

    private WebhookDelivery()
    {
        EventType = string.Empty;
    }

    /// <summary>The delivery's id.</summary>
    public Guid Id { get; private set; }

    /// <summary>The subscription it goes to.</summary>
    public Guid SubscriptionId { get; private set; }

    /// <summary>The event it carries.</summary>
    public Guid EventId { get; private set; }

    /// <summary>The event's type, kept here for the delivery log.</summary>
    public string EventType { get; private set; }

    /// <summary>When the event happened, kept here so that replay finds deliveries by time.</summary>
    public DateTimeOffset EventOccurredAt { get; private set; }

    /// <summary>Where it stands.</summary>
    public WebhookDeliveryStatus Status { get; private set; }

    /// <summary>Attempts made so far, redeliveries included.</summary>
    public int Attempts { get; private set; }

    /// <summary>Attempts of the current round (reset by a redelivery); the retry schedule counts these.</summary>
    public int RoundAttempts { get; private set; }

    /// <summary>When it is due next (while Pending); also moved to the end of a sender's lease while one holds it.</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    /// <summary>When it was last attempted.</summary>
    public DateTimeOffset? LastAttemptAt { get; private set; }

    /// <summary>The HTTP status of the last answer, if there was one.</summary>
    public int? LastResponseCode { get; private set; }

    /// <summary>Why the last attempt failed (a timeout, a refused connection, the status), if it did.</summary>
    public string? LastError { get; private set; }

    /// <summary>When it was delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; private set; }

    /// <summary>When it was queued.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The sender holding it, while one does.</summary>
    public string? LeaseOwner { get; private set; }

    /// <summary>When the sender's hold ends, after which another sender may take it.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>Queues an event for a subscription, due at once.</summary>
    public static WebhookDelivery Create(Guid id, WebhookSubscription subscription, WebhookEvent webhookEvent, DateTimeOffset now) => new()
    {
        Id = id,
        SubscriptionId = subscription.Id,
        EventId = webhookEvent.Id,
        EventType = webhookEvent.Type,
        EventOccurredAt = webhookEvent.OccurredAt,
        Status = WebhookDeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>Queues it again at once, with a fresh retry schedule (redeliver, replay).</summary>
    public void Redeliver(DateTimeOffset now)
    {
        Status = WebhookDeliveryStatus.Pending;
        RoundAttempts = 0;
        NextAttemptAt = now;
        LeaseOwner = null;
        LeaseExpiresAt = null;
    }
}
