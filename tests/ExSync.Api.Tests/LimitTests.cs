using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Limits against abuse: a per-caller rate limit on job-creating endpoints (429 with Retry-After), a request body limit (413), and
/// at most 10,000 ids per bulk request (400).
/// </summary>
public sealed class LimitTests : IAsyncLifetime
{
    private const int BodyLimit = 2000;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ExSyncApplication app = new();

    public LimitTests()
    {
        app.Settings["Limits:JobsPerMinute"] = "1";
        app.Settings["Limits:JobsBurst"] = "2";
        app.Settings["Limits:MaxRequestBodyBytes"] = BodyLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => app.DisposeAsync();

    [Fact]
    public async Task JobCreationBeyondTheBurstIsRefusedWith429AndRetryAfterForThatCallerOnly()
    {
        var profile = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
        var mallory = app.CreateClient("mallory", TestTokens.AllPrivileges);
        var jobsBefore = (await app.Jobs().ListJobsAsync(pageSize: 1000, cancellationToken: Ct)).Value.Count;

        // The burst: two jobs at once.
        for (var i = 0; i < 2; i++)
        {
            var accepted = await StartJobAsync(mallory);
            Assert.True(accepted.StatusCode == HttpStatusCode.Accepted, $"job {i + 1} of the burst: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync(Ct)}");
        }

        // The third is refused, as problem+json with a whole number of seconds to wait.
        using var refused = await StartJobAsync(mallory);
        var body = JsonNode.Parse(await refused.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal("TooManyRequests", body["code"]!.GetValue<string>());
        Assert.Equal(429, body["status"]!.GetValue<int>());
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.True(int.TryParse(retryAfter, out var seconds) && seconds is >= 1 and <= 60, $"Retry-After: {retryAfter}");
        Assert.Contains(retryAfter, body["detail"]!.GetValue<string>());

        // The limit is per caller across every job-creating route; other routes are not limited.
        using var otherRoute = await mallory.PostAsync(
            $"/api/v1/server-profiles/{profile.Id}/test-connection", Json("""{"emailAddress":"someone@contoso.com"}"""), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, otherRoute.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await mallory.GetAsync("/api/v1/jobs", Ct)).StatusCode);

        // Another caller still has a full bucket.
        using var trent = await StartJobAsync(app.CreateClient("trent", TestTokens.AllPrivileges));
        Assert.Equal(HttpStatusCode.Accepted, trent.StatusCode);

        // The refused requests created no job: two of mallory's and one of trent's exist.
        Assert.Equal(jobsBefore + 3, (await app.Jobs().ListJobsAsync(pageSize: 1000, cancellationToken: Ct)).Value.Count);
    }

    [Fact]
    public async Task EveryJobCreatingOperationDocuments429()
    {
        var document = JsonNode.Parse(await app.CreateAnonymousClient().GetStringAsync("/openapi/v1.json", Ct))!;
        var limited = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(op => op.Value!["responses"]!["429"] is not null).Select(op => op.Value!["operationId"]!.GetValue<string>()))
            .Order()
            .ToList();

        Assert.Equal(["ApplyDefaultSettings", "TestAndEnableMailboxes", "TestAndEnableServerProfileMailboxes", "TestServerProfileConnection"], limited);
    }

    [Fact]
    public async Task ABodyAboveTheLimitIsRefusedWith413()
    {
        var http = app.CreateClient();
        var fits = TestData.Profile();
        var tooLarge = TestData.Profile();
        tooLarge.Description = new string('x', BodyLimit);
        var fitting = JsonSerializer.Serialize(fits, ServerProfilesTests.ClientJsonOptions);
        var oversized = JsonSerializer.Serialize(tooLarge, ServerProfilesTests.ClientJsonOptions);
        Assert.True(fitting.Length < BodyLimit && oversized.Length > BodyLimit);

        // The control: below the limit the same kind of request is created.
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(HttpMethod.Post, "/api/v1/server-profiles", fitting)).Status);

        // With Content-Length: refused before the body is read.
        var declared = await http.SendAsync(HttpMethod.Post, "/api/v1/server-profiles", oversized);
        declared.AssertProblem(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");

        // Without Content-Length (chunked): refused while reading.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/server-profiles") { Content = new ChunkedContent(Encoding.UTF8.GetBytes(oversized)) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunked = await http.SendAsync(request, Ct);
        var chunkedBody = await chunked.Content.ReadAsStringAsync(Ct);
        Assert.True(chunked.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{(int)chunked.StatusCode}: {chunkedBody}");
        Assert.Equal("RequestBodyTooLarge", JsonNode.Parse(chunkedBody)!["code"]!.GetValue<string>());

        Assert.DoesNotContain((await app.ServerProfiles().ListServerProfilesAsync(pageSize: 1000, cancellationToken: Ct)).Value, p => p.Name == tooLarge.Name);
    }

    [Fact]
    public async Task MoreThanTenThousandMailboxIdsAreRefusedWith400TooMany()
    {
        // The default body limit (1 MiB) lets 10,001 ids through to the validator, which names the rule.
        await using var defaults = new ExSyncApplication();
        var body = JsonSerializer.Serialize(new { mailboxIds = Enumerable.Range(0, 10_001).Select(_ => Guid.NewGuid()) });

        var response = await defaults.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes/approve-email", body);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("TooMany", "mailboxIds")], response.Details);
        Assert.Contains("10,000", response.MessageFor("mailboxIds"));
    }

    private static Task<HttpResponseMessage> StartJobAsync(HttpClient http) =>
        http.PostAsync("/api/v1/mailboxes/test-and-enable", Json(JsonSerializer.Serialize(new { mailboxIds = new[] { Guid.NewGuid() } })), Ct);

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A body sent without Content-Length.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
