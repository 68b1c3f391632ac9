using ExSync.Domain.Jobs;
using ExSync.Domain.TestAndEnable;
using ExSync.Exchange.Connectivity;

namespace ExSync.Api.Jobs.Engine;

/// <summary>Builds the stored result of an item: its outcome, error and the diagnostic step tree.</summary>
internal static class JobResultMapping
{
    private const string PreconditionsStep = "preconditions";
    private const string PreconditionsTitle = "Check that the mailbox can be tested (active, server profile, approval)";

    public static JobResultResource ToResource(ItemResult result, JobItemOutcome outcome, TestFailure? failure, TestRecord? record, DateTimeOffset now)
    {
        var work = result.Work;
        var report = result.Report;
        var steps = new List<TestStep>();
        if (result.IsMailboxTest && (result.Precondition is not null || report is not null))
        {
            steps.Add(new TestStep
            {
                Id = PreconditionsStep,
                Title = PreconditionsTitle,
                Outcome = result.Precondition is null ? "Passed" : "Failed",
                DurationMilliseconds = 0,
                Detail = result.Precondition?.Message,
                ErrorCode = result.Precondition?.Code,
                Remediation = result.Precondition?.Remediation,
            });
        }

        if (report is not null)
        {
            steps.AddRange(report.Steps.Select(ToStep));
        }

        return new JobResultResource
        {
            ItemId = work.Item.Id,
            MailboxId = work.Item.MailboxId,
            EmailAddress = work.Mailbox?.EmailAddress ?? work.Item.EmailAddress,
            Outcome = outcome,
            ServerProfileId = work.Profile?.Id,
            CompletedAt = now,
            Error = failure is null ? null : new TestError { Code = failure.Code, Message = failure.Message, Remediation = failure.Remediation, Transient = failure.IsTransient },
            NextTestAt = record?.RetryAt,
            EwsUrl = report?.EwsUrl?.ToString(),
            Server = report?.ServerVersion is { } version
                ? new ExchangeServerInfo { Product = version.Product.ToString(), Build = version.Build, Supported = version.IsSupported }
                : null,
            Directions = report is null
                ? null
                : new DirectionResults
                {
                    IncomingEmail = ToDirection(report.Incoming),
                    OutgoingEmail = ToDirection(report.Outgoing),
                    AppointmentsContactsAndTasks = ToDirection(report.AppointmentsContactsAndTasks),
                },
            Steps = steps,
        };
    }

    /// <summary>Why an item that ended with its job was not tested.</summary>
    public static readonly TestFailure CanceledBeforeTest = new(
        TestAndEnableErrors.Canceled,
        "This item was not tested: its job was canceled, or failed as a whole (the job's error says why), before the item's turn.",
        "Start a new job to test it.",
        IsTransient: false);

    /// <summary>
    /// The result of an item that ended with its job (canceled, or failed as a whole) before any worker took it: it has no stored
    /// result, only its columns.
    /// </summary>
    public static JobResultResource CanceledUnprocessed(long itemId, Guid? mailboxId, string? emailAddress, DateTimeOffset? completedAt) => new()
    {
        ItemId = itemId,
        MailboxId = mailboxId,
        EmailAddress = emailAddress,
        Outcome = JobItemOutcome.Canceled,
        CompletedAt = completedAt,
        Error = new TestError
        {
            Code = CanceledBeforeTest.Code,
            Message = CanceledBeforeTest.Message,
            Remediation = CanceledBeforeTest.Remediation,
            Transient = CanceledBeforeTest.IsTransient,
        },
        Steps = [],
    };

    private static Jobs.DirectionResult ToDirection(ExSync.Exchange.Connectivity.DirectionResult result) => new()
    {
        Outcome = result.Outcome.ToString(),
        ErrorCode = result.Error?.Code,
    };

    private static TestStep ToStep(ConnectivityStep step) => new()
    {
        Id = step.Id,
        Title = step.Title,
        Outcome = step.Outcome.ToString(),
        DurationMilliseconds = (long)step.Duration.TotalMilliseconds,
        // A failed step's finding is its error: without it the tree would say that a step failed but not why.
        Detail = step.Detail ?? step.Error?.Message,
        ErrorCode = step.ErrorCode,
        Remediation = step.Remediation,
        Children = step.Children.Count == 0 ? null : step.Children.Select(ToStep).ToList(),
    };
}
