using System.Security.Cryptography;
using System.Text;

namespace ExSync.Engine.Webhooks;

/// <summary>
/// The Standard Webhooks signature: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one per key, separated by spaces
/// (during a rotation both secrets sign, and a receiver accepts any signature it can verify).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The <c>webhook-signature</c> header for <paramref name="body"/> signed with each of <paramref name="keys"/>.</summary>
    public static string Sign(IReadOnlyList<byte[]> keys, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(FormattableString.Invariant($"{messageId}.{timestamp}."));
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));

        var header = new StringBuilder();
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        foreach (var key in keys)
        {
            HMACSHA256.HashData(key, content, mac);
            header.Append(header.Length == 0 ? "v1," : " v1,").Append(Convert.ToBase64String(mac));
        }

        return header.ToString();
    }
}
