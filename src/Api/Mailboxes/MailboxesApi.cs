using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Mailboxes;

/// <summary>Mailboxes of users and queues.</summary>
public static class MailboxesApi
{
    public static RouteGroupBuilder MapMailboxes(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/mailboxes")
            .WithTags("Mailboxes")
            .WithBodyValidation();

        group.MapGet("/", ListMailboxes)
            .WithName("ListMailboxes")
            .WithSummary("List mailboxes")
            .WithDescription("Returns mailboxes in creation order, one page at a time, optionally filtered. Follow nextLink for the next page; it keeps the filters.");

        group.MapPost("/", CreateMailbox)
            .WithName("CreateMailbox")
            .WithSummary("Create a mailbox")
            .WithDescription("Creates the mailbox of a user or queue. Unset delivery methods and server profile take the organization defaults. " +
                             "New mailboxes are pending approval, untested and disabled.");

        group.MapGet("/{id}", GetMailbox)
            .WithName("GetMailbox")
            .WithSummary("Get a mailbox")
            .WithDescription("Returns one mailbox with its statuses and ETag.");

        group.MapPatch("/{id}", UpdateMailbox)
            .WithName("UpdateMailbox")
            .WithSummary("Update a mailbox")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396). null resets a field to its default (the organization's, for the server profile and delivery methods). " +
                             "Changing the profile, a delivery method or the address resets the statuses to NotRun and disables the mailbox until it is tested again; " +
                             "changing the address also withdraws its approval. Read-only fields (statuses, approval) are rejected.");

        group.MapDelete("/{id}", DeleteMailbox)
            .WithName("DeleteMailbox")
            .WithSummary("Delete a mailbox")
            .WithDescription("Deletes a mailbox. Answers 204 also when it does not exist.");

        return group;
    }

    public static async Task<Ok<Page<MailboxResource>>> ListMailboxes(
        [AsParameters] MailboxListQuery filter,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(filter.PageSize);
        var after = Paging.AfterKey(filter.ContinuationToken);
        var query = db.Mailboxes.AsNoTracking();
        if (filter.State is { } state)
        {
            query = query.Where(m => m.State == state);
        }

        if (filter.ServerProfileId is { } profileId)
        {
            query = query.Where(m => m.ServerProfileId == profileId);
        }

        if (filter.ApprovalStatus is { } approval)
        {
            query = query.Where(m => m.ApprovalStatus == approval);
        }

        if (filter.OwnerType is { } ownerType)
        {
            query = query.Where(m => m.Owner.Type == ownerType);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            var term = filter.Search.Trim();
            var pattern = "%" + term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            var normalized = term.ToUpperInvariant();
            query = query.Where(m => EF.Functions.Like(m.Name, pattern, "\\") || m.NormalizedEmailAddress.Contains(normalized));
        }

        if (after is not null)
        {
            query = query.Where(m => m.Id.CompareTo(after.Value) > 0);
        }

        var rows = await query.OrderBy(m => m.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, m => m.Id, m => m.ToResource(), request));
    }

    public static async Task<Results<Created<MailboxResource>, BadRequestProblem, ConflictProblem>> CreateMailbox(
        JsonBody<MailboxInput> body,
        ExSyncDbContext db,
        TimeProvider time,
        SequentialIds ids,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var input = body.Value;
        if (await EmailAddressTakenAsync(db, input.EmailAddress!, exceptId: null, cancellationToken))
        {
            return EmailAddressConflict(input.EmailAddress!);
        }

        var organization = await db.OrganizationSettingsAsync(cancellationToken);
        var settings = organization.ApplyDefaults(input.ToDraft());
        var now = time.GetUtcNow();
        var mailbox = Mailbox.Create(
            ids.Next(),
            settings,
            await FindProfileAsync(db, settings.ServerProfileId, cancellationToken),
            organization.DefaultServerProfileId,
            now);
        db.Mailboxes.Add(mailbox);
        await db.SaveChangesAsync(cancellationToken);

        var resource = mailbox.ToResource();
        response.SetETag(resource.ETag);
        return TypedResults.Created(ResourceUrls.Absolute(response.HttpContext.Request, $"/api/v1/mailboxes/{mailbox.Id}"), resource);
    }

    public static async Task<Results<Ok<MailboxResource>, NotFoundProblem>> GetMailbox(
        Guid id,
        ExSyncDbContext db,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mailbox is null)
        {
            return NotFound(id);
        }

        response.SetETag(ETags.For(mailbox.Revision));
        return TypedResults.Ok(mailbox.ToResource());
    }

    public static async Task<Results<Ok<MailboxResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem>> UpdateMailbox(
        Guid id,
        MergePatch<MailboxInput> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the mailbox's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<MailboxInput> validator,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.Mailboxes.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mailbox is null)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(ifMatch, ETags.For(mailbox.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(mailbox.Revision));
        }

        var input = patch.ApplyTo(mailbox.ToInput());
        if (await validator.ProblemIfInvalidAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        if (await EmailAddressTakenAsync(db, input.EmailAddress!, exceptId: id, cancellationToken))
        {
            return EmailAddressConflict(input.EmailAddress!);
        }

        var organization = await db.OrganizationSettingsAsync(cancellationToken);
        var settings = organization.ApplyDefaults(input.ToDraft());
        mailbox.Update(settings, await FindProfileAsync(db, settings.ServerProfileId, cancellationToken), organization.DefaultServerProfileId, time.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);

        response.SetETag(ETags.For(mailbox.Revision));
        return TypedResults.Ok(mailbox.ToResource());
    }

    public static async Task<Results<NoContent, PreconditionFailedProblem>> DeleteMailbox(
        Guid id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the mailbox's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        CancellationToken cancellationToken)
    {
        var mailbox = await db.Mailboxes.SingleOrDefaultAsync(m => m.Id == id, cancellationToken);
        if (mailbox is null)
        {
            return string.IsNullOrWhiteSpace(ifMatch) ? TypedResults.NoContent() : Problem.PreconditionFailed("(none: the mailbox does not exist)");
        }

        if (!ETags.Matches(ifMatch, ETags.For(mailbox.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(mailbox.Revision));
        }

        db.Mailboxes.Remove(mailbox);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static Task<bool> EmailAddressTakenAsync(ExSyncDbContext db, string emailAddress, Guid? exceptId, CancellationToken cancellationToken)
    {
        var normalized = Mailbox.NormalizeEmailAddress(emailAddress);
        return db.Mailboxes.AnyAsync(m => m.NormalizedEmailAddress == normalized && m.Id != exceptId, cancellationToken);
    }

    private static async Task<ServerProfile?> FindProfileAsync(ExSyncDbContext db, Guid? id, CancellationToken cancellationToken) =>
        id is null ? null : await db.ServerProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, cancellationToken);

    private static NotFoundProblem NotFound(Guid id) =>
        Problem.NotFound(ProblemCodes.MailboxNotFound, $"There is no mailbox with id '{id}'.");

    private static ConflictProblem EmailAddressConflict(string emailAddress) =>
        Problem.Conflict(ProblemCodes.MailboxEmailAddressConflict, $"Another mailbox already has the address '{emailAddress.Trim()}' (addresses are compared ignoring case).", "emailAddress");
}

/// <summary>Filters and paging of the mailbox list.</summary>
public sealed class MailboxListQuery
{
    /// <summary>Only mailboxes in this state.</summary>
    [Description("Only mailboxes in this state.")]
    [FromQuery(Name = "state")]
    public RecordState? State { get; init; }

    /// <summary>Only mailboxes assigned this server profile.</summary>
    [Description("Only mailboxes assigned this server profile.")]
    [FromQuery(Name = "serverProfileId")]
    public Guid? ServerProfileId { get; init; }

    /// <summary>Only mailboxes with this approval status.</summary>
    [Description("Only mailboxes with this approval status.")]
    [FromQuery(Name = "approvalStatus")]
    public EmailApprovalStatus? ApprovalStatus { get; init; }

    /// <summary>Only mailboxes of users, or only of queues.</summary>
    [Description("Only mailboxes of users, or only of queues.")]
    [FromQuery(Name = "ownerType")]
    public MailboxOwnerType? OwnerType { get; init; }

    /// <summary>Only mailboxes whose name or email address contains this text (ignoring case).</summary>
    [Description("Only mailboxes whose name or email address contains this text (ignoring case).")]
    [FromQuery(Name = "search")]
    public string? Search { get; init; }

    /// <summary>Items per page, 1–1000 (default 100).</summary>
    [Description("Items per page, 1–1000 (default 100).")]
    [FromQuery(Name = "pageSize")]
    public int? PageSize { get; init; }

    /// <summary>Opaque token from the nextLink of the previous page.</summary>
    [Description("Opaque token from the nextLink of the previous page.")]
    [FromQuery(Name = "continuationToken")]
    public string? ContinuationToken { get; init; }
}
