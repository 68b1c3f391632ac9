using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Whatever a client sends, ExSync answers with a problem it can act on (RFC 9457, a stable code and a trace id), never with a 500.
/// </summary>
public sealed class MalformedInputTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const string Profiles = "/api/v1/server-profiles";
    private const string Mailboxes = "/api/v1/mailboxes";
    private const string Organization = "/api/v1/organization/email-settings";
    private const string DirectoryEntries = "/api/v1/directory-entries";
    private const string Emails = "/api/v1/emails";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http { get; } = app.CreateClient();

    [Theory]
    [InlineData("{")]
    [InlineData("""{"name":}""")]
    [InlineData("""{"name":"a",}""")]
    [InlineData("""{'name':'a'}""")]
    [InlineData("""{"name":"a"} {"name":"b"}""")]
    [InlineData("""{"name":"a" "description":"b"}""")]
    [InlineData("""{"advanced":{"maxConcurrentConnections":NaN}}""")]
    [InlineData("""{"name":"unterminated}""")]
    [InlineData("// comment\n{\"name\":\"a\"}")]
    public async Task MalformedJsonIsRejected(string body)
    {
        var response = await Http.SendAsync(HttpMethod.Post, Profiles, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
        Assert.Contains("not valid JSON", response.Json!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task AnEmptyBodyIsMalformedJson(string body)
    {
        var response = await Http.SendAsync(HttpMethod.Post, Mailboxes, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
        Assert.Contains("empty", response.Json!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(Profiles, """{"name":"a","name":"b"}""")]
    [InlineData(Mailboxes, """{"owner":{"id":"a","id":"b"}}""")]
    public async Task ADuplicatePropertyIsMalformedJson(string url, string body)
    {
        var response = await Http.SendAsync(HttpMethod.Post, url, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""[{"name":"a"}]""")]
    [InlineData("\"a string\"")]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("null")]
    public async Task ARootThatIsNotAnObjectIsAnInvalidRequestBody(string body)
    {
        var response = await Http.SendAsync(HttpMethod.Post, Profiles, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("WrongType", "$")], response.Details);
    }

    [Theory]
    [InlineData("POST", Profiles, "text/plain")]
    [InlineData("POST", Mailboxes, "application/xml")]
    [InlineData("POST", Profiles, "application/merge-patch+json")]
    [InlineData("POST", Mailboxes, "application/x-www-form-urlencoded")]
    [InlineData("PATCH", Organization, "text/plain")]
    [InlineData("PATCH", Organization, "multipart/form-data; boundary=x")]
    public async Task AWrongContentTypeIsUnsupported(string method, string url, string contentType)
    {
        var response = await Http.SendAsync(new HttpMethod(method), url, """{"name":"a"}""", contentType);

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Theory]
    [InlineData("POST", Profiles)]
    [InlineData("POST", Mailboxes)]
    [InlineData("PATCH", Organization)]
    public async Task AMissingContentTypeIsUnsupported(string method, string url)
    {
        var response = await Http.SendAsync(new HttpMethod(method), url, """{"name":"a"}""", contentType: null);

        response.AssertProblem(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task PatchTakesMergePatchDocumentsOnly()
    {
        var merge = await Http.SendAsync(HttpMethod.Patch, Organization, """{"alerts":{"information":true}}""", "application/merge-patch+json; charset=utf-8");
        var plain = await Http.SendAsync(HttpMethod.Patch, Organization, """{"alerts":{"information":true}}""", RawHttp.Json);

        Assert.Equal(HttpStatusCode.OK, merge.Status);
        plain.AssertProblem(HttpStatusCode.UnsupportedMediaType, "UnsupportedMediaType");
    }

    [Fact]
    public async Task EveryFieldOfTheWrongTypeIsNamed()
    {
        var body = """
            {
              "name": 5,
              "description": true,
              "autoDiscoverServerLocation": {},
              "useSameSettingsForOutgoing": "false",
              "owner": { "id": ["admin"], "emailAddress": 7 },
              "incoming": { "port": "443" },
              "advanced": { "maxConcurrentConnections": "10", "minPollingIntervalMinutes": 1.5, "processEmailsReceivedAfter": "yesterday" },
              "incoming2": 1
            }
            """;

        var response = await Http.SendAsync(HttpMethod.Post, Profiles, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal(
            [
                ("UnknownField", "incoming2"),
                ("WrongType", "advanced.maxConcurrentConnections"),
                ("WrongType", "advanced.minPollingIntervalMinutes"),
                ("WrongType", "advanced.processEmailsReceivedAfter"),
                ("WrongType", "autoDiscoverServerLocation"),
                ("WrongType", "description"),
                ("WrongType", "incoming.port"),
                ("WrongType", "name"),
                ("WrongType", "owner.emailAddress"),
                ("WrongType", "owner.id"),
                ("WrongType", "useSameSettingsForOutgoing"),
            ],
            response.Details.OrderBy(d => d.Code, StringComparer.Ordinal).ThenBy(d => d.Target, StringComparer.Ordinal));
        Assert.Contains("a whole number", response.MessageFor("advanced.maxConcurrentConnections"));
        Assert.Contains("true or false", response.MessageFor("autoDiscoverServerLocation"));
        Assert.Contains("a string", response.MessageFor("name"));
        Assert.Contains("RFC 3339", response.MessageFor("advanced.processEmailsReceivedAfter"));
        Assert.Equal(11, response.Json!["errors"]!.AsObject().Count);
    }

    [Theory]
    [InlineData(Profiles, """{"state":"Enabled"}""", "state", "Active, Inactive")]
    [InlineData(Profiles, """{"state":"active"}""", "state", "Active, Inactive")]
    [InlineData(Profiles, """{"state":"Active, Inactive"}""", "state", "Active, Inactive")]
    [InlineData(Profiles, """{"authentication":{"type":"Basic"}}""", "authentication.type", "Impersonation, HybridModernAuth")]
    [InlineData(Profiles, """{"incoming":{"authenticationProtocol":"Kerberos"}}""", "incoming.authenticationProtocol", "AutoDetect, Negotiate, Ntlm, Basic")]
    [InlineData(Mailboxes, """{"owner":{"type":"Team"}}""", "owner.type", "User, Queue")]
    [InlineData(Mailboxes, """{"incomingDeliveryMethod":"Imap"}""", "incomingDeliveryMethod", "None, Outlook, ServerSideSynchronization, EmailRouter, ForwardMailbox")]
    public async Task AnUnknownEnumValueIsRejectedWithTheAllowedValues(string url, string body, string field, string allowed)
    {
        var response = await Http.SendAsync(HttpMethod.Post, url, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("InvalidEnumValue", field)], response.Details);
        Assert.Contains($"Allowed values: {allowed}.", response.MessageFor(field));
    }

    [Theory]
    [InlineData(Profiles, """{"state":1}""", "state")]
    [InlineData(Profiles, """{"state":0}""", "state")]
    [InlineData(Mailboxes, """{"actDeliveryMethod":2}""", "actDeliveryMethod")]
    [InlineData(Organization, """{"incomingEmail":0}""", "incomingEmail")]
    public async Task AnIntegerEnumValueIsRejected(string url, string body, string field)
    {
        var response = await Http.SendAsync(url == Organization ? HttpMethod.Patch : HttpMethod.Post, url, body, url == Organization ? RawHttp.MergePatch : RawHttp.Json);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("InvalidEnumValue", field)], response.Details);
    }

    [Fact]
    public async Task ATenThousandCharacterNameIsTooLong()
    {
        var input = TestData.Profile(new string('x', 10_000));

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("ValidationFailed", error.Result.Code);
        Assert.Equal(("name", "TooLong"), (Assert.Single(error.Result.Details).Target, error.Result.Details[0].Code));
        Assert.DoesNotContain(new string('x', 10_000), error.Response);
    }

    [Fact]
    public async Task ATenThousandCharacterMailboxNameIsTooLong()
    {
        var input = TestData.MailboxWithoutSync();
        input.Name = new string('y', 10_000);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.Mailboxes().CreateMailboxAsync(input, Ct));

        Assert.Equal(("name", "TooLong"), (Assert.Single(error.Result.Details).Target, error.Result.Details[0].Code));
    }

    [Theory]
    [InlineData(100)]
    [InlineData(17)]
    [InlineData(10_000)]
    public async Task DeeplyNestedJsonIsMalformed(int depth)
    {
        var body = string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);

        var response = await Http.SendAsync(HttpMethod.Post, Profiles, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
    }

    [Fact]
    public async Task NestingWithinTheLimitIsJudgedByTheSchema()
    {
        var body = """{"owner":{"id":{"a":{"b":{"c":{}}}}}}""";

        var response = await Http.SendAsync(HttpMethod.Post, Profiles, body);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("WrongType", "owner.id")], response.Details);
    }

    [Theory]
    [InlineData("GET", Profiles + "/not-a-guid")]
    [InlineData("DELETE", Profiles + "/123")]
    [InlineData("GET", Mailboxes + "/00000000-0000-0000-0000-00000000000g")]
    [InlineData("DELETE", Mailboxes + "/%20")]
    public async Task ANonGuidIdInTheRouteIsRejectedNamingId(string method, string url)
    {
        var response = await Http.SendAsync(new HttpMethod(method), url);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
        Assert.Equal([("WrongType", "id")], response.Details);
    }

    [Theory]
    [InlineData(Profiles + "/not-a-guid")]
    [InlineData(Mailboxes + "/not-a-guid")]
    public async Task ANonGuidIdInAPatchRouteIsRejectedNamingId(string url)
    {
        var response = await Http.SendAsync(HttpMethod.Patch, url, """{"name":"x"}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
        Assert.Contains(("WrongType", "id"), response.Details);
    }

    [Theory]
    [InlineData(Profiles + "?pageSize=0", "OutOfRange")]
    [InlineData(Profiles + "?pageSize=5000", "OutOfRange")]
    [InlineData(Mailboxes + "?pageSize=-1", "OutOfRange")]
    [InlineData(Mailboxes + "?pageSize=1001", "OutOfRange")]
    [InlineData(Mailboxes + "?pageSize=ten", "WrongType")]
    [InlineData(Profiles + "?pageSize=99999999999", "WrongType")]
    [InlineData(Profiles + "?pageSize=1.5", "WrongType")]
    public async Task AnOutOfRangeOrNonNumericPageSizeIsRejected(string url, string fieldCode)
    {
        var response = await Http.SendAsync(HttpMethod.Get, url);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
        Assert.Equal([(fieldCode, "pageSize")], response.Details);
    }

    [Theory]
    [InlineData("/api/v1/alerts?since=2026-11-26T09:30:00Z")]
    [InlineData("/api/v1/alerts?since=2026-11-26T09:30:00.1234567%2B05:30")]
    [InlineData("/api/v1/audit-events?since=2026-11-26t09:30:00z")]
    [InlineData("/api/v1/audit-events?since=2026-11-26T09:30:00-08:00")]
    public async Task AnRfc3339SinceWithAnOffsetIsAccepted(string url)
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, url)).Status);
    }

    [Fact]
    public async Task TheLargestAndSmallestPageSizesAreAccepted()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, Mailboxes + "?pageSize=1")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Http.SendAsync(HttpMethod.Get, Mailboxes + "?pageSize=1000")).Status);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("!!!")]
    [InlineData("azE6bm90LWEtZ3VpZA")] // "k1:not-a-guid"
    [InlineData("eDE6MDE5YjhkNjI3YTgwNzAxNWFkM2VhNjA1ZmE0ZjNjNDE")] // another version's prefix
    [InlineData("azE6MDE5YjhkNjI3YTgwNzAxNWFkM2VhNjA1ZmE0ZjNjNDE=====")]
    [InlineData("%00")]
    public async Task AGarbledContinuationTokenIsRejected(string token)
    {
        foreach (var list in new[] { Profiles, Mailboxes })
        {
            var response = await Http.SendAsync(HttpMethod.Get, $"{list}?continuationToken={token}");

            response.AssertProblem(HttpStatusCode.BadRequest, "InvalidContinuationToken");
            Assert.Equal([("InvalidFormat", "continuationToken")], response.Details);
        }
    }

    [Theory]
    [InlineData(Profiles + "?state=Enabled", "state")]
    [InlineData(Mailboxes + "?state=Deleted", "state")]
    [InlineData(Mailboxes + "?ownerType=Team", "ownerType")]
    [InlineData(Mailboxes + "?approvalStatus=Maybe", "approvalStatus")]
    [InlineData(Mailboxes + "?serverProfileId=not-a-guid", "serverProfileId")]
    [InlineData(Mailboxes + "?state=active", "state")]
    [InlineData(Mailboxes + "?state=1", "state")]
    [InlineData(Profiles + "?state=99", "state")]
    [InlineData(Profiles + "?state=-1", "state")]
    [InlineData(Mailboxes + "?approvalStatus=Approved,Rejected", "approvalStatus")]
    [InlineData(Mailboxes + "?ownerType=0", "ownerType")]
    [InlineData(Mailboxes + "?syncState=Failed", "syncState")]
    [InlineData(Mailboxes + "?syncState=failing", "syncState")]
    [InlineData(Mailboxes + "?syncState=100", "syncState")]
    [InlineData(Mailboxes + "?syncState=Active&syncDirection=Incoming", "syncDirection")]
    [InlineData("/api/v1/alerts?since=yesterday", "since")]
    [InlineData("/api/v1/alerts?since=2026-11-26T09:30:00", "since")] // no offset: the server's local time is no instant
    [InlineData("/api/v1/alerts?since=2026-11-26", "since")]
    [InlineData("/api/v1/audit-events?since=2026-11-26T09:30:00.000", "since")]
    [InlineData("/api/v1/audit-events?since=11/26/2026%2009:30:00%20%2B01:00", "since")]
    [InlineData("/api/v1/audit-events?since=2026-02-30T09:30:00Z", "since")]
    public async Task AnInvalidQueryFilterIsRejectedNamingTheParameter(string url, string parameter)
    {
        var response = await Http.SendAsync(HttpMethod.Get, url);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
        Assert.Equal([("WrongType", parameter)], response.Details);
    }

    [Theory]
    [InlineData("/api/v1/nothing-here")]
    [InlineData("/api/v2/server-profiles")]
    [InlineData("/api/v1/server-profiles/3fa85f64-5717-4562-b3fc-2c963f66afa6/children")]
    [InlineData("/")]
    public async Task AnUnknownRouteIsAProblemWithRouteNotFound(string url)
    {
        var get = await Http.SendAsync(HttpMethod.Get, url);
        var post = await Http.SendAsync(HttpMethod.Post, url, "{}");

        get.AssertProblem(HttpStatusCode.NotFound, "RouteNotFound");
        post.AssertProblem(HttpStatusCode.NotFound, "RouteNotFound");
    }

    [Theory]
    [InlineData("PUT", Profiles)]
    [InlineData("PUT", Profiles + "/3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    [InlineData("DELETE", Profiles)]
    [InlineData("POST", Organization)]
    [InlineData("DELETE", Organization)]
    [InlineData("PUT", Mailboxes + "/3fa85f64-5717-4562-b3fc-2c963f66afa6")]
    public async Task AnUnsupportedMethodIsAProblemWithMethodNotAllowed(string method, string url)
    {
        var response = await Http.SendAsync(new HttpMethod(method), url, "{}");

        response.AssertProblem(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
    }

    [Theory]
    [InlineData(Profiles, "{\"name\":\"\\ud800\"}")]
    [InlineData(Profiles, "{\"\\ud800\":1}")]
    [InlineData(Profiles, "{\"state\":\"\\ud800\"}")]
    [InlineData(Mailboxes, "{\"owner\":{\"type\":\"\\udc00User\"}}")]
    [InlineData(Mailboxes, "{\"owner\":{\"\\udc00x\":1}}")]
    [InlineData(Organization, "{\"incomingEmail\":\"\\ud800\"}")]
    public async Task AnUnpairedSurrogateEscapeIsMalformedJson(string url, string body)
    {
        var response = await Http.SendAsync(url == Organization ? HttpMethod.Patch : HttpMethod.Post, url, body, url == Organization ? RawHttp.MergePatch : RawHttp.Json);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
    }

    [Fact]
    public async Task ABodyThatIsNotUtf8IsMalformedJsonRatherThanStoredWithReplacementCharacters()
    {
        var response = await Http.SendBytesAsync(HttpMethod.Post, Profiles, [.. "{\"name\":\""u8, 0xC3, 0x28, .. "\"}"u8]);

        response.AssertProblem(HttpStatusCode.BadRequest, "MalformedJson");
    }

    [Fact]
    public async Task APairedSurrogateEscapeIsOrdinaryText()
    {
        var input = TestData.MailboxWithoutSync();
        var body = TestData.ToJson(input);
        body["name"] = "__name__";
        var json = body.ToJsonString().Replace("\"__name__\"", "\"Team \\ud83d\\ude00\"", StringComparison.Ordinal);

        var response = await Http.SendAsync(HttpMethod.Post, Mailboxes, json);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("Team 😀", response.Json!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task HostileBodiesNeverCauseAServerError()
    {
        var routes = await WriteRoutesAsync();
        Assert.Contains(routes, r => r.Method == HttpMethod.Post && r.Template == Profiles);
        Assert.Contains(routes, r => r.Method == HttpMethod.Patch && r.Template == Organization);

        var failures = new List<string>();
        var requests = 0;
        foreach (var route in routes)
        {
            var url = await UrlForAsync(route.Template);
            var contentType = route.Method == HttpMethod.Patch ? RawHttp.MergePatch : RawHttp.Json;
            foreach (var body in HostileBodies().Concat(Mutations(route)))
            {
                requests++;
                Check(route, body, await Http.SendAsync(route.Method, url, body, contentType), failures);
            }

            foreach (var odd in new[] { null, "text/plain", "application/json; charset=utf-16", "application/*", "*/*", "application/json-patch+json", "application/problem+json" })
            {
                requests++;
                Check(route, $"{{}} as {odd ?? "no Content-Type"}", await Http.SendAsync(route.Method, url, "{}", odd), failures);
            }

            foreach (var bytes in HostileByteBodies())
            {
                requests++;
                Check(route, Convert.ToHexString(bytes.AsSpan(0, Math.Min(bytes.Length, 32))), await Http.SendBytesAsync(route.Method, url, bytes, contentType), failures);
            }
        }

        Assert.True(requests > 500, $"only {requests} requests were sent");
        Assert.True(failures.Count == 0, $"{failures.Count} of {requests} responses were not proper problems:\n{string.Join("\n", failures.Take(20))}");
        Assert.DoesNotContain(app.Logs, line => line.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    private static void Check((HttpMethod Method, string Template) route, string body, RawResponse response, List<string> failures)
    {
        var status = (int)response.Status;
        var shown = body.Length > 120 ? body[..120] + "…" : body;
        if (status >= 500)
        {
            failures.Add($"{route.Method} {route.Template} {shown} -> {status} {response.Body}");
        }
        else if (status >= 400 && (response.MediaType != "application/problem+json" || string.IsNullOrEmpty(response.Code) || response.Json?["traceId"] is null))
        {
            failures.Add($"{route.Method} {route.Template} {shown} -> {status} without code or traceId: {response.Body}");
        }
    }

    /// <summary>Every route that takes a body, read from the served contract so that routes added later are covered too.</summary>
    private async Task<List<(HttpMethod Method, string Template)>> WriteRoutesAsync()
    {
        var document = JsonNode.Parse(await Http.GetStringAsync("/openapi/v1.json", Ct))!;
        var routes = new List<(HttpMethod, string)>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, _) in item!.AsObject())
            {
                if (method is "post" or "patch" or "put")
                {
                    routes.Add((new HttpMethod(method.ToUpperInvariant()), path));
                }
            }
        }

        return routes;
    }

    /// <summary>
    /// The URL of a route, with real ids for the resources whose update should be reached; other ids are random, so actions
    /// added later (which might contact Exchange) find nothing to act on.
    /// </summary>
    private async Task<string> UrlForAsync(string template)
    {
        if (template == Profiles + "/{id}")
        {
            return $"{Profiles}/{(await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct)).Id}";
        }

        if (template == Mailboxes + "/{id}")
        {
            return $"{Mailboxes}/{(await app.Mailboxes().CreateMailboxAsync(TestData.MailboxWithoutSync(), Ct)).Id}";
        }

        if (template == Emails + "/{id}")
        {
            return $"{Emails}/{(await app.CreateEmailAsync()).Id}";
        }

        return System.Text.RegularExpressions.Regex.Replace(template, "{[^}]+}", _ => Guid.NewGuid().ToString());
    }

    private static IEnumerable<string> HostileBodies()
    {
        string[] fixedBodies =
        [
            "", " ", "\t\r\n", "null", "true", "0", "-1", "1e400", "\"\"", "\"x\"", "[]", "[{}]", "[null]", "{}", "{", "}", "{}}", "{{}}",
            "{\"\":1}", "{\"__proto__\":{}}", "{\"constructor\":{\"prototype\":{}}}", "{\"$type\":\"System.IO.FileInfo\"}",
            "{\"name\":\"\\ud800\"}", "{\"\\ud800\":1}", "{\"state\":\"\\ud800\"}", "{\"owner\":{\"\\udc00x\":1}}", "{\"name\":\"\\udfff\\ud800\"}", "{\"name\":\"\\u0000\"}", "{\"name\":\"a\\u0000b\"}",
            "{\"name\":\"\\u202e\\u200b\\ufeff\"}", "{\"name\":\"𝒳😀👩‍👩‍👧\"}", "{\"name\":\"" + new string('x', 100_000) + "\"}",
            "{\"name\":null,\"name\":null}", "{\"a\":1,\"A\":2}", "{\"name\":\"x\"}garbage", "\ufeff{}",
            string.Concat(Enumerable.Repeat("[", 5_000)), string.Concat(Enumerable.Repeat("{\"a\":", 64)) + "{}" + new string('}', 64),
            "{" + string.Join(",", Enumerable.Range(0, 5_000).Select(i => $"\"field{i}\":{i}")) + "}",
            "{\"owner\":" + string.Concat(Enumerable.Repeat("[", 15)) + new string(']', 15) + "}",
            "{\"emailAddress\":\"" + new string('a', 5_000) + "@" + new string('b', 5_000) + ".com\"}",
            "{\"serverProfileId\":\"00000000-0000-0000-0000-000000000000\"}", "{\"defaultServerProfileId\":\"00000000-0000-0000-0000-000000000000\"}",
            "{\"serverProfileId\":\"{3FA85F64-5717-4562-B3FC-2C963F66AFA6}\"}", "{\"defaultServerProfileId\":\"3fa85f6457174562b3fc2c963f66afa6\"}",
        ];
        return fixedBodies;
    }

    private static IEnumerable<byte[]> HostileByteBodies() =>
    [
        [0xC3, 0x28],
        [0xFF, 0xFE, (byte)'{', 0, (byte)'}', 0],
        [0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}'],
        [0x00, 0x00, 0x00, 0x00],
        [.. "{\"name\":\""u8, 0xED, 0xA0, 0x80, .. "\"}"u8],
        [.. "{\"name\":\""u8, 0xF4, 0x90, 0x80, 0x80, .. "\"}"u8],
        [.. "{\"name\":\""u8, 0xC0, 0xAF, .. "\"}"u8],
    ];

    private static readonly string[] HostileValues =
    [
        "null", "0", "-1", "2147483648", "-9223372036854775809", "1e308", "1.5", "-0", "\"\"", "\" \"", "\"\\u0000\"", "\"\\ud800\"",
        "true", "[]", "{}", "[null]", "{\"a\":{\"b\":{\"c\":1}}}", "\"9999-12-31T23:59:59-14:00\"", "\"0001-01-01T00:00:00+14:00\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"", "\"00000000-0000-0000-0000-000000000000\"", "\"" + new string('x', 20_000) + "\"",
        "\"https://[::1\"", "\"https://exa mple.com/EWS/Exchange.asmx\"", "\"file:///etc/passwd\"", "\"javascript:alert(1)\"",
        "\"https://mail.contoso.com:99999/EWS/Exchange.asmx\"", "\"https://\"", "\"Active, Inactive\"", "\"' OR 1=1 --\"", "\"%00\"", "\"𝒳😀\"",
    ];

    private const string Placeholder = "__hostile-value__";

    /// <summary>A valid body for the route with, in turn, each of its fields replaced by each hostile value.</summary>
    private static IEnumerable<string> Mutations((HttpMethod Method, string Template) route)
    {
        Func<JsonObject>? valid = route.Template switch
        {
            Profiles or Profiles + "/{id}" => () => TestData.ToJson(TestData.Profile()),
            Mailboxes or Mailboxes + "/{id}" => () => TestData.ToJson(TestData.MailboxWithoutSync()),
            Organization => () => JsonNode.Parse("""
                {"incomingEmail":"None","outgoingEmail":"EmailRouter","appointmentsContactsAndTasks":"ServerSideSynchronization",
                 "processEmailsOnlyForApprovedUsers":true,"processEmailsOnlyForApprovedQueues":true,"alerts":{"errors":true,"warnings":true,"information":true},
                 "trackSentItems":true,"useTrackingToken":true,"trackingTokenPrefix":"CRM:","trackingTokenDigits":7,"trackingCategoryName":"Tracked to CRM",
                 "maxAttachmentSizeKilobytes":5120}
                """)!.AsObject(),
            DirectoryEntries + "/{id}" => () => JsonNode.Parse($$"""
                {"recordType":"Contact","recordId":"{{Guid.NewGuid()}}","displayName":"Maria Garcia","emailAddresses":["maria@fabrikam.com"]}
                """)!.AsObject(),
            DirectoryEntries + "/bulk-upsert" => () => JsonNode.Parse($$"""
                {"entries":[{"id":"{{Guid.NewGuid()}}","recordType":"Contact","recordId":"{{Guid.NewGuid()}}","displayName":"Maria Garcia","emailAddresses":["maria@fabrikam.com"]}]}
                """)!.AsObject(),
            Emails + "/{id}" => () => JsonNode.Parse("""{"regarding":{"recordType":"Opportunity","recordId":"b7e2c9d4"}}""")!.AsObject(),
            _ => null,
        };
        if (valid is null)
        {
            yield break;
        }

        yield return valid().ToJsonString();
        foreach (var path in LeafPaths(valid(), []))
        {
            foreach (var value in HostileValues)
            {
                // A fresh body each time: unique names and addresses, so the request gets past the uniqueness checks.
                var body = valid();
                JsonNode parent = body;
                foreach (var name in path[..^1])
                {
                    parent = parent[name]!;
                }

                // Spliced in as text: some hostile values (a lone surrogate) cannot be written by System.Text.Json.
                parent[path[^1]] = Placeholder;
                yield return body.ToJsonString().Replace($"\"{Placeholder}\"", value, StringComparison.Ordinal);
            }
        }
    }

    private static IEnumerable<string[]> LeafPaths(JsonObject node, string[] prefix)
    {
        foreach (var (name, value) in node)
        {
            string[] path = [.. prefix, name];
            yield return path;
            if (value is JsonObject child)
            {
                foreach (var nested in LeafPaths(child, path))
                {
                    yield return nested;
                }
            }
        }
    }
}
