using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

public sealed class ServerProfilesTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CreateReturnsTheProfileWithLocationAndETagButNeverThePassword()
    {
        var http = app.CreateClient();
        var input = TestData.Profile();

        using var response = await http.PostAsync("/api/v1/server-profiles", JsonContent(input), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.StartsWith("http://localhost/api/v1/server-profiles/", response.Headers.Location!.ToString());
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        Assert.DoesNotContain(TestData.Password, body);
        Assert.Contains("\"passwordSet\":true", body);
        Assert.Equal("\"1\"", System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("etag").GetString());
    }

    [Fact]
    public async Task CreatedProfileCanBeReadBackWithDefaultsApplied()
    {
        var client = app.ServerProfiles();

        var created = await client.CreateServerProfileAsync(TestData.Profile(), Ct);
        var read = await client.GetServerProfileAsync(created.Id, Ct);

        Assert.Equal(created.Name, read.Name);
        Assert.Equal(ServerType.ExchangeServerOnPremises, read.ServerType);
        Assert.False(read.AutoDiscoverServerLocation);
        Assert.True(read.UseSameSettingsForOutgoing);
        Assert.Equal(read.Incoming.ServerLocation, read.Outgoing.ServerLocation);
        Assert.Equal(10, read.Advanced.MaxConcurrentConnections);
        Assert.Equal(100, read.Advanced.ConnectionTimeoutSeconds);
        Assert.Equal(0, read.Advanced.MinPollingIntervalMinutes);
        Assert.False(read.Advanced.SendAlertToOwnerOnMajorFailures);
        Assert.Equal(RecordState.Active, read.State);
        Assert.Equal("svc-exsync@contoso.com", read.Authentication.Impersonation!.UserName);
        Assert.True(read.Authentication.Impersonation.PasswordSet);
        Assert.Null(read.Authentication.HybridModernAuth);
        Assert.Equal(created.Etag, read.Etag);
    }

    [Fact]
    public async Task NamesAreUniqueIgnoringCase()
    {
        var client = app.ServerProfiles();
        var name = TestData.Unique("Dup");
        await client.CreateServerProfileAsync(TestData.Profile(name), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => client.CreateServerProfileAsync(TestData.Profile(name.ToUpperInvariant()), Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("ServerProfileNameConflict", error.Result.Code);
        Assert.Equal("name", error.Result.Target);
    }

    [Fact]
    public async Task DomainBackslashUserNameIsRejectedWithAMessageThatSaysWhy()
    {
        var input = TestData.Profile();
        input.Authentication!.Impersonation!.UserName = "CONTOSO\\svc-exsync";

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));

        Assert.Equal("ValidationFailed", error.Result.Code);
        var detail = Assert.Single(error.Result.Details);
        Assert.Equal("authentication.impersonation.userName", detail.Target);
        Assert.Equal("NotUpnFormat", detail.Code);
        Assert.Contains("UPN", detail.Message);
        Assert.Contains("not DOMAIN\\user", detail.Message);
    }

    [Fact]
    public async Task EveryMissingRequiredFieldIsReportedAtOnce()
    {
        // Sent as raw JSON: the generated client always sends the fields the contract marks required.
        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", "{}");

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Required", "authentication"), ("Required", "name"), ("Required", "owner")], response.Details.Order());
    }

    [Theory]
    [InlineData(0, 10, 100, "advanced.minPollingIntervalMinutes", false)]
    [InlineData(1441, 10, 100, "advanced.minPollingIntervalMinutes", true)]
    [InlineData(5, 0, 100, "advanced.maxConcurrentConnections", true)]
    [InlineData(5, 301, 100, "advanced.maxConcurrentConnections", true)]
    [InlineData(5, 300, 0, "advanced.connectionTimeoutSeconds", true)]
    [InlineData(5, 1, 101, "advanced.connectionTimeoutSeconds", true)]
    public async Task AdvancedOptionsMustBeWithinTheirRanges(int polling, int connections, int timeout, string field, bool rejected)
    {
        var input = TestData.Profile();
        input.Advanced = new ServerProfileAdvancedOptionsInput { MinPollingIntervalMinutes = polling, MaxConcurrentConnections = connections, ConnectionTimeoutSeconds = timeout };

        if (!rejected)
        {
            var created = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);
            Assert.Equal(connections, created.Advanced.MaxConcurrentConnections);
            return;
        }

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));
        var detail = Assert.Single(error.Result.Details);
        Assert.Equal(field, detail.Target);
        Assert.Equal("OutOfRange", detail.Code);
    }

    [Theory]
    [InlineData("http://mail.contoso.com/EWS/Exchange.asmx", "InsecureUrl")]
    [InlineData("mail.contoso.com/EWS/Exchange.asmx", "InvalidUrl")]
    [InlineData("https://user:pw@mail.contoso.com/EWS/Exchange.asmx", "InvalidUrl")]
    public async Task ServerLocationMustBeAnAbsoluteHttpsUrl(string location, string code)
    {
        var input = TestData.Profile();
        input.Incoming!.ServerLocation = location;

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));

        Assert.Equal(code, Assert.Single(error.Result.Details).Code);
        Assert.Equal("incoming.serverLocation", error.Result.Details.Single().Target);
    }

    [Fact]
    public async Task ServerLocationIsRequiredUnlessAutodiscoverIsOn()
    {
        var input = TestData.Profile();
        input.Incoming = null;

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));
        Assert.Equal("ServerLocationRequired", error.Result.Code);
        Assert.Equal("incoming.serverLocation", error.Result.Target);

        input.AutoDiscoverServerLocation = true;
        var created = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);
        Assert.True(created.AutoDiscoverServerLocation);
        Assert.Null(created.Incoming.ServerLocation);
    }

    [Fact]
    public async Task PasswordIsRequiredOnCreate()
    {
        var input = TestData.Profile();
        // The contract marks the password required, so the client only leaves it out when told to.
        input.Authentication.Impersonation!.Password = null!;

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));

        Assert.Equal("PasswordRequired", error.Result.Code);
        Assert.Equal("authentication.impersonation.password", error.Result.Target);
    }

    [Fact]
    public async Task HybridModernAuthProfileKeepsItsSecretWriteOnly()
    {
        var input = TestData.Profile();
        input.Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.HybridModernAuth,
            HybridModernAuth = new ServerProfileHybridModernAuthInput
            {
                TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47",
                ClientId = "0b7bd0a6-1e44-4c7a-9b0e-52d2c9d8b1a0",
                ResourceUri = "https://mail.contoso.com",
                ClientSecret = "hma-client-secret-value",
            },
        };

        var created = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);

        Assert.Equal(ProfileAuthenticationType.HybridModernAuth, created.Authentication.Type);
        Assert.True(created.Authentication.HybridModernAuth!.ClientSecretSet);
        Assert.Equal("https://login.microsoftonline.com", created.Authentication.HybridModernAuth.AuthorityUrl);
        Assert.Null(created.Authentication.Impersonation);
    }

    [Fact]
    public async Task SettingsOfTheOtherAuthenticationTypeAreRejectedOnCreate()
    {
        var input = TestData.Profile();
        input.Authentication!.HybridModernAuth = new ServerProfileHybridModernAuthInput { TenantId = "contoso.onmicrosoft.com" };

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));

        Assert.Equal("authentication.hybridModernAuth", Assert.Single(error.Result.Details).Target);
    }

    [Fact]
    public async Task OutgoingSettingsAreOnlyAcceptedWhenNotMirroringIncoming()
    {
        var input = TestData.Profile();
        input.Outgoing = new ServerProfileConnectionInput { ServerLocation = "https://smtp.contoso.com/EWS/Exchange.asmx" };

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => app.ServerProfiles().CreateServerProfileAsync(input, Ct));
        Assert.Equal("outgoing", Assert.Single(error.Result.Details).Target);

        input.UseSameSettingsForOutgoing = false;
        var created = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);
        Assert.Equal("https://smtp.contoso.com/EWS/Exchange.asmx", created.Outgoing.ServerLocation);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", created.Incoming.ServerLocation);
    }

    [Fact]
    public async Task UnknownProfileIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => app.ServerProfiles().GetServerProfileAsync(Guid.NewGuid(), Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("ServerProfileNotFound", error.Result.Code);
    }

    [Fact]
    public async Task ListPagesThroughEveryProfileWithNextLinks()
    {
        var state = RecordState.Inactive;
        var names = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var input = TestData.Profile();
            input.State = state;
            names.Add((await app.ServerProfiles().CreateServerProfileAsync(input, Ct)).Name);
        }

        var http = app.CreateClient();
        var seen = new List<string>();
        var pages = 0;
        string? next = "/api/v1/server-profiles?state=Inactive&pageSize=2";
        while (next is not null)
        {
            var page = await ReadPageAsync(http, next);
            pages++;
            seen.AddRange(page.Value.Select(p => p.Name));
            Assert.True(page.Value.Count <= 2);
            next = page.NextLink;
            if (next is not null)
            {
                Assert.Contains("state=Inactive", next);
                Assert.StartsWith("http://localhost/api/v1/server-profiles?", next);
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal(names, seen.Where(names.Contains));
        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public async Task ListWithTheGeneratedClientFollowsContinuationTokens()
    {
        var client = app.ServerProfiles();
        for (var i = 0; i < 3; i++)
        {
            await client.CreateServerProfileAsync(TestData.Profile(), Ct);
        }

        var first = await client.ListServerProfilesAsync(pageSize: 1, cancellationToken: Ct);
        var token = System.Web.HttpUtility.ParseQueryString(new Uri(first.NextLink!).Query)["continuationToken"];
        var second = await client.ListServerProfilesAsync(pageSize: 1, continuationToken: token, cancellationToken: Ct);

        Assert.NotEqual(first.Value.Single().Id, second.Value.Single().Id);
        Assert.True(string.CompareOrdinal(first.Value.Single().Id.ToString(), second.Value.Single().Id.ToString()) < 0);
    }

    private static async Task<ServerProfilePage> ReadPageAsync(HttpClient http, string url)
    {
        var json = await http.GetStringAsync(url, Ct);
        return System.Text.Json.JsonSerializer.Deserialize<ServerProfilePage>(json, ClientJsonOptions)!;
    }

    internal static readonly System.Text.Json.JsonSerializerOptions ClientJsonOptions = CreateClientJsonOptions();

    private static System.Text.Json.JsonSerializerOptions CreateClientJsonOptions()
    {
        var options = new System.Text.Json.JsonSerializerOptions();
        ClientJson.Configure(options);
        return options;
    }

    internal static StringContent JsonContent(object value, string mediaType = "application/json") =>
        new(System.Text.Json.JsonSerializer.Serialize(value, ClientJsonOptions), System.Text.Encoding.UTF8, mediaType);
}
