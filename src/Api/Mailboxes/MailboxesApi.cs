using System.ComponentModel;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using System.Security.Claims;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Audit;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Sync;
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
            .WithDescription("Returns mailboxes in creation order, one page at a time, optionally filtered. Follow nextLink for the next page; it keeps the filters.")
            .WithMetadata(new AccessNote(OwnedMailboxesNote));

        group.MapPost("/", CreateMailbox)
            .WithName("CreateMailbox")
            .WithSummary("Create a mailbox")
            .WithDescription("Creates the mailbox of a user or queue. Unset delivery methods and server profile take the organization defaults. " +
                             "New mailboxes are pending approval, untested and disabled.")
            .WithRequestExample("user", "A user's mailbox with the organization's default profile and delivery methods", MailboxExamples.Create)
            .RequireAuthorization(Privileges.MailboxWrite)
            .WithMetadata(new AccessNote(ConnectionFieldsNote));

        group.MapGet("/{id}", GetMailbox)
            .WithName("GetMailbox")
            .WithSummary("Get a mailbox")
            .WithDescription("Returns one mailbox with its statuses and ETag.")
            .WithMetadata(new AccessNote(OwnedMailboxesNote));

        group.MapPatch("/{id}", UpdateMailbox)
            .WithName("UpdateMailbox")
            .WithSummary("Update a mailbox")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396). null resets a field to its default (the organization's, for the server profile and delivery methods). " +
                             "Changing the profile, a delivery method or the address resets the statuses to NotRun and disables the mailbox until it is tested again; " +
                             "changing the address also withdraws its approval. Read-only fields (statuses, approval) are rejected.")
            .WithRequestExample("patch", "A new display name; only email received from 2026 on", MailboxExamples.Patch)
            .RequireAuthorization(Privileges.MailboxWrite)
            .WithMetadata(new AccessNote(ConnectionFieldsNote));

        group.MapDelete("/{id}", DeleteMailbox)
            .WithName("DeleteMailbox")
            .WithSummary("Delete a mailbox")
            .WithDescription("Deletes a mailbox. Answers 204 also when it does not exist.")
            .RequireAuthorization(Privileges.MailboxWrite);

        return group;
    }

    private const string SyncStateFilterDescription =
        "Only mailboxes whose synchronization in syncDirection is in this state, as GET /api/v1/mailboxes/{id}/sync-status reports it: " +
        "NotStarted, Active, Retrying, Failing, Paused; or NotSynchronized for mailboxes never synchronized in that direction. New values may appear.";

    /// <summary>Documents who may read mailboxes.</summary>
    public const string OwnedMailboxesNote = "Callers without Mailbox.Read see only the mailboxes they own (owner.id equals their user id).";

    /// <summary>Documents the extra privilege of connection fields.</summary>
    public const string ConnectionFieldsNote = "Setting serverProfileId or a delivery method also requires ExSync.Administrator.";

    public static async Task<Ok<Page<MailboxResource>>> ListMailboxes(
        [AsParameters] MailboxListQuery filter,
        [FromQuery(Name = "syncState"), Description(SyncStateFilterDescription)] MailboxSyncState? syncState,
        [FromQuery(Name = "syncDirection"), Description("The direction syncState applies to (IncomingEmail by default); without syncState it filters nothing.")] SyncDirection? syncDirection,
        ExSyncDbContext db,
        ClaimsPrincipal user,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(filter.PageSize);
        var after = Paging.AfterKey(filter.ContinuationToken);
        var query = db.Mailboxes.AsNoTracking();
        if (!user.Has(Privileges.MailboxRead))
        {
            var userId = user.Id();
            query = query.Where(m => m.Owner.Id == userId);
        }
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

        if (syncState is { } wanted)
        {
            query = query.WithSyncState(db, wanted, syncDirection ?? SyncDirection.IncomingEmail);
        }

        if (!string.IsNullOrWhiteSpace(filter.Search))
        {
            // Both sides upper-cased in .NET (SQLite's own upper() and LIKE know only ASCII); Contains is instr(), so % and _ are literal.
            var normalized = filter.Search.Trim().ToUpperInvariant();
            query = query.Where(m => m.NormalizedName.Contains(normalized) || m.NormalizedEmailAddress.Contains(normalized));
        }

        if (after is not null)
        {
            query = query.Where(m => m.Id.CompareTo(after.Value) > 0);
        }

        var rows = await query.OrderBy(m => m.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, m => m.Id, m => m.ToResource(), request));
    }

    public static async Task<Results<Created<MailboxResource>, BadRequestProblem, ForbiddenProblem, ConflictProblem>> CreateMailbox(
        JsonBody<MailboxInput> body,
        ExSyncDbContext db,
        TimeProvider time,
        SequentialIds ids,
        AuditTrail audit,
        ClaimsPrincipal user,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var input = body.Value;
        if (!user.Has(Privileges.Administrator) && SetsConnectionFields(input))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.Administrator]);
        }

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
        audit.Record(AuditOperations.MailboxCreated, nameof(Mailbox), mailbox.Id, before: null, after: mailbox.ToInput());
        await db.SaveChangesAsync(cancellationToken);

        var resource = mailbox.ToResource();
        response.SetETag(resource.ETag);
        return TypedResults.Created(ResourceUrls.Absolute(response.HttpContext.Request, $"/api/v1/mailboxes/{mailbox.Id}"), resource);
    }

    public static async Task<Results<SerializedOk<MailboxResource>, NotFoundProblem, ForbiddenProblem>> GetMailbox(
        Guid id,
        ExSyncDbContext db,
        IDatabaseDialect dialect,
        RepresentationCache representations,
        ClaimsPrincipal user,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        // The revision decides whether the representation kept from an earlier read is current; only a change reads the whole mailbox.
        var version = await dialect.FindMailboxVersionAsync(db, id, cancellationToken);
        if (!user.Has(Privileges.MailboxRead) && version?.OwnerId != user.Id())
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.MailboxRead]);
        }

        if (version is not null && representations.Find(nameof(Mailbox), id, version.Revision) is { } kept)
        {
            response.SetETag(ETags.For(version.Revision));
            return new SerializedOk<MailboxResource>(kept);
        }

        var mailbox = await db.FindMailboxAsync(id, cancellationToken);
        if (!CanRead(user, mailbox))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.MailboxRead]);
        }

        if (mailbox is null)
        {
            return NotFound(id);
        }

        response.SetETag(ETags.For(mailbox.Revision));
        return new SerializedOk<MailboxResource>(representations.Keep(nameof(Mailbox), id, mailbox.Revision, mailbox.ToResource()));
    }

    public static async Task<Results<Ok<MailboxResource>, BadRequestProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem, PreconditionFailedProblem>> UpdateMailbox(
        Guid id,
        MergePatch<MailboxInput> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the mailbox's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<MailboxInput> validator,
        AuditTrail audit,
        ClaimsPrincipal user,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!user.Has(Privileges.Administrator) && ConnectionFields.Any(field => patch.Mentions(field)))
        {
            return ForbiddenProblemHandler.Forbidden([Privileges.Administrator]);
        }

        // Test & Enable writes its results to the mailbox too, so a patch can race a running job as well as another client.
        return await db.WriteAsync(() => UpdateOnceAsync(id, patch, ifMatch, db, time, validator, audit, response, cancellationToken), cancellationToken);
    }

    private static async Task<Results<Ok<MailboxResource>, BadRequestProblem, NotFoundProblem, ForbiddenProblem, ConflictProblem, PreconditionFailedProblem>> UpdateOnceAsync(
        Guid id,
        MergePatch<MailboxInput> patch,
        string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<MailboxInput> validator,
        AuditTrail audit,
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
        var unchanged = mailbox.ToResource();
        var before = mailbox.ToInput();
        var approvalBefore = mailbox.ApprovalStatus;
        mailbox.Update(settings, await FindProfileAsync(db, settings.ServerProfileId, cancellationToken), organization.DefaultServerProfileId, time.GetUtcNow());
        var changed = audit.Record(
            AuditOperations.MailboxUpdated,
            nameof(Mailbox),
            mailbox.Id,
            before,
            mailbox.ToInput(),
            approvalBefore == mailbox.ApprovalStatus ? null : [new AuditChange("approvalStatus", approvalBefore.ToString(), mailbox.ApprovalStatus.ToString())]);
        if (!changed)
        {
            // The mailbox as it was, unsaved: same ETag, same modification time, statuses untouched.
            response.SetETag(unchanged.ETag);
            return TypedResults.Ok(unchanged);
        }

        await db.SaveChangesAsync(cancellationToken);
        response.SetETag(ETags.For(mailbox.Revision));
        return TypedResults.Ok(mailbox.ToResource());
    }

    public static Task<Results<NoContent, PreconditionFailedProblem>> DeleteMailbox(
        Guid id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the mailbox's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        AuditTrail audit,
        CancellationToken cancellationToken) =>
        db.WriteAsync(() => DeleteOnceAsync(id, ifMatch, db, audit, cancellationToken), cancellationToken);

    private static async Task<Results<NoContent, PreconditionFailedProblem>> DeleteOnceAsync(
        Guid id,
        string? ifMatch,
        ExSyncDbContext db,
        AuditTrail audit,
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
        audit.Record(AuditOperations.MailboxDeleted, nameof(Mailbox), mailbox.Id, mailbox.ToInput(), after: null);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// The mailboxes whose workload in <paramref name="direction"/> is in <paramref name="state"/>, or that have none: an EXISTS on the
    /// workloads' key, so the database filters and pages as it does for the other filters.
    /// </summary>
    private static IQueryable<Mailbox> WithSyncState(this IQueryable<Mailbox> mailboxes, ExSyncDbContext db, MailboxSyncState state, SyncDirection direction)
    {
        var workloads = db.SyncWorkloads.Where(w => w.Direction == direction);
        if (state == MailboxSyncState.NotSynchronized)
        {
            return mailboxes.Where(m => !workloads.Any(w => w.MailboxId == m.Id));
        }

        var workloadState = (SyncWorkloadState)state;
        return mailboxes.Where(m => workloads.Any(w => w.MailboxId == m.Id && w.State == workloadState));
    }

    /// <summary>Whether the caller may read the mailbox: with Mailbox.Read, or as its owner. Unknown mailboxes count as not theirs.</summary>
    public static bool CanRead(ClaimsPrincipal user, Mailbox? mailbox) =>
        user.Has(Privileges.MailboxRead) || (mailbox is not null && mailbox.Owner.Id == user.Id());

    // The fields that decide how a mailbox connects to Exchange; Dynamics reserves them to system administrators.
    private static readonly string[] ConnectionFields = ["serverProfileId", "incomingDeliveryMethod", "outgoingDeliveryMethod", "actDeliveryMethod"];

    private static bool SetsConnectionFields(MailboxInput input) =>
        input.ServerProfileId is not null || input.IncomingDeliveryMethod is not null || input.OutgoingDeliveryMethod is not null || input.ActDeliveryMethod is not null;

    private static Task<bool> EmailAddressTakenAsync(ExSyncDbContext db, string emailAddress, Guid? exceptId, CancellationToken cancellationToken)
    {
        var normalized = Mailbox.NormalizeEmailAddress(emailAddress);
        return db.Mailboxes.AnyAsync(m => m.NormalizedEmailAddress == normalized && m.Id != exceptId, cancellationToken);
    }

    private static async Task<ServerProfile?> FindProfileAsync(ExSyncDbContext db, Guid? id, CancellationToken cancellationToken) =>
        id is null ? null : await db.FindServerProfileAsync(id.Value, cancellationToken);

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
