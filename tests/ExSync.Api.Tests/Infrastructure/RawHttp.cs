using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// Requests the generated client cannot make: malformed bodies, wrong media types, fields the contract does not have.
/// </summary>
public static class RawHttp
{
    public const string Json = "application/json";
    public const string MergePatch = "application/merge-patch+json";

    /// <summary>Sends <paramref name="body"/> exactly as given; a null <paramref name="contentType"/> sends no Content-Type header.</summary>
    public static async Task<RawResponse> SendAsync(
        this HttpClient http,
        HttpMethod method,
        string url,
        string? body = null,
        string? contentType = Json,
        string? ifMatch = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await SendAsync(http, request);
    }

    /// <summary>Sends raw bytes, for bodies that are not valid UTF-8.</summary>
    public static async Task<RawResponse> SendBytesAsync(this HttpClient http, HttpMethod method, string url, byte[] body, string contentType = Json)
    {
        using var request = new HttpRequestMessage(method, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await SendAsync(http, request);
    }

    private static async Task<RawResponse> SendAsync(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonNode? json = null;
        if (text.Length > 0)
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // Left null: the assertions report the body as text.
            }
        }

        return new RawResponse(
            response.StatusCode,
            response.Content.Headers.ContentType?.MediaType,
            text,
            json,
            response.Headers.ETag?.ToString(),
            response.Headers.Location);
    }
}

/// <summary>A response read in full.</summary>
public sealed record RawResponse(HttpStatusCode Status, string? MediaType, string Body, JsonNode? Json, string? ETag, Uri? Location)
{
    /// <summary>The problem's stable code.</summary>
    public string? Code => Json?["code"]?.GetValue<string>();

    /// <summary>The problem's field errors, as (code, target) pairs.</summary>
    public IReadOnlyList<(string Code, string Target)> Details =>
        Json?["details"]?.AsArray().Select(d => (d!["code"]!.GetValue<string>(), d["target"]!.GetValue<string>())).ToList() ?? [];

    /// <summary>The message of the field error at <paramref name="target"/>.</summary>
    public string MessageFor(string target) =>
        Json?["details"]?.AsArray().FirstOrDefault(d => d!["target"]!.GetValue<string>() == target)?["message"]?.GetValue<string>()
        ?? throw new Xunit.Sdk.XunitException($"No field error for {target} in {Body}");

    /// <summary>Asserts an RFC 9457 problem with this status and code, carrying a trace id.</summary>
    public RawResponse AssertProblem(HttpStatusCode status, string code)
    {
        Assert.True(status == Status, $"Expected {(int)status}, got {(int)Status}: {Body}");
        Assert.True(MediaType == "application/problem+json", $"Expected application/problem+json, got '{MediaType}': {Body}");
        Assert.True(code == Code, $"Expected code {code}, got {Code}: {Body}");
        Assert.False(string.IsNullOrEmpty(Json?["traceId"]?.GetValue<string>()), $"No traceId: {Body}");
        Assert.Equal((int)status, Json?["status"]?.GetValue<int>());
        return this;
    }
}
