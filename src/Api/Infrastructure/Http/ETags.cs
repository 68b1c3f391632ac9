using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace ExSync.Api.Infrastructure.Http;

/// <summary>
/// Strong ETags derived from a resource's revision number, which the domain increments on every change,
/// and evaluation of <c>If-Match</c> (RFC 9110 §13.1.1).
/// </summary>
public static class ETags
{
    /// <summary>The ETag of a resource at a revision, quoted as it appears in headers and bodies.</summary>
    public static string For(long revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>Whether an <c>If-Match</c> header allows a change to a resource whose ETag is <paramref name="currentETag"/>.</summary>
    /// <remarks>An absent header allows it (unconditional request); <c>*</c> allows any existing resource.</remarks>
    public static bool Matches(string? ifMatch, string currentETag)
    {
        if (string.IsNullOrWhiteSpace(ifMatch))
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList([ifMatch], out var tags))
        {
            return false;
        }

        // If-Match uses the strong comparison: a weak tag never matches.
        return tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || (!tag.IsWeak && tag.Tag.Value == currentETag));
    }

    /// <summary>
    /// Whether an <c>If-None-Match</c> header allows a write (RFC 9110 §13.1.2): an absent header does; <c>*</c> only when the resource does
    /// not exist (create-only); a list of tags unless the resource exists with one of them (weak comparison).
    /// </summary>
    /// <param name="ifNoneMatch">The header.</param>
    /// <param name="currentETag">The resource's ETag; null when it does not exist.</param>
    public static bool NoneMatch(string? ifNoneMatch, string? currentETag)
    {
        if (string.IsNullOrWhiteSpace(ifNoneMatch) || currentETag is null)
        {
            return true;
        }

        if (!EntityTagHeaderValue.TryParseList([ifNoneMatch], out var tags))
        {
            return false;
        }

        return !tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Tag.Value == currentETag);
    }

    /// <summary>Sets the ETag response header.</summary>
    public static void SetETag(this HttpResponse response, string etag) => response.Headers.ETag = etag;
}
