namespace ExSync.Domain.Jobs;

/// <summary>Processing state of a job item.</summary>
public enum JobItemState
{
    /// <summary>Waiting for a worker.</summary>
    Pending,

    /// <summary>Claimed by a worker until its lease expires; after a crash another worker takes it over.</summary>
    Leased,

    /// <summary>Done; its outcome is final.</summary>
    Completed,
}

/// <summary>The final outcome of a job item.</summary>
public enum JobItemOutcome
{
    /// <summary>The test passed (the mailbox is enabled).</summary>
    Succeeded,

    /// <summary>The test failed (the failed directions are disabled).</summary>
    Failed,

    /// <summary>The test failed transiently; the mailbox will be retested.</summary>
    RetryScheduled,

    /// <summary>Not tested: the mailbox was deleted, has nothing to test, or changed during the test.</summary>
    Skipped,

    /// <summary>Canceled with the job.</summary>
    Canceled,
}

/// <summary>
/// One unit of a job: a mailbox to test (or the address of a connection test). Items are claimed with a lease and completed
/// only by the worker holding the lease, so each ends with exactly one final result even when workers crash.
/// </summary>
public sealed class JobItem
{
    /// <summary>Identifier, increasing in the order items were added.</summary>
    public long Id { get; private set; }

    /// <summary>The job.</summary>
    public Guid JobId { get; private set; }

    /// <summary>The mailbox to test.</summary>
    public Guid? MailboxId { get; private set; }

    /// <summary>The address (the mailbox's at completion, or the connection test's target).</summary>
    public string? EmailAddress { get; private set; }

    /// <summary>Processing state.</summary>
    public JobItemState State { get; private set; }

    /// <summary>The worker holding the lease.</summary>
    public string? LeaseOwner { get; private set; }

    /// <summary>When the lease runs out.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; private set; }

    /// <summary>How many times a worker claimed the item.</summary>
    public int Attempts { get; private set; }

    /// <summary>The final outcome.</summary>
    public JobItemOutcome? Outcome { get; private set; }

    /// <summary>The server profile the item was tested with.</summary>
    public Guid? ServerProfileId { get; private set; }

    /// <summary>Why it failed or was skipped.</summary>
    public string? ErrorCode { get; private set; }

    /// <summary>The result with its diagnostic step tree, as stored JSON.</summary>
    public string? ResultJson { get; private set; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>A pending item for a mailbox.</summary>
    public static JobItem ForMailbox(Guid jobId, Guid mailboxId) => new() { JobId = jobId, MailboxId = mailboxId, State = JobItemState.Pending };

    /// <summary>A pending item for an address (connection test).</summary>
    public static JobItem ForAddress(Guid jobId, string emailAddress) => new() { JobId = jobId, EmailAddress = emailAddress, State = JobItemState.Pending };
}
