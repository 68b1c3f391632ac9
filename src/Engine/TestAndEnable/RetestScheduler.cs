using ExSync.Domain.Jobs;
using ExSync.Engine.Instances;
using ExSync.Engine.Jobs;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.TestAndEnable;

/// <summary>
/// Every <see cref="JobOptions.SchedulerInterval"/>, on one instance: starts a retest job for the mailboxes whose transient failure is
/// due for a retry (Dynamics retests on its own; administrators should not have to).
/// </summary>
public sealed partial class RetestScheduler(
    IServiceScopeFactory scopes,
    SingletonLeases leases,
    TimeProvider time,
    IOptionsMonitor<JobOptions> options,
    ILogger<RetestScheduler> logger) : SingletonDuty(leases, logger)
{
    /// <summary>Most mailboxes retested by one job; more due mailboxes go to the next round.</summary>
    public const int MaxMailboxesPerRetest = 10_000;

    /// <summary>The actor of the jobs the scheduler starts.</summary>
    public const string SystemActor = "system";

    protected override string Duty => "retest-scheduler";

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        Task.Delay(options.CurrentValue.SchedulerInterval, time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var launch = await scope.ServiceProvider.GetRequiredService<JobLauncher>().LaunchAsync(
            JobKind.RetestScheduledMailboxes,
            new JobRequest(),
            SystemActor,
            JobItemSources.DueForRetest(time.GetUtcNow(), MaxMailboxesPerRetest),
            skipWhenEmpty: true,
            cancellationToken);
        if (launch.Job is { } job)
        {
            LogRetestStarted(logger, job.Id, job.Total);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started retest job {JobId} for {Count} mailboxes due for a retry")]
    private static partial void LogRetestStarted(ILogger logger, Guid jobId, int count);
}
