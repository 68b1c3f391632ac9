using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace ExSync.Api.Infrastructure.Telemetry;

/// <summary>
/// The console's default formatter: the framework's "simple" one, with the trace and span id of the current activity as the only
/// scope, so a line written inside a request or an Exchange call can be matched with its trace (and with the traceId of a problem
/// response). The framework's own scopes are left out: the hosting layer's (connection id, path, request id) would add a long line to
/// every message written inside a request.
/// </summary>
internal sealed class TraceIdConsoleFormatter(IServiceProvider services) : ConsoleFormatter(FormatterName)
{
    /// <summary>The formatter's name (<c>Logging:Console:FormatterName</c>); <c>simple</c> or <c>json</c> choose the framework's.</summary>
    public const string FormatterName = "exsync";

    private ConsoleFormatter? simple;

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        // Looked up on first use rather than injected: the simple formatter is internal to the framework, and is registered in the
        // same list of formatters as this one.
        simple ??= services.GetServices<ConsoleFormatter>().First(formatter => formatter.Name == ConsoleFormatterNames.Simple);
        simple.Write(logEntry, Activity.Current is { } activity ? new TraceScope(activity) : null, textWriter);
    }

    /// <summary>Options of the simple formatter this one writes with: it must show scopes for the trace id to appear.</summary>
    internal static void ShowScopes(SimpleConsoleFormatterOptions options) => options.IncludeScopes = true;

    private sealed class TraceScope(Activity activity) : IExternalScopeProvider
    {
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state) =>
            callback($"TraceId:{activity.TraceId} SpanId:{activity.SpanId}", state);

        // Formatters only read scopes.
        public IDisposable Push(object? state) => throw new NotSupportedException();
    }
}
