namespace ExSync.Domain.Sync;

/// <summary>
/// When a mailbox's workload runs next. A cycle that found mail keeps the mailbox on the active interval; each empty cycle doubles the
/// wait up to the idle interval, so idle mailboxes cost little while notifications bring a run forward when mail arrives. The next run
/// counts from the cycle's start, so one slow mailbox does not push every later one back. Errors back off exponentially: transient ones
/// from <see cref="RetryInterval"/>, permanent ones (credentials, impersonation, a mailbox gone) from <see cref="ProbeInterval"/>, both
/// capped, and neither ever stops for good: a mailbox recovers on its own when Exchange works again.
/// </summary>
/// <param name="ActiveInterval">The wait after a cycle that found mail.</param>
/// <param name="IdleInterval">The longest wait between polls of a mailbox that finds nothing.</param>
/// <param name="RetryInterval">The first wait after a transient error.</param>
/// <param name="RetryIntervalCap">The longest wait between retries after transient errors.</param>
/// <param name="ProbeInterval">The first wait after a permanent error.</param>
/// <param name="ProbeIntervalCap">The longest wait between probes of a mailbox that fails permanently.</param>
/// <param name="TransientErrorsBeforeFailure">How many transient errors in a row make the direction fail (and alert) while retries go on.</param>
public sealed record SyncCadence(
    TimeSpan ActiveInterval,
    TimeSpan IdleInterval,
    TimeSpan RetryInterval,
    TimeSpan RetryIntervalCap,
    TimeSpan ProbeInterval,
    TimeSpan ProbeIntervalCap,
    int TransientErrorsBeforeFailure)
{
    /// <summary>The defaults: active 2 minutes, idle up to 10, retries from 30 seconds to 15 minutes, probes from 5 minutes to 1 hour.</summary>
    public static SyncCadence Default { get; } = new(
        TimeSpan.FromMinutes(2),
        TimeSpan.FromMinutes(10),
        TimeSpan.FromSeconds(30),
        TimeSpan.FromMinutes(15),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromHours(1),
        TransientErrorsBeforeFailure: 10);

    /// <summary>The next poll after a successful cycle, never sooner than the profile's minimum polling interval.</summary>
    /// <param name="cycleStartedAt">When the cycle started.</param>
    /// <param name="emptyCycles">Empty cycles in a row, this one included (0 when it found mail).</param>
    /// <param name="minimumPollingInterval">The profile's floor.</param>
    public DateTimeOffset AfterSuccess(DateTimeOffset cycleStartedAt, int emptyCycles, TimeSpan minimumPollingInterval) =>
        cycleStartedAt + Max(minimumPollingInterval, Doubled(ActiveInterval, emptyCycles, IdleInterval));

    /// <summary>The next attempt after the <paramref name="consecutiveErrors"/>-th transient error in a row.</summary>
    public DateTimeOffset AfterTransientError(DateTimeOffset now, int consecutiveErrors) =>
        now + Doubled(RetryInterval, consecutiveErrors - 1, RetryIntervalCap);

    /// <summary>The next probe after the <paramref name="consecutiveErrors"/>-th error in a row, the last one permanent.</summary>
    public DateTimeOffset AfterPermanentError(DateTimeOffset now, int consecutiveErrors) =>
        now + Doubled(ProbeInterval, consecutiveErrors - 1, ProbeIntervalCap);

    private static TimeSpan Doubled(TimeSpan start, int times, TimeSpan cap)
    {
        // Shifts beyond 20 overflow long before they matter: the cap is reached far earlier.
        var factor = 1L << Math.Clamp(times, 0, 20);
        return start.Ticks > cap.Ticks / factor ? cap : TimeSpan.FromTicks(start.Ticks * factor);
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
