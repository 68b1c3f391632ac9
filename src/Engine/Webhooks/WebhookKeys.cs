using System.Collections.Concurrent;
using ExSync.Domain.Webhooks;

namespace ExSync.Engine.Webhooks;

/// <summary>The decrypted signing keys of subscriptions, kept by ciphertext so that a busy subscription is not decrypted for every delivery.</summary>
public sealed class WebhookKeys(Secrets.SecretProtector secrets)
{
    private readonly ConcurrentDictionary<string, byte[]> keys = new(StringComparer.Ordinal);

    /// <summary>The keys that sign a delivery to <paramref name="subscription"/> at <paramref name="now"/>.</summary>
    public IReadOnlyList<byte[]> For(WebhookSubscription subscription, DateTimeOffset now)
    {
        if (keys.Count > 10_000)
        {
            keys.Clear();
        }

        return subscription.SigningSecrets(now).Select(secret => keys.GetOrAdd(secret.Ciphertext, _ => Decode(secret))).ToList();
    }

    private byte[] Decode(Domain.Common.EncryptedSecret secret) =>
        WebhookSecret.TryDecodeKey(secrets.Unprotect(secret)) ?? throw new InvalidOperationException("A stored webhook secret is not in the whsec_ form.");
}
