using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// An operation whose response stays open and is written in pieces (GetStreamingEvents), instead of one buffered
/// envelope: it gets the HTTP context and writes the response itself.
/// </summary>
internal abstract class HangingEwsOperation : EwsOperation
{
    public sealed override void Execute(EwsExecutionContext context, EwsResponseWriter writer) =>
        throw new InvalidOperationException($"{Name} streams its response; EwsEndpoint calls {nameof(RunAsync)}.");

    public abstract Task RunAsync(EwsExecutionContext context, HttpContext http);
}
