using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using ExSync.Api.Infrastructure.Caching;
using Microsoft.Net.Http.Headers;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>
/// Remembers the callers of bearer tokens that passed validation, until each token expires, so that a client sending the same token
/// again is not validated again: parsing the token, checking its signature and building its claims cost about a tenth of the CPU of a
/// read. Only a token that passed every check (signature, issuer, audience, lifetime, subject) is remembered, keyed by its exact text,
/// and never past its own expiry; the keys that verify tokens change only with a restart, which empties the cache.
/// </summary>
public sealed class ValidatedTokenCache
{
    private const int Capacity = 10_000;

    // Beyond this, a token is validated again even if it lives longer: it bounds how long a cached caller outlives a configuration change.
    private static readonly TimeSpan MaximumAge = TimeSpan.FromMinutes(10);

    private readonly ExpiringCache<string, ClaimsPrincipal> cache = new(Capacity);

    /// <summary>Answers from the cache, skipping validation, when the request carries a token validated before.</summary>
    public Task OnMessageReceived(MessageReceivedContext context)
    {
        if (TokenOf(context.Request) is { } token && cache.TryGet(token, out var caller))
        {
            // A copy: the caller of one request must not be changed by another that shares the token.
            context.Principal = caller.Clone();
            context.Success();
        }

        return Task.CompletedTask;
    }

    /// <summary>Remembers a caller whose token passed validation.</summary>
    public void Remember(TokenValidatedContext context)
    {
        if (context.Principal is { } caller && context.SecurityToken is { ValidTo: var expires } && TokenOf(context.Request) is { } token)
        {
            var remaining = DateTime.SpecifyKind(expires, DateTimeKind.Utc) - DateTime.UtcNow;
            cache.Set(token, caller.Clone(), remaining < MaximumAge ? remaining : MaximumAge);
        }
    }

    private static string? TokenOf(HttpRequest request)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }
}
