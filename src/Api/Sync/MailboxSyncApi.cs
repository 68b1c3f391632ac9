using System.ComponentModel;
using System.Security.Claims;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Mailboxes;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Sync;
using ExSync.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Sync;

/// <summary>A mailbox's synchronization: its status per direction, what happened to each item, and running it now.</summary>
public static class MailboxSyncApi
{
    /// <summary>Maps the synchronization routes onto the mailbox group.</summary>
    public static RouteGroupBuilder MapMailboxSync(this RouteGroupBuilder mailboxes)
    {
        mailboxes.MapPost("/{id}/sync", SyncMailbox)
            .WithName("SyncMailbox")
            .WithSummary("Synchronize a mailbox now")
            .WithDescription("Brings the mailbox's next synchronization cycle forward to now and answers 202 with its status; the cycle runs within a second or two " +
                             "on a worker (follow Location to watch lastRunCompletedAt). A cycle already under way runs again as soon as it ends.")
            .WithMetadata(new AccessNote(MailboxesApi.OwnedMailboxesNote));

        mailboxes.MapGet("/{id}/sync-status", GetMailboxSyncStatus)
            .WithName("GetMailboxSyncStatus")
            .WithSummary("Get a mailbox's synchronization status")
            .WithDescription("Per synchronized direction: state, last successful synchronization, next run, items processed and failed (last cycle and in total), " +
                             "consecutive errors, the last error and the backlog Exchange still had.")
            .WithMetadata(new AccessNote(MailboxesApi.OwnedMailboxesNote));

        mailboxes.MapGet("/{id}/sync-events", ListMailboxSyncEvents)
            .WithName("ListMailboxSyncEvents")
            .WithSummary("List what happened to a mailbox's items")
            .WithDescription("One event per item synchronization looked at and per attempt: tracked (and why), not tracked (and why: Duplicate, FilteredOut, " +
                             "NoRecipientMatch, …) or failed (TooLarge, Malformed, ItemVanished, …), oldest first. Kept for Sync:ItemEventRetention (7 days by default).")
            .WithMetadata(new AccessNote(MailboxesApi.OwnedMailboxesNote));
        return mailboxes;
    }

    public static async Task<Results<Accepted<MailboxSyncStatusResource>, NotFoundProblem, ForbiddenProblem, ConflictProblem>> SyncMailbox(
        Guid id,
        [FromQuery(Name = "direction"), Description("The direction to run (IncomingEmail by default).")] SyncDirection? direction,
        ExSyncDbContext db,
        SyncWorkloads workloads,
        TimeProvider time,
        ClaimsPrincipal user,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.FindMailboxAsync(id, cancellationToken);
        if (!MailboxesApi.CanRead(user, mailbox))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.MailboxRead]);
        }

        if (mailbox is null)
        {
            return MailboxNotFound(id);
        }

        var wanted = direction ?? SyncDirection.IncomingEmail;
        if (!await workloads.RunNowAsync(id, wanted, cancellationToken))
        {
            return Problem.Conflict(
                ProblemCodes.MailboxNotSynchronized,
                $"The mailbox {mailbox.EmailAddress} is not synchronized for {wanted}: Test & Enable has not enabled it, or it is inactive, not approved, or its profile is inactive.",
                "direction");
        }

        var status = await ReadStatusAsync(db, id, time.GetUtcNow(), cancellationToken);
        return TypedResults.Accepted(ResourceUrls.Absolute(request, $"/api/v1/mailboxes/{id}/sync-status"), status);
    }

    public static async Task<Results<Ok<MailboxSyncStatusResource>, NotFoundProblem, ForbiddenProblem>> GetMailboxSyncStatus(
        Guid id,
        ExSyncDbContext db,
        TimeProvider time,
        ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.FindMailboxAsync(id, cancellationToken);
        if (!MailboxesApi.CanRead(user, mailbox))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.MailboxRead]);
        }

        return mailbox is null ? MailboxNotFound(id) : TypedResults.Ok(await ReadStatusAsync(db, id, time.GetUtcNow(), cancellationToken));
    }

    public static async Task<Results<Ok<Page<SyncEventResource>>, NotFoundProblem, ForbiddenProblem>> ListMailboxSyncEvents(
        Guid id,
        [AsParameters] SyncEventQuery query,
        ExSyncDbContext db,
        ClaimsPrincipal user,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.FindMailboxAsync(id, cancellationToken);
        if (!MailboxesApi.CanRead(user, mailbox))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.MailboxRead]);
        }

        if (mailbox is null)
        {
            return MailboxNotFound(id);
        }

        var size = Paging.PageSize(query.PageSize);
        var events = db.SyncItemEvents.AsNoTracking().Where(e => e.MailboxId == id);
        if (Paging.AfterNumber(query.ContinuationToken) is { } after)
        {
            events = events.Where(e => e.Id > after);
        }

        if (query.Outcome is { } outcome)
        {
            events = events.Where(e => e.Outcome == outcome);
        }

        if (!string.IsNullOrEmpty(query.ReasonCode))
        {
            events = events.Where(e => e.ReasonCode == query.ReasonCode);
        }

        if (query.Since is { } since)
        {
            events = events.Where(e => e.OccurredAt >= since);
        }

        var rows = await events.OrderBy(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, e => e.Id, SyncMapping.ToResource, request));
    }

    private static async Task<MailboxSyncStatusResource> ReadStatusAsync(ExSyncDbContext db, Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await db.SyncWorkloads.AsNoTracking().Where(w => w.MailboxId == id).OrderBy(w => w.Direction).ToListAsync(cancellationToken);
        return new MailboxSyncStatusResource { MailboxId = id, Directions = rows.Select(w => SyncMapping.ToResource(w, now)).ToList() };
    }

    private static NotFoundProblem MailboxNotFound(Guid id) => Problem.NotFound(ProblemCodes.MailboxNotFound, $"There is no mailbox with id '{id}'.");
}

/// <summary>Filters and paging of a mailbox's item events.</summary>
public sealed record SyncEventQuery
{
    [FromQuery(Name = "outcome"), Description("Only events with this outcome.")]
    public ItemOutcome? Outcome { get; init; }

    [FromQuery(Name = "reasonCode"), Description("Only events with this reason code (Duplicate, FilteredOut, NoRecipientMatch, TooLarge, Malformed, …).")]
    public string? ReasonCode { get; init; }

    [FromQuery(Name = "since"), Description("Only events recorded at or after this instant: an RFC 3339 date-time with its offset (Z or ±hh:mm).")]
    public DateTimeOffset? Since { get; init; }

    [FromQuery(Name = "pageSize"), Description("Items per page, 1–1000 (default 100).")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "continuationToken"), Description("Opaque token from the nextLink of the previous page.")]
    public string? ContinuationToken { get; init; }
}
