using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>
/// JWT bearer authentication from the standard Authentication:Schemes:Bearer section: what is refused (and how the 401 says why),
/// where roles are read from, what stays anonymous, and that a token made by <c>dotnet user-jwts</c> works with the configuration
/// that tool writes.
/// </summary>
public sealed class AuthenticationTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // An operation that needs ExSync.Administrator, and one that needs Mailbox.Read to list every mailbox.
    private const string AdministratorOnly = "/api/v1/server-profiles";

    [Fact]
    public async Task NoTokenIsRefusedWith401ProblemAndABearerChallenge()
    {
        var response = await SendAsync(app.CreateAnonymousClient(), AdministratorOnly);

        response.Raw.AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Equal("Bearer", Assert.Single(response.WwwAuthenticate).Scheme);
        Assert.Null(response.WwwAuthenticate.Single().Parameter);
        Assert.Contains("No bearer token", Detail(response));
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", "expired" },
        { "wrong signature", "signature" },
        { "wrong audience", "audience" },
        { "wrong issuer", "issuer" },
        { "not a JWT", "not valid" },
        { "unsigned", "signature" },
        { "no subject", "subject" },
        { "blank subject", "subject" },
        { "subject claiming to be ExSync itself", "subject" },
        { "subject claiming to be anonymous", "subject" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task ABadTokenIsRefusedWith401SayingWhatIsWrong(string flaw, string explanation)
    {
        var roles = TestTokens.AllPrivileges;
        var token = flaw switch
        {
            "expired" => app.Tokens.Create("alice", roles, expires: DateTimeOffset.UtcNow.AddHours(-1)),
            "wrong signature" => app.Tokens.Create("alice", roles, signingKey: RandomNumberGenerator.GetBytes(32)),
            "wrong audience" => app.Tokens.Create("alice", roles, audience: "some-other-api"),
            "wrong issuer" => app.Tokens.Create("alice", roles, issuer: "https://identity.fabrikam.test"),
            "unsigned" => Unsigned(app.Tokens.Create("alice", roles)),
            "no subject" => app.Tokens.Create(null, roles),
            "blank subject" => app.Tokens.Create("  ", roles),
            "subject claiming to be ExSync itself" => app.Tokens.Create("System", roles),
            "subject claiming to be anonymous" => app.Tokens.Create("anonymous", roles),
            _ => "eyJub3QiOiJhIEpXVCJ9.garbage",
        };

        var response = await SendAsync(WithToken(token), AdministratorOnly);

        response.Raw.AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
        var challenge = Assert.Single(response.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Equal("error=\"invalid_token\"", challenge.Parameter);
        Assert.Contains(explanation, Detail(response), StringComparison.OrdinalIgnoreCase);

        // Each flaw has its own explanation: the message names this flaw and no other.
        foreach (var other in BadTokens.Select(row => (string)row.Data.Item2).Where(e => e != explanation && e != "not valid"))
        {
            Assert.DoesNotContain(other, Detail(response), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task TheSameTokenWithoutTheFlawIsAccepted()
    {
        // The control for the theory above: the tokens it sends differ from this one only in their flaw.
        var response = await SendAsync(WithToken(app.Tokens.Create("alice", TestTokens.AllPrivileges)), AdministratorOnly);

        Assert.Equal(HttpStatusCode.OK, response.Raw.Status);
    }

    [Theory]
    [InlineData("roles")]
    [InlineData("role")]
    public async Task PrivilegesAreReadFromTheRolesAndFromTheRoleClaim(string claim)
    {
        var administrator = WithToken(app.Tokens.Create("carol", ["ExSync.Administrator"], roleClaim: claim));
        var approver = WithToken(app.Tokens.Create("dave", ["ExSync.Administrator", "Email.Approve"], roleClaim: claim));
        var nobody = WithToken(app.Tokens.Create("erin", [], roleClaim: claim));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(administrator, AdministratorOnly)).Raw.Status);
        var approval = await SendAsync(approver, "/api/v1/mailboxes/approve-email", HttpMethod.Post, $$"""{"mailboxIds":["{{Guid.NewGuid()}}"]}""");
        Assert.Equal(HttpStatusCode.OK, approval.Raw.Status);
        (await SendAsync(nobody, AdministratorOnly)).Raw.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");

        // Email.Approve alone is not enough: the Administrator role of the claim counted above.
        var approverOnly = WithToken(app.Tokens.Create("frank", ["Email.Approve"], roleClaim: claim));
        var refused = await SendAsync(approverOnly, "/api/v1/mailboxes/approve-email", HttpMethod.Post, $$"""{"mailboxIds":["{{Guid.NewGuid()}}"]}""");
        refused.Raw.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData("/swagger")]
    [InlineData("/swagger/index.html")]
    public async Task ProbesTheContractAndSwaggerUiAreAnonymous(string path)
    {
        var response = await SendAsync(app.CreateAnonymousClient(), path);

        Assert.True(response.Raw.Status == HttpStatusCode.OK, $"GET {path} without a token answered {(int)response.Raw.Status}: {response.Raw.Body}");
        if (path.StartsWith("/swagger", StringComparison.Ordinal))
        {
            Assert.Equal("text/html", response.Raw.MediaType);
            Assert.Contains("swagger-ui", response.Raw.Body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task SwaggerUiOffersAnAuthorizeButtonThroughTheBearerScheme()
    {
        var document = JsonNode.Parse(await app.CreateAnonymousClient().GetStringAsync("/openapi/v1.json", Ct))!;
        var scheme = document["components"]!["securitySchemes"]!["Bearer"]!;

        Assert.Equal("http", scheme["type"]!.GetValue<string>());
        Assert.Equal("bearer", scheme["scheme"]!.GetValue<string>());
        Assert.Equal("JWT", scheme["bearerFormat"]!.GetValue<string>());
    }

    [Fact]
    public async Task ATokenAsDotnetUserJwtsCreatesItIsAcceptedWithTheConfigurationUserJwtsWrites()
    {
        // What `dotnet user-jwts create --role ExSync.Administrator` writes: appsettings.Development.json gets ValidAudiences (the
        // launch profile's URLs) and ValidIssuer; user secrets get the signing key under SigningKeys with Id, Issuer, Value and Length.
        var key = RandomNumberGenerator.GetBytes(32);
        await using var userJwtsApp = new ExSyncApplication();
        userJwtsApp.Settings["Authentication:Schemes:Bearer:ValidAudiences:0"] = "http://localhost:5180";
        userJwtsApp.Settings["Authentication:Schemes:Bearer:ValidIssuer"] = "dotnet-user-jwts";
        userJwtsApp.Settings["Authentication:Schemes:Bearer:SigningKeys:0:Id"] = "3f1c9a2e";
        userJwtsApp.Settings["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = "dotnet-user-jwts";
        userJwtsApp.Settings["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = Convert.ToBase64String(key);
        userJwtsApp.Settings["Authentication:Schemes:Bearer:SigningKeys:0:Length"] = "32";

        // One --role gives a "role" string; several give an array.
        var administrator = UserJwt(key, "grace", ["ExSync.Administrator"]);
        var approver = UserJwt(key, "heidi", ["ExSync.Administrator", "Email.Approve"]);

        var list = await SendAsync(WithToken(userJwtsApp, administrator), AdministratorOnly);
        Assert.True(list.Raw.Status == HttpStatusCode.OK, list.Raw.Body);
        var approval = await SendAsync(WithToken(userJwtsApp, approver), "/api/v1/mailboxes/approve-email", HttpMethod.Post, $$"""{"mailboxIds":["{{Guid.NewGuid()}}"]}""");
        Assert.True(approval.Raw.Status == HttpStatusCode.OK, approval.Raw.Body);

        // The subject is who ExSync records as the actor.
        var created = await SendAsync(WithToken(userJwtsApp, administrator), "/api/v1/server-profiles", HttpMethod.Post, JsonSerializer.Serialize(TestData.Profile(), ServerProfilesTests.ClientJsonOptions));
        Assert.True(created.Raw.Status == HttpStatusCode.Created, created.Raw.Body);
        var audit = await SendAsync(WithToken(userJwtsApp, administrator), $"/api/v1/audit-events?target={created.Raw.Json!["id"]}");
        Assert.Equal("grace", audit.Raw.Json!["value"]![0]!["actorId"]!.GetValue<string>());

        // The same token signed with another key is still refused: the configured key is what made it valid.
        var forged = UserJwt(RandomNumberGenerator.GetBytes(32), "grace", ["ExSync.Administrator"]);
        (await SendAsync(WithToken(userJwtsApp, forged), AdministratorOnly)).Raw.AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
    }

    /// <summary>
    /// A token with the claims dotnet user-jwts puts in (JwtSecurityTokenHandler output): unique_name and sub from --name, a short
    /// hex jti, role claims, a single audience as a string, nbf/exp/iat and the issuer "dotnet-user-jwts", signed HS256 with the key.
    /// </summary>
    private static string UserJwt(byte[] key, string name, string[] roles)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["unique_name"] = name,
            ["sub"] = name,
            ["jti"] = RandomNumberGenerator.GetHexString(8, lowercase: true),
            ["role"] = roles.Length == 1 ? JsonValue.Create(roles[0]) : new JsonArray(roles.Select(r => (JsonNode)JsonValue.Create(r)!).ToArray()),
            ["aud"] = "http://localhost:5180",
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMonths(3).ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = "dotnet-user-jwts",
        };
        var unsigned = $"{Base64Url(Encoding.UTF8.GetBytes("""{"alg":"HS256","typ":"JWT"}"""))}.{Base64Url(Encoding.UTF8.GetBytes(payload.ToJsonString()))}";
        return $"{unsigned}.{Base64Url(HMACSHA256.HashData(key, Encoding.ASCII.GetBytes(unsigned)))}";
    }

    /// <summary>The same claims with "alg":"none" and no signature.</summary>
    private static string Unsigned(string token) =>
        $"{Base64Url(Encoding.UTF8.GetBytes("""{"alg":"none","typ":"JWT"}"""))}.{token.Split('.')[1]}.";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private HttpClient WithToken(string token) => WithToken(app, token);

    private static HttpClient WithToken(ExSyncApplication application, string token)
    {
        var client = application.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Detail(Response response) => response.Raw.Json?["detail"]?.GetValue<string>() ?? string.Empty;

    internal static async Task<Response> SendAsync(HttpClient http, string url, HttpMethod? method = null, string? body = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        JsonNode? json = null;
        try
        {
            json = text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true ? JsonNode.Parse(text) : null;
        }
        catch (JsonException)
        {
        }

        return new Response(
            new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, json, response.Headers.ETag?.ToString(), response.Headers.Location),
            response.Headers.WwwAuthenticate.ToList());
    }

    internal sealed record Response(RawResponse Raw, IReadOnlyList<AuthenticationHeaderValue> WwwAuthenticate);
}
