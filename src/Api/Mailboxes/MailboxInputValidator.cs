using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Mailboxes;
using FluentValidation;

namespace ExSync.Api.Mailboxes;

/// <summary>Validates a mailbox input as it will be stored: the POST body, or the result of applying a PATCH.</summary>
public sealed class MailboxInputValidator : AbstractValidator<MailboxInput>
{
    public MailboxInputValidator()
    {
        RuleFor(m => m.Name).NotEmpty().MaximumLength(MailboxSettings.NameMaxLength).MustBeSingleLineText();
        RuleFor(m => m.EmailAddress).NotEmpty().MaximumLength(MailboxSettings.EmailAddressMaxLength).MustBeSingleLineText().MustBeEmailAddress();
        RuleFor(m => m.Owner).NotNull().DependentRules(() =>
        {
            RuleFor(m => m.Owner!.Type).NotNull();
            RuleFor(m => m.Owner!.Id).NotEmpty().MaximumLength(200).MustBeSingleLineText();
            RuleFor(m => m.Owner!.Name).MaximumLength(200).MustBeSingleLineText();
        });
    }
}
