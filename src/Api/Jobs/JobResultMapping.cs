using ExSync.Domain.Jobs;
using ExSync.Engine.Jobs;
using ExSync.Engine.TestAndEnable;

namespace ExSync.Api.Jobs;

/// <summary>A completed job item as stored: its columns, and the handler's stored result when it has one.</summary>
internal sealed record CompletedItem(
    long Id, Guid? MailboxId, string? EmailAddress, JobItemOutcome Outcome, string? ErrorCode, Guid? ServerProfileId, DateTimeOffset? CompletedAt, string? ResultJson);

/// <summary>Maps stored job results to the contract.</summary>
internal static class JobResultMapping
{
    /// <summary>
    /// The contract's result of an item: the handler's stored result, or for items the engine completed itself (canceled before or
    /// while processed, or failed inside ExSync), a result saying so.
    /// </summary>
    public static JobResultResource ToResource(CompletedItem item)
    {
        if (item.ResultJson is null)
        {
            return new JobResultResource
            {
                ItemId = item.Id,
                MailboxId = item.MailboxId,
                EmailAddress = item.EmailAddress,
                Outcome = item.Outcome,
                ServerProfileId = item.ServerProfileId,
                CompletedAt = item.CompletedAt,
                Error = EngineError(item.ErrorCode ?? JobErrorCodes.Canceled),
                Steps = [],
            };
        }

        var stored = StoredTestResult.Deserialize(item.ResultJson);
        return new JobResultResource
        {
            ItemId = item.Id,
            MailboxId = item.MailboxId,
            EmailAddress = stored.EmailAddress ?? item.EmailAddress,
            Outcome = item.Outcome,
            ServerProfileId = stored.ServerProfileId ?? item.ServerProfileId,
            CompletedAt = item.CompletedAt,
            Error = stored.Error is { } error ? new TestError { Code = error.Code, Message = error.Message, Remediation = error.Remediation, Transient = error.Transient } : null,
            NextTestAt = stored.NextTestAt,
            EwsUrl = stored.EwsUrl,
            Server = stored.Server is { } server ? new ExchangeServerInfo { Product = server.Product, Build = server.Build, Supported = server.Supported } : null,
            Directions = stored.Directions is { } directions
                ? new DirectionResults
                {
                    IncomingEmail = ToDirection(directions.IncomingEmail),
                    OutgoingEmail = ToDirection(directions.OutgoingEmail),
                    AppointmentsContactsAndTasks = ToDirection(directions.AppointmentsContactsAndTasks),
                }
                : null,
            Steps = stored.Steps.Select(ToStep).ToList(),
        };
    }

    private static TestError EngineError(string code) => code == JobErrorCodes.InternalError
        ? new TestError
        {
            Code = code,
            Message = "ExSync failed unexpectedly while testing; the mailbox was left unchanged.",
            Remediation = "Run the test again; if it keeps failing, report it with the job id.",
            Transient = true,
        }
        : new TestError
        {
            Code = code,
            Message = "This item was not tested: its job was canceled, or failed as a whole (the job's error says why), before the item's turn.",
            Remediation = "Start a new job to test it.",
            Transient = false,
        };

    private static DirectionResult ToDirection(StoredDirection direction) => new() { Outcome = direction.Outcome, ErrorCode = direction.ErrorCode };

    private static TestStep ToStep(StoredTestStep step) => new()
    {
        Id = step.Id,
        Title = step.Title,
        Outcome = step.Outcome,
        DurationMilliseconds = step.DurationMilliseconds,
        Detail = step.Detail,
        ErrorCode = step.ErrorCode,
        Remediation = step.Remediation,
        Children = step.Children?.Select(ToStep).ToList(),
    };
}
