using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Security;
using ExSync.Domain.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Audit;

/// <summary>The audit trail: who changed what, and when.</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/audit-events").WithTags("Audit").RequireAuthorization(Privileges.Administrator);

        group.MapGet("/", ListAuditEvents)
            .WithName("ListAuditEvents")
            .WithSummary("List the audit trail")
            .WithDescription("Returns the recorded changes, oldest first: creates, updates and deletes of profiles, mailboxes and organization settings, " +
                             "approvals and rejections, applied default settings, and started or canceled jobs — each with the actor, the time, the target and the " +
                             "changed fields. Secrets appear only as (changed).");

        return group;
    }

    public static async Task<Ok<Page<AuditEventResource>>> ListAuditEvents(
        [FromQuery(Name = "actor"), Description("Only changes made by this user id (or 'system').")] string? actor,
        [FromQuery(Name = "target"), Description("Only changes to the resource with this id.")] string? target,
        [FromQuery(Name = "operation"), Description("Only this operation, such as Mailbox.EmailApproved.")] string? operation,
        [FromQuery(Name = "since"), Description("Only changes made at or after this instant: an RFC 3339 date-time with its offset (Z or ±hh:mm).")] DateTimeOffset? since,
        [FromQuery(Name = "pageSize"), Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [FromQuery(Name = "continuationToken"), Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterKey(continuationToken);
        var events = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(actor))
        {
            events = events.Where(e => e.ActorId == actor);
        }

        if (!string.IsNullOrEmpty(target))
        {
            var normalized = Guid.TryParse(target, out var id) ? id.ToString() : target;
            events = events.Where(e => e.TargetId == normalized);
        }

        if (!string.IsNullOrEmpty(operation))
        {
            events = events.Where(e => e.Operation == operation);
        }

        if (since is not null)
        {
            events = events.Where(e => e.OccurredAt >= since);
        }

        if (after is not null)
        {
            events = events.Where(e => e.Id.CompareTo(after.Value) > 0);
        }

        var rows = await events.OrderBy(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, e => e.Id, ToResource, request));
    }

    private static AuditEventResource ToResource(AuditEvent e) => new()
    {
        Id = e.Id,
        OccurredAt = e.OccurredAt,
        ActorId = e.ActorId,
        Operation = e.Operation,
        TargetType = e.TargetType,
        TargetId = e.TargetId,
        Changes = e.Changes.Select(c => new AuditChangeResource { Field = c.Field, From = c.From, To = c.To }).ToList(),
    };
}

/// <summary>A recorded change.</summary>
public sealed class AuditEventResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>When the change was made.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>Who made it: a user id, or 'system' for work ExSync does on its own.</summary>
    public required string ActorId { get; init; }

    /// <summary>What was done, such as ServerProfile.Updated or Mailbox.EmailApproved. Extensible.</summary>
    public required string Operation { get; init; }

    /// <summary>The kind of resource: ServerProfile, Mailbox, OrganizationEmailSettings or Job.</summary>
    public required string TargetType { get; init; }

    /// <summary>The id of the resource.</summary>
    public required string TargetId { get; init; }

    /// <summary>The fields that changed; secrets show only "(changed)".</summary>
    public required IReadOnlyList<AuditChangeResource> Changes { get; init; }
}

/// <summary>One changed field.</summary>
public sealed class AuditChangeResource
{
    /// <summary>The field, as a camelCase JSON path.</summary>
    public required string Field { get; init; }

    /// <summary>The value before.</summary>
    public string? From { get; init; }

    /// <summary>The value after.</summary>
    public string? To { get; init; }
}
