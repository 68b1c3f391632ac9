using System.ComponentModel;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Jobs;
using ExSync.Api.Mailboxes;
using ExSync.Domain.Changes;
using ExSync.Domain.Common;
using ExSync.Domain.Emails;
using ExSync.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Emails;

/// <summary>
/// Outgoing email: the CRM writes a draft, attaches files, asks ExSync to send it and may take the request back while it waits. Every
/// change is recorded in the change feed in the same transaction. The routes are in <see cref="EmailsApi.MapEmails"/>.
/// </summary>
public static class OutgoingEmailsApi
{
    /// <summary>Documents the Repeatability-Request-ID header of create and send.</summary>
    public const string RepeatabilityDescription =
        "Optional idempotency key (at most 200 characters). Sending the same key for the same request again answers as the first time, with the " +
        "email as it is now, and changes nothing; the same key for a different request is refused with 409 RepeatabilityRequestIdReused.";

    public static async Task<Results<Created<EmailResource>, BadRequestProblem, ConflictProblem, UnprocessableProblem>> CreateEmail(
        JsonBody<EmailInput> body,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(RepeatabilityDescription)] string? requestId,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken)
    {
        var input = body.Value;
        var repeatable = services.Repeatable(requestId, "create-email", input);
        try
        {
            var (repeatedId, reused) = await services.FindRepeatedAsync(repeatable, cancellationToken);
            if (reused is not null)
            {
                return reused;
            }

            if (repeatedId is { } emailId)
            {
                return await CreatedAsync(emailId, services, cancellationToken);
            }

            var sender = await services.Db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Id == input.MailboxId, cancellationToken);
            if (sender is null)
            {
                return Problem.Unprocessable(ProblemCodes.UnknownSenderMailbox, "mailboxId", $"There is no mailbox with id '{input.MailboxId}' to send from.");
            }

            var (content, unusable) = await EmailDrafts.ContentAsync(services.Db, input, patch: null, current: null, cancellationToken);
            if (content is null)
            {
                return unusable!;
            }

            var now = services.Time.GetUtcNow();
            var email = EmailActivity.CreateDraft(services.Ids.Next(), sender, content, EmailDrafts.Regarding(input), now);
            services.Db.Emails.Add(email);
            services.Db.RecordEmailChange(email, ChangeOperation.Created, now);
            services.Remember(repeatable, email.Id);
            await services.Db.SaveChangesAsync(cancellationToken);
            return Created(email, services);
        }
        catch (DbUpdateException ex) when (services.IsConcurrentRepeat(ex, repeatable))
        {
            // The same request arrived twice at the same moment, and the other copy created the email.
            services.Db.ChangeTracker.Clear();
            var (repeatedId, reused) = await services.FindRepeatedAsync(repeatable, cancellationToken);
            return reused is not null ? reused : await CreatedAsync(repeatedId!.Value, services, cancellationToken);
        }
    }

    public static Task<Results<NoContent, ConflictProblem, PreconditionFailedProblem>> DeleteEmail(
        Guid id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the email's ETag still matches.")] string? ifMatch,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken) =>
        services.Db.WriteAsync<Results<NoContent, ConflictProblem, PreconditionFailedProblem>>(async () =>
        {
            var email = await services.Db.Emails.SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (email is null)
            {
                return TypedResults.NoContent();
            }

            if (!ETags.Matches(ifMatch, ETags.For(email.Version)))
            {
                return Problem.PreconditionFailed(ETags.For(email.Version));
            }

            if (Refused(email.EnsureDraft) is { } notDraft)
            {
                return notDraft;
            }

            // The email's rows (mailboxes, body, attachments, their content, repeatable requests) go with it by cascade.
            services.Db.Emails.Remove(email);
            services.Db.RecordEmailChange(email, ChangeOperation.Deleted, services.Time.GetUtcNow());
            await services.Db.SaveChangesAsync(cancellationToken);
            return TypedResults.NoContent();
        }, cancellationToken);

    public static async Task<Results<Created<EmailAttachmentResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PayloadTooLargeProblem>> AddEmailAttachment(
        Guid id,
        [Description("The file: its part's file name and Content-Type become the attachment's name and media type.")] IFormFile? file,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken)
    {
        if (file is null)
        {
            return Problem.Invalid(ProblemCodes.ValidationFailed, "file", FieldErrorCodes.Required, "Send the file as the form part named 'file' (multipart/form-data).");
        }

        var name = Path.GetFileName(file.FileName ?? string.Empty);
        if (name.Length > EmailAttachment.NameMaxLength || name.Any(char.IsControl))
        {
            return Problem.Invalid(ProblemCodes.ValidationFailed, "file", name.Any(char.IsControl) ? FieldErrorCodes.ControlCharacter : FieldErrorCodes.TooLong,
                $"A file name has at most {EmailAttachment.NameMaxLength} characters and no control character.");
        }

        var organization = await services.Db.OrganizationSettingsAsync(cancellationToken);
        if (file.Length > organization.MaxAttachmentSizeBytes)
        {
            return TooLarge(file.Length, organization.MaxAttachmentSizeBytes);
        }

        byte[] content;
        await using (var stream = file.OpenReadStream())
        {
            content = new byte[file.Length];
            await stream.ReadExactlyAsync(content, cancellationToken);
        }

        return await services.Db.WriteAsync<Results<Created<EmailAttachmentResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PayloadTooLargeProblem>>(async () =>
        {
            var email = await services.Db.Emails.Include(e => e.Attachments).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (email is null)
            {
                return EmailsApi.NotFound(id);
            }

            if (Refused(email.EnsureDraft) is { } notDraft)
            {
                return notDraft;
            }

            var now = services.Time.GetUtcNow();
            var attachment = email.AddAttachment(services.Ids.Next(), name, file.ContentType ?? string.Empty, content, organization.MaxAttachmentSizeBytes, now);
            services.Db.RecordEmailChange(email, ChangeOperation.Updated, now);
            await services.Db.SaveChangesAsync(cancellationToken);
            return TypedResults.Created(
                ResourceUrls.Absolute(services.Request, $"/api/v1/emails/{id}/attachments/{attachment.Id}/content"),
                EmailMapping.ToResource(attachment));
        }, cancellationToken);
    }

    public static Task<Results<NoContent, NotFoundProblem, ConflictProblem>> DeleteEmailAttachment(
        Guid id,
        Guid attachmentId,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken) =>
        services.Db.WriteAsync<Results<NoContent, NotFoundProblem, ConflictProblem>>(async () =>
        {
            var email = await services.Db.Emails.Include(e => e.Attachments).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
            if (email is null)
            {
                return EmailsApi.NotFound(id);
            }

            if (email.Attachments.All(a => a.Id != attachmentId))
            {
                return TypedResults.NoContent();
            }

            if (Refused(email.EnsureDraft) is { } notDraft)
            {
                return notDraft;
            }

            var now = services.Time.GetUtcNow();
            email.RemoveAttachment(attachmentId, now);
            services.Db.RecordEmailChange(email, ChangeOperation.Updated, now);
            await services.Db.SaveChangesAsync(cancellationToken);
            return TypedResults.NoContent();
        }, cancellationToken);

    public static async Task<Results<Accepted<EmailResource>, NotFoundProblem, ConflictProblem, UnprocessableProblem>> SendEmail(
        Guid id,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(RepeatabilityDescription)] string? requestId,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken)
    {
        var repeatable = services.Repeatable(requestId, $"send-email:{id}", null);
        Results<Accepted<EmailResource>, NotFoundProblem, ConflictProblem, UnprocessableProblem> answer;
        try
        {
            answer = await services.Db.WriteAsync(() => SendOnceAsync(id, repeatable, services, cancellationToken), cancellationToken);
        }
        catch (DbUpdateException ex) when (services.IsConcurrentRepeat(ex, repeatable))
        {
            services.Db.ChangeTracker.Clear();
            var (_, reused) = await services.FindRepeatedAsync(repeatable, cancellationToken);
            return reused is not null ? reused : await AcceptedAsync(id, services, cancellationToken);
        }

        // After the commit: the engine reads what was committed.
        if (answer.Result is Accepted<EmailResource> { Value: { } accepted })
        {
            await services.Signal.EmailDueAsync(accepted.MailboxId, cancellationToken);
        }

        return answer;
    }

    public static Task<Results<Ok<EmailResource>, NotFoundProblem, ConflictProblem>> CancelEmailSend(
        Guid id,
        [AsParameters] EmailWriteServices services,
        CancellationToken cancellationToken) =>
        // The engine claims PendingSend email: whichever commits first wins, and the other runs again on what it left.
        services.Db.WriteAsync<Results<Ok<EmailResource>, NotFoundProblem, ConflictProblem>>(async () =>
        {
            var email = await EmailDrafts.FindTrackedAsync(services.Db, id, cancellationToken);
            if (email is null)
            {
                return EmailsApi.NotFound(id);
            }

            var now = services.Time.GetUtcNow();
            if (Refused(() => email.CancelSend(now)) is { } refused)
            {
                return refused;
            }

            services.Db.RecordEmailChange(email, ChangeOperation.Updated, now);
            await services.Db.SaveChangesAsync(cancellationToken);
            services.Response.SetETag(ETags.For(email.Version));
            return TypedResults.Ok(email.ToResource());
        }, cancellationToken);

    private static async Task<Results<Accepted<EmailResource>, NotFoundProblem, ConflictProblem, UnprocessableProblem>> SendOnceAsync(
        Guid id,
        RepeatableRequest? repeatable,
        EmailWriteServices services,
        CancellationToken cancellationToken)
    {
        // The email before the request: a send and its request commit together, so a send seen in the email is seen in the requests too.
        var db = services.Db;
        var email = await EmailDrafts.FindTrackedAsync(db, id, cancellationToken);
        var (repeatedId, reused) = await services.FindRepeatedAsync(repeatable, cancellationToken);
        if (reused is not null)
        {
            return reused;
        }

        if (repeatedId is not null)
        {
            return await AcceptedAsync(id, services, cancellationToken);
        }

        if (email is null)
        {
            return EmailsApi.NotFound(id);
        }

        // The email's own state first (asking again for a sent email is its own mistake), then the sender's gates, then the recipients.
        if (email.Status is EmailStatus.PendingSend or EmailStatus.Sending or EmailStatus.Sent)
        {
            return Problem.Conflict(EmailErrors.EmailSendAlreadyRequested, $"The email is {email.Status}: it was already asked to be sent.");
        }

        if (email.Status != EmailStatus.Failed && Refused(email.EnsureDraft) is { } notDraft)
        {
            return notDraft;
        }

        var organization = await db.OrganizationSettingsAsync(cancellationToken);
        var sender = await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Id == email.MailboxId, cancellationToken);
        var profile = sender is null ? null : await db.FindEffectiveServerProfileAsync(sender, organization, cancellationToken);
        if (OutgoingSendGate.Check(sender, profile, organization) is { } gate)
        {
            return Problem.Conflict(gate.Code, gate.Message, gate.Target);
        }

        if (email.To.Count + email.Cc.Count + email.Bcc.Count == 0)
        {
            return Problem.Unprocessable(EmailErrors.NoRecipients, "to", "The email has no recipient: add at least one to, cc or bcc.");
        }

        var token = organization.UseTrackingToken && email.TrackingToken is null ? await EmailDrafts.UnusedTrackingTokenAsync(db, organization.TrackingToken, cancellationToken) : null;
        var now = services.Time.GetUtcNow();
        email.RequestSend(now, sender!.EmailAddress[(sender.EmailAddress.LastIndexOf('@') + 1)..], token);
        db.RecordEmailChange(email, ChangeOperation.Updated, now);
        services.Remember(repeatable, email.Id);
        await db.SaveChangesAsync(cancellationToken);
        return Accepted(email, services);
    }

    private static async Task<Results<Created<EmailResource>, BadRequestProblem, ConflictProblem, UnprocessableProblem>> CreatedAsync(Guid id, EmailWriteServices services, CancellationToken cancellationToken) =>
        Created((await services.Db.FindEmailAsync(id, withBody: true, cancellationToken))!, services);

    private static Created<EmailResource> Created(EmailActivity email, EmailWriteServices services)
    {
        services.Response.SetETag(ETags.For(email.Version));
        return TypedResults.Created(ResourceUrls.Absolute(services.Request, $"/api/v1/emails/{email.Id}"), email.ToResource());
    }

    private static async Task<Results<Accepted<EmailResource>, NotFoundProblem, ConflictProblem, UnprocessableProblem>> AcceptedAsync(Guid id, EmailWriteServices services, CancellationToken cancellationToken) =>
        await services.Db.FindEmailAsync(id, withBody: true, cancellationToken) is { } email ? Accepted(email, services) : EmailsApi.NotFound(id);

    private static Accepted<EmailResource> Accepted(EmailActivity email, EmailWriteServices services)
    {
        services.Response.SetETag(ETags.For(email.Version));
        return TypedResults.Accepted(ResourceUrls.Absolute(services.Request, $"/api/v1/emails/{email.Id}"), email.ToResource());
    }

    private static PayloadTooLargeProblem TooLarge(long size, long maxBytes) => Problem.PayloadTooLarge(
        EmailErrors.AttachmentTooLarge,
        maxBytes == 0
            ? "The organization keeps no attachments (maxAttachmentSizeKilobytes is 0), so email cannot carry any."
            : $"The file is {size:N0} bytes; the organization's maximum attachment size is {maxBytes:N0} bytes (maxAttachmentSizeKilobytes).",
        "file");

    /// <summary>The 409 of a domain rule the action breaks, or null when it passes.</summary>
    internal static ConflictProblem? Refused(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (DomainException ex) when (ex.Error.Kind == DomainErrorKind.Conflict)
        {
            return Problem.Conflict(ex.Error.Code, ex.Error.Message, ex.Error.Target);
        }
    }
}
