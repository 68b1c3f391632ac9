using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Persistence;
using System.Security.Claims;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Mailboxes;
using ExSync.Domain.Alerts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Alerts;

/// <summary>Alerts to mailbox and profile owners about what Test &amp; Enable found.</summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlerts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/alerts").WithTags("Alerts");

        group.MapGet("/", ListAlerts)
            .WithName("ListAlerts")
            .WithSummary("List alerts")
            .WithDescription("Returns alerts, oldest first, one page at a time, optionally filtered. Alerts are kept for the configured retention (30 days by default).")
            .WithMetadata(new AccessNote(OwnAlertsNote));

        return group;
    }

    /// <summary>Maps GET /mailboxes/{id}/alerts onto the mailbox group.</summary>
    public static RouteGroupBuilder MapMailboxAlerts(this RouteGroupBuilder mailboxes)
    {
        mailboxes.MapGet("/{id}/alerts", ListMailboxAlerts)
            .WithName("ListMailboxAlerts")
            .WithSummary("List a mailbox's alerts")
            .WithDescription("Returns the alerts about one mailbox (to its owner and to its profile's owner), oldest first.")
            .WithMetadata(new AccessNote($"{MailboxesApi.OwnedMailboxesNote} {OwnAlertsNote}"));
        return mailboxes;
    }

    /// <summary>Documents who may read which alerts.</summary>
    public const string OwnAlertsNote = "Callers without ExSync.Administrator see only the alerts addressed to them (recipientId equals their user id).";

    public static async Task<Results<Ok<Page<AlertResource>>, ForbiddenProblem>> ListAlerts(
        [AsParameters] AlertQuery query,
        [FromQuery(Name = "mailboxId"), Description("Only alerts about this mailbox.")] Guid? mailboxId,
        ExSyncDbContext db,
        ClaimsPrincipal user,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        if (RestrictToCaller(user, query) is not { } own)
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.Administrator]);
        }

        return TypedResults.Ok(await ReadAsync(db.Alerts.AsNoTracking(), own, mailboxId, request, cancellationToken));
    }

    public static async Task<Results<Ok<Page<AlertResource>>, NotFoundProblem, ForbiddenProblem>> ListMailboxAlerts(
        Guid id,
        [AsParameters] AlertQuery query,
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
            return Problem.NotFound(ProblemCodes.MailboxNotFound, $"There is no mailbox with id '{id}'.");
        }

        if (RestrictToCaller(user, query) is not { } own)
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.Administrator]);
        }

        return TypedResults.Ok(await ReadAsync(db.Alerts.AsNoTracking(), own, id, request, cancellationToken));
    }

    /// <summary>
    /// Administrators read every alert; anyone else only their own, so their recipient filter is forced to themselves. Returns null
    /// when a non-administrator asks for someone else's alerts.
    /// </summary>
    private static AlertQuery? RestrictToCaller(ClaimsPrincipal user, AlertQuery query)
    {
        if (user.Has(Privileges.Administrator))
        {
            return query;
        }

        var self = user.Id();
        return query.RecipientId is null || query.RecipientId == self ? query with { RecipientId = self } : null;
    }

    private static async Task<Page<AlertResource>> ReadAsync(IQueryable<Alert> alerts, AlertQuery filter, Guid? mailboxId, HttpRequest request, CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(filter.PageSize);
        var after = Paging.AfterKey(filter.ContinuationToken);
        if (mailboxId is not null)
        {
            alerts = alerts.Where(a => a.MailboxId == mailboxId);
        }

        if (filter.ServerProfileId is { } profileId)
        {
            alerts = alerts.Where(a => a.ServerProfileId == profileId);
        }

        if (!string.IsNullOrEmpty(filter.RecipientId))
        {
            alerts = alerts.Where(a => a.RecipientId == filter.RecipientId);
        }

        if (filter.Severity is { } severity)
        {
            alerts = alerts.Where(a => a.Severity == severity);
        }

        if (filter.Since is { } since)
        {
            alerts = alerts.Where(a => a.CreatedAt >= since);
        }

        if (after is not null)
        {
            alerts = alerts.Where(a => a.Id.CompareTo(after.Value) > 0);
        }

        var rows = await alerts.OrderBy(a => a.Id).Take(size + 1).ToListAsync(cancellationToken);
        return rows.ToPage(size, a => a.Id, ToResource, request);
    }

    private static AlertResource ToResource(Alert alert) => new()
    {
        Id = alert.Id,
        CreatedAt = alert.CreatedAt,
        Severity = alert.Severity,
        Code = alert.Code,
        Title = alert.Title,
        Message = alert.Message,
        Remediation = alert.Remediation,
        RecipientId = alert.RecipientId,
        RecipientRole = alert.RecipientRole,
        RecipientEmailAddress = alert.RecipientEmailAddress,
        MailboxId = alert.MailboxId,
        ServerProfileId = alert.ServerProfileId,
        JobId = alert.JobId,
    };
}

/// <summary>Filters and paging of alert lists.</summary>
public sealed record AlertQuery
{
    [FromQuery(Name = "serverProfileId"), Description("Only alerts about this server profile.")]
    public Guid? ServerProfileId { get; init; }

    [FromQuery(Name = "recipientId"), Description("Only alerts addressed to this user (or queue).")]
    public string? RecipientId { get; init; }

    [FromQuery(Name = "severity"), Description("Only alerts of this severity.")]
    public AlertSeverity? Severity { get; init; }

    [FromQuery(Name = "since"), Description("Only alerts raised at or after this instant: an RFC 3339 date-time with its offset (Z or ±hh:mm).")]
    public DateTimeOffset? Since { get; init; }

    [FromQuery(Name = "pageSize"), Description("Items per page, 1–1000 (default 100).")]
    public int? PageSize { get; init; }

    [FromQuery(Name = "continuationToken"), Description("Opaque token from the nextLink of the previous page.")]
    public string? ContinuationToken { get; init; }
}

/// <summary>An alert to the owner of a mailbox or of a server profile.</summary>
public sealed class AlertResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>When it was raised.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Error, Warning or Information.</summary>
    public required AlertSeverity Severity { get; init; }

    /// <summary>Stable code: the error code of a failure, or MailboxEnabled, TestRetryScheduled, MajorFailures.</summary>
    public required string Code { get; init; }

    /// <summary>One-line summary.</summary>
    public required string Title { get; init; }

    /// <summary>What happened.</summary>
    public required string Message { get; init; }

    /// <summary>What to do about it.</summary>
    public string? Remediation { get; init; }

    /// <summary>The user (or queue) the alert is for.</summary>
    public required string RecipientId { get; init; }

    /// <summary>Why they get it: MailboxOwner or ServerProfileOwner.</summary>
    public required AlertRecipientRole RecipientRole { get; init; }

    /// <summary>The recipient's email address, when known.</summary>
    public string? RecipientEmailAddress { get; init; }

    /// <summary>The mailbox the alert is about.</summary>
    public Guid? MailboxId { get; init; }

    /// <summary>The server profile the alert is about.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>The job that raised it.</summary>
    public Guid? JobId { get; init; }
}
