using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using FluentValidation;
using FluentValidation.Results;

namespace ExSync.Api.DirectoryEntries;

/// <summary>The rules of an entry's content, for PUT and for each entry of a bulk upsert.</summary>
public class DirectoryEntryInputValidator : AbstractValidator<DirectoryEntryInput>
{
    public DirectoryEntryInputValidator()
    {
        RuleFor(e => e.RecordType).NotNull();
        RuleFor(e => e.RecordId).NotEmpty().MaximumLength(DirectoryEntry.RecordIdMaxLength).MustBeSingleLineText();
        RuleFor(e => e.DisplayName).NotEmpty().MaximumLength(DirectoryEntry.DisplayNameMaxLength).MustBeSingleLineText();
        RuleFor(e => e.EmailAddresses)
            .NotEmpty()
            .Must(addresses => addresses is null || addresses.Count <= DirectoryEntry.MaxEmailAddresses)
            .WithErrorCode(FieldErrorCodes.TooMany)
            .WithMessage($"An entry has at most {DirectoryEntry.MaxEmailAddresses} email addresses.");
        RuleForEach(e => e.EmailAddresses)
            .NotEmpty()
            .MaximumLength(EmailAddresses.MaxLength)
            .MustBeSingleLineText()
            .MustBeEmailAddress();
    }
}

/// <summary>An entry of a bulk upsert: its id, then the content rules.</summary>
public sealed class DirectoryBulkEntryInputValidator : AbstractValidator<DirectoryBulkEntryInput>
{
    public DirectoryBulkEntryInputValidator()
    {
        RuleFor(e => e.Id).NotEmpty().MustBeDirectoryEntryId();
        Include(new DirectoryEntryInputValidator());
    }
}

/// <summary>
/// A bulk upsert is refused as a whole when any entry breaks a rule; each failure names the entry's index and field
/// (<c>entries[12].emailAddresses[3]</c>).
/// </summary>
public sealed class DirectoryBulkUpsertInputValidator : AbstractValidator<DirectoryBulkUpsertInput>
{
    /// <summary>Most entries in one request.</summary>
    public const int MaxEntries = 10_000;

    public DirectoryBulkUpsertInputValidator()
    {
        RuleFor(b => b.Entries)
            .NotEmpty()
            .Must(entries => entries is null || entries.Count <= MaxEntries)
            .WithErrorCode(FieldErrorCodes.TooMany)
            .WithMessage($"At most {MaxEntries:N0} entries per request; send the others in further requests.")
            .DependentRules(() =>
            {
                RuleForEach(b => b.Entries).SetValidator(new DirectoryBulkEntryInputValidator());
                RuleFor(b => b.Entries).Custom(ReportRepeats);
            });
    }

    // An id, or a record, written twice in one request is ambiguous: which of the two should win?
    private static void ReportRepeats(IReadOnlyList<DirectoryBulkEntryInput>? entries, ValidationContext<DirectoryBulkUpsertInput> context)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var records = new Dictionary<(DirectoryRecordType, string), int>();
        for (var i = 0; i < entries!.Count; i++)
        {
            var entry = entries[i];
            if (entry.Id is { } id && !ids.TryAdd(id, i))
            {
                context.AddFailure(new ValidationFailure($"Entries[{i}].Id", $"The id '{id}' is also the id of entry {ids[id]}; each entry may appear once.") { ErrorCode = FieldErrorCodes.Duplicate });
            }

            if (entry is { RecordType: { } type, RecordId: { } recordId } && !records.TryAdd((type, recordId.Trim()), i))
            {
                context.AddFailure(new ValidationFailure($"Entries[{i}].RecordId", $"The record {type} '{recordId.Trim()}' is also the record of entry {records[(type, recordId.Trim())]}; a record has one entry.") { ErrorCode = FieldErrorCodes.Duplicate });
            }
        }
    }
}

/// <summary>The rule of directory entry ids, shared by the route of PUT and the bulk entries.</summary>
public static class DirectoryEntryIdRule
{
    /// <summary>The message of an id that breaks the rule.</summary>
    public static string Message(string? id) =>
        $"'{id}' is not a valid directory entry id: use 1 to {DirectoryEntry.IdMaxLength} characters among A-Z, a-z, 0-9, '-', '_', '.' and '~', starting with a letter or digit.";

    /// <summary>An id that <see cref="DirectoryEntry.IsValidId"/> accepts.</summary>
    public static IRuleBuilderOptions<T, string?> MustBeDirectoryEntryId<T>(this IRuleBuilder<T, string?> rule) => rule
        .Must(id => string.IsNullOrEmpty(id) || DirectoryEntry.IsValidId(id))
        .WithErrorCode(FieldErrorCodes.InvalidFormat)
        .WithMessage((_, id) => Message(id));
}
