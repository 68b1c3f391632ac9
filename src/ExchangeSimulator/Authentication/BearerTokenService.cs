using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace ExSync.ExchangeSimulator;

/// <summary>The outcome of a token request, shaped like Microsoft Entra ID's token endpoint answers.</summary>
internal sealed record TokenEndpointResult(int StatusCode, IReadOnlyDictionary<string, object> Body);

/// <summary>
/// Issues opaque access tokens with the client-credentials grant and validates them on EWS requests. Tokens are
/// random strings remembered in memory, not JWTs: the simulator only needs to know who presents one and until when.
/// </summary>
internal sealed class BearerTokenService
{
    private readonly Dictionary<(string TenantId, string ClientId), ScenarioOAuthApplication> _applications = [];
    private readonly HashSet<string> _tenants = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IssuedToken> _tokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public BearerTokenService(IEnumerable<ScenarioOAuthApplication> applications, TimeProvider time)
    {
        _time = time;
        foreach (var application in applications)
        {
            _applications[(application.TenantId.ToUpperInvariant(), application.ClientId.ToUpperInvariant())] = application;
            _tenants.Add(application.TenantId);
        }
    }

    public TokenEndpointResult Issue(string tenantId, IReadOnlyDictionary<string, string> form, (string ClientId, string Secret)? basicClientCredentials)
    {
        if (!_tenants.Contains(tenantId))
        {
            return Error(400, "invalid_request", 90002, $"Tenant '{tenantId}' not found.");
        }

        var grantType = form.GetValueOrDefault("grant_type");
        if (string.IsNullOrEmpty(grantType))
        {
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'grant_type'.");
        }

        if (grantType != "client_credentials")
        {
            return Error(400, "unsupported_grant_type", 70003, $"The app requested an unsupported grant type '{grantType}'.");
        }

        var clientId = form.GetValueOrDefault("client_id") ?? basicClientCredentials?.ClientId;
        var secret = form.GetValueOrDefault("client_secret") ?? basicClientCredentials?.Secret;
        if (string.IsNullOrEmpty(clientId))
        {
            return Error(400, "invalid_request", 900144, "The request body must contain the following parameter: 'client_id'.");
        }

        if (!_applications.TryGetValue((tenantId.ToUpperInvariant(), clientId.ToUpperInvariant()), out var application))
        {
            return Error(400, "unauthorized_client", 700016, $"Application with identifier '{clientId}' was not found in the directory '{tenantId}'.");
        }

        if (secret is null || !CryptographicOperations.FixedTimeEquals(
                System.Text.Encoding.UTF8.GetBytes(secret), System.Text.Encoding.UTF8.GetBytes(application.ClientSecret)))
        {
            return Error(401, "invalid_client", 7000215, "Invalid client secret provided.");
        }

        var scope = form.GetValueOrDefault("scope");
        if (string.IsNullOrWhiteSpace(scope) || !scope.EndsWith("/.default", StringComparison.Ordinal))
        {
            return Error(400, "invalid_scope", 1002012, $"The provided value for scope '{scope}' is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).");
        }

        RemoveExpiredTokens();
        var token = "exsim." + Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var caller = new AuthenticatedCaller(application.ClientId, "Bearer", application.CanImpersonateAll, application.CanImpersonate,
            ownMailboxAddress: null, isApplication: true);
        _tokens[token] = new IssuedToken(caller, _time.GetUtcNow().AddSeconds(application.TokenLifetimeSeconds));
        return new TokenEndpointResult(200, new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = application.TokenLifetimeSeconds,
            ["ext_expires_in"] = application.TokenLifetimeSeconds,
            ["access_token"] = token,
        });
    }

    /// <summary>The caller a token was issued to, or null when it is unknown or expired.</summary>
    public AuthenticatedCaller? Validate(string token) =>
        _tokens.TryGetValue(token, out var issued) && issued.ExpiresAt > _time.GetUtcNow() ? issued.Caller : null;

    private void RemoveExpiredTokens()
    {
        var now = _time.GetUtcNow();
        foreach (var (token, issued) in _tokens)
        {
            if (issued.ExpiresAt <= now)
            {
                _tokens.TryRemove(token, out _);
            }
        }
    }

    private TokenEndpointResult Error(int status, string error, int code, string description) =>
        new(status, new Dictionary<string, object>
        {
            ["error"] = error,
            ["error_description"] = $"AADSTS{code}: {description}",
            ["error_codes"] = new[] { code },
            ["timestamp"] = _time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        });

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record IssuedToken(AuthenticatedCaller Caller, DateTimeOffset ExpiresAt);
}
