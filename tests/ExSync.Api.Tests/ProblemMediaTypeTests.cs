using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>
/// An error is an application/problem+json body with its code whatever the client says it accepts: a browser (text/html) or an
/// XML client gets the same problem a JSON client gets, not an empty body; and an expected error is not logged as unhandled.
/// </summary>
public sealed class ProblemMediaTypeTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const string Profiles = "/api/v1/server-profiles";

    public static TheoryData<string, string> Cases => new()
    {
        { "application/xml", "MalformedJson" },
        { "application/xml", "RouteNotFound" },
        { "application/xml", "ServerProfileNotFound" },
        { "application/xml", "ServerProfileNameConflict" },
        { "application/xml", "PreconditionFailed" },
        { "application/xml", "Unauthorized" },
        { "text/html", "MalformedJson" },
        { "text/html", "RouteNotFound" },
        { "text/html", "ServerProfileNotFound" },
        { "text/html", "ServerProfileNameConflict" },
        { "text/html", "PreconditionFailed" },
        { "text/html", "Unauthorized" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheProblemIsProblemJsonWithItsCodeWhateverTheClientAccepts(string accept, string code)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        var before = app.Logs.Count;

        var (status, response) = code switch
        {
            "MalformedJson" => (HttpStatusCode.BadRequest, await http.SendAsync(HttpMethod.Post, Profiles, "{")),
            "RouteNotFound" => (HttpStatusCode.NotFound, await http.SendAsync(HttpMethod.Get, "/api/v1/no-such-resource")),
            "ServerProfileNotFound" => (HttpStatusCode.NotFound, await http.SendAsync(HttpMethod.Get, $"{Profiles}/{Guid.NewGuid()}")),
            "ServerProfileNameConflict" => (HttpStatusCode.Conflict, await CreateTwiceAsync(http)),
            "PreconditionFailed" => (HttpStatusCode.PreconditionFailed, await PatchWithStaleETagAsync(http)),
            _ => (HttpStatusCode.Unauthorized, await WithoutToken(http).SendAsync(HttpMethod.Get, Profiles)),
        };

        response.AssertProblem(status, code);
        Assert.DoesNotContain(app.Logs.Skip(before), line => line.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<RawResponse> CreateTwiceAsync(HttpClient http)
    {
        var body = JsonSerializer.Serialize(TestData.Profile(), ServerProfilesTests.ClientJsonOptions);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(HttpMethod.Post, Profiles, body)).Status);
        return await http.SendAsync(HttpMethod.Post, Profiles, body);
    }

    private static async Task<RawResponse> PatchWithStaleETagAsync(HttpClient http)
    {
        var created = await http.SendAsync(HttpMethod.Post, Profiles, JsonSerializer.Serialize(TestData.Profile(), ServerProfilesTests.ClientJsonOptions));
        return await http.SendAsync(HttpMethod.Patch, created.Location!.ToString(), """{"description":"x"}""", RawHttp.MergePatch, ifMatch: "\"stale\"");
    }

    private static HttpClient WithoutToken(HttpClient http)
    {
        http.DefaultRequestHeaders.Authorization = null;
        return http;
    }
}
