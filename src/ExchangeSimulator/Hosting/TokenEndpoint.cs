using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// POST /{tenantId}/oauth2/v2.0/token: the client-credentials grant of Microsoft Entra ID's v2 endpoint, enough for
/// Hybrid Modern Auth tests. The client authenticates with client_id/client_secret in the form or with HTTP Basic.
/// </summary>
internal sealed class TokenEndpoint(SimulatorRuntime runtime)
{
    public async Task HandleAsync(HttpContext context, string tenantId)
    {
        runtime.Requests.RecordTokenRequest();
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            context.Response.Headers.Allow = "POST";
            return;
        }

        TokenEndpointResult result;
        if (!context.Request.HasFormContentType)
        {
            result = new TokenEndpointResult(400, new Dictionary<string, object>
            {
                ["error"] = "invalid_request",
                ["error_description"] = "AADSTS900144: The request body must be application/x-www-form-urlencoded.",
            });
        }
        else
        {
            var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
            var fields = form.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(), StringComparer.Ordinal);
            result = runtime.Tokens.Issue(tenantId, fields, ReadBasicClientCredentials(context.Request));
        }

        context.Response.StatusCode = result.StatusCode;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store, no-cache";
        await context.Response.WriteAsync(JsonSerializer.Serialize(result.Body), context.RequestAborted).ConfigureAwait(false);
    }

    private static (string ClientId, string Secret)? ReadBasicClientCredentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
            var separator = decoded.IndexOf(':', StringComparison.Ordinal);
            return separator <= 0 ? null : (Uri.UnescapeDataString(decoded[..separator]), Uri.UnescapeDataString(decoded[(separator + 1)..]));
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
