using ExSync.Domain.Jobs;

namespace ExSync.Api.Jobs;

/// <summary>
/// The status monitor of a background job (the Azure long-running-operation shape). Poll it at its URL, honouring Retry-After,
/// until <c>status</c> is Succeeded, Failed or Canceled. Jobs are kept for at least 24 hours after they finish (see the README).
/// </summary>
public sealed class JobResource
{
    /// <summary>Identifier.</summary>
    public required Guid Id { get; init; }

    /// <summary>What the job does. Extensible: new kinds may be added.</summary>
    public required JobKind Kind { get; init; }

    /// <summary>NotStarted, Running, Succeeded (every item processed; individual mailboxes may still have failed), Failed or Canceled.</summary>
    public required JobStatus Status { get; init; }

    /// <summary>Share of items processed, 0–100.</summary>
    public required int PercentComplete { get; init; }

    /// <summary>Items per outcome.</summary>
    public required JobCounts Counts { get; init; }

    /// <summary>Who started the job (a user id, or <c>system</c> for scheduled retests).</summary>
    public required string CreatedBy { get; init; }

    /// <summary>When the job was accepted.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When processing started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the job finished.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>When the status or counts last changed.</summary>
    public required DateTimeOffset LastUpdatedAt { get; init; }

    /// <summary>Whether cancellation was requested.</summary>
    public required bool CancelRequested { get; init; }

    /// <summary>The server profile the job is about, if any.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>The address a connection test is about.</summary>
    public string? TargetEmailAddress { get; init; }

    /// <summary>Why the job failed; present only when status is Failed.</summary>
    public JobError? Error { get; init; }

    /// <summary>Absolute URL of the job's results, one per mailbox.</summary>
    public required string ResultsLink { get; init; }
}

/// <summary>Items of a job per outcome.</summary>
public sealed class JobCounts
{
    /// <summary>All items.</summary>
    public required int Total { get; init; }

    /// <summary>Tests that passed: the mailboxes are enabled.</summary>
    public required int Succeeded { get; init; }

    /// <summary>Tests that failed: the failed directions are disabled.</summary>
    public required int Failed { get; init; }

    /// <summary>Tests that failed transiently: the mailboxes will be retested.</summary>
    public required int RetryScheduled { get; init; }

    /// <summary>Items not tested (mailbox deleted, nothing to test, changed during the test).</summary>
    public required int Skipped { get; init; }

    /// <summary>Items canceled with the job.</summary>
    public required int Canceled { get; init; }
}

/// <summary>Why a job failed.</summary>
public sealed class JobError
{
    /// <summary>Stable error code.</summary>
    public required string Code { get; init; }

    /// <summary>Explanation.</summary>
    public required string Message { get; init; }
}

/// <summary>The result of one item of a job: what happened to one mailbox (or to the address of a connection test), with the diagnostic step tree.</summary>
public sealed class JobResultResource
{
    /// <summary>Position of the item in the job.</summary>
    public required long ItemId { get; init; }

    /// <summary>The mailbox.</summary>
    public Guid? MailboxId { get; init; }

    /// <summary>The address tested.</summary>
    public string? EmailAddress { get; init; }

    /// <summary>Succeeded, Failed, RetryScheduled, Skipped or Canceled.</summary>
    public required JobItemOutcome Outcome { get; init; }

    /// <summary>The server profile used.</summary>
    public Guid? ServerProfileId { get; init; }

    /// <summary>When the item completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Why the test failed or was skipped.</summary>
    public TestError? Error { get; init; }

    /// <summary>When a transient failure will be retested.</summary>
    public DateTimeOffset? NextTestAt { get; init; }

    /// <summary>The EWS URL used or discovered.</summary>
    public string? EwsUrl { get; init; }

    /// <summary>The Exchange version the server reported.</summary>
    public ExchangeServerInfo? Server { get; init; }

    /// <summary>Result per direction.</summary>
    public DirectionResults? Directions { get; init; }

    /// <summary>The diagnostic steps, like Microsoft's Remote Connectivity Analyzer: each passed, failed or was skipped, with details.</summary>
    public required IReadOnlyList<TestStep> Steps { get; init; }
}

/// <summary>Why a test failed, and what to do about it.</summary>
public sealed class TestError
{
    /// <summary>Stable error code (see the README's Exchange error codes).</summary>
    public required string Code { get; init; }

    /// <summary>What went wrong.</summary>
    public required string Message { get; init; }

    /// <summary>What to do about it.</summary>
    public string? Remediation { get; init; }

    /// <summary>Whether the failure is transient (testing again later may succeed).</summary>
    public required bool Transient { get; init; }
}

/// <summary>The Exchange server as it reported itself.</summary>
public sealed class ExchangeServerInfo
{
    /// <summary>The product (Exchange2013Sp1OrLater, Exchange2016, Exchange2019, ExchangeSE, …).</summary>
    public required string Product { get; init; }

    /// <summary>The build, such as 15.2.1544.4.</summary>
    public required string Build { get; init; }

    /// <summary>Whether ExSync supports this version (2013 SP1, 2016, 2019, SE).</summary>
    public required bool Supported { get; init; }
}

/// <summary>Result per direction of a mailbox test.</summary>
public sealed class DirectionResults
{
    /// <summary>Incoming email.</summary>
    public required DirectionResult IncomingEmail { get; init; }

    /// <summary>Outgoing email.</summary>
    public required DirectionResult OutgoingEmail { get; init; }

    /// <summary>Appointments, contacts and tasks.</summary>
    public required DirectionResult AppointmentsContactsAndTasks { get; init; }
}

/// <summary>Result of one direction.</summary>
public sealed class DirectionResult
{
    /// <summary>Passed, Failed or NotTested.</summary>
    public required string Outcome { get; init; }

    /// <summary>Why it failed.</summary>
    public string? ErrorCode { get; init; }
}

/// <summary>One step of the diagnostic tree.</summary>
public sealed class TestStep
{
    /// <summary>Stable identifier of the step (resolveServerLocation, connect, authenticate, serverVersion, impersonate, incoming, …).</summary>
    public required string Id { get; init; }

    /// <summary>What the step checks.</summary>
    public required string Title { get; init; }

    /// <summary>Passed, Failed or Skipped.</summary>
    public required string Outcome { get; init; }

    /// <summary>How long it took.</summary>
    public required long DurationMilliseconds { get; init; }

    /// <summary>What the step found.</summary>
    public string? Detail { get; init; }

    /// <summary>Why it failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>What to do about the failure.</summary>
    public string? Remediation { get; init; }

    /// <summary>Sub-steps.</summary>
    public IReadOnlyList<TestStep>? Children { get; init; }
}
