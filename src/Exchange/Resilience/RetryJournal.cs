namespace ExSync.Exchange.Resilience;

/// <summary>
/// What the retry strategy did during the most recent EWS call made in a scope: each failed attempt, how long it took
/// and how long the pipeline waited after it, and why it stopped retrying. The connectivity test opens a scope around
/// each of its calls and turns the journal into child steps, so an administrator sees throttling and back-off instead
/// of one unexplained slow step.
/// </summary>
/// <remarks>
/// The scope is ambient (like <see cref="System.Diagnostics.Activity.Current"/>) because <see cref="Ews.IEwsClient"/> is
/// public and its callers other than the connectivity test have no use for a retry trace. <see cref="Ews.EwsClient"/>
/// hands the journal to the pipeline through <see cref="Polly.ResilienceContext.Properties"/>, so the retry strategy
/// records into the journal of exactly the call it is retrying. One call at a time per scope.
/// </remarks>
internal sealed class RetryJournal
{
    private static readonly AsyncLocal<RetryJournal?> Ambient = new();

    private readonly List<RetriedAttempt> _retries = [];

    private RetryJournal()
    {
    }

    /// <summary>The journal of the enclosing scope, if any.</summary>
    public static RetryJournal? Current => Ambient.Value;

    /// <summary>The EWS operation of the most recent call.</summary>
    public string Operation { get; private set; } = string.Empty;

    /// <summary>The attempts that failed and were retried, in order.</summary>
    public IReadOnlyList<RetriedAttempt> Retries => _retries;

    /// <summary>Why the last failure was not retried, when that is not obvious from the error.</summary>
    public RetryStop? Stop { get; private set; }

    /// <summary>Opens a scope whose EWS calls record into the returned journal until it is disposed.</summary>
    public static Scope Begin()
    {
        var journal = new RetryJournal();
        var scope = new Scope(journal, Ambient.Value);
        Ambient.Value = journal;
        return scope;
    }

    /// <summary>Starts recording a new call, forgetting the previous one.</summary>
    public void BeginCall(string operation)
    {
        Operation = operation;
        _retries.Clear();
        Stop = null;
    }

    public void Retried(RetriedAttempt attempt) => _retries.Add(attempt);

    public void Stopped(RetryStop stop) => Stop = stop;

    /// <summary>Restores the enclosing scope's journal when disposed.</summary>
    public readonly struct Scope(RetryJournal journal, RetryJournal? previous) : IDisposable
    {
        public RetryJournal Journal => journal;

        public void Dispose() => Ambient.Value = previous;
    }
}

/// <summary>One failed attempt that was retried.</summary>
/// <param name="Error">Why the attempt failed.</param>
/// <param name="Duration">How long the attempt took.</param>
/// <param name="Delay">How long the pipeline waited before the next attempt.</param>
/// <param name="DelayAskedByServer">True when the wait is the server's BackOffMilliseconds or Retry-After.</param>
internal sealed record RetriedAttempt(ExchangeError Error, TimeSpan Duration, TimeSpan Delay, bool DelayAskedByServer);

/// <summary>Why a transient failure ended the call instead of being retried.</summary>
internal enum RetryStopReason
{
    /// <summary>Every retry the options allow was used.</summary>
    RetryLimit,

    /// <summary>The next wait would have ended after the call's deadline.</summary>
    Deadline,

    /// <summary>Exchange may have processed the request, and the operation is not safe to repeat.</summary>
    NotSafeToRepeat,
}

/// <summary>Why retrying stopped, and the wait that was not taken (for <see cref="RetryStopReason.Deadline"/>).</summary>
internal sealed record RetryStop(RetryStopReason Reason, TimeSpan Wait = default);
