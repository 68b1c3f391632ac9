using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;

namespace ExSync.Api.Sync;

/// <summary>A mailbox's synchronization status, per synchronized direction.</summary>
public sealed class MailboxSyncStatusResource
{
    /// <summary>The mailbox.</summary>
    public required Guid MailboxId { get; init; }

    /// <summary>One entry per direction that has been synchronized since Test &amp; Enable enabled it; empty before that.</summary>
    public required IReadOnlyList<DirectionSyncStatus> Directions { get; init; }
}

/// <summary>How synchronization of one direction is doing.</summary>
public sealed class DirectionSyncStatus
{
    /// <summary>The direction.</summary>
    public required SyncDirection Direction { get; init; }

    /// <summary>
    /// NotStarted, Active (the last cycle succeeded), Retrying (transient errors, backing off), Failing (a permanent error, or transient ones
    /// for too long: still probed, recovers by itself) or Paused (the direction is no longer enabled). New values may appear.
    /// </summary>
    public required SyncWorkloadState State { get; init; }

    /// <summary>Whether a cycle is under way now.</summary>
    public required bool Running { get; init; }

    /// <summary>When a cycle last ended without error.</summary>
    public DateTimeOffset? LastSuccessfulSyncAt { get; init; }

    /// <summary>When the last cycle started.</summary>
    public DateTimeOffset? LastRunStartedAt { get; init; }

    /// <summary>When the last cycle ended.</summary>
    public DateTimeOffset? LastRunCompletedAt { get; init; }

    /// <summary>When the next cycle is due; absent while one runs or while paused. Mail arriving brings it forward.</summary>
    public DateTimeOffset? NextRunAt { get; init; }

    /// <summary>Items handled by the last cycle.</summary>
    public required int ItemsProcessedLastCycle { get; init; }

    /// <summary>Items that failed in the last cycle.</summary>
    public required int ItemsFailedLastCycle { get; init; }

    /// <summary>Items handled since synchronization began.</summary>
    public required long ItemsProcessedTotal { get; init; }

    /// <summary>Items that failed since synchronization began.</summary>
    public required long ItemsFailedTotal { get; init; }

    /// <summary>Failed cycles in a row.</summary>
    public required int ConsecutiveErrors { get; init; }

    /// <summary>The last error, kept after recovery.</summary>
    public SyncErrorResource? LastError { get; init; }

    /// <summary>Changes Exchange still had when the last cycle ended (0 when caught up).</summary>
    public required int Backlog { get; init; }
}

/// <summary>Why a synchronization cycle failed.</summary>
public sealed class SyncErrorResource
{
    /// <summary>A stable code (the Exchange error codes listed in the README).</summary>
    public required string Code { get; init; }

    /// <summary>What happened.</summary>
    public required string Message { get; init; }

    /// <summary>What to do about it.</summary>
    public string? Remediation { get; init; }

    /// <summary>Whether it is expected to pass by itself.</summary>
    public required bool IsTransient { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>What synchronization did with one item of a mailbox.</summary>
public sealed class SyncEventResource
{
    /// <summary>Increasing in the order events were recorded.</summary>
    public required long Id { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>The folder the item was read from.</summary>
    public required SyncFolder Folder { get; init; }

    /// <summary>Tracked, NotTracked, Failed or Untracked. New values may appear.</summary>
    public required ItemOutcome Outcome { get; init; }

    /// <summary>
    /// Why: for tracked items, why they were tracked (AllEmailMessages, ResponseToCrmEmail, FromCrmRecord, FromEmailEnabledRecord,
    /// TrackedCategory) or Duplicate; otherwise a reason code listed in the README. New codes may appear.
    /// </summary>
    public required string ReasonCode { get; init; }

    /// <summary>Details for people.</summary>
    public string? Detail { get; init; }

    /// <summary>The item's EWS id when it was read.</summary>
    public string? ItemId { get; init; }

    /// <summary>The message's Internet Message-ID.</summary>
    public string? InternetMessageId { get; init; }

    /// <summary>The subject, shortened to 255 characters.</summary>
    public string? Subject { get; init; }

    /// <summary>The email activity it was tracked to, if any.</summary>
    public Guid? EmailId { get; init; }

    /// <summary>Which attempt this was.</summary>
    public required int Attempt { get; init; }
}

internal static class SyncMapping
{
    public static DirectionSyncStatus ToResource(SyncWorkload workload, DateTimeOffset now)
    {
        var running = workload.IsRunning(now);
        return new DirectionSyncStatus
        {
            Direction = workload.Direction,
            State = workload.State,
            Running = running,
            LastSuccessfulSyncAt = workload.LastSuccessAt,
            LastRunStartedAt = workload.LastRunStartedAt,
            LastRunCompletedAt = workload.LastRunCompletedAt,

            // While a cycle runs, the stored next run is only its lease's end.
            NextRunAt = running || workload.State == SyncWorkloadState.Paused ? null : workload.NextRunAt,
            ItemsProcessedLastCycle = workload.ItemsProcessedLastCycle,
            ItemsFailedLastCycle = workload.ItemsFailedLastCycle,
            ItemsProcessedTotal = workload.ItemsProcessedTotal,
            ItemsFailedTotal = workload.ItemsFailedTotal,
            ConsecutiveErrors = workload.ConsecutiveErrors,
            LastError = workload.LastError is { } error
                ? new SyncErrorResource { Code = error.Code, Message = error.Message, Remediation = error.Remediation, IsTransient = error.IsTransient, OccurredAt = error.OccurredAt }
                : null,
            Backlog = workload.Backlog,
        };
    }

    public static SyncEventResource ToResource(SyncItemEvent e) => new()
    {
        Id = e.Id,
        OccurredAt = e.OccurredAt,
        Folder = e.Folder,
        Outcome = e.Outcome,
        ReasonCode = e.ReasonCode,
        Detail = e.Detail,
        ItemId = e.ItemId,
        InternetMessageId = e.InternetMessageId,
        Subject = e.Subject,
        EmailId = e.EmailId,
        Attempt = e.Attempt,
    };
}
