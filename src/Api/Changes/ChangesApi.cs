using System.ComponentModel;
using System.Globalization;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Domain.Changes;
using ExSync.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;

namespace ExSync.Api.Changes;

/// <summary>
/// The change feed: every change to the objects the CRM follows (emails now, more kinds later), in order, so that a CRM that stores its
/// cursor misses none and needs no polling of the lists.
/// </summary>
public static class ChangesApi
{
    /// <summary>The cursor that starts from now.</summary>
    public const string Latest = "latest";

    /// <summary>Changes per page when the client does not say.</summary>
    public const int DefaultLimit = 100;

    /// <summary>Most changes per page.</summary>
    public const int MaxLimit = 1000;

    public static RouteGroupBuilder MapChanges(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/changes").WithTags("Changes");

        group.MapGet("/", ListChanges)
            .WithName("ListChanges")
            .WithSummary("Read the change feed")
            .WithDescription("Returns changes in sequence order after the cursor, as { value, nextLink | deltaLink }. Without a cursor the feed starts at the oldest " +
                             "change kept; with cursor=latest it starts from now (no changes, and a deltaLink). Follow nextLink while it is present; store the " +
                             "deltaLink you get when caught up and call it later. A change is written in the same transaction as what it records, and a reader " +
                             "never misses one, however many instances write. Changes are kept for ChangeFeed:Retention (7 days by default); a cursor older than " +
                             "that answers 410 CursorExpired: read the objects again in full, then continue from cursor=latest.")
            .RequireAuthorization(Privileges.EmailRead);

        return group;
    }

    public static async Task<Results<Ok<ChangePage>, BadRequestProblem, GoneProblem>> ListChanges(
        [Description("Where to start: a cursor from a nextLink or deltaLink, 'latest' for now, or absent for the oldest change kept.")] string? cursor,
        [Description("Changes per page, 1–1000 (default 100).")] int? limit,
        ExSyncDbContext db,
        ChangeCursors cursors,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return Problem.Invalid(ProblemCodes.InvalidQueryParameter, "limit", FieldErrorCodes.OutOfRange, $"limit must be between 1 and {MaxLimit}.");
        }

        var size = limit ?? DefaultLimit;
        if (cursor == Latest)
        {
            return TypedResults.Ok(new ChangePage([], DeltaLink: Link(request, cursors.Create(await db.LatestChangePositionAsync(cancellationToken)), limit)));
        }

        long position;
        if (string.IsNullOrEmpty(cursor))
        {
            position = await db.ChangeFeedWatermarkAsync(cancellationToken);
        }
        else if (!cursors.TryRead(cursor, out position))
        {
            return Problem.Invalid(ProblemCodes.InvalidCursor, "cursor", FieldErrorCodes.InvalidFormat,
                "The cursor was not issued by this feed, or is damaged. Start again without a cursor, or with cursor=latest.");
        }

        var rows = await db.ChangesAfterAsync(position, size + 1, cancellationToken);

        // The watermark is read after the changes: a reader that retention overtook while it read is told so, never served a page with a hole.
        if (!string.IsNullOrEmpty(cursor) && position < await db.ChangeFeedWatermarkAsync(cancellationToken))
        {
            return Problem.Gone(
                ProblemCodes.CursorExpired,
                "Changes after this cursor were removed by retention (ChangeFeed:Retention). Read the objects you follow again in full, then continue from cursor=latest.");
        }

        var page = rows.Take(size).Select(c => new ChangeResource
        {
            Sequence = c.Sequence,
            ObjectType = c.ObjectType,
            ObjectId = c.ObjectId,
            Operation = c.Operation,
            Version = c.Version,
            OccurredAt = c.OccurredAt,
        }).ToList();
        var last = page.Count > 0 ? page[^1].Sequence : position;
        var link = Link(request, cursors.Create(last), limit);
        return TypedResults.Ok(rows.Count > size ? new ChangePage(page, NextLink: link) : new ChangePage(page, DeltaLink: link));
    }

    private static string Link(HttpRequest request, string cursor, int? limit)
    {
        var query = new Dictionary<string, string?> { ["cursor"] = cursor };
        if (limit is { } given)
        {
            query["limit"] = given.ToString(CultureInfo.InvariantCulture);
        }

        return QueryHelpers.AddQueryString(ResourceUrls.Absolute(request, "/api/v1/changes"), query);
    }
}
