using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExSync.Exchange.Http;
using ExSync.Exchange.Logging;
using ExSync.Exchange.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Exchange.Authentication;

/// <summary>
/// Obtains app-only tokens for Hybrid Modern Auth with the OAuth 2.0 client-credentials grant and caches them in
/// memory until shortly before they expire.
/// </summary>
/// <remarks>
/// The cache key is (authority, tenant, client, resource) plus a hash of the secret: without the secret in the key,
/// a profile with a wrong secret would borrow the token another profile obtained with the right one, and its
/// connectivity test would pass when it should fail. The token request goes through the same connection profile
/// as EWS, so the outbound address policy and the profile's trusted CA apply to the token endpoint too.
/// </remarks>
internal sealed class OAuthTokenProvider
{
    private readonly ExchangeHttpClientProvider _clients;
    private readonly ExchangeConnectionPolicy _policy;
    private readonly TimeProvider _timeProvider;
    private readonly ExchangeClientOptions _options;
    private readonly ILogger<OAuthTokenProvider> _logger;
    private readonly ConcurrentDictionary<TokenCacheKey, CachedToken> _cache = new();

    public OAuthTokenProvider(
        ExchangeHttpClientProvider clients, ExchangeConnectionPolicy policy, TimeProvider timeProvider, IOptions<ExchangeClientOptions> options, ILogger<OAuthTokenProvider> logger)
    {
        _clients = clients;
        _policy = policy;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    public async ValueTask<string> GetAccessTokenAsync(ConnectionProfile profile, HybridModernAuthentication oauth, CancellationToken cancellationToken)
    {
        var entry = _cache.GetOrAdd(TokenCacheKey.For(oauth), static _ => new CachedToken());
        if (entry.TryGet(_timeProvider) is { } cached)
        {
            return cached;
        }

        // One request per key at a time: 32 concurrent mailbox calls must not each fetch a token.
        await entry.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (entry.TryGet(_timeProvider) is { } fetchedMeanwhile)
            {
                return fetchedMeanwhile;
            }

            var (token, lifetime) = await RequestTokenTracedAsync(profile, oauth, cancellationToken).ConfigureAwait(false);
            var margin = lifetime / 2 < _options.TokenRefreshMargin ? lifetime / 2 : _options.TokenRefreshMargin;
            entry.Set(token, _timeProvider.GetTimestamp() + (long)((lifetime - margin).TotalSeconds * _timeProvider.TimestampFrequency));
            Log.TokenAcquired(_logger, oauth.ClientId, oauth.TenantId, (int)lifetime.TotalSeconds);
            return token;
        }
        finally
        {
            entry.Gate.Release();
        }
    }

    public void Invalidate(HybridModernAuthentication oauth)
    {
        if (_cache.TryGetValue(TokenCacheKey.For(oauth), out var entry))
        {
            entry.Clear();
        }
    }

    public static Uri TokenEndpoint(HybridModernAuthentication oauth) =>
        new($"{oauth.AuthorityUrl.AbsoluteUri.TrimEnd('/')}/{Uri.EscapeDataString(oauth.TenantId)}/oauth2/v2.0/token");

    private async Task<(string Token, TimeSpan Lifetime)> RequestTokenTracedAsync(
        ConnectionProfile profile, HybridModernAuthentication oauth, CancellationToken cancellationToken)
    {
        using var telemetry = ExchangeTelemetry.StartRequest("Token", profile.Settings.Limit, TokenEndpoint(oauth));
        try
        {
            var token = await RequestTokenAsync(profile, oauth, cancellationToken).ConfigureAwait(false);
            telemetry.Succeeded();
            return token;
        }
        catch (ExchangeException exception)
        {
            telemetry.Failed(exception.Error);
            throw;
        }
    }

    private async Task<(string Token, TimeSpan Lifetime)> RequestTokenAsync(
        ConnectionProfile profile, HybridModernAuthentication oauth, CancellationToken cancellationToken)
    {
        var endpoint = TokenEndpoint(oauth);
        if (endpoint.Scheme != Uri.UriSchemeHttps && !(endpoint.Scheme == Uri.UriSchemeHttp && _options.AllowInsecureHttp))
        {
            throw new ExchangeException(endpoint.Scheme == Uri.UriSchemeHttp
                ? ExchangeErrors.InsecureHttp(endpoint)
                : ExchangeErrors.InvalidUrl(oauth.AuthorityUrl.OriginalString, "the authority must be an https URL"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", oauth.ClientId),
                new("client_secret", oauth.ClientSecret),
                new("scope", $"{oauth.ResourceUri.TrimEnd('/')}/.default"),
            ]),
        };
        request.Headers.TryAddWithoutValidation("Accept", "application/json");

        var context = new ErrorContext("the OAuth token request", endpoint, oauth, null);
        HttpResponseMessage response;
        try
        {
            // The token endpoint counts against the profile's connection limit like every other request the profile makes.
            using var slot = await _policy.AcquireAsync(profile.Settings.Limit, cancellationToken).ConfigureAwait(false);
            response = await _clients.CreateClient(profile)
                .SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var error = ExchangeErrorClassifier.FromException(exception, context, profile.Handler.CertificateValidator);
            if (error is null)
            {
                throw;
            }

            throw new ExchangeException(error, exception);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                throw new ExchangeException(ExchangeErrors.OAuthUnavailable(oauth, status, ExchangeErrorClassifier.RetryAfter(response)));
            }

            JsonDocument document;
            try
            {
                document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                throw new ExchangeException(ExchangeErrors.OAuthUnreadable(oauth, "the body is not JSON", status));
            }

            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new ExchangeException(ExchangeErrors.OAuthUnreadable(oauth, "the body is not a JSON object", status));
                }

                if (status != 200 || !root.TryGetProperty("access_token", out var tokenElement) ||
                    tokenElement.ValueKind != JsonValueKind.String)
                {
                    var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString()! : $"HTTP {status}";
                    var description = root.TryGetProperty("error_description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    throw new ExchangeException(ExchangeErrors.OAuthRejected(oauth, error, description, status));
                }

                return (tokenElement.GetString()!, ReadLifetime(root));
            }
        }
    }

    private static TimeSpan ReadLifetime(JsonElement root)
    {
        // expires_in is a number in RFC 6749 but some servers send a string.
        if (root.TryGetProperty("expires_in", out var expires))
        {
            if (expires.ValueKind == JsonValueKind.Number && expires.TryGetInt64(out var seconds) && seconds > 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (expires.ValueKind == JsonValueKind.String &&
                long.TryParse(expires.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds) && seconds > 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return TimeSpan.FromMinutes(5); // unknown lifetime: cache briefly rather than not at all
    }

    private readonly record struct TokenCacheKey(string Authority, string Tenant, string ClientId, string Resource, string SecretHash)
    {
        public static TokenCacheKey For(HybridModernAuthentication oauth) => new(
            oauth.AuthorityUrl.AbsoluteUri.TrimEnd('/').ToUpperInvariant(),
            oauth.TenantId.ToUpperInvariant(),
            oauth.ClientId.ToUpperInvariant(),
            oauth.ResourceUri.TrimEnd('/'),
            Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(oauth.ClientSecret))));
    }

    private sealed class CachedToken
    {
        private readonly Lock _lock = new();
        private string? _token;
        private long _expiresAt;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? TryGet(TimeProvider timeProvider)
        {
            lock (_lock)
            {
                return _token is not null && timeProvider.GetTimestamp() < _expiresAt ? _token : null;
            }
        }

        public void Set(string token, long expiresAt)
        {
            lock (_lock)
            {
                _token = token;
                _expiresAt = expiresAt;
            }
        }

        public void Clear()
        {
            lock (_lock)
            {
                _token = null;
            }
        }
    }
}
