using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// HS256 JSON Web Tokens made by hand — header, payload, HMAC — the way any standard tool makes them from a shared symmetric key:
/// ExSync must accept them through its standard Authentication:Schemes:Bearer configuration, with no code of its own.
/// </summary>
public sealed class TestTokens
{
    public const string Issuer = "https://identity.contoso.test";
    public const string Audience = "exsync-api";

    /// <summary>Every privilege, as roles.</summary>
    public static readonly string[] AllPrivileges = ["ExSync.Administrator", "Mailbox.Read", "Mailbox.Write", "Email.Approve", "Email.Read", "Email.Write", "Directory.Read", "Directory.Write"];

    private readonly byte[] key = RandomNumberGenerator.GetBytes(32);

    /// <summary>The signing key, base64 encoded as the configuration expects it.</summary>
    public string KeyBase64 => Convert.ToBase64String(key);

    /// <summary>The configuration that makes ExSync trust these tokens.</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
        ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
        ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = KeyBase64,
    };

    /// <summary>A token for <paramref name="userId"/> (no subject when null) with the given roles in the "roles" claim (or "role", as dotnet user-jwts writes them).</summary>
    public string Create(
        string? userId,
        IEnumerable<string> roles,
        string roleClaim = "roles",
        DateTimeOffset? expires = null,
        string audience = Audience,
        byte[]? signingKey = null,
        string issuer = Issuer,
        DateTimeOffset? notBefore = null)
    {
        var now = DateTimeOffset.UtcNow;
        var expiry = expires ?? (notBefore ?? now).AddHours(1);

        // Not-before stays before the expiry: an expired token must be refused as expired, not as having an impossible lifetime.
        notBefore ??= expiry < now ? expiry.AddHours(-1) : now.AddMinutes(-1);
        var payload = new Dictionary<string, object>
        {
            ["iss"] = issuer,
            ["aud"] = audience,
            ["iat"] = notBefore.Value.ToUnixTimeSeconds(),
            ["nbf"] = notBefore.Value.ToUnixTimeSeconds(),
            ["exp"] = expiry.ToUnixTimeSeconds(),
            [roleClaim] = roles.ToArray(),
        };
        if (userId is not null)
        {
            payload["sub"] = userId;
        }

        var unsigned = $"{Encode(new { alg = "HS256", typ = "JWT" })}.{Encode(payload)}";
        var signature = HMACSHA256.HashData(signingKey ?? key, Encoding.ASCII.GetBytes(unsigned));
        return $"{unsigned}.{Base64Url(signature)}";
    }

    private static string Encode(object value) => Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
