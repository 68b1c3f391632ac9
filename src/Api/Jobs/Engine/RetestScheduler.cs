using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Infrastructure.Security;
using ExSync.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs.Engine;

/// <summary>
/// Every <see cref="JobOptions.SchedulerInterval"/>: starts a retest job for the mailboxes whose transient failure is due for a retry
/// (Dynamics retests on its own; administrators should not have to), and deletes jobs and alerts past their retention.
/// </summary>
public sealed partial class RetestScheduler(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<JobOptions> options, ILogger<RetestScheduler> logger) : BackgroundService
{
    /// <summary>Most mailboxes retested by one job; more due mailboxes go to the next round.</summary>
    public const int MaxMailboxesPerRetest = 10_000;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.CurrentValue.SchedulerInterval, time, stoppingToken);
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogFailed(logger, ex);
            }
        }
    }

    /// <summary>One round: retests due mailboxes, then deletes what is past retention.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var now = time.GetUtcNow();
        var launch = await scope.ServiceProvider.GetRequiredService<JobLauncher>().LaunchAsync(
            JobKind.RetestScheduledMailboxes,
            new JobRequest(),
            CurrentUser.System,
            JobItemSources.DueForRetest(now, MaxMailboxesPerRetest),
            skipWhenEmpty: true,
            cancellationToken);
        if (launch.Job is { } job)
        {
            LogRetestStarted(logger, job.Id, job.Total);
        }

        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var settings = options.CurrentValue;
        var jobCutoff = now - settings.Retention;
        var alertCutoff = now - settings.AlertRetention;

        // Items go with their job (ON DELETE CASCADE).
        var jobs = await db.Jobs.Where(j => j.CompletedAt != null && j.CompletedAt < jobCutoff).ExecuteDeleteAsync(cancellationToken);
        var alerts = await db.Alerts.Where(a => a.CreatedAt < alertCutoff).ExecuteDeleteAsync(cancellationToken);
        if (jobs + alerts > 0)
        {
            LogDeleted(logger, jobs, alerts);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Started retest job {JobId} for {Count} mailboxes due for a retry")]
    private static partial void LogRetestStarted(ILogger logger, Guid jobId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Jobs} jobs and {Alerts} alerts past their retention")]
    private static partial void LogDeleted(ILogger logger, int jobs, int alerts);

    [LoggerMessage(Level = LogLevel.Error, Message = "The retest scheduler failed; it will try again at its next round")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
