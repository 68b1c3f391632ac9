using System.Buffers.Text;
using System.ComponentModel;
using System.Text;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.WebUtilities;

namespace ExSync.Api.Infrastructure.Http;

/// <summary>A page of a collection, in the Azure REST guidelines' shape.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Value">The items of this page.</param>
/// <param name="NextLink">Absolute URL of the next page; absent on the last page.</param>
public sealed record Page<T>(
    [property: Description("The items of this page.")] IReadOnlyList<T> Value,
    [property: Description("Absolute URL of the next page; absent on the last page. Follow it as is: it keeps the filters of the first request. Items created or deleted while paging may be skipped or seen twice.")] string? NextLink = null);

/// <summary>
/// Keyset paging: pages are ordered by a stable key (resource ids are version 7 GUIDs, so creation order), and the
/// continuation token is the last key of the previous page. Unlike offsets, a token stays valid and cheap however deep
/// the page, and concurrent inserts do not shift pages.
/// </summary>
public static class Paging
{
    /// <summary>Items per page when the client does not say.</summary>
    public const int DefaultPageSize = 100;

    /// <summary>Most items per page.</summary>
    public const int MaxPageSize = 1000;

    private const string QueryName = "continuationToken";
    private const string TokenPrefix = "k1:";

    /// <summary>The page size to use, or a 400 when the requested one is out of range.</summary>
    public static int PageSize(int? requested) => requested switch
    {
        null => DefaultPageSize,
        >= 1 and <= MaxPageSize => requested.Value,
        _ => throw new RequestRejectedException(
            StatusCodes.Status400BadRequest,
            ProblemCodes.InvalidQueryParameter,
            $"pageSize must be between 1 and {MaxPageSize}.",
            [new ApiFieldError(FieldErrorCodes.OutOfRange, "pageSize", $"pageSize must be between 1 and {MaxPageSize}.")]),
    };

    /// <summary>Decodes a continuation token into the last key of the previous page; null starts from the beginning.</summary>
    public static Guid? AfterKey(string? continuationToken) =>
        Decode(continuationToken) is { } key ? Guid.TryParseExact(key, "N", out var id) ? id : throw InvalidToken() : null;

    /// <summary>Decodes a continuation token of a list keyed by a number.</summary>
    public static long? AfterNumber(string? continuationToken) =>
        Decode(continuationToken) is { } key ? long.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : throw InvalidToken() : null;

    /// <summary>Decodes a continuation token of a list keyed by text (ids the client chose).</summary>
    public static string? AfterText(string? continuationToken) => Decode(continuationToken);

    /// <summary>
    /// Builds a page from up to <c>pageSize + 1</c> items read in key order: the extra item only tells that there is a next page.
    /// </summary>
    public static Page<TOut> ToPage<TIn, TOut>(this IReadOnlyList<TIn> rows, int pageSize, Func<TIn, Guid> key, Func<TIn, TOut> map, HttpRequest request) =>
        rows.ToPage(pageSize, row => key(row).ToString("N"), map, request);

    /// <summary>Builds a page of a list keyed by a number.</summary>
    public static Page<TOut> ToPage<TIn, TOut>(this IReadOnlyList<TIn> rows, int pageSize, Func<TIn, long> key, Func<TIn, TOut> map, HttpRequest request) =>
        rows.ToPage(pageSize, row => key(row).ToString(System.Globalization.CultureInfo.InvariantCulture), map, request);

    /// <summary>Builds a page of a list keyed by text.</summary>
    public static Page<TOut> ToPage<TIn, TOut>(this IReadOnlyList<TIn> rows, int pageSize, Func<TIn, string> key, Func<TIn, TOut> map, HttpRequest request)
    {
        var hasMore = rows.Count > pageSize;
        var items = rows.Take(pageSize).Select(map).ToList();
        return new Page<TOut>(items, hasMore ? NextLink(request, key(rows[pageSize - 1])) : null);
    }

    private static string? Decode(string? continuationToken)
    {
        if (string.IsNullOrEmpty(continuationToken))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(continuationToken));
            if (text.StartsWith(TokenPrefix, StringComparison.Ordinal))
            {
                return text[TokenPrefix.Length..];
            }
        }
        catch (FormatException)
        {
            // Falls through to the rejection below.
        }

        throw InvalidToken();
    }

    private static RequestRejectedException InvalidToken() => new(
        StatusCodes.Status400BadRequest,
        ProblemCodes.InvalidContinuationToken,
        "The continuation token is not valid. Start again from the first page.",
        [new ApiFieldError(FieldErrorCodes.InvalidFormat, QueryName, "The continuation token is not valid.")]);

    private static string NextLink(HttpRequest request, string lastKey)
    {
        var token = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(TokenPrefix + lastKey));
        var query = QueryHelpers.ParseQuery(request.QueryString.Value)
            .Where(p => !string.Equals(p.Key, QueryName, StringComparison.OrdinalIgnoreCase))
            .SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(p.Key, v)))
            .Append(new KeyValuePair<string, string?>(QueryName, token));
        return UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path, QueryString.Create(query));
    }
}
