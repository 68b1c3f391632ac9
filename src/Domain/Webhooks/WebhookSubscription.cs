using ExSync.Domain.Common;

namespace ExSync.Domain.Webhooks;

/// <summary>Why ExSync stopped delivering to a subscription by itself.</summary>
public enum WebhookDisabledReason
{
    /// <summary>The receiver answered 410 Gone: it asked for no more deliveries.</summary>
    ReceiverGone,
}

/// <summary>
/// A CRM endpoint that receives signed events of the types it chose. Its secret is stored encrypted and never shown again after it is set;
/// after a rotation the previous secret signs too until its overlap ends, so the receiver can switch without losing a delivery.
/// </summary>
public sealed class WebhookSubscription
{
    /// <summary>Longest URL accepted.</summary>
    public const int UrlMaxLength = 2048;

    /// <summary>Longest description accepted.</summary>
    public const int DescriptionMaxLength = 500;

    private WebhookSubscription()
    {
        Url = string.Empty;
        EventTypes = [];
        Secret = null!;
    }

    /// <summary>The subscription's id.</summary>
    public Guid Id { get; private set; }

    /// <summary>Where events are posted (absolute https URL, or http to a loopback address where the outbound policy allows it).</summary>
    public string Url { get; private set; }

    /// <summary>The event types delivered, each one of <see cref="WebhookEventTypes.Subscribable"/>.</summary>
    public IReadOnlyList<string> EventTypes { get; private set; }

    /// <summary>Whether events are delivered. New events are not queued for a disabled subscription.</summary>
    public bool Enabled { get; private set; }

    /// <summary>What the subscription is for.</summary>
    public string? Description { get; private set; }

    /// <summary>Why ExSync disabled it by itself, if it did; cleared when it is enabled again.</summary>
    public WebhookDisabledReason? DisabledReason { get; private set; }

    /// <summary>When ExSync disabled it by itself.</summary>
    public DateTimeOffset? DisabledAt { get; private set; }

    /// <summary>The current signing secret, encrypted.</summary>
    public EncryptedSecret Secret { get; private set; }

    /// <summary>The secret before the last rotation, encrypted; it signs too until <see cref="PreviousSecretExpiresAt"/>.</summary>
    public EncryptedSecret? PreviousSecret { get; private set; }

    /// <summary>When the previous secret stops signing.</summary>
    public DateTimeOffset? PreviousSecretExpiresAt { get; private set; }

    /// <summary>When the subscription was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When it last changed.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented by every change; the ETag and the concurrency token.</summary>
    public long Revision { get; private set; }

    /// <summary>Creates a subscription.</summary>
    public static WebhookSubscription Create(Guid id, string url, IEnumerable<string> eventTypes, bool enabled, string? description, EncryptedSecret secret, DateTimeOffset now) => new()
    {
        Id = id,
        Url = url,
        EventTypes = Normalize(eventTypes),
        Enabled = enabled,
        Description = description,
        Secret = secret,
        CreatedAt = now,
        ModifiedAt = now,
        Revision = 1,
    };

    /// <summary>Replaces the settings; enabling clears the reason ExSync disabled it for. Returns whether anything changed.</summary>
    public bool Update(string url, IEnumerable<string> eventTypes, bool enabled, string? description, DateTimeOffset now)
    {
        var types = Normalize(eventTypes);
        if (url == Url && types.SequenceEqual(EventTypes, StringComparer.Ordinal) && enabled == Enabled && description == Description)
        {
            return false;
        }

        Url = url;
        EventTypes = types;
        if (enabled && !Enabled)
        {
            DisabledReason = null;
            DisabledAt = null;
        }

        Enabled = enabled;
        Description = description;
        Touch(now);
        return true;
    }

    /// <summary>
    /// Makes <paramref name="secret"/> the signing secret; the current one keeps signing for <paramref name="overlap"/> (none when zero).
    /// </summary>
    public void RotateSecret(EncryptedSecret secret, TimeSpan overlap, DateTimeOffset now)
    {
        PreviousSecret = overlap > TimeSpan.Zero ? Secret : null;
        PreviousSecretExpiresAt = overlap > TimeSpan.Zero ? now + overlap : null;
        Secret = secret;
        Touch(now);
    }

    /// <summary>The secrets that sign at <paramref name="now"/>: the current one, and the previous one during its overlap.</summary>
    public IReadOnlyList<EncryptedSecret> SigningSecrets(DateTimeOffset now) =>
        PreviousSecret is { } previous && PreviousSecretExpiresAt > now ? [Secret, previous] : [Secret];

    /// <summary>Whether an event of <paramref name="type"/> is delivered to this subscription.</summary>
    public bool Wants(string type) => Enabled && EventTypes.Contains(type, StringComparer.Ordinal);

    /// <summary>Stops deliveries because the receiver said it is gone.</summary>
    public void DisableBecauseGone(DateTimeOffset now)
    {
        Enabled = false;
        DisabledReason = WebhookDisabledReason.ReceiverGone;
        DisabledAt = now;
        Touch(now);
    }

    private void Touch(DateTimeOffset now)
    {
        ModifiedAt = now;
        Revision++;
    }

    private static string[] Normalize(IEnumerable<string> eventTypes) => eventTypes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
}
