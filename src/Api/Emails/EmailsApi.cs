using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Emails;

/// <summary>
/// Email activities: the email ExSync tracked, as the CRM reads it. The synchronization engine creates them; the CRM reads them (and
/// follows the change feed to learn of new ones) and sets the fields it owns.
/// </summary>
public static class EmailsApi
{
    public static RouteGroupBuilder MapEmails(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/emails").WithTags("Emails");

        group.MapGet("/", ListEmails)
            .WithName("ListEmails")
            .WithSummary("List email activities")
            .WithDescription("Returns email activities in creation order, one page at a time, optionally filtered. Items leave out body and textBody, so that pages " +
                             "stay small and fast; GET /emails/{id} has them. Follow nextLink for the next page; it keeps the filters. To learn of new and changed " +
                             "emails, follow the change feed (GET /changes) rather than polling this list.")
            .RequireAuthorization(Privileges.EmailRead);

        group.MapGet("/{id}", GetEmail)
            .WithName("GetEmail")
            .WithSummary("Get an email activity")
            .WithDescription("Returns the whole activity, bodies included, with its ETag.")
            .RequireAuthorization(Privileges.EmailRead);

        group.MapPatch("/{id}", UpdateEmail)
            .WithName("UpdateEmail")
            .WithSummary("Set the CRM-owned fields of an email activity")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396) to the fields the CRM owns: regarding ({ recordType, recordId }, or null for none). " +
                             "Every other field is ExSync's and read-only. A change is recorded in the change feed (Updated) with the new version. " +
                             "Send If-Match to avoid overwriting someone else's change.")
            .WithRequestExample("regarding", "The email is about an opportunity", EmailExamples.Patch)
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapGet("/{id}/attachments/{attachmentId}/content", GetEmailAttachmentContent)
            .WithName("GetEmailAttachmentContent")
            .WithSummary("Download an attachment's content")
            .WithDescription("Streams the bytes of a kept attachment with its media type, as a download (Content-Disposition: attachment, with the file name). " +
                             "An attachment whose content was not kept (skipped: larger than the organization's maxAttachmentSizeKilobytes, attachments not kept, " +
                             "not a file, unreadable) answers 404 with code AttachmentSkipped; its metadata is in the email.")
            // The bytes go out with the attachment's own media type; the contract can only say "some bytes".
            .Produces(StatusCodes.Status200OK, typeof(Stream), "application/octet-stream")
            .RequireAuthorization(Privileges.EmailRead);

        return group;
    }

    public static async Task<Ok<Page<EmailResource>>> ListEmails(
        [AsParameters] EmailListQuery filter,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(filter.PageSize);
        var after = Paging.AfterKey(filter.ContinuationToken);
        var emails = db.Emails.AsNoTracking();
        if (filter.Direction is { } direction)
        {
            emails = emails.Where(e => e.Direction == direction);
        }

        if (!string.IsNullOrEmpty(filter.ConversationId))
        {
            emails = emails.Where(e => e.ConversationId == filter.ConversationId);
        }

        if (!string.IsNullOrEmpty(filter.RegardingId))
        {
            emails = emails.Where(e => e.RegardingRecordId == filter.RegardingId);
        }

        if (filter.Since is { } since)
        {
            var from = StoredInstants.Truncate(since);
            emails = emails.Where(e => e.ActivityDate >= from);
        }

        // A page of ids first, read in id order from an index (the mailbox's links, or the emails'); then those emails with their parts.
        List<Guid> ids;
        if (filter.MailboxId is { } mailboxId)
        {
            var links = db.EmailMailboxes.Where(l => l.MailboxId == mailboxId);
            if (after is { } afterLink)
            {
                links = links.Where(l => l.EmailId.CompareTo(afterLink) > 0);
            }

            ids = await links.Join(emails, l => l.EmailId, e => e.Id, (l, _) => l.EmailId).OrderBy(id => id).Take(size + 1).ToListAsync(cancellationToken);
        }
        else
        {
            if (after is { } afterEmail)
            {
                emails = emails.Where(e => e.Id.CompareTo(afterEmail) > 0);
            }

            ids = await emails.OrderBy(e => e.Id).Select(e => e.Id).Take(size + 1).ToListAsync(cancellationToken);
        }

        var rows = await db.Emails.AsNoTracking().Where(e => ids.Contains(e.Id)).Include(e => e.Mailboxes).Include(e => e.Attachments).AsSplitQuery()
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        return TypedResults.Ok(ids.Where(rows.ContainsKey).Select(id => rows[id]).ToList().ToPage(size, e => e.Id, e => e.ToResource(), request));
    }

    public static async Task<Results<Ok<EmailResource>, NotFoundProblem>> GetEmail(
        Guid id,
        ExSyncDbContext db,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var email = await db.FindEmailAsync(id, withBody: true, cancellationToken);
        if (email is null)
        {
            return NotFound(id);
        }

        response.SetETag(ETags.For(email.Version));
        return TypedResults.Ok(email.ToResource());
    }

    public static Task<Results<Ok<EmailResource>, BadRequestProblem, NotFoundProblem, PreconditionFailedProblem>> UpdateEmail(
        Guid id,
        MergePatch<EmailInput> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the email's ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<EmailInput> validator,
        HttpResponse response,
        CancellationToken cancellationToken) =>
        // The engine adds receiving mailboxes to the same activities, so a patch can race it as well as another client.
        db.WriteAsync(() => UpdateOnceAsync(id, patch, ifMatch, db, time, validator, response, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<EmailResource>, BadRequestProblem, NotFoundProblem, PreconditionFailedProblem>> UpdateOnceAsync(
        Guid id,
        MergePatch<EmailInput> patch,
        string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<EmailInput> validator,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var email = await db.Emails.Include(e => e.Mailboxes).Include(e => e.Attachments).Include(e => e.Body).AsSplitQuery().SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
        if (email is null)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(ifMatch, ETags.For(email.Version)))
        {
            return Problem.PreconditionFailed(ETags.For(email.Version));
        }

        var input = patch.ApplyTo(email.ToInput());
        if (await validator.ProblemIfInvalidAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var now = time.GetUtcNow();
        if (email.SetRegarding(input.Regarding is { } regarding ? new EmailRegarding(regarding.RecordType!.Trim(), regarding.RecordId!.Trim()) : null, now))
        {
            db.RecordEmailChange(email, ChangeOperation.Updated, now);
            await db.SaveChangesAsync(cancellationToken);
        }

        response.SetETag(ETags.For(email.Version));
        return TypedResults.Ok(email.ToResource());
    }

    public static async Task<Results<FileStreamHttpResult, NotFoundProblem>> GetEmailAttachmentContent(
        Guid id,
        Guid attachmentId,
        ExSyncDbContext db,
        IDatabaseDialect dialect,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var attachment = await db.EmailAttachments.AsNoTracking().SingleOrDefaultAsync(a => a.Id == attachmentId && a.EmailId == id, cancellationToken);
        if (attachment is null)
        {
            return await db.Emails.AnyAsync(e => e.Id == id, cancellationToken)
                ? Problem.NotFound(ProblemCodes.AttachmentNotFound, $"The email '{id}' has no attachment with id '{attachmentId}'.")
                : NotFound(id);
        }

        var content = attachment.Skipped ? null : await dialect.OpenAttachmentContentAsync(db, attachmentId, cancellationToken);
        if (content is null)
        {
            return Problem.NotFound(
                ProblemCodes.AttachmentSkipped,
                $"The content of the attachment '{attachment.Name}' was not kept ({attachment.SkipReason?.ToString() ?? "missing"}); its name, type and size are in the email.");
        }

        AttachmentDownload.SecureHeaders(response, attachment.Size);
        return TypedResults.Stream(content, AttachmentDownload.ContentType(attachment.ContentType), AttachmentDownload.FileName(attachment.Name));
    }

    private static NotFoundProblem NotFound(Guid id) => Problem.NotFound(ProblemCodes.EmailNotFound, $"There is no email with id '{id}'.");
}

/// <summary>Filters and paging of the email list.</summary>
public sealed class EmailListQuery
{
    /// <summary>Only emails of this mailbox: the one they were synchronized from, or any that received them.</summary>
    [Description("Only emails of this mailbox: the one they were synchronized from, or any that received them.")]
    [FromQuery(Name = "mailboxId")]
    public Guid? MailboxId { get; init; }

    /// <summary>Only incoming, or only outgoing, emails.</summary>
    [Description("Only incoming, or only outgoing, emails.")]
    [FromQuery(Name = "direction")]
    public EmailDirection? Direction { get; init; }

    /// <summary>Only emails of this Exchange conversation.</summary>
    [Description("Only emails of this Exchange conversation.")]
    [FromQuery(Name = "conversationId")]
    public string? ConversationId { get; init; }

    /// <summary>Only emails about this CRM record (regarding.recordId).</summary>
    [Description("Only emails about this CRM record (regarding.recordId).")]
    [FromQuery(Name = "regardingId")]
    public string? RegardingId { get; init; }

    /// <summary>Only emails received (incoming) or sent (outgoing) at or after this instant (RFC 3339 with an offset).</summary>
    [Description("Only emails received (incoming) or sent (outgoing) at or after this instant (RFC 3339 with an offset).")]
    [FromQuery(Name = "since")]
    public DateTimeOffset? Since { get; init; }

    /// <summary>Items per page, 1–1000 (default 100).</summary>
    [Description("Items per page, 1–1000 (default 100).")]
    [FromQuery(Name = "pageSize")]
    public int? PageSize { get; init; }

    /// <summary>Opaque token from the nextLink of the previous page.</summary>
    [Description("Opaque token from the nextLink of the previous page.")]
    [FromQuery(Name = "continuationToken")]
    public string? ContinuationToken { get; init; }
}
