using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>Autodiscover endpoints.</summary>
internal sealed class AutodiscoverEndpoint(SimulatorRuntime runtime)
{
    public Task HandleSoapAsync(HttpContext context)
    {
        _ = runtime;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    }

    public Task HandleXmlAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    }
}
