using ExSync.Domain.Alerts;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>What became of one email a cycle took: the transition the recorder applies.</summary>
internal enum SendResult
{
    /// <summary>Exchange accepted it (or a copy from an earlier attempt was found in Sent Items).</summary>
    Sent,

    /// <summary>It failed for now and is tried again at <see cref="SendOutcome.NextAttemptAt"/>.</summary>
    RetryLater,

    /// <summary>It failed for good.</summary>
    Failed,

    /// <summary>The cycle stopped before trying it: it goes back to the queue as it was.</summary>
    NotAttempted,
}

/// <summary>One email's result, with what the recorder needs to apply it.</summary>
/// <param name="EmailId">The email.</param>
/// <param name="Result">What became of it.</param>
/// <param name="At">When Exchange accepted it, or when it failed.</param>
/// <param name="Code">The error's stable code, for retries and failures.</param>
/// <param name="Message">The error, for people.</param>
/// <param name="NextAttemptAt">For <see cref="SendResult.RetryLater"/>.</param>
/// <param name="OutcomeUnknown">The message may have reached Exchange (this attempt, or an earlier one not looked up): the next send looks in Sent Items first.</param>
/// <param name="Alerts">Alerts raised with a failure.</param>
internal sealed record SendOutcome(
    Guid EmailId,
    SendResult Result,
    DateTimeOffset At,
    string? Code = null,
    string? Message = null,
    DateTimeOffset? NextAttemptAt = null,
    bool OutcomeUnknown = false,
    IReadOnlyList<Alert>? Alerts = null);
