using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Text fields refuse control characters with 400 <c>ControlCharacter</c> at the field's path: one-line fields (names, ids,
/// addresses, secrets) every one, multi-line fields (descriptions, PEM) all but tab, CR and LF.
/// </summary>
public sealed class ControlCharacterTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("name", "\u0000")]
    [InlineData("name", "Alice\u0000")]
    [InlineData("name", "Alice\tJones")]
    [InlineData("name", "Alice\nJones")]
    [InlineData("name", "Alice\u007f")]
    [InlineData("name", "Alice\u0085")]
    [InlineData("owner.id", "\u0000")]
    [InlineData("owner.name", "Bob\u001b[31m")]
    [InlineData("emailAddress", "alice\u0000@contoso.com")]
    public async Task AMailboxWithAControlCharacterInAOneLineFieldIsRefused(string path, string value)
    {
        var body = OpenApiExamples.With(TestData.ToJson(TestData.MailboxWithoutSync()), path, value).ToJsonString();

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", body);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Contains(("ControlCharacter", path), response.Details);
    }

    [Fact]
    public async Task EveryFreeTextFieldOfEveryRequestBodyRefusesANul()
    {
        // Each free-text field of each body schema, set to a value with a NUL in each example of the schema's resource (POST and
        // PATCH bodies of a resource share their rules): somewhere it must be refused as ControlCharacter, and nowhere accepted.
        var fields = OpenApiExamples.All
            .SelectMany(e => OpenApiExamples.FreeTextPaths(e.Schema).Select(path => (e.Resource, Path: path)))
            .ToHashSet();
        var refused = new HashSet<(string Resource, string Path)>();
        foreach (var example in OpenApiExamples.All)
        {
            var url = await RequestExampleTests.UrlAsync(app, example.Path);
            foreach (var path in OpenApiExamples.FreeTextPaths(example.Schema))
            {
                var body = OpenApiExamples.With(example.Body, path, "x\u0000y").ToJsonString();

                var response = await app.CreateClient().SendAsync(example.Method, url, body, example.MediaType);

                Assert.True(response.Status == HttpStatusCode.BadRequest, $"{example.Key} with a NUL in {path}: {(int)response.Status} {response.Body}");
                if (response.Details.Contains(("ControlCharacter", path)))
                {
                    refused.Add((example.Resource, path));
                }
            }
        }

        Assert.NotEmpty(fields);
        Assert.Empty(fields.Except(refused));
    }

    [Fact]
    public async Task APatchThatPutsAControlCharacterInANameIsRefusedAndChangesNothing()
    {
        var created = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"name":"Contoso\u0000"}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("ControlCharacter", "name")], response.Details);
        Assert.Equal(created.Etag, (await app.ServerProfiles().GetServerProfileAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task AControlCharacterInAPasswordIsRefusedWithoutQuotingThePassword()
    {
        const string password = "Secret-With-Nul\u0000-Inside";
        var body = ProfileWith("authentication.impersonation.password", password);

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", body);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("ControlCharacter", "authentication.impersonation.password")], response.Details);
        Assert.DoesNotContain("Secret-With-Nul", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADescriptionMaySpanLinesButHoldNoOtherControlCharacter()
    {
        var multiLine = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", ProfileWith("description", "Contoso\r\n\tSecond line"));
        var bell = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", ProfileWith("description", "Contoso\u0007"));

        Assert.Equal(HttpStatusCode.Created, multiLine.Status);
        Assert.Equal("Contoso\r\n\tSecond line", multiLine.Json!["description"]!.GetValue<string>());
        bell.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("ControlCharacter", "description")], bell.Details);
    }

    [Fact]
    public async Task AnUnpairedSurrogateIsRefusedByTheJsonReaderBeforeAnyRule()
    {
        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", """{"name":"Alice\udc00","emailAddress":"a@contoso.com","owner":{"type":"User","id":"a"}}""");

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
    }

    private static string ProfileWith(string path, string value) => OpenApiExamples.With(TestData.ToJson(TestData.Profile()), path, value).ToJsonString();
}
