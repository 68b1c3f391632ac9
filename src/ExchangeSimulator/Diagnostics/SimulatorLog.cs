using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// The simulator's log messages (source-generated, so disabled levels cost nothing on the hot path). Per-request
/// lines are Debug; what a demo audience wants to see (injected faults, refused credentials) is Information.
/// </summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "EWS {Operation} for {Mailbox} by {Caller}: HTTP {StatusCode}")]
    public static partial void EwsRequest(ILogger logger, string operation, string? mailbox, string caller, int statusCode);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "EWS {Operation} for {Mailbox} by {Caller} refused with {ResponseCode}: {Message}")]
    public static partial void EwsFault(ILogger logger, string operation, string? mailbox, string caller, string responseCode, string message);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Injected fault {Kind} into {Operation} for {Mailbox}")]
    public static partial void FaultInjected(ILogger logger, SimulatedFaultKind kind, string operation, string? mailbox);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "{Scheme} authentication failed for {User}")]
    public static partial void AuthenticationFailed(ILogger logger, string scheme, string user);
}
