using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.DirectoryEntries;

/// <summary>
/// The directory of the CRM's email-enabled records. The CRM writes it (one entry at a time or in bulk), ExSync reads it to resolve
/// the parties of the email it tracks. Writers of the directory take turns (across instances), so counts and conflicts are exact.
/// </summary>
public static class DirectoryEntriesApi
{
    public static RouteGroupBuilder MapDirectoryEntries(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/directory-entries")
            .WithTags("Directory")
            .WithBodyValidation();

        group.MapGet("/", ListDirectoryEntries)
            .WithName("ListDirectoryEntries")
            .WithSummary("List directory entries")
            .WithDescription("Returns entries in id order (ordinal), one page at a time, optionally filtered by address or record type. Follow nextLink for the next page; it keeps the filters.")
            .RequireAuthorization(Privileges.DirectoryRead);

        group.MapGet("/{id}", GetDirectoryEntry)
            .WithName("GetDirectoryEntry")
            .WithSummary("Get a directory entry")
            .WithDescription("Returns one entry with its ETag.")
            .RequireAuthorization(Privileges.DirectoryRead);

        group.MapPut("/{id}", PutDirectoryEntry)
            .WithName("PutDirectoryEntry")
            .WithSummary("Create or replace a directory entry")
            .WithDescription("Creates the entry (201) or replaces it whole (200; an entry sent again unchanged keeps its ETag). The id is the CRM's: 1 to 128 characters " +
                             "among A-Z, a-z, 0-9, '-', '_', '.' and '~', starting with a letter or digit. A record (recordType and recordId) has one entry: " +
                             "naming a record another entry stands for is a 409. Send If-Match to replace only the version you read, If-None-Match: * to create only.")
            .WithRequestExample("contact", "A contact with two addresses", DirectoryEntryExamples.Put)
            .RequireAuthorization(Privileges.DirectoryWrite);

        group.MapPost("/bulk-upsert", BulkUpsertDirectoryEntries)
            .WithName("BulkUpsertDirectoryEntries")
            .WithSummary("Create or replace many directory entries")
            .WithDescription("Creates or replaces up to 10,000 entries in one transaction: all or none. Any invalid entry refuses the whole request, naming its index " +
                             "and field (entries[12].emailAddresses[3]). Answers how many entries were created, replaced and unchanged. The body may be up to " +
                             "Limits:MaxBulkRequestBodyBytes (16 MiB).")
            .WithRequestExample("entries", "A contact and an account", DirectoryEntryExamples.Bulk)
            .AcceptsBulkRequestBody()
            .RequireAuthorization(Privileges.DirectoryWrite);

        group.MapDelete("/{id}", DeleteDirectoryEntry)
            .WithName("DeleteDirectoryEntry")
            .WithSummary("Delete a directory entry")
            .WithDescription("Deletes an entry. Answers 204 also when it does not exist. Email already tracked keeps the records its parties resolved to.")
            .RequireAuthorization(Privileges.DirectoryWrite);

        return group;
    }

    public static async Task<Ok<Page<DirectoryEntryResource>>> ListDirectoryEntries(
        [Description("Only entries with this address (exact, ignoring case).")] string? emailAddress,
        [Description("Only entries of this record type.")] DirectoryRecordType? recordType,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterText(continuationToken);
        var query = db.DirectoryEntries.AsNoTracking();
        if (recordType is { } type)
        {
            query = query.Where(e => e.RecordType == type);
        }

        if (!string.IsNullOrWhiteSpace(emailAddress))
        {
            var normalized = EmailAddresses.Normalize(emailAddress);
            query = query.Where(e => db.DirectoryEntryAddresses.Any(a => a.NormalizedAddress == normalized && a.EntryId == e.Id));
        }

        if (after is not null)
        {
            query = query.Where(e => e.Id.CompareTo(after) > 0);
        }

        var rows = await query.OrderBy(e => e.Id).Take(size + 1).Include(e => e.EmailAddresses).AsSplitQuery().ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, e => e.Id, e => e.ToResource(), request));
    }

    public static async Task<Results<Ok<DirectoryEntryResource>, NotFoundProblem>> GetDirectoryEntry(
        string id,
        ExSyncDbContext db,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var entry = await db.FindDirectoryEntryAsync(id, cancellationToken);
        if (entry is null)
        {
            return NotFound(id);
        }

        response.SetETag(ETags.For(entry.Revision));
        return TypedResults.Ok(entry.ToResource());
    }

    public static async Task<Results<Created<DirectoryEntryResource>, Ok<DirectoryEntryResource>, BadRequestProblem, ConflictProblem, PreconditionFailedProblem>> PutDirectoryEntry(
        string id,
        JsonBody<DirectoryEntryInput> body,
        [FromHeader(Name = "If-Match"), Description("Replace the entry only if its ETag still matches (* for any existing entry).")] string? ifMatch,
        [FromHeader(Name = "If-None-Match"), Description("* to create the entry only if it does not exist yet.")] string? ifNoneMatch,
        ExSyncDbContext db,
        IDatabaseDialect dialect,
        TimeProvider time,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (!DirectoryEntry.IsValidId(id))
        {
            return Problem.Invalid(ProblemCodes.ValidationFailed, "id", FieldErrorCodes.InvalidFormat, DirectoryEntryIdRule.Message(id));
        }

        var result = await db.UpsertDirectoryEntriesAsync(
            dialect,
            [new DirectoryEntryWrite(id, body.Value.ToContent())],
            time.GetUtcNow(),
            existing => Allows(ifMatch, ifNoneMatch, existing.GetValueOrDefault(id)),
            cancellationToken);
        var current = result.Existing.GetValueOrDefault(id);
        if (result.Plan is not { } plan)
        {
            return PreconditionFailed(ifMatch, current);
        }

        if (plan.Conflicts is [var conflict, ..])
        {
            return RecordConflict(conflict, "recordId");
        }

        var entry = plan.Entries[0];
        response.SetETag(ETags.For(entry.Revision));
        return plan.Outcomes[0] == DirectoryWriteOutcome.Created
            ? TypedResults.Created(ResourceUrls.Absolute(response.HttpContext.Request, $"/api/v1/directory-entries/{Uri.EscapeDataString(id)}"), entry.ToResource())
            : TypedResults.Ok(entry.ToResource());
    }

    public static async Task<Results<Ok<DirectoryBulkUpsertResult>, ConflictProblem>> BulkUpsertDirectoryEntries(
        JsonBody<DirectoryBulkUpsertInput> body,
        ExSyncDbContext db,
        IDatabaseDialect dialect,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var writes = body.Value.Entries!.Select(e => new DirectoryEntryWrite(e.Id!, e.ToContent())).ToList();
        var plan = (await db.UpsertDirectoryEntriesAsync(dialect, writes, time.GetUtcNow(), precondition: null, cancellationToken)).Plan!;
        if (plan.Conflicts is [var conflict, ..])
        {
            return RecordConflict(conflict, $"entries[{conflict.Index}].recordId", plan.Conflicts.Count);
        }

        return TypedResults.Ok(new DirectoryBulkUpsertResult
        {
            Created = plan.Outcomes.Count(o => o == DirectoryWriteOutcome.Created),
            Replaced = plan.Outcomes.Count(o => o == DirectoryWriteOutcome.Replaced),
            Unchanged = plan.Outcomes.Count(o => o == DirectoryWriteOutcome.Unchanged),
        });
    }

    public static async Task<Results<NoContent, PreconditionFailedProblem>> DeleteDirectoryEntry(
        string id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the entry's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        IDatabaseDialect dialect,
        CancellationToken cancellationToken)
    {
        var (entry, allowed) = await db.DeleteDirectoryEntryAsync(dialect, id, current => Allows(ifMatch, ifNoneMatch: null, current), cancellationToken);
        return allowed ? TypedResults.NoContent() : PreconditionFailed(ifMatch, entry);
    }

    /// <summary>If-Match needs an existing entry with that ETag; If-None-Match: * needs no entry.</summary>
    private static bool Allows(string? ifMatch, string? ifNoneMatch, DirectoryEntry? current)
    {
        var etag = current is null ? null : ETags.For(current.Revision);
        var matches = string.IsNullOrWhiteSpace(ifMatch) || (etag is not null && ETags.Matches(ifMatch, etag));
        return matches && ETags.NoneMatch(ifNoneMatch, etag);
    }

    private static PreconditionFailedProblem PreconditionFailed(string? ifMatch, DirectoryEntry? current) => current is null
        ? Problem.PreconditionFailed(ProblemCodes.PreconditionFailed, "There is no directory entry with this id, so If-Match cannot match. Send the request without If-Match to create it.")
        : string.IsNullOrWhiteSpace(ifMatch)
            ? Problem.PreconditionFailed(ProblemCodes.PreconditionFailed, $"The directory entry exists already (its ETag is {ETags.For(current.Revision)}), and If-None-Match asked to create it only.")
            : Problem.PreconditionFailed(ETags.For(current.Revision));

    private static ConflictProblem RecordConflict(DirectoryRecordConflict conflict, string target, int count = 1) => Problem.Conflict(
        ProblemCodes.DirectoryRecordConflict,
        $"The entry '{conflict.HeldBy}' already stands for the record {conflict.Record.RecordType} '{conflict.Record.RecordId}'; a record has one entry. " +
        $"Write '{conflict.HeldBy}' instead, or delete it first.{(count > 1 ? $" ({count} entries of the request have such a conflict; nothing was written.)" : string.Empty)}",
        target);

    private static NotFoundProblem NotFound(string id) =>
        Problem.NotFound(ProblemCodes.DirectoryEntryNotFound, $"There is no directory entry with id '{id}'.");
}

/// <summary>Maps directory entries to the contract.</summary>
internal static class DirectoryEntryMapping
{
    public static DirectoryEntryResource ToResource(this DirectoryEntry entry) => new()
    {
        Id = entry.Id,
        RecordType = entry.RecordType,
        RecordId = entry.RecordId,
        DisplayName = entry.DisplayName,
        EmailAddresses = entry.EmailAddresses.OrderBy(a => a.Position).Select(a => a.Address).ToList(),
        CreatedAt = entry.CreatedAt,
        ModifiedAt = entry.ModifiedAt,
        ETag = ETags.For(entry.Revision),
    };
}
