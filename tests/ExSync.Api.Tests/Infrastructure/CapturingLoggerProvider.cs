using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// Keeps every log message and exception text, so tests can prove what was (not) logged. When the environment variable
/// EXSYNC_TEST_LOG names a file, every line is also appended to it as it happens, to diagnose a test that hangs.
/// </summary>
public sealed class CapturingLoggerProvider(ConcurrentQueue<string> sink) : ILoggerProvider
{
    private static readonly string? LiveLog = Environment.GetEnvironmentVariable("EXSYNC_TEST_LOG");
    private static readonly Lock LiveLogGate = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, line =>
    {
        sink.Enqueue(line);
        if (LiveLog is not null)
        {
            lock (LiveLogGate)
            {
                File.AppendAllText(LiveLog, $"{DateTime.UtcNow:HH:mm:ss.fff} {line}{Environment.NewLine}");
            }
        }
    });

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, Action<string> sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            sink($"{category} scope: {state}");
            return null;
        }

        // Every level but None: None means "do not write" (Polly's severity None, for one), and every real provider
        // honours that, so capturing it would show lines no deployment ever prints.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                sink($"{logLevel} {category}: {formatter(state, exception)} {exception}");
            }
        }
    }
}
