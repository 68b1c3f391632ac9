using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Logging;

/// <summary>
/// Structured log messages of the Exchange client. Arguments are addresses, URLs, codes and durations only: never
/// passwords, client secrets, tokens, Authorization headers or NTLM messages.
/// </summary>
internal static partial class Log
{
    /// <summary>Calls without impersonation act on the service account's own mailbox.</summary>
    private const string OwnMailbox = "the service account's own mailbox";

    public static void EwsCallSucceeded(ILogger logger, string operation, string? mailbox, string ewsUrl, long elapsedMilliseconds) =>
        EwsCallSucceededCore(logger, operation, mailbox ?? OwnMailbox, ewsUrl, elapsedMilliseconds);

    public static void EwsCallFailed(ILogger logger, string operation, string? mailbox, string ewsUrl, long elapsedMilliseconds, ExchangeError error) =>
        EwsCallFailedCore(logger, operation, mailbox ?? OwnMailbox, ewsUrl, elapsedMilliseconds, error.Code, error.ErrorClass,
            error.OutcomeUnknown ? ServerAnswer(error) + "; outcome unknown" : ServerAnswer(error));

    public static void EwsRetrying(ILogger logger, string? operation, string? mailbox, ExchangeError error, int retry, TimeSpan delay) =>
        EwsRetryingCore(logger, operation ?? "call", mailbox ?? OwnMailbox, error.Code, ServerAnswer(error), retry, (long)delay.TotalMilliseconds);

    /// <summary>
    /// What the server said, naming only what is known: "EWS ErrorServerBusy, HTTP 500", "HTTP 503", or "no response"
    /// when the call never got an answer (refused, dropped, timed out).
    /// </summary>
    internal static string ServerAnswer(ExchangeError error) => (error.ResponseCode, error.HttpStatusCode) switch
    {
        ({ } code, { } status) => $"EWS {code}, HTTP {status}",
        ({ } code, null) => $"EWS {code}",
        (null, { } status) => $"HTTP {status}",
        _ => "no response",
    };

    [LoggerMessage(1001, LogLevel.Debug, "EWS {Operation} for {Mailbox} at {EwsUrl} succeeded in {ElapsedMilliseconds} ms")]
    private static partial void EwsCallSucceededCore(ILogger logger, string operation, string mailbox, string ewsUrl, long elapsedMilliseconds);

    [LoggerMessage(1002, LogLevel.Warning, "EWS {Operation} for {Mailbox} at {EwsUrl} failed after {ElapsedMilliseconds} ms: {ErrorCode} ({ErrorClass}; {ServerAnswer})")]
    private static partial void EwsCallFailedCore(
        ILogger logger, string operation, string mailbox, string ewsUrl, long elapsedMilliseconds, string errorCode,
        ExchangeErrorClass errorClass, string serverAnswer);

    // Information, not Warning: throttling and failovers are expected, and the call usually succeeds on a later
    // attempt; a call that fails in the end is logged as a warning by 1002.
    [LoggerMessage(1003, LogLevel.Information, "EWS {Operation} for {Mailbox}: {ErrorCode} ({ServerAnswer}); retry {Retry} in {DelayMilliseconds:N0} ms")]
    private static partial void EwsRetryingCore(
        ILogger logger, string operation, string mailbox, string errorCode, string serverAnswer, int retry, long delayMilliseconds);

    public static void AutodiscoverAttempt(ILogger logger, string protocol, string url, string mailbox, string outcome, string? errorCode) =>
        AutodiscoverAttemptCore(logger, protocol, url, mailbox, errorCode is null ? outcome : $"{outcome} {errorCode}");

    [LoggerMessage(1101, LogLevel.Debug, "Autodiscover {Protocol} {Url} for {Mailbox}: {Outcome}")]
    private static partial void AutodiscoverAttemptCore(ILogger logger, string protocol, string url, string mailbox, string outcome);

    [LoggerMessage(1102, LogLevel.Information, "Autodiscover found {EwsUrl} for {Mailbox} after {Attempts} attempt(s)")]
    public static partial void AutodiscoverSucceeded(ILogger logger, string ewsUrl, string mailbox, int attempts);

    [LoggerMessage(1103, LogLevel.Warning, "Autodiscover failed for {Mailbox} after {Attempts} attempt(s): {ErrorCode} ({ErrorClass})")]
    public static partial void AutodiscoverFailed(ILogger logger, string mailbox, int attempts, string errorCode, ExchangeErrorClass errorClass);

    [LoggerMessage(1201, LogLevel.Debug, "Obtained an OAuth token for client {ClientId} in tenant {TenantId}, valid {LifetimeSeconds} s")]
    public static partial void TokenAcquired(ILogger logger, string clientId, string tenantId, int lifetimeSeconds);

    [LoggerMessage(1301, LogLevel.Information, "Mailbox connectivity test for {Mailbox} finished in {ElapsedMilliseconds} ms: incoming {Incoming}, outgoing {Outgoing}, appointments/contacts/tasks {Act}")]
    public static partial void ConnectivityTestCompleted(
        ILogger logger, string mailbox, long elapsedMilliseconds, string incoming, string outgoing, string act);
}
