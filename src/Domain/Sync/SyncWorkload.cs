using ExSync.Domain.Mailboxes;

namespace ExSync.Domain.Sync;

/// <summary>The health of a mailbox's synchronization in one direction.</summary>
public enum SyncWorkloadState
{
    /// <summary>Created, not run yet.</summary>
    NotStarted,

    /// <summary>The last cycle succeeded.</summary>
    Active,

    /// <summary>Transient errors (Exchange busy or unreachable): retried with exponential back-off.</summary>
    Retrying,

    /// <summary>
    /// A permanent error (credentials rejected, impersonation denied, mailbox gone) or too many transient ones: the direction's status is
    /// Failure and owners are alerted, but the mailbox is still probed with capped back-off and recovers by itself.
    /// </summary>
    Failing,

    /// <summary>The direction is not enabled (not tested, disabled, mailbox inactive or not approved): nothing runs.</summary>
    Paused,
}

/// <summary>Why the last cycle failed.</summary>
/// <param name="Code">A stable code (the Exchange error codes of Test &amp; Enable).</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="Remediation">What to do about it, when someone has to.</param>
/// <param name="IsTransient">Whether retrying may help without anyone changing anything.</param>
/// <param name="OccurredAt">When.</param>
public sealed record SyncError(string Code, string Message, string? Remediation, bool IsTransient, DateTimeOffset OccurredAt);

/// <summary>What one cycle of a workload achieved.</summary>
/// <param name="ItemsProcessed">Items handled (tracked, skipped with a reason, or failed).</param>
/// <param name="ItemsFailed">Items that failed and will be retried or were given up.</param>
/// <param name="Backlog">Changes Exchange still had for the mailbox when the cycle ended (0 when it caught up).</param>
/// <param name="Error">Why the cycle stopped early, if it did.</param>
/// <param name="RetryNotSooner">How long Exchange asked ExSync to wait (throttling back-off, Retry-After): the next attempt is not sooner.</param>
public sealed record SyncCycleOutcome(int ItemsProcessed, int ItemsFailed, int Backlog, SyncError? Error, TimeSpan? RetryNotSooner = null)
{
    /// <summary>
    /// When work the cycle knows of falls due (an email to retry at a set time): the next run is no later, whatever the cadence says, and
    /// no sooner than Exchange asked.
    /// </summary>
    public DateTimeOffset? DueAgainAt { get; init; }
}

/// <summary>How a completed cycle changed a workload's health, for alerts and the change feed.</summary>
public enum SyncHealthChange
{
    /// <summary>Same health as before.</summary>
    None,

    /// <summary>It started failing: the direction's status becomes Failure and owners are alerted.</summary>
    StartedFailing,

    /// <summary>It works again after failing or retrying.</summary>
    Recovered,

    /// <summary>It moved between Active and Retrying, or ran for the first time.</summary>
    Changed,
}

/// <summary>
/// The persisted synchronization of one mailbox in one direction: when it runs next, who holds it, and how it has been doing. Workers
/// claim due workloads with a lease (so two instances never synchronize one mailbox at once) and complete them with the cycle's outcome.
/// </summary>
public sealed class SyncWorkload
{
    private SyncWorkload()
    {
    }

    /// <summary>The mailbox.</summary>
    public Guid MailboxId { get; private set; }

    /// <summary>The direction synchronized.</summary>
    public SyncDirection Direction { get; private set; }

    /// <summary>Health.</summary>
    public SyncWorkloadState State { get; private set; }

    /// <summary>When the next cycle is due.</summary>
    public DateTimeOffset NextRunAt { get; private set; }

    /// <summary>When a run was last asked for (a notification or an explicit request); cleared when a cycle starts after it.</summary>
    public DateTimeOffset? RunRequestedAt { get; private set; }

    /// <summary>The worker running a cycle now.</summary>
    public string? LeaseOwner { get; private set; }

    /// <summary>When that worker's lease runs out (another worker takes over after it, or at once when the holder is known dead).</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>When the current or last cycle started.</summary>
    public DateTimeOffset? LastRunStartedAt { get; private set; }

    /// <summary>When the last cycle ended.</summary>
    public DateTimeOffset? LastRunCompletedAt { get; private set; }

    /// <summary>When a cycle last ended without error.</summary>
    public DateTimeOffset? LastSuccessAt { get; private set; }

    /// <summary>Successful cycles in a row that found nothing; drives the idle back-off.</summary>
    public int EmptyCycles { get; private set; }

    /// <summary>Failed cycles in a row.</summary>
    public int ConsecutiveErrors { get; private set; }

    /// <summary>The last error, kept after recovery so people can see what happened.</summary>
    public SyncError? LastError { get; private set; }

    /// <summary>Items handled by the last cycle.</summary>
    public int ItemsProcessedLastCycle { get; private set; }

    /// <summary>Items that failed in the last cycle.</summary>
    public int ItemsFailedLastCycle { get; private set; }

    /// <summary>Items handled since the workload was created.</summary>
    public long ItemsProcessedTotal { get; private set; }

    /// <summary>Items that failed since the workload was created.</summary>
    public long ItemsFailedTotal { get; private set; }

    /// <summary>Changes Exchange still had when the last cycle ended.</summary>
    public int Backlog { get; private set; }

    /// <summary>Incremented on every completed cycle or change of health.</summary>
    public long Revision { get; private set; }

    /// <summary>A workload for a newly enabled direction, due at once.</summary>
    public static SyncWorkload Create(Guid mailboxId, SyncDirection direction, DateTimeOffset now) => new()
    {
        MailboxId = mailboxId,
        Direction = direction,
        State = SyncWorkloadState.NotStarted,
        NextRunAt = now,
        Revision = 1,
    };

    /// <summary>Whether a cycle is under way (the lease has not run out).</summary>
    public bool IsRunning(DateTimeOffset now) => LeaseOwner is not null && LeaseExpiresAt > now;

    /// <summary>Brings the next run forward to <paramref name="runAt"/> (never later than already planned).</summary>
    public void RequestRun(DateTimeOffset now, DateTimeOffset runAt)
    {
        RunRequestedAt = now;
        if (runAt < NextRunAt)
        {
            NextRunAt = runAt;
        }
    }

    /// <summary>The direction was disabled: nothing runs until it is resumed.</summary>
    public bool Pause()
    {
        if (State == SyncWorkloadState.Paused)
        {
            return false;
        }

        State = SyncWorkloadState.Paused;
        Revision++;
        return true;
    }

    /// <summary>The direction is enabled again: due at once, with a clean slate of errors.</summary>
    public bool Resume(DateTimeOffset now)
    {
        if (State != SyncWorkloadState.Paused)
        {
            return false;
        }

        State = SyncWorkloadState.NotStarted;
        ConsecutiveErrors = 0;
        EmptyCycles = 0;
        NextRunAt = now;
        Revision++;
        return true;
    }

    /// <summary>Records a finished cycle and plans the next one.</summary>
    /// <param name="outcome">What the cycle did.</param>
    /// <param name="cadence">The scheduling policy.</param>
    /// <param name="minimumPollingInterval">The profile's floor between polls.</param>
    /// <param name="startedAt">When the cycle started.</param>
    /// <param name="now">When it ended.</param>
    /// <param name="requestedDuringCycle">Whether a run was asked for since the cycle read its workload (the row's revision moved).</param>
    public SyncHealthChange Complete(SyncCycleOutcome outcome, SyncCadence cadence, TimeSpan minimumPollingInterval, DateTimeOffset startedAt, DateTimeOffset now, bool requestedDuringCycle = false)
    {
        var before = State;
        LeaseOwner = null;
        LeaseExpiresAt = null;
        LastRunStartedAt = startedAt;
        LastRunCompletedAt = now;
        ItemsProcessedLastCycle = outcome.ItemsProcessed;
        ItemsFailedLastCycle = outcome.ItemsFailed;
        ItemsProcessedTotal += outcome.ItemsProcessed;
        ItemsFailedTotal += outcome.ItemsFailed;
        Backlog = outcome.Backlog;

        // A run asked for while this cycle was under way may concern mail the cycle did not see. Times alone cannot tell a request made at
        // the cycle's very start apart from one it saw; the caller knows from the row's revision whether one came in since.
        var askedSince = RunRequestedAt is not null && (RunRequestedAt > startedAt || requestedDuringCycle);
        if (!askedSince)
        {
            RunRequestedAt = null;
        }

        DateTimeOffset next;
        if (outcome.Error is { } error)
        {
            ConsecutiveErrors++;
            LastError = error;
            var failing = !error.IsTransient || ConsecutiveErrors >= cadence.TransientErrorsBeforeFailure;
            State = failing ? SyncWorkloadState.Failing : SyncWorkloadState.Retrying;
            next = error.IsTransient ? cadence.AfterTransientError(now, ConsecutiveErrors) : cadence.AfterPermanentError(now, ConsecutiveErrors);
            if (outcome.RetryNotSooner is { } wait && now + wait > next)
            {
                next = now + wait;
            }
        }
        else
        {
            ConsecutiveErrors = 0;
            LastSuccessAt = now;
            State = SyncWorkloadState.Active;
            EmptyCycles = outcome.ItemsProcessed == 0 ? EmptyCycles + 1 : 0;

            // A backlog left over (the cycle stopped at its budget) continues at once rather than after the active interval.
            next = outcome.Backlog > 0 ? now : cadence.AfterSuccess(startedAt, EmptyCycles, minimumPollingInterval);
        }

        if (outcome.DueAgainAt is { } due && due < next && (outcome.RetryNotSooner is not { } notSooner || due >= now + notSooner))
        {
            next = due < now ? now : due;
        }

        // A run asked for during the cycle happens at once, but never sooner than Exchange asked to be left alone.
        var earliest = outcome.RetryNotSooner is { } pause && outcome.Error is not null ? now + pause : now;
        NextRunAt = askedSince && next > earliest ? earliest : next;
        Revision++;
        return (before, State) switch
        {
            (var same, var after) when same == after => SyncHealthChange.None,
            (_, SyncWorkloadState.Failing) => SyncHealthChange.StartedFailing,
            (SyncWorkloadState.Failing or SyncWorkloadState.Retrying, SyncWorkloadState.Active) => SyncHealthChange.Recovered,
            _ => SyncHealthChange.Changed,
        };
    }
}
