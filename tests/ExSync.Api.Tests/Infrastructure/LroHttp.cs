using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// Raw HTTP for the long-running-operation headers (Operation-Location, Retry-After, Repeatability-Request-ID), which the generated
/// client does not expose.
/// </summary>
public static class LroHttp
{
    public static async Task<LroResponse> SendJsonAsync(this HttpClient http, HttpMethod method, string url, string? body = null, string? requestId = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (requestId is not null)
        {
            request.Headers.Add("Repeatability-Request-ID", requestId);
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return new LroResponse(
            response.StatusCode,
            response.Headers.TryGetValues("Operation-Location", out var location) ? location.Single() : null,
            response.Headers.RetryAfter,
            text.Length == 0 ? null : JsonNode.Parse(text),
            text);
    }

    public static Task<LroResponse> GetJsonAsync(this HttpClient http, string url) => http.SendJsonAsync(HttpMethod.Get, url);
}

/// <summary>A response with the headers of the long-running-operation contract.</summary>
public sealed record LroResponse(HttpStatusCode Status, string? OperationLocation, RetryConditionHeaderValue? RetryAfter, JsonNode? Json, string Body)
{
    /// <summary>The job id of a status monitor body, or of the job inside an apply-default-settings report.</summary>
    public Guid JobId => Guid.Parse((Json!["job"]?["id"] ?? Json["id"])!.GetValue<string>());

    /// <summary>The job status of a status monitor body.</summary>
    public string? JobStatus => Json?["status"]?.GetValue<string>();

    /// <summary>The problem's stable code.</summary>
    public string? Code => Json?["code"]?.GetValue<string>();
}
