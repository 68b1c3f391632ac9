using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Jobs;
using FluentValidation;

namespace ExSync.Api.Mailboxes;

/// <summary>The mailboxes an action applies to.</summary>
public sealed record MailboxIdsInput
{
    /// <summary>Ids of the mailboxes (1 to 10,000, no duplicates).</summary>
    [RequiredField]
    public IReadOnlyList<Guid>? MailboxIds { get; init; }
}

/// <summary>The mailboxes to give the organization's default settings.</summary>
public sealed record ApplyDefaultSettingsInput
{
    /// <summary>Ids of the mailboxes (1 to 10,000, no duplicates).</summary>
    [RequiredField]
    public IReadOnlyList<Guid>? MailboxIds { get; init; }

    /// <summary>Also start Test &amp; Enable on the mailboxes (default true); the response is then 202 with the job.</summary>
    public bool? TestAndEnable { get; init; }

    /// <summary>Only report what would change (default false).</summary>
    public bool? DryRun { get; init; }
}

/// <summary>The mailboxes to test and enable.</summary>
public sealed record TestAndEnableInput
{
    /// <summary>Ids of the mailboxes (1 to 10,000, no duplicates).</summary>
    [RequiredField]
    public IReadOnlyList<Guid>? MailboxIds { get; init; }

    /// <summary>
    /// Also send a real message ("Your mailbox is now connected to ExSync") to each mailbox as part of the outgoing test, as Dynamics 365
    /// does (default false: the outgoing test creates and deletes a draft).
    /// </summary>
    public bool? SendTestMessage { get; init; }
}

/// <summary>What an action did to each mailbox.</summary>
public enum MailboxActionOutcome
{
    /// <summary>The mailbox changed.</summary>
    Changed,

    /// <summary>The mailbox was already in the requested state.</summary>
    Unchanged,

    /// <summary>No mailbox has this id.</summary>
    NotFound,
}

/// <summary>The result of a bulk action, per mailbox and in total.</summary>
public sealed class BulkActionResult
{
    /// <summary>Mailboxes that changed.</summary>
    public required int Changed { get; init; }

    /// <summary>Mailboxes already in the requested state.</summary>
    public required int Unchanged { get; init; }

    /// <summary>Ids that match no mailbox.</summary>
    public required int NotFound { get; init; }

    /// <summary>One entry per requested id, in request order.</summary>
    public required IReadOnlyList<MailboxActionResult> Mailboxes { get; init; }
}

/// <summary>What an action did to one mailbox.</summary>
public sealed class MailboxActionResult
{
    /// <summary>The mailbox id.</summary>
    public required Guid MailboxId { get; init; }

    /// <summary>Changed, Unchanged or NotFound.</summary>
    public required MailboxActionOutcome Outcome { get; init; }

    /// <summary>The fields that changed (or would change, in a dry run).</summary>
    public IReadOnlyList<MailboxFieldChange>? Changes { get; init; }
}

/// <summary>One field changed by applying the defaults.</summary>
public sealed class MailboxFieldChange
{
    /// <summary>The mailbox field.</summary>
    public required string Field { get; init; }

    /// <summary>The value before.</summary>
    public string? From { get; init; }

    /// <summary>The value after.</summary>
    public string? To { get; init; }
}

/// <summary>The result of applying the organization's default settings.</summary>
public sealed record ApplyDefaultSettingsResult
{
    /// <summary>Whether this was a dry run (nothing was changed).</summary>
    public required bool DryRun { get; init; }

    /// <summary>Mailboxes that changed (or would change).</summary>
    public required int Changed { get; init; }

    /// <summary>Mailboxes that already had the defaults.</summary>
    public required int Unchanged { get; init; }

    /// <summary>Ids that match no mailbox.</summary>
    public required int NotFound { get; init; }

    /// <summary>One entry per requested id, in request order.</summary>
    public required IReadOnlyList<MailboxActionResult> Mailboxes { get; init; }

    /// <summary>The Test &amp; Enable job, when one was started.</summary>
    public JobResource? Job { get; init; }
}

/// <summary>Limits of bulk requests.</summary>
public static class BulkLimits
{
    /// <summary>Most ids in one bulk request.</summary>
    public const int MaxIds = 10_000;

    /// <summary>The rules of a list of mailbox ids.</summary>
    public static void MailboxIdRules<T>(this IRuleBuilderInitial<T, IReadOnlyList<Guid>?> rule) => rule
        .NotEmpty()
        .Must(ids => ids is null || ids.Count <= MaxIds)
        .WithErrorCode(Infrastructure.Problems.FieldErrorCodes.TooMany)
        .WithMessage(ids => $"At most {MaxIds:N0} mailbox ids per request; send the others in further requests.")
        .Must(ids => ids is null || ids.Distinct().Count() == ids.Count)
        .WithErrorCode(Infrastructure.Problems.FieldErrorCodes.Duplicate)
        .WithMessage((_, ids) => $"Each mailbox id may appear once; repeated: {string.Join(", ", ids!.GroupBy(i => i).Where(g => g.Count() > 1).Take(5).Select(g => g.Key))}.");
}

public sealed class MailboxIdsInputValidator : AbstractValidator<MailboxIdsInput>
{
    public MailboxIdsInputValidator() => RuleFor(i => i.MailboxIds).MailboxIdRules();
}

public sealed class ApplyDefaultSettingsInputValidator : AbstractValidator<ApplyDefaultSettingsInput>
{
    public ApplyDefaultSettingsInputValidator() => RuleFor(i => i.MailboxIds).MailboxIdRules();
}

public sealed class TestAndEnableInputValidator : AbstractValidator<TestAndEnableInput>
{
    public TestAndEnableInputValidator() => RuleFor(i => i.MailboxIds).MailboxIdRules();
}
