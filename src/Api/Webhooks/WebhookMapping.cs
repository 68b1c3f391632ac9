using ExSync.Api.Infrastructure.Http;
using ExSync.Domain.Webhooks;

namespace ExSync.Api.Webhooks;

/// <summary>Domain to contract: subscriptions (never their secrets, except the one just set) and deliveries.</summary>
internal static class WebhookMapping
{
    public static WebhookSubscriptionResource ToResource(this WebhookSubscription s) => new()
    {
        Id = s.Id,
        Url = s.Url,
        EventTypes = s.EventTypes,
        Enabled = s.Enabled,
        Description = s.Description,
        DisabledReason = s.DisabledReason,
        DisabledAt = s.DisabledAt,
        PreviousSecretExpiresAt = s.PreviousSecret is null ? null : s.PreviousSecretExpiresAt,
        CreatedAt = s.CreatedAt,
        ModifiedAt = s.ModifiedAt,
        ETag = ETags.For(s.Revision),
    };

    public static CreatedWebhookSubscription WithSecret(this WebhookSubscriptionResource r, string secret) => new()
    {
        Id = r.Id,
        Url = r.Url,
        EventTypes = r.EventTypes,
        Enabled = r.Enabled,
        Description = r.Description,
        DisabledReason = r.DisabledReason,
        DisabledAt = r.DisabledAt,
        PreviousSecretExpiresAt = r.PreviousSecretExpiresAt,
        CreatedAt = r.CreatedAt,
        ModifiedAt = r.ModifiedAt,
        ETag = r.ETag,
        Secret = secret,
    };

    public static WebhookSubscriptionSettings ToSettings(this WebhookSubscription s) => new()
    {
        Url = s.Url,
        EventTypes = s.EventTypes,
        Enabled = s.Enabled,
        Description = s.Description,
    };

    public static WebhookDeliveryResource ToResource(this WebhookDelivery d) => new()
    {
        Id = d.Id,
        EventId = d.EventId,
        EventType = d.EventType,
        EventOccurredAt = d.EventOccurredAt,
        Status = d.Status,
        Attempts = d.Attempts,
        NextAttemptAt = d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null,
        LastAttemptAt = d.LastAttemptAt,
        LastResponseCode = d.LastResponseCode,
        LastError = d.LastError,
        DeliveredAt = d.DeliveredAt,
        CreatedAt = d.CreatedAt,
    };
}
