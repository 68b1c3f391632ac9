using System.Security.Claims;
using System.Security.Cryptography;
using ExSync.Api.Infrastructure.Security;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ExSync.Api.Demo;

/// <summary>
/// Lets a newcomer sign in to demo mode without an identity provider: demo mode trusts a key made up at startup (kept in memory only)
/// and prints an administrator token signed with it. The token dies with the process. The keys and authority the configuration names
/// stay trusted as well. Demo mode does not step aside for them: after <c>dotnet user-jwts create</c> in any clone, user secrets (which
/// are per machine) hold a key, and demo mode printed no token anywhere on the machine.
/// </summary>
internal sealed class DemoAccess
{
    public const string Issuer = "exsync-demo";
    public const string Audience = "exsync-demo";

    /// <summary>The demo administrator, also the owner of the demo server profile, so the profile's alerts are theirs.</summary>
    public const string UserId = "demo-admin";

    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly SymmetricSecurityKey signingKey = new(RandomNumberGenerator.GetBytes(32));

    /// <summary>Adds the demo issuer, audience and key to what the bearer options already trust.</summary>
    public void Trust(JwtBearerOptions options)
    {
        var parameters = options.TokenValidationParameters;
        parameters.ValidIssuers = [.. parameters.ValidIssuers ?? [], Issuer];
        parameters.ValidAudiences = [.. parameters.ValidAudiences ?? [], Audience];

        // The configured keys are read lazily, when the first token arrives; they stay so.
        parameters.IssuerSigningKeys = [.. parameters.IssuerSigningKeys ?? [], signingKey];
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
        SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.HmacSha256),
    });
}
