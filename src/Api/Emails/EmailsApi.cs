using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Domain.Organization;
using ExSync.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Emails;

/// <summary>
/// Email activities: the email ExSync tracked, as the CRM reads it, and the email the CRM writes for ExSync to send. The synchronization
/// engine creates incoming ones; the CRM reads them (and follows the change feed to learn of new ones) and sets the fields it owns. The
/// handlers of outgoing email are in <see cref="OutgoingEmailsApi"/>.
/// </summary>
public static class EmailsApi
{
    // An upload's own limit is the organization's maximum attachment size, which the handler checks; this is the most it can be, with room
    // for the multipart framing.
    private const long MaxUploadBytes = OrganizationEmailSettings.MaxAttachmentSizeKilobytesLimit * 1024L + 64 * 1024;

    public static RouteGroupBuilder MapEmails(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/emails").WithTags("Emails").WithBodyValidation();

        group.MapPost("/", OutgoingEmailsApi.CreateEmail)
            .WithName("CreateEmail")
            .WithSummary("Write an outgoing email (a draft)")
            .WithDescription("Creates an outgoing email in Draft, sent from mailboxId (a user's or a queue's mailbox): from its address, as its owner's record. " +
                             "Recipients (to, cc, bcc; at most 500 together) are { emailAddress, name? }, whose record ExSync resolves as for incoming email, or " +
                             "{ record: { recordType, recordId } }, whose address ExSync takes from the directory (422 UnknownRecord or RecordHasNoEmailAddress " +
                             "naming the recipient, e.g. to[2].record). An unknown mailboxId is 422 UnknownSenderMailbox. Attach files with POST " +
                             "/emails/{id}/attachments, then send with POST /emails/{id}/send. Answers 201 with Location and ETag; recorded in the change feed (Created).")
            .WithRequestExample("draft", "A draft to a contact and an address, about an opportunity", EmailExamples.Create)
            .RequireAuthorization(Privileges.EmailWrite);

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
            .WithSummary("Change an email activity: regarding, and a draft's content")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396). regarding ({ recordType, recordId }, or null for none) can always change. subject, " +
                             "body, to, cc and bcc change only while the email is a Draft (409 EmailNotDraft otherwise; the same values are no change); a " +
                             "recipient list sent is resolved again, one left out is kept. mailboxId and every other field are read-only. A change is recorded " +
                             "in the change feed (Updated) with the new version. Send If-Match to avoid overwriting someone else's change.")
            .WithRequestExample("regarding", "The email is about an opportunity", EmailExamples.Patch)
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapDelete("/{id}", OutgoingEmailsApi.DeleteEmail)
            .WithName("DeleteEmail")
            .WithSummary("Delete a draft")
            .WithDescription("Deletes an outgoing email that is still a Draft, with its attachments; 409 EmailNotDraft for any other email (ExSync keeps " +
                             "what was received or sent). 204, also when there is no such email. Recorded in the change feed (Deleted).")
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapPost("/{id}/attachments", OutgoingEmailsApi.AddEmailAttachment)
            .WithName("AddEmailAttachment")
            .WithSummary("Attach a file to a draft")
            .WithDescription("Uploads one file as multipart/form-data, in the part named file; its file name and Content-Type become the attachment's. " +
                             "Only while the email is a Draft (409 EmailNotDraft). A file larger than the organization's maxAttachmentSizeKilobytes is " +
                             "413 AttachmentTooLarge. Answers 201 with the attachment, its content's URL in Location.")
            .DisableAntiforgery()
            .AcceptsRequestBodyUpTo(MaxUploadBytes)
            .WithFormOptions(multipartBodyLengthLimit: MaxUploadBytes)
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapDelete("/{id}/attachments/{attachmentId}", OutgoingEmailsApi.DeleteEmailAttachment)
            .WithName("DeleteEmailAttachment")
            .WithSummary("Remove an attachment from a draft")
            .WithDescription("Only while the email is a Draft (409 EmailNotDraft). 204, also when the email has no such attachment.")
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapPost("/{id}/send", OutgoingEmailsApi.SendEmail)
            .WithName("SendEmail")
            .WithSummary("Send an outgoing email")
            .WithDescription("Asks ExSync to send a Draft (or a Failed email, again): 202 with the email in PendingSend, its internetMessageId and, when the " +
                             "organization's tracking tokens are on, its trackingToken at the end of the subject. ExSync starts sending within seconds; follow " +
                             "status and sendStatus (or the change feed). Refused at once, rather than left pending: 409 SenderNotServerSideSynchronization, " +
                             "SenderMailboxInactive, SenderMailboxNotApproved, SenderServerProfileUnavailable, SenderMailboxNotEnabledForOutgoing, " +
                             "SenderMailboxNotFound; 409 EmailSendAlreadyRequested (PendingSend, Sending or Sent) or EmailNotDraft (incoming); 422 NoRecipients.")
            .RequireAuthorization(Privileges.EmailWrite);

        group.MapPost("/{id}/cancel-send", OutgoingEmailsApi.CancelEmailSend)
            .WithName("CancelEmailSend")
            .WithSummary("Take back a send not begun yet")
            .WithDescription("Returns a PendingSend email to Draft (200 with the email), keeping its Message-ID and token for the next send. 409 " +
                             "EmailNotPendingSend once ExSync began sending it (Sending) or it was sent; 409 EmailMayHaveBeenSent while an earlier attempt " +
                             "may have reached Exchange.")
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

    public static Task<Results<Ok<EmailResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem, UnprocessableProblem>> UpdateEmail(
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

    private static async Task<Results<Ok<EmailResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem, UnprocessableProblem>> UpdateOnceAsync(
        Guid id,
        MergePatch<EmailInput> patch,
        string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<EmailInput> validator,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var email = await EmailDrafts.FindTrackedAsync(db, id, cancellationToken);
        if (email is null)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(ifMatch, ETags.For(email.Version)))
        {
            return Problem.PreconditionFailed(ETags.For(email.Version));
        }

        var input = patch.ApplyTo(email.ToInput());

        // Only what the patch names is checked: an incoming email's own subject and parties are whatever its sender wrote (a tab, an
        // address no client should write), and a patch of regarding must not fail on them.
        var named = input with
        {
            Subject = patch.Mentions("subject") ? input.Subject : null,
            Body = patch.Mentions("body") ? input.Body : null,
            To = patch.Mentions("to") ? input.To : null,
            Cc = patch.Mentions("cc") ? input.Cc : null,
            Bcc = patch.Mentions("bcc") ? input.Bcc : null,
        };
        if (await validator.ProblemIfInvalidAsync(named, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        if (input.MailboxId != email.MailboxId)
        {
            return Problem.Invalid(ProblemCodes.InvalidRequestBody, "mailboxId", FieldErrorCodes.ReadOnlyField, "The sender mailbox is set when the email is created.");
        }

        var (content, unusable) = await EmailDrafts.ContentAsync(db, input, patch, email, cancellationToken);
        if (content is null)
        {
            return unusable!;
        }

        if (content.RecipientCount > EmailActivity.MaxRecipients)
        {
            return Problem.Invalid(ProblemCodes.ValidationFailed, new[] { "to", "cc", "bcc" }.First(field => patch.Mentions(field)), FieldErrorCodes.TooMany,
                $"An email has at most {EmailActivity.MaxRecipients} recipients, to, cc and bcc together.");
        }

        var now = time.GetUtcNow();
        var changed = false;
        if (OutgoingEmailsApi.Refused(() => changed = email.UpdateDraft(content, now)) is { } notDraft)
        {
            return notDraft;
        }

        changed |= email.SetRegarding(EmailDrafts.Regarding(input), now);
        if (changed)
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

    internal static NotFoundProblem NotFound(Guid id) => Problem.NotFound(ProblemCodes.EmailNotFound, $"There is no email with id '{id}'.");
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
