using System.Text;
using System.Threading.Channels;
using ExSync.Domain.Webhooks;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Webhooks;

/// <summary>
/// Delivers webhooks: fans new events out (<see cref="WebhookDispatcher"/>), claims due deliveries with a lease, sends up to
/// <see cref="WebhookOptions.MaxConcurrentDeliveries"/> at once, and hands each outcome to <see cref="WebhookDeliveryRecorder"/>, which
/// writes them in batches. Woken at once when this process commits an event; otherwise it looks every <see cref="WebhookOptions.PollInterval"/>.
/// At least once: a delivery whose outcome was not recorded (a crash, a lost lease) is sent again when its lease ends, under the same
/// <c>webhook-id</c>.
/// </summary>
public sealed partial class WebhookWorker(
    IDbContextFactory<ExSyncDbContext> contexts,
    IDatabaseDialect dialect,
    WebhookDispatcher dispatcher,
    WebhookSender sender,
    WebhookDeliveryRecorder recorder,
    WebhookKeys keys,
    WebhookSignal signal,
    InstanceIdentity instance,
    TimeProvider time,
    IOptionsMonitor<WebhookOptions> options,
    ILogger<WebhookWorker> logger) : BackgroundService
{
    private readonly Channel<WebhookOutcome> outcomes = Channel.CreateUnbounded<WebhookOutcome>(new UnboundedChannelOptions { SingleReader = true });
    private int inFlight;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.Enabled)
        {
            return;
        }

        // Outcomes are written even while stopping, so that what was delivered is not delivered again after a restart.
        var recording = Task.Run(() => recorder.RunAsync(outcomes.Reader), CancellationToken.None);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RoundAsync(stoppingToken))
                {
                    await signal.WaitAsync(options.CurrentValue.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // The outbox and the deliveries are in the database; the next round picks up where this one failed.
                LogRoundFailed(logger, exception);
                await Task.Delay(options.CurrentValue.PollInterval, CancellationToken.None);
            }
        }

        while (Volatile.Read(ref inFlight) > 0)
        {
            await Task.Delay(20, CancellationToken.None);
        }

        outcomes.Writer.Complete();
        await recording;
    }

    /// <summary>One round: fan out, then claim and start what is due. Returns whether there may be more to do at once.</summary>
    private async Task<bool> RoundAsync(CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var (events, _) = await dispatcher.DispatchBatchAsync(cancellationToken);
        var more = events == settings.BatchSize;

        var free = settings.MaxConcurrentDeliveries - Volatile.Read(ref inFlight);
        if (free <= 0)
        {
            return more;
        }

        var wanted = Math.Min(free, settings.BatchSize);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var claims = await dialect.ClaimWebhookDeliveriesAsync(db, instance.LeaseOwner, wanted, now, now + settings.LeaseDuration, cancellationToken);
        if (claims.Count > 0)
        {
            await StartAsync(db, claims, cancellationToken);
        }

        return more || claims.Count == wanted;
    }

    private async Task StartAsync(ExSyncDbContext db, IReadOnlyList<ClaimedWebhookDelivery> claims, CancellationToken cancellationToken)
    {
        var eventIds = claims.Select(c => c.EventId).Distinct().ToList();
        var events = await db.WebhookEvents.AsNoTracking().Where(e => eventIds.Contains(e.Id))
            .Select(e => new { e.Id, e.Type, e.Payload })
            .ToDictionaryAsync(e => e.Id, cancellationToken);
        var subscriptionIds = claims.Select(c => c.SubscriptionId).Distinct().ToList();
        var subscriptions = await db.WebhookSubscriptions.AsNoTracking().Where(s => subscriptionIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var claim in claims)
        {
            var subscription = subscriptions.GetValueOrDefault(claim.SubscriptionId);
            var webhookEvent = events.GetValueOrDefault(claim.EventId);
            if (subscription is null || webhookEvent is null)
            {
                continue;
            }

            if (!subscription.Enabled && webhookEvent.Type != WebhookEventTypes.Ping)
            {
                // Kept in the log, and replayable once the subscription is enabled again.
                await outcomes.Writer.WriteAsync(WebhookOutcome.NotAttempted(claim, "The subscription is disabled; the delivery was not attempted."), cancellationToken);
                continue;
            }

            var message = new WebhookMessage(new Uri(subscription.Url), webhookEvent.Id.ToString(), Encoding.UTF8.GetBytes(webhookEvent.Payload), keys.For(subscription, now));
            Interlocked.Increment(ref inFlight);
            _ = SendAsync(claim, message, cancellationToken);
        }
    }

    private async Task SendAsync(ClaimedWebhookDelivery claim, WebhookMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var attempt = await sender.SendAsync(message, cancellationToken);
            outcomes.Writer.TryWrite(new WebhookOutcome(claim, attempt));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: the lease runs out and the delivery is sent again, by this instance's successor or another.
        }
        catch (Exception exception)
        {
            LogSendFailed(logger, exception, claim.Id);
            outcomes.Writer.TryWrite(new WebhookOutcome(claim, new WebhookAttempt(WebhookAttemptVerdict.Retry, null, "ExSync failed to send the request.", null)));
        }
        finally
        {
            // Waking on every completion would claim one delivery per round trip; half the slots make a batch worth claiming.
            if (Interlocked.Decrement(ref inFlight) <= options.CurrentValue.MaxConcurrentDeliveries / 2)
            {
                signal.Wake();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A webhook delivery round failed; the next round tries again")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending webhook delivery {DeliveryId} failed unexpectedly; it will be retried")]
    private static partial void LogSendFailed(ILogger logger, Exception exception, Guid deliveryId);
}

/// <summary>The outcome of one claimed delivery, for the recorder.</summary>
/// <param name="Claim">The delivery, as claimed.</param>
/// <param name="Attempt">What the attempt got.</param>
/// <param name="Attempted">False when no request was made: the delivery ends Failed with the attempt's error, its attempts unchanged.</param>
public sealed record WebhookOutcome(ClaimedWebhookDelivery Claim, WebhookAttempt Attempt, bool Attempted = true)
{
    /// <summary>An outcome without an attempt.</summary>
    public static WebhookOutcome NotAttempted(ClaimedWebhookDelivery claim, string reason) =>
        new(claim, new WebhookAttempt(WebhookAttemptVerdict.Retry, null, reason, null), Attempted: false);
}
