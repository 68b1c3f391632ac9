using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using FluentValidation;

namespace ExSync.Api.Emails;

/// <summary>Maps email activities to the contract.</summary>
internal static class EmailMapping
{
    /// <summary>The activity's representation; with its body when it was read with it.</summary>
    public static EmailResource ToResource(this EmailActivity email) => new()
    {
        Id = email.Id,
        Direction = email.Direction,
        Status = email.Status,
        MailboxId = email.MailboxId,
        ReceivingMailboxIds = email.ReceivingMailboxIds,
        Subject = email.Subject,
        From = email.From?.ToResource(),
        To = email.To.Select(ToResource).ToList(),
        Cc = email.Cc.Select(ToResource).ToList(),
        Bcc = email.Bcc.Select(ToResource).ToList(),
        Body = email.Body is { } body ? new EmailBodyResource { ContentType = body.ContentType, Content = body.Content } : null,
        TextBody = email.Body?.Text,
        ReceivedAt = email.ReceivedAt,
        SentAt = email.SentAt,
        InternetMessageId = email.InternetMessageId,
        InReplyTo = email.InReplyTo,
        References = email.References,
        ConversationId = email.ConversationId,
        Correlation = new EmailCorrelationResource { Method = email.CorrelationMethod, EmailId = email.CorrelatedEmailId },
        Regarding = email.Regarding is { } regarding ? new EmailRegardingResource { RecordType = regarding.RecordType, RecordId = regarding.RecordId } : null,
        TrackingToken = email.TrackingToken,
        Attachments = email.Attachments.OrderBy(a => a.Position).Select(ToResource).ToList(),
        TrackedBecause = email.TrackedBecause,
        SendStatus = email.SendRequestedAt is { } requestedAt
            ? new EmailSendStatusResource
            {
                RequestedAt = requestedAt,
                Attempts = email.SendAttempts,
                NextAttemptAt = email.NextSendAttemptAt,
                LastError = email.LastSendErrorCode is { } code ? new EmailSendErrorResource { Code = code, Message = email.LastSendErrorMessage ?? string.Empty } : null,
                OutcomeUnknown = email.SendOutcomeUnknown,
            }
            : null,
        CreatedAt = email.CreatedAt,
        ModifiedAt = email.ModifiedAt,
        ETag = ETags.For(email.Version),
    };

    /// <summary>The writable fields as they are, to apply a merge patch to (the email must have been read with its body).</summary>
    public static EmailInput ToInput(this EmailActivity email) => new()
    {
        MailboxId = email.MailboxId,
        Subject = email.Subject,
        Body = email.Body is { } body ? new EmailBodyInput { ContentType = body.ContentType, Content = body.Content } : null,
        To = email.To.Select(ToInput).ToList(),
        Cc = email.Cc.Select(ToInput).ToList(),
        Bcc = email.Bcc.Select(ToInput).ToList(),
        Regarding = email.Regarding is { } regarding ? new EmailRegardingInput { RecordType = regarding.RecordType, RecordId = regarding.RecordId } : null,
    };

    private static EmailRecipientInput ToInput(EmailParty party) => new() { EmailAddress = party.EmailAddress, Name = party.Name };

    /// <summary>An attachment's metadata.</summary>
    public static EmailAttachmentResource ToResource(this EmailAttachment attachment) => new()
    {
        Id = attachment.Id,
        Name = attachment.Name,
        ContentType = attachment.ContentType,
        Size = attachment.Size,
        Skipped = attachment.Skipped,
        SkipReason = attachment.SkipReason,
        ContentId = attachment.ContentId,
        IsInline = attachment.IsInline,
    };

    private static EmailPartyResource ToResource(this EmailParty party) => new()
    {
        EmailAddress = party.EmailAddress,
        Name = party.Name,
        Record = party.Record is { } record ? new EmailRecordResource { RecordType = record.RecordType, RecordId = record.RecordId } : null,
    };
}

/// <summary>
/// An email as created, or after a merge patch: a sender, a subject on one line, a body of a known type, recipients each an address or a
/// record (at most 500 in all), and a regarding that names both its type and its id.
/// </summary>
public sealed class EmailInputValidator : AbstractValidator<EmailInput>
{
    public EmailInputValidator()
    {
        RuleFor(e => e.MailboxId).NotNull();
        RuleFor(e => e.Subject).MaximumLength(EmailActivity.OutgoingSubjectMaxLength).MustBeSingleLineText();
        RuleFor(e => e.Body).ChildRules(body =>
        {
            body.RuleFor(b => b!.ContentType).NotNull();
            body.RuleFor(b => b!.Content).NotNull().MustBeMultiLineText();
        }).When(e => e.Body is not null);
        RuleForEach(e => e.To).SetValidator(new EmailRecipientInputValidator());
        RuleForEach(e => e.Cc).SetValidator(new EmailRecipientInputValidator());
        RuleForEach(e => e.Bcc).SetValidator(new EmailRecipientInputValidator());

        // The limit is on the recipients together; the list that crosses it is the one at fault.
        RuleFor(e => e.To).Must(to => Count(to) <= EmailActivity.MaxRecipients).WithErrorCode(FieldErrorCodes.TooMany).WithMessage(TooMany);
        RuleFor(e => e.Cc).Must((e, cc) => Count(e.To) > EmailActivity.MaxRecipients || Count(e.To) + Count(cc) <= EmailActivity.MaxRecipients)
            .WithErrorCode(FieldErrorCodes.TooMany).WithMessage(TooMany);
        RuleFor(e => e.Bcc).Must((e, bcc) => Count(e.To) + Count(e.Cc) > EmailActivity.MaxRecipients || Count(e.To) + Count(e.Cc) + Count(bcc) <= EmailActivity.MaxRecipients)
            .WithErrorCode(FieldErrorCodes.TooMany).WithMessage(TooMany);

        RuleFor(e => e.Regarding).ChildRules(regarding =>
        {
            regarding.RuleFor(r => r!.RecordType).NotEmpty().MaximumLength(EmailRegarding.RecordTypeMaxLength).MustBeSingleLineText();
            regarding.RuleFor(r => r!.RecordId).NotEmpty().MaximumLength(EmailRegarding.RecordIdMaxLength).MustBeSingleLineText();
        }).When(e => e.Regarding is not null);
    }

    private static readonly string TooMany = $"An email has at most {EmailActivity.MaxRecipients} recipients, to, cc and bcc together.";

    private static int Count<T>(IReadOnlyList<T>? list) => list?.Count ?? 0;
}

/// <summary>A recipient is an address (with an optional name) or a record, not both.</summary>
public sealed class EmailRecipientInputValidator : AbstractValidator<EmailRecipientInput>
{
    public EmailRecipientInputValidator()
    {
        // Two rules: a condition applies to every validator before it in its rule.
        RuleFor(r => r.EmailAddress).NotEmpty().When(r => r.Record is null).WithMessage("A recipient needs an emailAddress, or a record.");
        RuleFor(r => r.EmailAddress).Empty().When(r => r.Record is not null).WithErrorCode(FieldErrorCodes.NotAllowed).WithMessage("A recipient is an emailAddress or a record, not both.");
        RuleFor(r => r.EmailAddress).MaximumLength(EmailAddresses.MaxLength).MustBeSingleLineText().MustBeEmailAddress();
        RuleFor(r => r.Name).MaximumLength(EmailActivity.PartyNameMaxLength).MustBeSingleLineText();
        RuleFor(r => r.Record).ChildRules(record =>
        {
            record.RuleFor(r => r!.RecordType).NotNull();
            record.RuleFor(r => r!.RecordId).NotEmpty().MaximumLength(DirectoryEntry.RecordIdMaxLength).MustBeSingleLineText();
        }).When(r => r.Record is not null);
    }
}
