using ExSync.Exchange.Ews;
using ExSync.Exchange.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Telemetry;
using Polly.Timeout;

namespace ExSync.Exchange.Resilience;

/// <summary>
/// The one resilience pipeline for every Exchange call. Per-call values (the server profile's timeout, the deadline,
/// whether the operation is idempotent) travel in <see cref="ResilienceContext.Properties"/>, so a single pipeline
/// serves all profiles: an outer timeout bounds the whole call, and an inner retry repeats transient failures
/// with back-off, never sleeping past the deadline.
/// </summary>
internal static class EwsResilience
{
    public const string PipelineName = "ExSync.Exchange.Ews";

    /// <summary>The caller's connection timeout for this call (1–100 s).</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> CallTimeout = new("ExSync.Exchange.CallTimeout");

    /// <summary>TimeProvider timestamp at which the call's budget runs out.</summary>
    public static readonly ResiliencePropertyKey<long> DeadlineTimestamp = new("ExSync.Exchange.DeadlineTimestamp");

    /// <summary>Whether repeating the operation is harmless if the server already processed it.</summary>
    public static readonly ResiliencePropertyKey<bool> Idempotent = new("ExSync.Exchange.Idempotent");

    /// <summary>The delay chosen by the retry predicate, reused by the delay generator so both see the same value.</summary>
    public static readonly ResiliencePropertyKey<TimeSpan> PlannedDelay = new("ExSync.Exchange.PlannedDelay");

    /// <summary>The most recent classified failure, so a timeout can say what it was waiting out.</summary>
    public static readonly ResiliencePropertyKey<ExchangeError?> LastError = new("ExSync.Exchange.LastError");

    /// <summary>Operation, URL and mailbox of the call, for the retry log line.</summary>
    public static readonly ResiliencePropertyKey<ErrorContext> Call = new("ExSync.Exchange.Call");

    /// <summary>Where the retry strategy records its attempts, when the caller opened a <see cref="RetryJournal"/> scope.</summary>
    public static readonly ResiliencePropertyKey<RetryJournal?> Journal = new("ExSync.Exchange.RetryJournal");

    /// <summary>Polly's own log events for this pipeline, all replaced by ExSync's messages (see below).</summary>
    private static readonly HashSet<string> ReplacedPollyEvents = ["ExecutionAttempt", "OnRetry", "OnTimeout"];

    public static IServiceCollection AddEwsResiliencePipeline(this IServiceCollection services)
    {
        // Polly hands the attempt's exception to the logger, so every throttled and retried request of a busy Exchange
        // printed a warning with a full stack trace, and every successful attempt a line at Information. For this
        // pipeline ExSync logs its own lines instead: one per retry (operation, mailbox, code, wait), one per failed
        // call and one per successful call at Debug. Polly's metrics are unaffected; other pipelines of the host keep
        // whatever severity they had.
        services.AddOptions<TelemetryOptions>().PostConfigure(options =>
        {
            var previous = options.SeverityProvider;
            options.SeverityProvider = args =>
                args.Source.PipelineName == PipelineName && ReplacedPollyEvents.Contains(args.Event.EventName)
                    ? ResilienceEventSeverity.None
                    : previous?.Invoke(args) ?? args.Event.Severity;
        });

        services.AddResiliencePipeline(PipelineName, static (builder, context) =>
        {
            var timeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
            var options = context.ServiceProvider.GetRequiredService<IOptions<ExchangeClientOptions>>().Value;
            var planner = new EwsRetryPlanner(options, timeProvider);
            var logger = context.ServiceProvider.GetRequiredService<ILogger<EwsClient>>();
            builder.TimeProvider = timeProvider;

            // Outer: the caller's whole-call budget (connection timeout of the server profile).
            builder.AddTimeout(new TimeoutStrategyOptions
            {
                Name = "CallTimeout",
                TimeoutGenerator = static args => ValueTask.FromResult(
                    args.Context.Properties.GetValue(CallTimeout, ExchangeConnectionSettings.MaximumConnectionTimeout)),
            });

            // Inner: retries of transient failures, within what is left of the budget.
            builder.AddRetry(new RetryStrategyOptions
            {
                Name = "TransientRetry",
                MaxRetryAttempts = Math.Max(1, options.MaxRetryAttempts),
                ShouldHandle = args => ValueTask.FromResult(planner.ShouldRetry(args.Outcome.Exception, args.AttemptNumber, args.Context)),
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(PlannedDelay, TimeSpan.Zero)),
                OnRetry = args =>
                {
                    // ShouldRetry only lets ExchangeExceptions through.
                    var error = ((ExchangeException)args.Outcome.Exception!).Error;
                    var call = args.Context.Properties.GetValue(Call, default);
                    Log.EwsRetrying(logger, call.Operation, call.Mailbox, error, args.AttemptNumber + 1, args.RetryDelay);
                    args.Context.Properties.GetValue(Journal, null)?.Retried(
                        new RetriedAttempt(error, args.Duration, args.RetryDelay, DelayAskedByServer: error.BackOff == args.RetryDelay));
                    return ValueTask.CompletedTask;
                },
            });
        });
        return services;
    }
}

/// <summary>
/// Retry decisions: what to retry (from the classifier's verdict) and how long to wait (the longer of exponential
/// back-off with jitter and the server's BackOffMilliseconds / Retry-After). If the wait would end after the call's
/// deadline, the call fails now with the transient error instead of sleeping into a timeout.
/// </summary>
internal sealed class EwsRetryPlanner
{
    private readonly ExchangeClientOptions _options;
    private readonly TimeProvider _timeProvider;

    public EwsRetryPlanner(ExchangeClientOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
    }

    public bool ShouldRetry(Exception? exception, int attemptNumber, ResilienceContext context)
    {
        if (exception is not ExchangeException { Error: var error })
        {
            return false;
        }

        var journal = context.Properties.GetValue(EwsResilience.Journal, null);
        var idempotent = context.Properties.GetValue(EwsResilience.Idempotent, false);
        if (!ExchangeErrorClassifier.IsRetryableWithinCall(error, idempotent))
        {
            if (error.IsTransient && error.RetryScope == RetryScope.IdempotentOnly)
            {
                journal?.Stopped(new RetryStop(RetryStopReason.NotSafeToRepeat));
            }

            return false;
        }

        if (attemptNumber >= _options.MaxRetryAttempts)
        {
            journal?.Stopped(new RetryStop(RetryStopReason.RetryLimit));
            return false;
        }

        // Sleeping into the deadline would only turn a meaningful transient error (with its back-off hint, which the
        // caller can use to schedule the next attempt) into a bare timeout.
        var delay = DelayFor(exception, attemptNumber);
        if (delay >= Remaining(context))
        {
            journal?.Stopped(new RetryStop(RetryStopReason.Deadline, delay));
            return false;
        }

        context.Properties.Set(EwsResilience.PlannedDelay, delay);
        return true;
    }

    public TimeSpan DelayFor(Exception? exception, int attemptNumber)
    {
        var exponential = TimeSpan.FromTicks(Math.Min(
            _options.RetryBaseDelay.Ticks * (1L << Math.Min(attemptNumber, 20)),
            _options.RetryMaxDelay.Ticks));

        // ±20% jitter spreads retries of many mailboxes throttled at the same moment.
        var jittered = exponential * (0.8 + (0.4 * Random.Shared.NextDouble()));
        var serverBackOff = (exception as ExchangeException)?.Error.BackOff ?? TimeSpan.Zero;
        return serverBackOff > jittered ? serverBackOff : jittered;
    }

    public TimeSpan Remaining(ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(EwsResilience.DeadlineTimestamp, out var deadline))
        {
            return TimeSpan.Zero;
        }

        var now = _timeProvider.GetTimestamp();
        return now >= deadline ? TimeSpan.Zero : _timeProvider.GetElapsedTime(now, deadline);
    }
}
