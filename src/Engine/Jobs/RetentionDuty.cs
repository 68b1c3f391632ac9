using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Jobs;

/// <summary>
/// Every <see cref="JobOptions.SchedulerInterval"/>, on one instance: deletes jobs, alerts and change feed entries past their retention
/// (the change feed keeps a watermark of what it removed, so that expired cursors are told exactly).
/// </summary>
public sealed partial class RetentionDuty(
    IDbContextFactory<ExSyncDbContext> contexts,
    SingletonLeases leases,
    TimeProvider time,
    IOptionsMonitor<JobOptions> options,
    IOptionsMonitor<ChangeFeedOptions> changeFeed,
    ILogger<RetentionDuty> logger) : SingletonDuty(leases, logger)
{
    protected override string Duty => "retention";

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        Task.Delay(options.CurrentValue.SchedulerInterval, time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var settings = options.CurrentValue;
        var jobCutoff = now - settings.Retention;
        var alertCutoff = now - settings.AlertRetention;

        // Items go with their job (ON DELETE CASCADE).
        var jobs = await db.Jobs.Where(j => j.CompletedAt != null && j.CompletedAt < jobCutoff).ExecuteDeleteAsync(cancellationToken);
        var alerts = await db.Alerts.Where(a => a.CreatedAt < alertCutoff).ExecuteDeleteAsync(cancellationToken);
        var changes = await db.PruneChangesAsync(now - changeFeed.CurrentValue.Retention, cancellationToken);
        if (jobs + alerts + changes > 0)
        {
            LogDeleted(logger, jobs, alerts, changes);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Jobs} jobs, {Alerts} alerts and {Changes} change feed entries past their retention")]
    private static partial void LogDeleted(ILogger logger, int jobs, int alerts, int changes);
}
