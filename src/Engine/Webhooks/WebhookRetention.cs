using ExSync.Domain.Webhooks;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Webhooks;

/// <summary>
/// Once an hour, on one instance: deletes the events older than <see cref="WebhookOptions.Retention"/> with their deliveries (the delivery
/// log and what replay can reach). An event whose delivery is still pending is kept: the retry schedule is shorter than the retention, so
/// that only happens to deliveries someone redelivered late.
/// </summary>
public sealed partial class WebhookRetention(
    IDbContextFactory<ExSyncDbContext> contexts,
    SingletonLeases leases,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookRetention> logger) : SingletonDuty(leases, logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override string Duty => "webhook-retention";

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) => Task.Delay(Interval, time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var cutoff = time.GetUtcNow() - options.CurrentValue.Retention;

        // Deliveries go with their event (ON DELETE CASCADE).
        var deleted = await db.WebhookEvents
            .Where(e => e.OccurredAt < cutoff && e.DispatchedAt != null
                        && !db.WebhookDeliveries.Any(d => d.EventId == e.Id && d.Status == WebhookDeliveryStatus.Pending))
            .ExecuteDeleteAsync(cancellationToken);
        if (deleted > 0)
        {
            LogDeleted(logger, deleted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Events} webhook events, with their deliveries, past their retention")]
    private static partial void LogDeleted(ILogger logger, int events);
}
