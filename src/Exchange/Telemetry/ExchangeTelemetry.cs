using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ExSync.Exchange.Telemetry;

/// <summary>
/// Traces and metrics of every request ExSync sends to Exchange. Spans and measurements carry the operation, the server profile and
/// the ExSync mailbox id — never a mailbox address, a URL with credentials or any secret.
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

    /// <summary>Tag: Success, or the error code of the failure.</summary>
    public const string OutcomeTag = "exsync.exchange.outcome";

    /// <summary>Tag: the EWS response code (NoError, ErrorServerBusy, …), when there was one.</summary>
    public const string ResponseCodeTag = "exsync.exchange.response_code";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "exsync.exchange.request.duration", "s", "Duration of Exchange requests (EWS, autodiscover, token), by operation and outcome.");

    private static readonly Counter<long> Throttled = Meter.CreateCounter<long>(
        "exsync.exchange.throttled", "{event}", "Times Exchange answered 'server busy' with a back-off, pausing every request to that server.");

    private static readonly Histogram<double> SlotWait = Meter.CreateHistogram<double>(
        "exsync.exchange.connection_slot.wait", "s", "Time requests waited for a connection slot under their server profile's maxConcurrentConnections.");

    /// <summary>Starts the span of one request; dispose it when the answer has been classified.</summary>
    internal static ExchangeRequestScope StartRequest(string operation, ConnectionLimit? limit)
    {
        var activity = Source.StartActivity($"Exchange {operation}", ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag(OperationTag, operation);
            activity.SetTag(ServerProfileTag, limit?.Key);
            activity.SetTag(MailboxTag, ExchangeCallScope.MailboxId);
        }

        return new ExchangeRequestScope(activity, operation, Stopwatch.GetTimestamp());
    }

    internal static void RecordThrottled(string serverProfile, TimeSpan backOff) =>
        Throttled.Add(1, new KeyValuePair<string, object?>(ServerProfileTag, serverProfile));

    internal static void RecordSlotWait(string serverProfile, TimeSpan waited) =>
        SlotWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>(ServerProfileTag, serverProfile));

    /// <summary>The span and duration measurement of one request.</summary>
    internal sealed class ExchangeRequestScope(Activity? activity, string operation, long started) : IDisposable
    {
        private string outcome = "Success";

        /// <summary>Records the failure's code (and its EWS response code, when Exchange gave one).</summary>
        public void Failed(ExchangeError error)
        {
            outcome = error.Code;
            activity?.SetStatus(ActivityStatusCode.Error, error.Code);
            activity?.SetTag(ResponseCodeTag, error.ResponseCode);
        }

        /// <summary>Records that Exchange answered without error.</summary>
        public void Succeeded(string? responseCode) => activity?.SetTag(ResponseCodeTag, responseCode);

        public void Dispose()
        {
            activity?.SetTag(OutcomeTag, outcome);
            activity?.Dispose();
            RequestDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>(OperationTag, operation),
                new KeyValuePair<string, object?>(OutcomeTag, outcome));
        }
    }
}

/// <summary>
/// Names the ExSync mailbox that the Exchange calls made within a scope are for, so their spans can say so without the mailbox's
/// address. It flows with the async context, through autodiscover, EWS and token requests alike.
/// </summary>
public static class ExchangeCallScope
{
    private static readonly AsyncLocal<string?> Current = new();

    /// <summary>The mailbox of the current scope, if any.</summary>
    public static string? MailboxId => Current.Value;

    /// <summary>Starts a scope; dispose it to end it.</summary>
    public static IDisposable ForMailbox(string? mailboxId)
    {
        var previous = Current.Value;
        Current.Value = mailboxId;
        return new Restore(previous);
    }

    private sealed class Restore(string? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
