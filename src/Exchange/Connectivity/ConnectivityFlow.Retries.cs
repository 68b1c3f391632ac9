using ExSync.Exchange.Resilience;

namespace ExSync.Exchange.Connectivity;

/// <summary>
/// Retries made visible: a step whose EWS call needed more than one attempt gets one child per attempt, saying what
/// Exchange answered and how long ExSync waited (and whether Exchange asked for that wait). Without them a throttled
/// mailbox shows only a slow step that passed.
/// </summary>
internal sealed partial class ConnectivityFlow
{
    /// <summary>One EWS call of the test: its result or error, its duration (waits included) and its attempts.</summary>
    private readonly record struct TracedCall<T>(T? Result, ExchangeError? Error, TimeSpan Duration, IReadOnlyList<ConnectivityStep> Attempts);

    private async Task<TracedCall<T>> TraceAsync<T>(Func<Task<T>> call)
    {
        using var scope = RetryJournal.Begin();
        var started = _timeProvider.GetTimestamp();
        try
        {
            var result = await call().ConfigureAwait(false);
            var duration = _timeProvider.GetElapsedTime(started);
            return new TracedCall<T>(result, null, duration, AttemptSteps(scope.Journal, null, duration));
        }
        catch (ExchangeException exception)
        {
            var duration = _timeProvider.GetElapsedTime(started);
            return new TracedCall<T>(default, exception.Error, duration, AttemptSteps(scope.Journal, exception.Error, duration));
        }
    }

    /// <summary>
    /// The attempts of a call as steps: none when the first attempt settled it, unless a transient failure was not
    /// retried for a reason the error itself does not tell (the wait would pass the deadline, or repeating is unsafe).
    /// </summary>
    internal static IReadOnlyList<ConnectivityStep> AttemptSteps(RetryJournal journal, ExchangeError? finalError, TimeSpan callDuration)
    {
        var stop = finalError is null ? null : journal.Stop;
        if (journal.Retries.Count == 0 && stop is not { Reason: RetryStopReason.Deadline or RetryStopReason.NotSafeToRepeat })
        {
            return [];
        }

        var steps = new List<ConnectivityStep>(journal.Retries.Count + 1);
        var accounted = TimeSpan.Zero;
        foreach (var retry in journal.Retries)
        {
            var number = steps.Count + 1;
            var asked = retry.DelayAskedByServer ? ", as Exchange asked," : string.Empty;
            steps.Add(Step(
                $"{ConnectivityStepIds.Attempt}.{number}", AttemptTitle(journal, number), ConnectivityStepOutcome.Failed, retry.Duration,
                detail: $"{retry.Error.Message} Waited {retry.Delay.TotalMilliseconds:N0} ms{asked} before attempt {number + 1}.",
                error: retry.Error));
            accounted += retry.Duration + retry.Delay;
        }

        var last = steps.Count + 1;
        var lastDuration = callDuration > accounted ? callDuration - accounted : TimeSpan.Zero;
        steps.Add(finalError is null
            ? Step($"{ConnectivityStepIds.Attempt}.{last}", AttemptTitle(journal, last), ConnectivityStepOutcome.Passed, lastDuration,
                detail: "Exchange answered.")
            : Step($"{ConnectivityStepIds.Attempt}.{last}", AttemptTitle(journal, last), ConnectivityStepOutcome.Failed, lastDuration,
                detail: finalError.Message + WhyNotRetried(stop, last), error: finalError));
        return steps;
    }

    private static string AttemptTitle(RetryJournal journal, int number) => $"Attempt {number} of the {journal.Operation} request";

    private static string WhyNotRetried(RetryStop? stop, int attempts) => stop switch
    {
        { Reason: RetryStopReason.RetryLimit } => $" Not retried again: {attempts} attempts is the most one call makes.",
        { Reason: RetryStopReason.Deadline, Wait: var wait } =>
            $" Not retried: waiting {wait.TotalMilliseconds:N0} ms for the next attempt would end after the connection timeout of the server profile.",
        { Reason: RetryStopReason.NotSafeToRepeat } =>
            " Not retried: Exchange may have processed the request, and repeating it could create or send the item twice.",
        _ => string.Empty,
    };
}
