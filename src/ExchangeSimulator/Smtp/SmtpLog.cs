using Microsoft.Extensions.Logging;

namespace ExSync.ExchangeSimulator;

/// <summary>The SMTP listener's log messages.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(EventId = 20, Level = LogLevel.Debug, Message = "SMTP {Remote} <- {Reply}")]
    public static partial void SmtpReply(ILogger logger, string remote, string reply);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "SMTP delivered a message of {Size} bytes to {Mailboxes}")]
    public static partial void SmtpDelivered(ILogger logger, int size, string mailboxes);

    [LoggerMessage(EventId = 22, Level = LogLevel.Warning, Message = "SMTP session from {Remote} failed")]
    public static partial void SmtpSessionFailed(ILogger logger, Exception exception, string remote);
}
