using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Dispatches by path to the EWS, autodiscover and token endpoints. A single switch instead of endpoint routing
/// keeps per-request overhead minimal, which matters when the simulator shares two cores with the system under test.
/// </summary>
internal sealed class SimulatorRequestRouter(SimulatorRuntime runtime)
{
    private readonly EwsEndpoint _ews = new(runtime);
    private readonly AutodiscoverEndpoint _autodiscover = new(runtime);
    private readonly TokenEndpoint _token = new(runtime);
    private readonly ControlEndpoint _control = new(runtime);

    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away (or the simulator is stopping) while the request was delayed or being read.
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        // Requests that race start-up wait until the simulator knows its own URLs (autodiscover hands them out).
        await runtime.Endpoints.Published.ConfigureAwait(false);
        var path = context.Request.Path;
        if (SimulatorPaths.IsEws(path))
        {
            await _ews.HandleAsync(context).ConfigureAwait(false);
        }
        else if (SimulatorPaths.IsAutodiscoverSoap(path))
        {
            await _autodiscover.HandleSoapAsync(context).ConfigureAwait(false);
        }
        else if (SimulatorPaths.IsAutodiscoverXml(path))
        {
            await _autodiscover.HandleXmlAsync(context).ConfigureAwait(false);
        }
        else if (SimulatorPaths.IsControl(path))
        {
            await _control.HandleAsync(context).ConfigureAwait(false);
        }
        else if (SimulatorPaths.TryMatchTokenEndpoint(path, out var tenantId))
        {
            await _token.HandleAsync(context, tenantId).ConfigureAwait(false);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    }
}
