using Microsoft.Extensions.Options;

namespace ExSync.Engine.Jobs;

/// <summary>Settings of the job engine, bound from the <c>Jobs</c> configuration section (documented in the README).</summary>
public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>How long finished jobs and their results are kept; at least 24 hours.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long alerts are kept.</summary>
    public TimeSpan AlertRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Time between retests of a mailbox that failed transiently (Dynamics: 5 minutes).</summary>
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Retests before a transient failure counts as permanent (Dynamics: 10).</summary>
    public int MaxRetries { get; set; } = 10;

    /// <summary>How often the scheduler looks for mailboxes due for a retest, and for expired jobs.</summary>
    public TimeSpan SchedulerInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a worker owns a claimed item before another worker may take it over (after a crash).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Jobs processed at the same time.</summary>
    public int MaxConcurrentJobs { get; set; } = 4;

    /// <summary>Items of one job processed at the same time (each profile's maxConcurrentConnections also applies).</summary>
    public int MaxParallelItemsPerJob { get; set; } = 256;

    /// <summary>Items claimed at once.</summary>
    public int ClaimBatchSize { get; set; } = 64;

    /// <summary>Most results written in one transaction.</summary>
    public int ResultBatchSize { get; set; } = 200;

    /// <summary>
    /// How long the writer lets results gather before it records them, unless a whole batch is already waiting. Fewer, larger
    /// transactions cost less CPU per result and hold the database's write lock less often; results become visible this much later.
    /// </summary>
    public TimeSpan ResultBatchWindow { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How often the worker looks for jobs it was not told about (started by another instance, or left by a crash).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The Retry-After a client is given while a job runs, in seconds.</summary>
    public int RetryAfterSeconds { get; set; } = 1;
}

/// <summary>Rejects job settings that would break the documented guarantees, at startup rather than at the first job.</summary>
public sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var failures = new List<string>();
        if (options.Retention < TimeSpan.FromHours(24))
        {
            failures.Add("Jobs:Retention must be at least 24 hours: clients are promised job results for that long.");
        }

        if (options.MaxRetries is < 0 or > 100)
        {
            failures.Add("Jobs:MaxRetries must be between 0 and 100.");
        }

        foreach (var (setting, value) in new[]
                 {
                     ("RetryInterval", options.RetryInterval), ("SchedulerInterval", options.SchedulerInterval), ("LeaseDuration", options.LeaseDuration),
                     ("PollInterval", options.PollInterval), ("AlertRetention", options.AlertRetention),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Jobs:{setting} must be positive.");
            }
        }

        if (options.ResultBatchWindow < TimeSpan.Zero || options.ResultBatchWindow > TimeSpan.FromSeconds(5))
        {
            failures.Add("Jobs:ResultBatchWindow must be between 0 and 5 seconds.");
        }

        if (options.MaxConcurrentJobs < 1 || options.MaxParallelItemsPerJob < 1 || options.ClaimBatchSize < 1 || options.ResultBatchSize < 1 || options.RetryAfterSeconds < 1)
        {
            failures.Add("Jobs:MaxConcurrentJobs, MaxParallelItemsPerJob, ClaimBatchSize, ResultBatchSize and RetryAfterSeconds must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
