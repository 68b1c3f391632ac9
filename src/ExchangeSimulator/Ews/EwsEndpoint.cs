using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// POST /EWS/Exchange.asmx: parse, count, validate version and impersonation, apply latency and injected faults,
/// execute, and answer with exactly <c>Content-Type: text/xml; charset=utf-8</c>.
/// </summary>
internal sealed class EwsEndpoint(SimulatorRuntime runtime)
{
    /// <summary>Exactly what Exchange sends; some clients compare the header literally.</summary>
    internal const string ContentType = "text/xml; charset=utf-8";

    private readonly ILogger _logger = runtime.LoggerFactory.CreateLogger("ExSync.ExchangeSimulator.Ews");

    public async Task HandleAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        if (!IsXmlContentType(context.Request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return;
        }

        var caller = context.Features.Get<AuthenticatedCaller>()
            ?? throw new InvalidOperationException("EWS requests must pass the authentication middleware.");

        using var body = new MemoryStream(checked((int)(context.Request.ContentLength ?? 4096)));
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        body.Position = 0;
        var request = EwsRequestParser.Parse(body);

        var (mailbox, impersonationFault, requestedAddress) = ResolveMailbox(request.Header, caller);
        var operationName = request.OperationName ?? "Unknown";
        runtime.Requests.RecordOperation(operationName, mailbox?.SmtpAddress ?? requestedAddress);

        // Schema first, then the version, then impersonation, then the mailbox's own version: the order Exchange checks them in.
        var fault = request.Fault
            ?? VersionFault(request.Header.RequestServerVersion)
            ?? impersonationFault
            ?? MailboxVersionFault(mailbox!, request.Header.RequestServerVersion);

        var latency = runtime.State.LatencyMilliseconds;
        if (latency > 0)
        {
            await Task.Delay(latency, context.RequestAborted).ConfigureAwait(false);
        }

        if (fault is not null)
        {
            SimulatorLog.EwsFault(_logger, operationName, mailbox?.SmtpAddress ?? requestedAddress, caller.Name, fault.ResponseCode, fault.Message);
            await WriteFaultAsync(context, fault).ConfigureAwait(false);
            return;
        }

        ItemError? forcedItemError = null;
        ScenarioFault? afterProcessing = null;
        if (runtime.State.Faults.TryTake(request.Operation!.Name, mailbox!.SmtpAddress) is { } injected)
        {
            SimulatorLog.FaultInjected(_logger, injected.Kind, operationName, mailbox.SmtpAddress);
            var outcome = await InjectedFaults.ApplyAsync(context, runtime, injected).ConfigureAwait(false);
            if (outcome.Handled)
            {
                return;
            }

            forcedItemError = outcome.ForcedItemError;
            afterProcessing = InjectedFaults.ActsAfterProcessing(injected) ? injected : null;
        }

        if (request.Operation is HangingEwsOperation hanging)
        {
            await hanging.RunAsync(new EwsExecutionContext(runtime, caller, mailbox, forcedItemError), context).ConfigureAwait(false);
            if (afterProcessing is not null)
            {
                context.Abort();
            }

            return;
        }

        using var writer = EwsResponseWriter.Start(runtime.ProfileFor(mailbox), request.Operation.Name);
        EwsFault? executionFault = null;
        try
        {
            request.Operation.Execute(new EwsExecutionContext(runtime, caller, mailbox, forcedItemError), writer);
        }
        catch (EwsFault thrown)
        {
            SimulatorLog.EwsFault(_logger, operationName, mailbox.SmtpAddress, caller.Name, thrown.ResponseCode, thrown.Message);
            executionFault = thrown;
        }

        // "Processed, but the client never heard": whatever the operation did stays done.
        if (afterProcessing is not null && !await InjectedFaults.WithholdAnswerAsync(context, runtime, afterProcessing).ConfigureAwait(false))
        {
            return;
        }

        if (executionFault is not null)
        {
            await WriteFaultAsync(context, executionFault).ConfigureAwait(false);
            return;
        }

        await WriteXmlAsync(context, StatusCodes.Status200OK, writer.Finish()).ConfigureAwait(false);
        SimulatorLog.EwsRequest(_logger, operationName, mailbox.SmtpAddress, caller.Name, StatusCodes.Status200OK);
    }

    internal static Task WriteFaultAsync(HttpContext context, EwsFault fault) =>
        WriteXmlAsync(context, StatusCodes.Status500InternalServerError, EwsResponseWriter.RenderFault(fault));

    private static async Task WriteXmlAsync(HttpContext context, int statusCode, ArraySegment<byte> body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.Headers.ContentType = ContentType;
        context.Response.ContentLength = body.Count;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static bool IsXmlContentType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) &&
        parsed.MediaType.Equals("text/xml", StringComparison.OrdinalIgnoreCase);

    /// <summary>The impersonated mailbox, or the caller's own; or the fault explaining why there is none.</summary>
    private (MailboxStore? Mailbox, EwsFault? Fault, string? RequestedAddress) ResolveMailbox(EwsRequestHeader header, AuthenticatedCaller caller)
    {
        var state = runtime.State;
        if (header.ImpersonationIsEmpty)
        {
            return (null, EwsFault.InvalidImpersonationHeader(), null);
        }

        if (header.Impersonation is { } impersonation)
        {
            var target = impersonation.Kind switch
            {
                "PrincipalName" => state.FindByPrincipalName(impersonation.Value),
                "SID" => state.FindBySid(impersonation.Value),
                _ => state.FindBySmtp(impersonation.Value),
            };
            if (target is null)
            {
                var valueName = impersonation.Kind is "PrimarySmtpAddress" or "SmtpAddress" ? "SmtpAddress" : impersonation.Kind;
                return (null, EwsFault.NonExistentMailbox(valueName, impersonation.Value), impersonation.Value);
            }

            return caller.MayImpersonate(target) ? (target, null, null) : (target, EwsFault.ImpersonateUserDenied(), null);
        }

        if (caller.IsApplication)
        {
            return (null, EwsFault.InvalidImpersonationHeader("ExchangeImpersonation SOAP header must be present for this type of OAuth token."), null);
        }

        var own = caller.OwnMailboxAddress is { } address ? state.FindBySmtp(address) ?? state.FindByPrincipalName(address) : null;
        return own is null ? (null, EwsFault.MissingEmailAddress(), caller.OwnMailboxAddress) : (own, null, null);
    }

    private EwsFault? VersionFault(string? requestVersion)
    {
        if (requestVersion is null)
        {
            return null;
        }

        if (!ExchangeServerProfile.IsKnownRequestVersion(requestVersion))
        {
            return EwsFault.InvalidRequest();
        }

        return runtime.Profile.Accepts(requestVersion) ? null : EwsFault.InvalidServerVersion();
    }

    private EwsFault? MailboxVersionFault(MailboxStore mailbox, string? requestVersion) =>
        requestVersion is not null && !runtime.ProfileFor(mailbox).Accepts(requestVersion)
            ? EwsFault.InvalidSchemaVersionForMailboxVersion()
            : null;
}
