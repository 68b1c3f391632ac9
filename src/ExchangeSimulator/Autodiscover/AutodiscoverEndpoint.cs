using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Autodiscover: SOAP GetUserSettings at autodiscover.svc, POX at autodiscover.xml, and the GET probe of
/// autodiscover.xml (401 with X-SOAP-Enabled over HTTPS; a 302 to HTTPS over plain HTTP, autodiscover phase 3a).
/// </summary>
internal sealed class AutodiscoverEndpoint(SimulatorRuntime runtime)
{
    private readonly SoapAutodiscover _soap = new(runtime);
    private readonly PoxAutodiscover _pox = new(runtime);

    public async Task HandleSoapAsync(HttpContext context)
    {
        if (!runtime.Server.Autodiscover.SoapEnabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        await _soap.HandleAsync(context).ConfigureAwait(false);
    }

    public async Task HandleXmlAsync(HttpContext context)
    {
        if (HttpMethods.IsGet(context.Request.Method))
        {
            // Clients probe with a GET, anonymously (the Managed API) or already authenticated (ews-javascript-api
            // with NTLM or Basic credentials); both are the probe. Over plain HTTP the answer is always the redirect
            // to HTTPS (autodiscover phase 3a), whether or not the client authenticated first: ews-javascript-api's
            // NTLM provider runs the handshake before every request, even this one.
            runtime.Requests.RecordAutodiscover(AutodiscoverRequestKind.GetProbe, emailAddress: null);
            if (!context.Request.IsHttps)
            {
                RedirectToHttps(context);
                return;
            }

            await (context.Features.Get<AuthenticatedCaller>() is null
                ? AuthenticationChallenges.WriteAsync(context, runtime)
                : PoxAutodiscover.WriteInvalidRequestAsync(context)).ConfigureAwait(false);
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "GET, POST";
            return;
        }

        if (!runtime.Server.Autodiscover.PoxEnabled)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await _pox.HandleAsync(context).ConfigureAwait(false);
    }

    /// <summary>Phase 3a: clients only follow a redirect from plain HTTP when it points to HTTPS.</summary>
    private void RedirectToHttps(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = runtime.Server.Autodiscover.HttpRedirectLocation
            ?? new Uri(runtime.Endpoints.HttpsBaseAddress, SimulatorPaths.AutodiscoverXml.TrimStart('/')).AbsoluteUri;
    }

    /// <summary>
    /// The endpoint headers of the autodiscover.xml application, on every response from it (401s included, as IIS
    /// adds custom headers to those too). The Managed API and ews-javascript-api decide from these headers alone
    /// whether SOAP autodiscover exists on a host, and they probe with and without credentials.
    /// </summary>
    public static void AddEndpointHeaders(HttpResponse response, SimulatorRuntime runtime)
    {
        if (runtime.Server.Autodiscover.SoapEnabled)
        {
            response.Headers["X-SOAP-Enabled"] = "True";
            response.Headers["X-WSSecurity-Enabled"] = "True";
        }

        if (runtime.Server.Authentication.Bearer)
        {
            response.Headers["X-OAuth-Enabled"] = "True";
        }
    }
}

/// <summary>Latency and injected faults for the autodiscover endpoints.</summary>
internal static class AutodiscoverFaults
{
    public static async Task ApplyLatencyAsync(HttpContext context, SimulatorRuntime runtime)
    {
        var latency = runtime.State.LatencyMilliseconds;
        if (latency > 0)
        {
            await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies an injected "Autodiscover" fault; true when the response is complete. Autodiscover has no SOAP faults
    /// of its own, so ServerBusy becomes the ServerBusy error code (SOAP) or a 503 (POX), and the EWS-specific kinds
    /// become a plain 500.
    /// </summary>
    public static async Task<bool> TryApplyAsync(HttpContext context, SimulatorRuntime runtime, string? emailAddress, Func<Task> writeServerBusy)
    {
        if (runtime.State.Faults.TryTake(FaultInjector.AutodiscoverOperation, emailAddress) is not { } fault)
        {
            return false;
        }

        switch (fault.Kind)
        {
            case SimulatedFaultKind.ServerBusy:
                await writeServerBusy().ConfigureAwait(false);
                return true;
            case SimulatedFaultKind.Http503:
                await InjectedFaults.WriteServiceUnavailableAsync(context, fault).ConfigureAwait(false);
                return true;
            case SimulatedFaultKind.DropConnection or SimulatedFaultKind.DropAfterProcessing:
                context.Abort();
                return true;
            case SimulatedFaultKind.Unauthorized:
                await AuthenticationChallenges.WriteAsync(context, runtime).ConfigureAwait(false);
                return true;
            case SimulatedFaultKind.Hang or SimulatedFaultKind.HangAfterProcessing:
                return !await InjectedFaults.StallAsync(context, runtime, fault.DelayMilliseconds).ConfigureAwait(false);
            default:
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return true;
        }
    }

    /// <summary>The URL the client called (scheme, host as sent, path), which a redirect loop points back to.</summary>
    public static string CalledUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}";
}
