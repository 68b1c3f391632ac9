using System.Security.Cryptography;

namespace ExSync.Domain.Webhooks;

/// <summary>
/// Signing secrets in the Standard Webhooks form: <c>whsec_</c> followed by the base64 of the key. The key, not its text, is what signs.
/// </summary>
public static class WebhookSecret
{
    /// <summary>The prefix every secret carries.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Fewest key bytes (the specification's lower bound).</summary>
    public const int MinKeyBytes = 24;

    /// <summary>Most key bytes (the specification's upper bound).</summary>
    public const int MaxKeyBytes = 64;

    /// <summary>Length of the key of a generated secret.</summary>
    public const int GeneratedKeyBytes = 32;

    /// <summary>A new random secret.</summary>
    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes));

    /// <summary>The key of a secret, or null when it is not <c>whsec_</c> + base64 of 24 to 64 bytes.</summary>
    public static byte[]? TryDecodeKey(string? secret)
    {
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = secret.AsSpan(Prefix.Length);
        var buffer = new byte[MaxKeyBytes + 3];
        return Convert.TryFromBase64Chars(encoded, buffer, out var written) && written is >= MinKeyBytes and <= MaxKeyBytes ? buffer[..written] : null;
    }

    /// <summary>Whether <paramref name="secret"/> has the required form.</summary>
    public static bool IsValid(string? secret) => TryDecodeKey(secret) is not null;
}
