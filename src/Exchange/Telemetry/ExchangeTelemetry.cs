using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExSync.Exchange.Telemetry;

/// <summary>
/// Traces and metrics of every request ExSync sends to Exchange. Spans and measurements carry the operation, the server profile and
/// the ExSync mailbox id — never a mailbox address, a URL (which could hold user info) or any secret.
/// </summary>
public static class ExchangeTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "ExSync.Exchange";

    /// <summary>Tag: the EWS operation (GetFolder, CreateItem, …), or Autodiscover, or Token.</summary>
    public const string OperationTag = "exsync.exchange.operation";

    /// <summary>Tag: the server profile (<see cref="ConnectionLimit.Key"/>).</summary>
    public const string ServerProfileTag = "exsync.server_profile.id";

    /// <summary>Tag: the ExSync mailbox the request is for, when the caller said (<see cref="ExchangeCallScope"/>).</summary>
    public const string MailboxTag = "exsync.mailbox.id";

    /// <summary>Tag: <see cref="Success"/>, <see cref="Canceled"/>, or the error code of the failure.</summary>
    public const string OutcomeTag = "exsync.exchange.outcome";

    /// <summary>Tag: the EWS response code (NoError, ErrorServerBusy, …), when there was one.</summary>
    public const string ResponseCodeTag = "exsync.exchange.response_code";

    /// <summary>The outcome of a request that Exchange answered without error.</summary>
    public const string Success = "Success";

    /// <summary>The outcome of a request abandoned before it had an answer (its caller canceled it, or the job stopped).</summary>
    public const string Canceled = "Canceled";

    /// <summary>The name of the request duration histogram.</summary>
    public const string RequestDurationMetric = "exsync.exchange.request.duration";

    /// <summary>The name of the throttling counter.</summary>
    public const string ThrottledMetric = "exsync.exchange.throttled";

    /// <summary>The name of the connection slot wait histogram.</summary>
    public const string SlotWaitMetric = "exsync.exchange.connection_slot.wait";

    private static readonly string? Version = typeof(ExchangeTelemetry).Assembly.GetName().Version?.ToString();

    internal static readonly ActivitySource Source = new(Name, Version);

    private static readonly Meter Meter = new(Name, Version);

    // The SDKs' default buckets are meant for milliseconds; these are the semantic conventions' buckets for HTTP durations in seconds.
    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram(
        RequestDurationMetric,
        "s",
        "Duration of Exchange requests (EWS, autodiscover, token), by operation, outcome and server profile.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30] });

    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        ThrottledMetric, "{event}", "Times Exchange answered 'server busy' with a back-off, pausing every request to that server.");

    // Most requests find a free slot at once: the first bucket tells those apart from the ones that queued.
    private static readonly Histogram<double> SlotWait = Meter.CreateHistogram(
        SlotWaitMetric,
        "s",
        "Time requests waited for a connection slot under their server profile's maxConcurrentConnections (or a back-off Exchange asked for).",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0001, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] });

    /// <summary>Starts the span of one request; dispose it when the answer has been classified.</summary>
    /// <param name="operation">The EWS operation, Autodiscover or Token.</param>
    /// <param name="limit">The server profile's connection limit, whose key is the profile id.</param>
    /// <param name="url">Where the request goes: only its host and port are recorded.</param>
    internal static ExchangeRequestScope StartRequest(string operation, ConnectionLimit? limit, Uri? url)
    {
        var activity = Source.StartActivity($"Exchange {operation}", ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(OperationTag, operation);
            activity.SetTag(ServerProfileTag, limit?.Key);
            activity.SetTag(MailboxTag, ExchangeCallScope.MailboxId);
            if (url is { IsAbsoluteUri: true })
            {
                activity.SetTag("server.address", url.IdnHost);
                activity.SetTag("server.port", url.Port);
            }
        }

        return new ExchangeRequestScope(activity, operation, limit?.Key, Stopwatch.GetTimestamp());
    }

    internal static void RecordThrottled(string serverProfile) =>
        Throttled.Add(1, new KeyValuePair<string, object?>(ServerProfileTag, serverProfile));

    internal static void RecordSlotWait(string serverProfile, TimeSpan waited) =>
        SlotWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>(ServerProfileTag, serverProfile));

    /// <summary>The span and duration measurement of one request.</summary>
    internal sealed class ExchangeRequestScope(Activity? activity, string operation, string? serverProfile, long started) : IDisposable
    {
        private string? outcome;

        /// <summary>Records the failure's code (and its EWS response code, when Exchange gave one).</summary>
        /// <remarks>The error's message is left out on purpose: it names the mailbox and the URL.</remarks>
        public void Failed(ExchangeError error)
        {
            outcome = error.Code;
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            activity?.SetTag("error.type", error.Code);
            activity?.SetTag(ResponseCodeTag, error.ResponseCode);
        }

        /// <summary>Records that Exchange answered without error.</summary>
        public void Succeeded(string? responseCode = null)
        {
            outcome = Success;
            activity?.SetTag(ResponseCodeTag, responseCode);
        }

        public void Dispose()
        {
            // Neither answered nor classified: an exception other than an Exchange error ended the request (cancellation, a deadline).
            if (outcome is null)
            {
                outcome = Canceled;
                activity?.SetStatus(ActivityStatusCode.Error, Canceled);
                activity?.SetTag("error.type", Canceled);
            }

            activity?.SetTag(OutcomeTag, outcome);
            activity?.Dispose();
            RequestDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(OperationTag, operation),
                new KeyValuePair<string, object?>(OutcomeTag, outcome),
                new KeyValuePair<string, object?>(ServerProfileTag, serverProfile));
        }
    }
}

/// <summary>
/// One piece of work on a mailbox (a connectivity test, a synchronization cycle): the ExSync mailbox its Exchange calls are for, so their
/// spans can say so without the mailbox's address; and whether it has already had a request served, so that its next request goes
/// before the first request of work not yet started (see <see cref="ExchangeConnectionPolicy"/>). It flows with the async context,
/// through autodiscover, EWS and token requests alike.
/// </summary>
public static class ExchangeCallScope
{
    private static readonly AsyncLocal<State?> Current = new();

    /// <summary>The mailbox of the current scope, if any.</summary>
    public static string? MailboxId => Current.Value?.MailboxId;

    /// <summary>The current scope's state, if there is a scope.</summary>
    internal static State? CurrentState => Current.Value;

    /// <summary>Starts a scope; dispose it to end it.</summary>
    public static IDisposable ForMailbox(string? mailboxId)
    {
        var previous = Current.Value;
        Current.Value = new State(mailboxId);
        return new Restore(previous);
    }

    /// <summary>What the scope's calls share.</summary>
    internal sealed class State(string? mailboxId)
    {
        public string? MailboxId { get; } = mailboxId;

        /// <summary>Whether a request of this scope has already been given a connection slot.</summary>
        public bool Started { get; set; }
    }

    private sealed class Restore(State? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
