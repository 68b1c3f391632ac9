using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>POST /EWS/Exchange.asmx.</summary>
internal sealed class EwsEndpoint(SimulatorRuntime runtime)
{
    public Task HandleAsync(HttpContext context)
    {
        _ = runtime;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        return Task.CompletedTask;
    }
}
