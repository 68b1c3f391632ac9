using System.Threading.Channels;
using ExSync.Domain.Webhooks;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Webhooks;

/// <summary>
/// Writes the outcomes of attempts, many per transaction: deliveries that succeeded with one statement per status code, retries with their
/// next attempt, and 410s with the subscription disabled. An outcome is written only while this instance still holds the delivery: one
/// that was redelivered meanwhile, or taken over by another instance, belongs to its new round.
/// </summary>
public sealed partial class WebhookDeliveryRecorder(
    IDbContextFactory<ExSyncDbContext> contexts, InstanceIdentity instance, TimeProvider time, ILogger<WebhookDeliveryRecorder> logger)
{
    private const int MaxBatch = 1000;

    /// <summary>Writes outcomes as they come until <paramref name="reader"/> completes.</summary>
    public async Task RunAsync(ChannelReader<WebhookOutcome> reader)
    {
        var batch = new List<WebhookOutcome>(MaxBatch);
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && reader.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }

            try
            {
                await RecordAsync(batch, CancellationToken.None);
            }
            catch (Exception exception)
            {
                // The deliveries stay leased; when the leases end they are sent again (at least once).
                LogRecordFailed(logger, exception, batch.Count);
            }

            batch.Clear();
        }
    }

    /// <summary>Writes one batch of outcomes in one transaction.</summary>
    public async Task RecordAsync(IReadOnlyList<WebhookOutcome> batch, CancellationToken cancellationToken)
    {
        var owner = instance.LeaseOwner;
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var group in batch.Where(o => o.Attempted && o.Attempt.Verdict == WebhookAttemptVerdict.Delivered).GroupBy(o => o.Attempt.StatusCode))
        {
            var ids = group.Select(o => o.Claim.Id).ToList();
            await db.WebhookDeliveries
                .Where(d => ids.Contains(d.Id) && d.LeaseOwner == owner)
                .ExecuteUpdateAsync(
                    s => s.SetProperty(d => d.Status, WebhookDeliveryStatus.Delivered)
                        .SetProperty(d => d.Attempts, d => d.Attempts + 1)
                        .SetProperty(d => d.RoundAttempts, d => d.RoundAttempts + 1)
                        .SetProperty(d => d.LastAttemptAt, now)
                        .SetProperty(d => d.LastResponseCode, group.Key)
                        .SetProperty(d => d.LastError, (string?)null)
                        .SetProperty(d => d.DeliveredAt, now)
                        .SetProperty(d => d.LeaseOwner, (string?)null)
                        .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null),
                    cancellationToken);
        }

        foreach (var outcome in batch.Where(o => !o.Attempted || o.Attempt.Verdict != WebhookAttemptVerdict.Delivered))
        {
            await RecordFailureAsync(db, outcome, owner, now, cancellationToken);
        }

        var gone = batch.Where(o => o.Attempted && o.Attempt.Verdict == WebhookAttemptVerdict.Gone).Select(o => o.Claim.SubscriptionId).Distinct().ToList();
        foreach (var subscription in await db.WebhookSubscriptions.Where(s => gone.Contains(s.Id) && s.Enabled).ToListAsync(cancellationToken))
        {
            subscription.DisableBecauseGone(now);
            LogDisabled(logger, subscription.Id);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task RecordFailureAsync(ExSyncDbContext db, WebhookOutcome outcome, string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var attempt = outcome.Attempt;
        var spent = outcome.Claim.RoundAttempts + (outcome.Attempted ? 1 : 0);
        var next = outcome.Attempted && attempt.Verdict == WebhookAttemptVerdict.Retry
            ? WebhookRetrySchedule.NextAttempt(spent, now, Random.Shared.NextDouble(), attempt.RetryAfter)
            : null;
        var error = attempt.Error is { Length: > WebhookDelivery.LastErrorMaxLength } text ? text[..WebhookDelivery.LastErrorMaxLength] : attempt.Error;
        var increment = outcome.Attempted ? 1 : 0;
        var id = outcome.Claim.Id;
        await db.WebhookDeliveries
            .Where(d => d.Id == id && d.LeaseOwner == owner)
            .ExecuteUpdateAsync(
                s => s.SetProperty(d => d.Status, next is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending)
                    .SetProperty(d => d.Attempts, d => d.Attempts + increment)
                    .SetProperty(d => d.RoundAttempts, spent)
                    .SetProperty(d => d.LastAttemptAt, d => outcome.Attempted ? now : d.LastAttemptAt)
                    .SetProperty(d => d.LastResponseCode, d => outcome.Attempted ? attempt.StatusCode : d.LastResponseCode)
                    .SetProperty(d => d.LastError, error)
                    .SetProperty(d => d.NextAttemptAt, d => next ?? d.NextAttemptAt)
                    .SetProperty(d => d.LeaseOwner, (string?)null)
                    .SetProperty(d => d.LeaseExpiresAt, (DateTimeOffset?)null),
                cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} webhook delivery outcomes failed; those deliveries are sent again when their leases end")]
    private static partial void LogRecordFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} is disabled: its receiver answered 410 Gone")]
    private static partial void LogDisabled(ILogger logger, Guid subscriptionId);
}
