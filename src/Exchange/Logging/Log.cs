using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Logging;

/// <summary>
/// Structured log messages of the Exchange client. Arguments are addresses, URLs, codes and durations only: never
/// passwords, client secrets, tokens, Authorization headers or NTLM messages.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1001, LogLevel.Debug, "EWS {Operation} for {Mailbox} at {EwsUrl} succeeded in {ElapsedMilliseconds} ms")]
    public static partial void EwsCallSucceeded(ILogger logger, string operation, string? mailbox, string ewsUrl, long elapsedMilliseconds);

    [LoggerMessage(1002, LogLevel.Warning, "EWS {Operation} for {Mailbox} at {EwsUrl} failed after {ElapsedMilliseconds} ms: {ErrorCode} ({ErrorClass}, EWS {ResponseCode}, HTTP {HttpStatus})")]
    public static partial void EwsCallFailed(
        ILogger logger, string operation, string? mailbox, string ewsUrl, long elapsedMilliseconds, string errorCode,
        ExchangeErrorClass errorClass, string? responseCode, int? httpStatus);

    [LoggerMessage(1003, LogLevel.Debug, "EWS {Operation} attempt for {Mailbox} failed: {ErrorCode} ({ErrorClass}); back-off hint {BackOff}")]
    public static partial void EwsAttemptFailed(
        ILogger logger, string operation, string? mailbox, string errorCode, ExchangeErrorClass errorClass, TimeSpan? backOff);

    [LoggerMessage(1101, LogLevel.Debug, "Autodiscover {Protocol} {Url} for {Mailbox}: {Outcome} {ErrorCode}")]
    public static partial void AutodiscoverAttempt(ILogger logger, string protocol, string url, string mailbox, string outcome, string? errorCode);

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
