using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.Validation;
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
        Attachments = email.Attachments.OrderBy(a => a.Position).Select(a => new EmailAttachmentResource
        {
            Id = a.Id,
            Name = a.Name,
            ContentType = a.ContentType,
            Size = a.Size,
            Skipped = a.Skipped,
            SkipReason = a.SkipReason,
            ContentId = a.ContentId,
            IsInline = a.IsInline,
        }).ToList(),
        TrackedBecause = email.TrackedBecause,
        CreatedAt = email.CreatedAt,
        ModifiedAt = email.ModifiedAt,
        ETag = ETags.For(email.Version),
    };

    /// <summary>The fields the CRM owns, as a merge patch is applied to them.</summary>
    public static EmailInput ToInput(this EmailActivity email) => new()
    {
        Regarding = email.Regarding is { } regarding ? new EmailRegardingInput { RecordType = regarding.RecordType, RecordId = regarding.RecordId } : null,
    };

    private static EmailPartyResource ToResource(this EmailParty party) => new()
    {
        EmailAddress = party.EmailAddress,
        Name = party.Name,
        Record = party.Record is { } record ? new EmailRecordResource { RecordType = record.RecordType, RecordId = record.RecordId } : null,
    };
}

/// <summary>The CRM-owned fields after a merge patch: a regarding names both its type and its id.</summary>
public sealed class EmailInputValidator : AbstractValidator<EmailInput>
{
    public EmailInputValidator() => RuleFor(e => e.Regarding).ChildRules(regarding =>
    {
        regarding.RuleFor(r => r!.RecordType).NotEmpty().MaximumLength(EmailRegarding.RecordTypeMaxLength).MustBeSingleLineText();
        regarding.RuleFor(r => r!.RecordId).NotEmpty().MaximumLength(EmailRegarding.RecordIdMaxLength).MustBeSingleLineText();
    }).When(e => e.Regarding is not null);
}
