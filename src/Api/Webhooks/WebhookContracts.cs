using System.ComponentModel;
using System.Text.Json.Serialization;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Domain.Webhooks;

namespace ExSync.Api.Webhooks;

/// <summary>
/// An endpoint of the CRM that receives signed events (Standard Webhooks: headers webhook-id, webhook-timestamp, webhook-signature).
/// The secret is never returned after it is set: only the creation and rotate-secret responses show it, once.
/// </summary>
public class WebhookSubscriptionResource
{
    /// <summary>The subscription's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Where events are posted.</summary>
    public required string Url { get; init; }

    /// <summary>The event types delivered, in ordinal order.</summary>
    public required IReadOnlyList<string> EventTypes { get; init; }

    /// <summary>Whether events are delivered.</summary>
    public required bool Enabled { get; init; }

    /// <summary>What the subscription is for.</summary>
    public string? Description { get; init; }

    /// <summary>Why ExSync disabled the subscription by itself (ReceiverGone: the receiver answered 410); cleared when it is enabled again.</summary>
    public WebhookDisabledReason? DisabledReason { get; init; }

    /// <summary>When ExSync disabled it by itself.</summary>
    public DateTimeOffset? DisabledAt { get; init; }

    /// <summary>Until when the secret before the last rotation still signs, alongside the current one.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>When it was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it last changed.</summary>
    public required DateTimeOffset ModifiedAt { get; init; }

    /// <summary>Version of this representation, for If-Match.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>A subscription as created, with its secret: the only time it is shown. Store it now.</summary>
public sealed class CreatedWebhookSubscription : WebhookSubscriptionResource
{
    /// <summary>The signing secret (whsec_ + base64 of the key); shown once.</summary>
    public required string Secret { get; init; }
}

/// <summary>The settings of a subscription, which PATCH changes (its secret changes with rotate-secret).</summary>
[InputFor(typeof(WebhookSubscriptionResource))]
public record WebhookSubscriptionSettings
{
    /// <summary>
    /// Where events are posted: an absolute https URL of at most 2048 characters, without user information or fragment. http is accepted
    /// only for a loopback host, and only where the outbound policy allows loopback (Exchange:OutboundPolicy:AllowLoopback).
    /// </summary>
    [RequiredField]
    public string? Url { get; init; }

    /// <summary>The event types to deliver: one or more of email.received, email.sent, email.send_failed, mailbox.sync_failed, mailbox.sync_recovered, profile.credentials_rejected, job.completed, alert.created.</summary>
    [RequiredField]
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Whether events are delivered (default true).</summary>
    public bool? Enabled { get; init; }

    /// <summary>What the subscription is for (at most 500 characters).</summary>
    public string? Description { get; init; }
}

/// <summary>The body of a creation: the settings, and optionally the secret.</summary>
[InputFor(typeof(CreatedWebhookSubscription))]
public sealed record WebhookSubscriptionInput : WebhookSubscriptionSettings
{
    /// <summary>The signing secret: whsec_ followed by the base64 of 24 to 64 random bytes. Generated when omitted (and then shown once in the response).</summary>
    public string? Secret { get; init; }
}

/// <summary>The body of rotate-secret (optional).</summary>
public sealed record RotateWebhookSecretInput
{
    /// <summary>The new secret (whsec_ + base64 of 24 to 64 bytes); generated when omitted.</summary>
    public string? Secret { get; init; }

    /// <summary>How long the current secret keeps signing alongside the new one, 0 to 604800 seconds (default Webhooks:SecretRotationOverlap, 24 hours).</summary>
    public int? OverlapSeconds { get; init; }
}

/// <summary>The new secret after a rotation: the only time it is shown.</summary>
public sealed class RotatedWebhookSecret
{
    /// <summary>The new signing secret.</summary>
    public required string Secret { get; init; }

    /// <summary>Until when the previous secret still signs too; absent when the overlap is 0.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; init; }

    /// <summary>The subscription's new ETag.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }
}

/// <summary>The test event queued by ping.</summary>
public sealed class WebhookPingResult
{
    /// <summary>The event's id: the webhook-id header the receiver gets.</summary>
    public required Guid EventId { get; init; }

    /// <summary>The event's type (webhook.ping).</summary>
    public required string EventType { get; init; }
}

/// <summary>One event's delivery to the subscription.</summary>
public sealed class WebhookDeliveryResource
{
    /// <summary>The delivery's id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The event's id: the webhook-id header of every attempt.</summary>
    public required Guid EventId { get; init; }

    /// <summary>The event's type.</summary>
    public required string EventType { get; init; }

    /// <summary>When the event happened (the body's timestamp).</summary>
    public required DateTimeOffset EventOccurredAt { get; init; }

    /// <summary>Pending (waiting for an attempt), Delivered (2xx) or Failed (every attempt failed, or 410).</summary>
    public required WebhookDeliveryStatus Status { get; init; }

    /// <summary>Attempts made, redeliveries included.</summary>
    public required int Attempts { get; init; }

    /// <summary>When the next attempt is due (Pending only).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>When it was last attempted.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }

    /// <summary>The HTTP status of the receiver's last answer.</summary>
    public int? LastResponseCode { get; init; }

    /// <summary>Why the last attempt failed.</summary>
    public string? LastError { get; init; }

    /// <summary>When it was delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }

    /// <summary>When it was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A time range of events to send again.</summary>
public sealed record WebhookReplayInput
{
    /// <summary>Events that happened at or after this instant.</summary>
    [RequiredField]
    public DateTimeOffset? From { get; init; }

    /// <summary>Events that happened before this instant (at most 30 days after from).</summary>
    [RequiredField]
    public DateTimeOffset? To { get; init; }
}

/// <summary>What a replay queued.</summary>
public sealed class WebhookReplayResult
{
    /// <summary>Deliveries queued again.</summary>
    [Description("Deliveries queued again.")]
    public required int Queued { get; init; }
}
