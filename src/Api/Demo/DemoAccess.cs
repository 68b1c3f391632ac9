using System.Security.Claims;
using System.Security.Cryptography;
using ExSync.Api.Infrastructure.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ExSync.Api.Demo;

/// <summary>
/// Lets a newcomer sign in to demo mode without an identity provider: when no signing key or authority is configured, demo mode
/// trusts a key made up at startup (kept in memory only) and prints an administrator token signed with it. The token dies with
/// the process; with a real key or authority configured, nothing changes and tokens come from the identity provider as usual.
/// </summary>
internal sealed class DemoAccess(byte[] signingKey)
{
    public const string Issuer = "exsync-demo";
    public const string Audience = "exsync-demo";

    /// <summary>The demo administrator, also the owner of the demo server profile, so the profile's alerts are theirs.</summary>
    public const string UserId = "demo-admin";

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    /// <summary>Trusts a fresh in-memory key when the configuration has no way to validate tokens; null when it has one.</summary>
    public static DemoAccess? AddWhenNoKeyIsConfigured(ConfigurationManager configuration)
    {
        var bearer = configuration.GetSection("Authentication:Schemes:Bearer");
        if (bearer.GetSection("SigningKeys").GetChildren().Any() || !string.IsNullOrEmpty(bearer["Authority"]))
        {
            return null;
        }

        var key = RandomNumberGenerator.GetBytes(32);
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Bearer:ValidIssuer"] = Issuer,
            ["Authentication:Schemes:Bearer:ValidAudiences:0"] = Audience,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = Issuer,
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(key),
        });
        return new DemoAccess(key);
    }

    /// <summary>A token of the demo administrator with every privilege.</summary>
    public string CreateAdministratorToken(DateTimeOffset now) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Audience,
        Subject = new ClaimsIdentity([new Claim("sub", UserId), .. Privileges.All.Select(p => new Claim(Privileges.RoleClaim, p))]),
        IssuedAt = now.UtcDateTime,
        NotBefore = now.UtcDateTime.AddMinutes(-1),
        Expires = now.Add(Lifetime).UtcDateTime,
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(signingKey), SecurityAlgorithms.HmacSha256),
    });
}
