using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// The simulator's own HTTP API under /_simulator, for tests and tools in another process (a standalone simulator):
/// what was sent (the outbox), send limits, refused recipients, faults and request counts. JSON in the scenario
/// format (camelCase, enums as strings, unknown properties refused); errors are RFC 9457 problem+json. Any account
/// of the scenario may call it, authenticated as for EWS.
/// </summary>
internal sealed class ControlEndpoint(SimulatorRuntime runtime)
{
    private const string MailboxesPrefix = "/mailboxes/";
    private const string SendLimitsSuffix = "/send-limits";

    private static readonly JsonSerializerOptions Json = SimulatorScenario.JsonOptions;

    public Task HandleAsync(HttpContext context)
    {
        context.Request.Path.StartsWithSegments(SimulatorPaths.Control, StringComparison.OrdinalIgnoreCase, out var rest);
        var route = rest.Value ?? "";
        var method = context.Request.Method;
        return route.ToLowerInvariant() switch
        {
            "/outbox" when HttpMethods.IsGet(method) => ReadOutboxAsync(context),
            "/outbox" when HttpMethods.IsDelete(method) => WriteJsonAsync(context, new { value = runtime.State.Outbox.TakeAll().Select(message => ToJson(message, includeMime: true)) }),
            "/outbox" => MethodNotAllowedAsync(context, "GET, DELETE"),
            "/rejected-recipients" when HttpMethods.IsGet(method) => WriteJsonAsync(context, new { value = runtime.State.RejectedRecipients }),
            "/rejected-recipients" when HttpMethods.IsPut(method) => SetRejectedRecipientsAsync(context),
            "/rejected-recipients" => MethodNotAllowedAsync(context, "GET, PUT"),
            "/faults" when HttpMethods.IsPost(method) => AddFaultAsync(context),
            "/faults" when HttpMethods.IsDelete(method) => NoContent(context, runtime.State.ClearFaults),
            "/faults" => MethodNotAllowedAsync(context, "POST, DELETE"),
            "/requests" when HttpMethods.IsGet(method) => ReadRequestsAsync(context),
            "/requests" when HttpMethods.IsDelete(method) => NoContent(context, runtime.Requests.Reset),
            "/requests" => MethodNotAllowedAsync(context, "GET, DELETE"),
            _ when route.StartsWith(MailboxesPrefix, StringComparison.OrdinalIgnoreCase) && route.EndsWith(SendLimitsSuffix, StringComparison.OrdinalIgnoreCase) =>
                SendLimitsAsync(context, Uri.UnescapeDataString(route[MailboxesPrefix.Length..^SendLimitsSuffix.Length])),
            _ => ProblemAsync(context, StatusCodes.Status404NotFound, "NotFound", $"The control API has no resource {route}."),
        };
    }

    private Task ReadOutboxAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var externalOnly = IsTrue(query["external"]);
        var includeMime = IsTrue(query["includeMime"]);
        var messageId = query["messageId"].ToString();
        var outbox = runtime.State.Outbox;
        IEnumerable<SentMessage> messages = externalOnly ? outbox.External : outbox.Sent;
        if (messageId.Length > 0)
        {
            var wanted = messageId.Trim('<', '>', ' ');
            messages = messages.Where(message => message.MessageId.Trim('<', '>') == wanted);
        }

        return WriteJsonAsync(context, new { value = messages.Select(message => ToJson(message, includeMime)) });
    }

    private async Task SetRejectedRecipientsAsync(HttpContext context)
    {
        if (await ReadJsonAsync<List<string>>(context) is { } addresses)
        {
            runtime.State.SetRejectedRecipients(addresses);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    }

    private async Task AddFaultAsync(HttpContext context)
    {
        if (await ReadJsonAsync<ScenarioFault>(context) is not { } fault)
        {
            return;
        }

        try
        {
            // The scenario validator knows what a fault needs; a scenario holding only this fault asks it.
            ScenarioValidator.ThrowIfInvalid(new SimulatorScenario { Faults = [fault] });
        }
        catch (InvalidDataException invalid)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "InvalidFault", invalid.Message).ConfigureAwait(false);
            return;
        }

        runtime.State.AddFault(fault);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private Task ReadRequestsAsync(HttpContext context)
    {
        var operation = context.Request.Query["operation"].ToString();
        var mailbox = context.Request.Query["mailbox"].ToString();
        var requests = runtime.Requests;
        long? count = (operation.Length, mailbox.Length) switch
        {
            (> 0, > 0) => requests.Count(operation, mailbox),
            (> 0, 0) => requests.Count(operation),
            (0, > 0) => requests.CountForMailbox(mailbox),
            _ => null,
        };
        return WriteJsonAsync(context, new { total = requests.Total, count, peakConcurrentRequests = requests.PeakConcurrentRequests });
    }

    private async Task SendLimitsAsync(HttpContext context, string mailbox)
    {
        if (!runtime.State.HasMailbox(mailbox))
        {
            await ProblemAsync(context, StatusCodes.Status404NotFound, "MailboxNotFound", $"The simulator has no mailbox {mailbox}.").ConfigureAwait(false);
            return;
        }

        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            await WriteJsonAsync(context, runtime.State.GetSendLimits(mailbox) ?? new ScenarioSendLimits()).ConfigureAwait(false);
        }
        else if (HttpMethods.IsDelete(method))
        {
            runtime.State.SetSendLimits(mailbox, null);
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else if (!HttpMethods.IsPut(method))
        {
            await MethodNotAllowedAsync(context, "GET, PUT, DELETE").ConfigureAwait(false);
        }
        else if (await ReadJsonAsync<ScenarioSendLimits>(context) is { } limits)
        {
            try
            {
                runtime.State.SetSendLimits(mailbox, limits);
                context.Response.StatusCode = StatusCodes.Status204NoContent;
            }
            catch (InvalidDataException invalid)
            {
                await ProblemAsync(context, StatusCodes.Status400BadRequest, "InvalidSendLimits", invalid.Message).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The body as <typeparamref name="T"/>; null once a problem has been answered.</summary>
    private static async Task<T?> ReadJsonAsync<T>(HttpContext context)
        where T : class
    {
        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted).ConfigureAwait(false);
            if (value is not null)
            {
                return value;
            }

            await ProblemAsync(context, StatusCodes.Status400BadRequest, "InvalidBody", "The body must not be null.").ConfigureAwait(false);
        }
        catch (JsonException invalid)
        {
            await ProblemAsync(context, StatusCodes.Status400BadRequest, "InvalidBody", $"The body is not valid JSON for this resource: {invalid.Message}").ConfigureAwait(false);
        }

        return null;
    }

    private static object ToJson(SentMessage message, bool includeMime) => new
    {
        messageId = message.MessageId,
        sender = message.Sender,
        from = message.From,
        subject = message.Subject,
        recipients = message.Recipients,
        externalRecipients = message.ExternalRecipients,
        submittedAt = message.SubmittedAt,
        mime = includeMime ? Convert.ToBase64String(message.Mime.Span) : null,
    };

    private static bool IsTrue(Microsoft.Extensions.Primitives.StringValues value) =>
        string.Equals(value.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    private static Task NoContent(HttpContext context, Action action)
    {
        action();
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    private static Task WriteJsonAsync(HttpContext context, object value)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        return JsonSerializer.SerializeAsync(context.Response.Body, value, value.GetType(), Json, context.RequestAborted);
    }

    private static Task MethodNotAllowedAsync(HttpContext context, string allow)
    {
        context.Response.Headers.Allow = allow;
        return ProblemAsync(context, StatusCodes.Status405MethodNotAllowed, "MethodNotAllowed", $"Allowed: {allow}.");
    }

    private static Task ProblemAsync(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var problem = new { type = "about:blank", title = code, status, detail, code };
        return JsonSerializer.SerializeAsync(context.Response.Body, problem, Json, context.RequestAborted);
    }
}
