using ExSync.Domain.Mailboxes;

namespace ExSync.Domain.TestAndEnable;

/// <summary>Result of testing one direction against Exchange.</summary>
public enum DirectionTestOutcome
{
    /// <summary>The direction works.</summary>
    Passed,

    /// <summary>The direction does not work.</summary>
    Failed,

    /// <summary>The direction was not tested.</summary>
    NotTested,
}

/// <summary>Why a test failed, with what to do about it.</summary>
/// <param name="Code">Stable error code (an Exchange error code, or a precondition code of <see cref="TestAndEnableErrors"/>).</param>
/// <param name="Message">What went wrong.</param>
/// <param name="Remediation">What the administrator should do.</param>
/// <param name="IsTransient">Whether testing again later may succeed (network problems, throttling, outages).</param>
public sealed record TestFailure(string Code, string Message, string Remediation, bool IsTransient);

/// <summary>Result of one direction.</summary>
/// <param name="Direction">The direction.</param>
/// <param name="Outcome">Passed, failed or not tested.</param>
/// <param name="Failure">Why it failed, when it did.</param>
public sealed record DirectionTestResult(SyncDirection Direction, DirectionTestOutcome Outcome, TestFailure? Failure = null);

/// <summary>What a connectivity test found for a mailbox.</summary>
/// <param name="Directions">One result per direction.</param>
/// <param name="EwsUrl">The EWS URL used, or found by autodiscover.</param>
public sealed record MailboxTestResult(IReadOnlyList<DirectionTestResult> Directions, string? EwsUrl);

/// <summary>How often a transiently failing mailbox is tested again (Dynamics: every 5 minutes, up to 10 times).</summary>
/// <param name="Interval">Time between tests.</param>
/// <param name="MaxRetries">How many retries before the failure counts as permanent.</param>
public sealed record RetryPolicy(TimeSpan Interval, int MaxRetries)
{
    /// <summary>The Dynamics 365 policy: 10 retries, 5 minutes apart.</summary>
    public static RetryPolicy Default { get; } = new(TimeSpan.FromMinutes(5), 10);
}

/// <summary>What recording a test did to the mailbox.</summary>
public enum TestResolution
{
    /// <summary>Every tested direction passed and is enabled.</summary>
    Enabled,

    /// <summary>A transient failure: the mailbox will be tested again at the retry time.</summary>
    RetryScheduled,

    /// <summary>A permanent failure (or transient failures beyond the retry limit): the failed directions are disabled.</summary>
    Disabled,

    /// <summary>Nothing was tested (no direction uses server-side synchronization); nothing changed.</summary>
    Skipped,
}

/// <summary>The effect of a test on a mailbox, from which alerts and job results are made.</summary>
/// <param name="Resolution">What happened to the mailbox.</param>
/// <param name="Enabled">Directions now enabled.</param>
/// <param name="Failed">Directions that failed.</param>
/// <param name="Failure">The first failure, when there was one.</param>
/// <param name="RetryAt">When the mailbox will be tested again.</param>
/// <param name="RetryCount">How many retries have been scheduled in a row.</param>
public sealed record TestRecord(
    TestResolution Resolution,
    IReadOnlyList<SyncDirection> Enabled,
    IReadOnlyList<SyncDirection> Failed,
    TestFailure? Failure,
    DateTimeOffset? RetryAt,
    int RetryCount);
