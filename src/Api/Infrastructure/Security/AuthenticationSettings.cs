using System.Globalization;
using ExSync.Api.Demo;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>ExSync's own authentication settings, in the <c>Authentication</c> section beside the framework's <c>Schemes</c>.</summary>
public sealed class AuthenticationSettings
{
    public const string Section = "Authentication";

    /// <summary>The largest clock skew accepted.</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How far the clocks of ExSync and of a token's issuer may disagree when a token's expiry and not-before time are checked. The
    /// framework's default of 5 minutes kept expired tokens working for 5 minutes.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Refuses at start the bearer settings with which every request would fail (a signing key that is not base64 answers 500) or every
/// token would be refused (a key too short for HS256, a key of an issuer that is not trusted, no key and no authority at all),
/// while /health/ready said all was well.
/// </summary>
internal sealed class AuthenticationSettingsValidator(IConfiguration configuration, IHostEnvironment environment) : IValidateOptions<AuthenticationSettings>
{
    private const string Bearer = "Authentication:Schemes:Bearer";

    // HS256 needs a key of at least 256 bits; Microsoft.IdentityModel refuses shorter ones when it checks a signature.
    private const int MinKeyBytes = 32;

    public ValidateOptionsResult Validate(string? name, AuthenticationSettings options)
    {
        var failures = new List<string>();
        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > AuthenticationSettings.MaxClockSkew)
        {
            failures.Add($"Authentication:ClockSkew must be between 00:00:00 and 00:05:00; it is {options.ClockSkew.ToString("c", CultureInfo.InvariantCulture)}.");
        }

        var bearer = configuration.GetSection(Bearer);
        var hasAuthority = !string.IsNullOrEmpty(bearer["Authority"]) || !string.IsNullOrEmpty(bearer["MetadataAddress"]);
        var usableKeys = ValidateSigningKeys(bearer, hasAuthority, failures);
        if (usableKeys > 0 || hasAuthority)
        {
            if (string.IsNullOrEmpty(bearer["ValidAudience"]) && !bearer.GetSection("ValidAudiences").GetChildren().Any() && !IsSwitchedOff(bearer["ValidateAudience"]))
            {
                failures.Add($"{Bearer}:ValidAudiences is empty, so every token would be refused: name the audience your tokens carry (the API's application id URI for Entra ID).");
            }
        }
        else if (failures.Count == 0 && !configuration.IsEnabled() && !environment.IsBuild())
        {
            // Demo mode trusts a key of its own; build-time OpenAPI generation validates no token.
            failures.Add(
                $"No token can be validated: set {Bearer}:SigningKeys (a base64 HS256 key of at least 256 bits, with its Issuer) or {Bearer}:Authority " +
                "(your OpenID Connect provider). For development run `dotnet user-jwts create --project src/Api`; to try ExSync without an identity provider, start it with Demo:Enabled=true.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// Checks each key as ASP.NET Core will use it: only the one key whose Issuer is the ValidIssuer or one of the ValidIssuers is
    /// loaded per issuer (a second one makes every request fail), and it is decoded from base64 at the first token.
    /// </summary>
    private static int ValidateSigningKeys(IConfigurationSection bearer, bool hasAuthority, List<string> failures)
    {
        var issuers = bearer.GetSection("ValidIssuers").GetChildren().Select(issuer => issuer.Value).Append(bearer["ValidIssuer"]).ToHashSet(StringComparer.Ordinal);
        var keyedIssuers = new HashSet<string?>(StringComparer.Ordinal);

        // With an authority, the issuer comes from its metadata.
        var namesAnIssuer = hasAuthority || issuers.Any(issuer => !string.IsNullOrEmpty(issuer)) || IsSwitchedOff(bearer["ValidateIssuer"]);
        var usable = 0;
        foreach (var key in bearer.GetSection("SigningKeys").GetChildren())
        {
            var path = $"{Bearer}:SigningKeys:{key.Key}";
            var issuer = key["Issuer"];
            if (!issuers.Contains(issuer))
            {
                failures.Add($"{path}:Issuer is '{issuer}', which is neither {Bearer}:ValidIssuer nor one of its ValidIssuers, so the key would never be used.");
            }
            else if (!keyedIssuers.Add(issuer))
            {
                failures.Add($"{path}:Issuer is '{issuer}', like another signing key's; keep one key per issuer.");
            }
            else if (KeyProblem(key["Value"]) is { } problem)
            {
                failures.Add($"{path}:Value {problem}");
            }
            else if (!namesAnIssuer)
            {
                failures.Add($"{path} has no Issuer and {Bearer}:ValidIssuer is not set, so every token would be refused: set both to the issuer of your tokens.");
            }
            else
            {
                usable++;
            }
        }

        return usable;
    }

    private static string? KeyProblem(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "is missing.";
        }

        var bytes = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, bytes, out var length))
        {
            return "is not base64. Generate a key with: openssl rand -base64 32";
        }

        return length < MinKeyBytes
            ? $"is {length * 8} bits long; HS256 needs at least {MinKeyBytes * 8} bits ({MinKeyBytes} bytes). Generate a key with: openssl rand -base64 32"
            : null;
    }

    private static bool IsSwitchedOff(string? value) => bool.TryParse(value, out var on) && !on;
}
