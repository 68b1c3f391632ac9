using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>
/// The table-driven authorization test: every operation of the served OpenAPI document — including operations added later — is
/// called without a token, with tokens lacking each privilege it documents in x-exsync-privileges, and with exactly those privileges.
/// So an endpoint cannot be left open, and its documentation cannot disagree with what it enforces.
/// </summary>
public sealed class PrivilegeMatrixTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] AllPrivileges = TestTokens.AllPrivileges;

    /// <summary>The only operations anyone may call without a token: orchestrators' probes.</summary>
    private static readonly HashSet<string> AnonymousOperations = ["GET /health/live", "GET /health/ready"];
    private static readonly HashSet<string?> StatePreconditions = ["MailboxNotSynchronized"];

    /// <summary>Endpoints outside the document that are anonymous on purpose: the document itself.</summary>
    private static readonly HashSet<string> AnonymousUndocumentedEndpoints = ["GET /openapi/{documentName}.json"];

    [Fact]
    public async Task EveryOperationExceptTheProbesRefusesACallerWithoutAToken()
    {
        var operations = await OperationsAsync();
        Assert.True(operations.Count >= 25, $"Only {operations.Count} operations found in the served document.");
        var anonymous = app.CreateAnonymousClient();
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var response = await SendAsync(anonymous, operation, operation.PathWith(_ => Guid.NewGuid().ToString()));
            if (AnonymousOperations.Contains(operation.Key))
            {
                Check(failures, response.Status == HttpStatusCode.OK, operation, $"is anonymous but answered {(int)response.Status}");
                continue;
            }

            Check(failures, response.Status == HttpStatusCode.Unauthorized && response.MediaType == "application/problem+json" && response.Code == "Unauthorized",
                operation, $"without a token answered {(int)response.Status} {response.Code}: {Shorten(response.Body)}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal(AnonymousOperations.Order(), operations.Where(o => AnonymousOperations.Contains(o.Key)).Select(o => o.Key).Order());
    }

    [Fact]
    public async Task EveryOperationWithPrivilegesRefusesATokenLackingAnyOneOfThemAndNamesIt()
    {
        var operations = (await OperationsAsync()).Where(o => o.Privileges.Count > 0).ToList();
        Assert.Contains(operations, o => o.Privileges.Count > 1);
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            // Each single missing privilege, with every other privilege held: each one is required on its own.
            foreach (var missing in operation.Privileges)
            {
                var token = app.Tokens.Create("lacks-" + missing, AllPrivileges.Where(p => p != missing));
                var response = await SendAsync(Client(token), operation, operation.PathWith(_ => Guid.NewGuid().ToString()));
                CheckForbidden(failures, operation, response, [missing], $"lacking {missing}");
            }

            // None of them: every one is named.
            var none = await SendAsync(Client(app.Tokens.Create("no-privileges", [])), operation, operation.PathWith(_ => Guid.NewGuid().ToString()));
            CheckForbidden(failures, operation, none, operation.Privileges, "without privileges");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task EveryOperationWithPrivilegesAcceptsATokenHoldingExactlyThem()
    {
        // The other half of the contract: the documented list is all an operation needs (with a body that sets nothing more).
        var operations = (await OperationsAsync()).Where(o => o.Privileges.Count > 0).ToList();
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var token = app.Tokens.Create("exactly-" + string.Join('+', operation.Privileges), operation.Privileges);
            var response = await SendAsync(Client(token), operation, operation.PathWith(_ => Guid.NewGuid().ToString()));
            Check(failures, response.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && (int)response.Status < 500,
                operation, $"with exactly {string.Join(", ", operation.Privileges)} answered {(int)response.Status} {response.Code}: {Shorten(response.Body)}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task EveryOperationOpenToAnySignedInCallerServesACallerWithoutPrivilegesTheirOwnData()
    {
        var operations = (await OperationsAsync()).Where(o => o.Privileges.Count == 0 && !AnonymousOperations.Contains(o.Key)).ToList();
        Assert.NotEmpty(operations);
        var userId = "owner-" + Guid.NewGuid().ToString("N")[..8];
        var input = TestData.Mailbox();
        input.Owner!.Id = userId;
        var own = await app.Mailboxes().CreateMailboxAsync(input, Ct);
        var caller = Client(app.Tokens.Create(userId, []));

        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var path = operation.PathWith(parameter => OwnResourceId(operation, parameter, own.Id));
            var response = await SendAsync(caller, operation, path);
            // The caller was let in: a state the mailbox is not in (a sync of a mailbox Test & Enable has not enabled) is not a refusal of the caller.
            var admitted = response.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.Accepted
                || (response.Status == HttpStatusCode.Conflict && StatePreconditions.Contains(response.Code));
            Check(failures, admitted,
                operation, $"refused a caller without privileges their own data: {(int)response.Status} {response.Code}: {Shorten(response.Body)}");
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task EverySecuredOperationDocumentsItsSecurityRequirementAndAuthorization()
    {
        var operations = await OperationsAsync();
        var failures = new List<string>();
        foreach (var operation in operations)
        {
            var security = operation.Node["security"]?.AsArray();
            var description = operation.Node["description"]?.GetValue<string>() ?? string.Empty;
            if (AnonymousOperations.Contains(operation.Key))
            {
                Check(failures, security is null || security.Count == 0, operation, "is anonymous but documents a security requirement");
                Check(failures, operation.Node["x-exsync-privileges"] is null, operation, "is anonymous but documents privileges");
                continue;
            }

            Check(failures, security is { Count: 1 } && security[0]!.AsObject().ContainsKey("Bearer"), operation, "has no Bearer security requirement");
            Check(failures, operation.Node["x-exsync-privileges"] is JsonArray, operation, "has no x-exsync-privileges list");
            var paragraph = description.Split("\n\n").SingleOrDefault(p => p.StartsWith("**Authorization:**", StringComparison.Ordinal));
            Check(failures, paragraph is not null, operation, "has no **Authorization:** paragraph in its description");
            if (paragraph is null)
            {
                continue;
            }

            foreach (var privilege in operation.Privileges)
            {
                Check(failures, paragraph.Contains(privilege, StringComparison.Ordinal), operation, $"does not name {privilege} in its Authorization paragraph");
            }

            Check(failures, operation.Privileges.Count > 0 || paragraph.Contains("Any signed-in caller", StringComparison.Ordinal), operation,
                "needs no privilege but does not say that any signed-in caller may call it");
            foreach (var status in new[] { "401", "403" })
            {
                Check(failures, operation.Node["responses"]?[status]?["content"]?["application/problem+json"] is not null, operation, $"does not document {status}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task NoEndpointEscapesTheTableByBeingLeftOutOfTheDocument()
    {
        // An endpoint excluded from the OpenAPI description would not be enumerated above: every routed endpoint must be in the
        // document, or be one of the few known anonymous ones (and then be checked here).
        var documented = (await OperationsAsync()).Select(o => o.Key).ToHashSet();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(method => $"{method} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToList();
        Assert.NotEmpty(endpoints);

        var undocumented = endpoints.Where(e => !documented.Contains(e)).Order().ToList();
        Assert.Equal(AnonymousUndocumentedEndpoints.Order(), undocumented);
    }

    /// <summary>The 403 contract: problem+json, code Forbidden, and missingPrivileges naming exactly what the token lacks.</summary>
    private static void CheckForbidden(List<string> failures, Operation operation, RawResponse response, IReadOnlyList<string> expectedMissing, string token)
    {
        var missing = response.Json?["missingPrivileges"]?.AsArray().Select(p => p!.GetValue<string>()).Order().ToList() ?? [];
        Check(failures,
            response.Status == HttpStatusCode.Forbidden && response.MediaType == "application/problem+json" && response.Code == "Forbidden"
            && missing.SequenceEqual(expectedMissing.Order()) && expectedMissing.All(p => response.Json?["detail"]?.GetValue<string>().Contains(p, StringComparison.Ordinal) == true),
            operation,
            $"{token} answered {(int)response.Status} {response.Code} missing [{string.Join(", ", missing)}], expected 403 Forbidden naming [{string.Join(", ", expectedMissing)}]: {Shorten(response.Body)}");
    }

    /// <summary>
    /// The id of something the caller owns, for operations any signed-in caller may call. A new owner-scoped operation on another
    /// resource fails here until the test learns how to give the caller something of their own there.
    /// </summary>
    private static string OwnResourceId(Operation operation, string parameter, Guid ownMailboxId) =>
        operation.Path.StartsWith("/api/v1/mailboxes/{id}", StringComparison.Ordinal) && parameter == "id"
            ? ownMailboxId.ToString()
            : throw new Xunit.Sdk.XunitException($"{operation.Key} is open to any signed-in caller: add how a caller owns its {{{parameter}}} to OwnResourceId.");

    /// <summary>
    /// The organization gets a default profile, so that a minimal mailbox (which takes the defaults) can be created by a caller
    /// holding only Mailbox.Write: setting a profile explicitly would need ExSync.Administrator as well.
    /// </summary>
    private async Task EnsureDefaultProfileAsync()
    {
        if ((await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId is null)
        {
            await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        }
    }

    private HttpClient Client(string token)
    {
        var client = app.CreateAnonymousClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static void Check(List<string> failures, bool condition, Operation operation, string message)
    {
        if (!condition)
        {
            failures.Add($"{operation.Key} ({operation.Id}) {message}");
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private async Task<List<Operation>> OperationsAsync()
    {
        await EnsureDefaultProfileAsync();
        var document = JsonNode.Parse(await app.CreateAnonymousClient().GetStringAsync("/openapi/v1.json", Ct))!;
        var operations = new List<Operation>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, node) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description" or "servers")
                {
                    continue;
                }

                var privileges = node!["x-exsync-privileges"]?.AsArray().Select(p => p!.GetValue<string>()).ToList() ?? [];
                var contentType = node["requestBody"]?["content"]?.AsObject().Select(c => c.Key).FirstOrDefault();
                operations.Add(new Operation(method.ToUpperInvariant(), path, node["operationId"]?.GetValue<string>() ?? "?", privileges, contentType, node.AsObject()));
            }
        }

        return operations;
    }

    private static async Task<RawResponse> SendAsync(HttpClient http, Operation operation, string path)
    {
        return operation.ContentType is null
            ? await http.SendAsync(new HttpMethod(operation.Method), path, body: null, contentType: null)
            : await http.SendAsync(new HttpMethod(operation.Method), path, MinimalBody(operation.Id), operation.ContentType);
    }

    /// <summary>
    /// A valid body for each known operation, so a refusal cannot be mistaken for a validation error and a missing check would let
    /// the request succeed. Operations added later get an empty object: authorization comes before the body is read.
    /// </summary>
    private static string MinimalBody(string operationId)
    {
        var ids = JsonSerializer.Serialize(new { mailboxIds = new[] { Guid.NewGuid() } });
        return operationId switch
        {
            "CreateServerProfile" => JsonSerializer.Serialize(TestData.Profile(), ServerProfilesTests.ClientJsonOptions),
            "UpdateServerProfile" => """{"description":"changed by the privilege matrix"}""",
            "TestServerProfileConnection" => """{"emailAddress":"someone@contoso.com"}""",
            "UpdateOrganizationEmailSettings" => """{"alerts":{"information":true}}""",
            "CreateMailbox" => JsonSerializer.Serialize(TestData.Mailbox(), ServerProfilesTests.ClientJsonOptions),
            "UpdateMailbox" => """{"name":"Renamed by the privilege matrix"}""",
            "ApproveEmail" or "RejectEmail" or "TestAndEnableMailboxes" => ids,
            "ApplyDefaultSettings" => JsonSerializer.Serialize(new { mailboxIds = new[] { Guid.NewGuid() }, testAndEnable = false }),
            _ => "{}",
        };
    }

    private sealed record Operation(string Method, string Path, string Id, IReadOnlyList<string> Privileges, string? ContentType, JsonObject Node)
    {
        public string Key => $"{Method} {Path}";

        /// <summary>The path with each {parameter} replaced.</summary>
        public string PathWith(Func<string, string> value) =>
            System.Text.RegularExpressions.Regex.Replace(Path, @"\{([^}]+)\}", m => Uri.EscapeDataString(value(m.Groups[1].Value)));
    }
}
