using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>Captures every log line at every level (Trace included), so tests can assert nothing secret is logged.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string AllText => string.Join('\n', _lines);

    /// <summary>The messages (with their exception) a host logging at <paramref name="minimum"/> would print.</summary>
    public IEnumerable<string> AtOrAbove(LogLevel minimum) =>
        _lines.Where(line => line.StartsWith('[') && Enum.TryParse<LogLevel>(line[1..line.IndexOf(']', StringComparison.Ordinal)], out var level) && level >= minimum);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _lines);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            lines.Enqueue($"[scope] {category}: {state}");
            return null;
        }

        // Every level but None: None means "do not write" (Polly's severity None, for one), and every real provider
        // honours that, so capturing it would show lines no deployment ever prints.
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lines.Enqueue($"[{logLevel}] {category}: {formatter(state, exception)} {exception}");
            if (state is IEnumerable<KeyValuePair<string, object?>> properties)
            {
                foreach (var (key, value) in properties)
                {
                    lines.Enqueue($"  {key}={value}");
                }
            }
        }
    }
}
