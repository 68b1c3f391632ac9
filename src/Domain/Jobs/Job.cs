namespace ExSync.Domain.Jobs;

/// <summary>What a job does. Extensible: new kinds may be added.</summary>
public enum JobKind
{
    /// <summary>Test &amp; Enable of chosen mailboxes.</summary>
    TestAndEnableMailboxes,

    /// <summary>Test &amp; Enable of every mailbox of a server profile.</summary>
    TestAndEnableServerProfileMailboxes,

    /// <summary>A connectivity test of one address with a server profile; enables nothing.</summary>
    TestConnection,

    /// <summary>The scheduled retest of mailboxes whose last test failed transiently.</summary>
    RetestScheduledMailboxes,

    /// <summary>The retest of a server profile's mailboxes whose last test failed on credentials, started when the profile's credentials changed.</summary>
    RetestAfterCredentialsChange,
}

/// <summary>Where a job is in its life (the Azure long-running-operation statuses).</summary>
public enum JobStatus
{
    /// <summary>Accepted, not started yet.</summary>
    NotStarted,

    /// <summary>Being processed.</summary>
    Running,

    /// <summary>Every item was processed (individual mailboxes may still have failed their test).</summary>
    Succeeded,

    /// <summary>The job itself could not be carried out; see its error.</summary>
    Failed,

    /// <summary>Canceled on request; items not processed by then are canceled.</summary>
    Canceled,
}

/// <summary>
/// A background job over a set of items (mailboxes, or one address for a connection test). The job row is the source of truth:
/// it and its items are stored before the job is accepted, and any worker can resume them after a crash.
/// </summary>
public sealed class Job
{
    private Job()
    {
        // For EF Core materialization.
        CreatedBy = null!;
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>What the job does.</summary>
    public JobKind Kind { get; private set; }

    /// <summary>Where the job is in its life.</summary>
    public JobStatus Status { get; private set; }

    /// <summary>Who started it (a user id, or <c>system</c>).</summary>
    public string CreatedBy { get; private set; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When processing started.</summary>
    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>When it finished.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>When its status or counts last changed.</summary>
    public DateTimeOffset LastUpdatedAt { get; private set; }

    /// <summary>The server profile the job is about, if any.</summary>
    public Guid? ServerProfileId { get; private set; }

    /// <summary>The address a connection test is about.</summary>
    public string? TargetEmailAddress { get; private set; }

    /// <summary>Send a real confirmation message to each mailbox as part of the outgoing test.</summary>
    public bool SendTestMessage { get; private set; }

    /// <summary>Number of items.</summary>
    public int Total { get; private set; }

    /// <summary>Items whose test passed.</summary>
    public int Succeeded { get; private set; }

    /// <summary>Items whose test failed.</summary>
    public int Failed { get; private set; }

    /// <summary>Items that failed transiently and will be retested.</summary>
    public int RetryScheduled { get; private set; }

    /// <summary>Items that were not tested (mailbox deleted, nothing to test, changed during the test).</summary>
    public int Skipped { get; private set; }

    /// <summary>Items canceled with the job.</summary>
    public int Canceled { get; private set; }

    /// <summary>Why the job failed, when it did.</summary>
    public string? ErrorCode { get; private set; }

    /// <summary>Explanation of <see cref="ErrorCode"/>.</summary>
    public string? ErrorMessage { get; private set; }

    /// <summary>Cancellation was requested; workers stop as soon as they see it.</summary>
    public bool CancelRequested { get; private set; }

    /// <summary>The client's Repeatability-Request-ID, which makes creation idempotent.</summary>
    public string? RequestId { get; private set; }

    /// <summary>Hash of the creating request, to tell a retry from a different request with the same id.</summary>
    public string? RequestFingerprint { get; private set; }

    /// <summary>Items processed so far.</summary>
    public int Processed => Succeeded + Failed + RetryScheduled + Skipped + Canceled;

    /// <summary>Whether the job has reached a final status.</summary>
    public bool IsFinished => Status is JobStatus.Succeeded or JobStatus.Failed or JobStatus.Canceled;

    /// <summary>Share of items processed, 0–100.</summary>
    public int PercentComplete => Total == 0 ? (IsFinished ? 100 : 0) : (int)Math.Min(100, Processed * 100L / Total);

    /// <summary>Creates a job that has not started.</summary>
    public static Job Create(Guid id, JobKind kind, string createdBy, DateTimeOffset now, JobRequest request) => new()
    {
        Id = id,
        Kind = kind,
        Status = JobStatus.NotStarted,
        CreatedBy = createdBy,
        CreatedAt = now,
        LastUpdatedAt = now,
        ServerProfileId = request.ServerProfileId,
        TargetEmailAddress = request.TargetEmailAddress,
        SendTestMessage = request.SendTestMessage,
        RequestId = request.RequestId,
        RequestFingerprint = request.RequestFingerprint,
    };

    /// <summary>Sets the number of items, once they are stored.</summary>
    public void SetTotal(int total) => Total = total;

    /// <summary>
    /// Requests cancellation. A job that has not started is canceled at once; a running one is canceled by its worker.
    /// Returns false when the job had already finished.
    /// </summary>
    public bool RequestCancel(DateTimeOffset now)
    {
        if (IsFinished)
        {
            return false;
        }

        CancelRequested = true;
        LastUpdatedAt = now;
        return true;
    }
}

/// <summary>What a job is asked to do, beyond its kind.</summary>
/// <param name="ServerProfileId">The profile it is about.</param>
/// <param name="TargetEmailAddress">The address a connection test is about.</param>
/// <param name="SendTestMessage">Send a real confirmation message as part of the outgoing test.</param>
/// <param name="RequestId">The client's Repeatability-Request-ID.</param>
/// <param name="RequestFingerprint">Hash of the creating request.</param>
public sealed record JobRequest(
    Guid? ServerProfileId = null,
    string? TargetEmailAddress = null,
    bool SendTestMessage = false,
    string? RequestId = null,
    string? RequestFingerprint = null);
