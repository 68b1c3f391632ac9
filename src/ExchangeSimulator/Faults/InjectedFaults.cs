using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>Carries out an injected fault; either the response is complete, or the request proceeds with a forced per-item error.</summary>
internal static class InjectedFaults
{
    public static async Task<(bool Handled, ItemError? ForcedItemError)> ApplyAsync(HttpContext context, SimulatorRuntime runtime, ScenarioFault fault)
    {
        switch (fault.Kind)
        {
            case SimulatedFaultKind.ServerBusy:
                await EwsEndpoint.WriteFaultAsync(context, EwsFault.ServerBusy(fault.BackOffMilliseconds)).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.Http503:
                await WriteServiceUnavailableAsync(context, fault).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.DropConnection:
                context.Abort();
                return (true, null);

            case SimulatedFaultKind.MailboxStoreUnavailable:
                await EwsEndpoint.WriteFaultAsync(context, new EwsFault("ErrorMailboxStoreUnavailable", fault.Message ?? "The mailbox database is temporarily unavailable.")).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.MailboxMoveInProgress:
                await EwsEndpoint.WriteFaultAsync(context, new EwsFault("ErrorMailboxMoveInProgress", fault.Message ?? "Mailbox move in progress. Try again later.")).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.ExceededConnectionCount:
                await EwsEndpoint.WriteFaultAsync(context, new EwsFault("ErrorExceededConnectionCount", fault.Message ?? "You have exceeded the available concurrent connections for your account. Try again once your other requests have completed.")).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.SoapFault:
                await EwsEndpoint.WriteFaultAsync(context, new EwsFault(fault.ResponseCode!, fault.Message ?? fault.ResponseCode!)).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.Unauthorized:
                await AuthenticationChallenges.WriteAsync(context, runtime).ConfigureAwait(false);
                return (true, null);

            case SimulatedFaultKind.Hang:
                return (!await StallAsync(context, runtime, fault.DelayMilliseconds).ConfigureAwait(false), null);

            case SimulatedFaultKind.InternalServerError:
                return (false, InternalServerError(fault));

            case SimulatedFaultKind.ItemError:
                return (false, new ItemError(fault.ResponseCode!, fault.Message ?? fault.ResponseCode!));

            case SimulatedFaultKind.DropAfterProcessing or SimulatedFaultKind.HangAfterProcessing:
                // The operation runs first; the endpoint then withholds its answer (WithholdAnswerAsync).
                return (false, null);

            default:
                throw new InvalidOperationException($"Unknown fault kind {fault.Kind}.");
        }
    }

    /// <summary>
    /// Throttling surfacing as a per-item ErrorInternalServerError with the real cause as inner error
    /// (ews-protocol.md §2.5); without a back-off it is a plain internal error.
    /// </summary>
    private static ItemError InternalServerError(ScenarioFault fault) =>
        new("ErrorInternalServerError", fault.Message ?? "An internal server error occurred. The operation failed.",
            fault.BackOffMilliseconds > 0
                ?
                [
                    new("InnerErrorMessageText", "The server cannot service this request right now. Try again later."),
                    new("InnerErrorResponseCode", "ErrorServerBusy"),
                    new("InnerErrorDescriptiveLinkKey", "0"),
                    new("BackOffMilliseconds", fault.BackOffMilliseconds.ToString(CultureInfo.InvariantCulture)),
                ]
                : null);

    /// <summary>IIS's own 503 (request queue full): HTML, not SOAP; Retry-After in whole seconds when a back-off is set.</summary>
    public static Task WriteServiceUnavailableAsync(HttpContext context, ScenarioFault fault)
    {
        const string body = "<html><body><h1>Service Unavailable</h1><p>HTTP Error 503. The service is unavailable.</p></body></html>";
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.ContentType = "text/html";
        if (fault.BackOffMilliseconds > 0)
        {
            context.Response.Headers.RetryAfter = ((fault.BackOffMilliseconds + 999) / 1000).ToString(CultureInfo.InvariantCulture);
        }

        return context.Response.WriteAsync(body);
    }

    public static bool ActsAfterProcessing(ScenarioFault fault) =>
        fault.Kind is SimulatedFaultKind.DropAfterProcessing or SimulatedFaultKind.HangAfterProcessing;

    /// <summary>
    /// For a fault that acts after processing: drops the connection, or stalls; true when the (late) answer should
    /// still be written, false when the client never gets one.
    /// </summary>
    public static async Task<bool> WithholdAnswerAsync(HttpContext context, SimulatorRuntime runtime, ScenarioFault fault)
    {
        if (fault.Kind == SimulatedFaultKind.DropAfterProcessing)
        {
            context.Abort();
            return false;
        }

        return await StallAsync(context, runtime, fault.DelayMilliseconds).ConfigureAwait(false);
    }

    /// <summary>Waits; true when the request should then be answered normally, false when it was abandoned.</summary>
    public static async Task<bool> StallAsync(HttpContext context, SimulatorRuntime runtime, int delayMilliseconds)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, runtime.Stopping);
        try
        {
            await Task.Delay(delayMilliseconds > 0 ? delayMilliseconds : Timeout.Infinite, stall.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            // The client gave up or the simulator is stopping: drop the connection without answering.
            context.Abort();
            return false;
        }
    }
}
