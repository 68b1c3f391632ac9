using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class BasicAuthenticationTests : SimulatorTest
{
    [Theory]
    [InlineData(TestScenarios.ServiceUser)]
    [InlineData("CONTOSO\\svc-exsync")]
    [InlineData("contoso\\SVC-EXSYNC")]
    [InlineData("svc-exsync")]
    public async Task AcceptsUpnDomainQualifiedAndBareNames(string user)
    {
        using var client = new SimulatorClient(Host, user, TestScenarios.ServicePassword);

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
    }

    [Fact]
    public async Task WrongPasswordIsChallengedWithEveryEnabledScheme()
    {
        using var client = new SimulatorClient(Host, TestScenarios.ServiceUser, "wrong");

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        var challenges = response.Message.Headers.WwwAuthenticate.Select(header => header.ToString()).ToList();
        Assert.Contains("NTLM", challenges);
        Assert.Contains($"Basic realm=\"{Host.HttpsBaseAddress.Host}\"", challenges);
        Assert.Contains(challenges, challenge => challenge.StartsWith("Bearer ", StringComparison.Ordinal));
        Assert.DoesNotContain(challenges, challenge => challenge.StartsWith("Negotiate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChallengesAreNotCountedAsOperations()
    {
        using var anonymous = new SimulatorClient(Host, user: null);

        var response = await anonymous.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(0, Host.Requests.Total);
        Assert.Equal(1, Host.Requests.AuthenticationChallenges);
    }
}

public sealed class BasicDisabledTests : SimulatorTest
{
    internal override SimulatorScenario CreateScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.Authentication = new ScenarioAuthentication { Basic = false, Ntlm = true };
        return scenario;
    }

    [Fact]
    public async Task ValidBasicCredentialsAreRefusedWhenBasicIsOff()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(["NTLM"], response.Message.Headers.WwwAuthenticate.Select(header => header.ToString()));
    }
}

/// <summary>
/// NTLM verified with .NET's managed NTLM client (the test project sets System.Net.Security.UseManagedNtlm): an
/// independent implementation of MS-NLMP checks the simulator's CHALLENGE and its NTLMv2 verification.
/// </summary>
public sealed class NtlmAuthenticationTests : SimulatorTest
{
    internal override SimulatorScenario CreateScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.Authentication = new ScenarioAuthentication { Basic = false, Ntlm = true };
        return scenario;
    }

    [Theory]
    [InlineData("svc-exsync", "CONTOSO")]
    [InlineData(TestScenarios.ServiceUser, "")]
    public async Task ManagedNtlmClientAuthenticates(string user, string domain)
    {
        using var client = NtlmClient(new NetworkCredential(user, TestScenarios.ServicePassword, domain));

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Equal(1, Host.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task AuthenticatedConnectionStaysAuthenticated()
    {
        using var client = NtlmClient(new NetworkCredential("svc-exsync", TestScenarios.ServicePassword, "CONTOSO"));

        (await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice)).AssertSuccess();
        var challengesAfterHandshake = Host.Requests.AuthenticationChallenges;
        (await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice)).AssertSuccess();

        Assert.Equal(challengesAfterHandshake, Host.Requests.AuthenticationChallenges);
        Assert.Equal(3, Host.Requests.Count("GetFolder"));
    }

    [Theory]
    [InlineData("svc-exsync", "wrong-password", "CONTOSO")]
    [InlineData("svc-exsync", TestScenarios.ServicePassword, "OTHERDOMAIN")]
    [InlineData("nobody", TestScenarios.ServicePassword, "CONTOSO")]
    public async Task WrongCredentialsEndInUnauthorized(string user, string password, string domain)
    {
        using var client = NtlmClient(new NetworkCredential(user, password, domain));

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(0, Host.Requests.Total);
    }

    [Fact]
    public async Task NtlmV1ResponsesAreRefused()
    {
        // One connection, so the handshake stays on the TCP connection it started on.
        using var client = new SimulatorClient(Host, user: null, configure: handler => handler.MaxConnectionsPerServer = 1);
        var negotiate = Convert.FromBase64String("TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==");
        var first = await SendWithAuthorizationAsync(client, "NTLM " + Convert.ToBase64String(negotiate));
        Assert.Equal(HttpStatusCode.Unauthorized, first.Status);
        var challenge = Convert.FromBase64String(first.Message.Headers.WwwAuthenticate.Single().Parameter!);
        Assert.Equal(2, challenge[8]);

        var second = await SendWithAuthorizationAsync(client, "NTLM " + Convert.ToBase64String(NtlmV1Authenticate("svc-exsync", "CONTOSO")));

        Assert.Equal(HttpStatusCode.Unauthorized, second.Status);
        Assert.Equal(0, Host.Requests.Total);
    }

    [Fact]
    public async Task ChallengeCarriesTargetInfoAndExtendedSessionSecurity()
    {
        using var client = new SimulatorClient(Host, user: null, configure: handler => handler.MaxConnectionsPerServer = 1);
        var negotiate = Convert.FromBase64String("TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==");

        var response = await SendWithAuthorizationAsync(client, "NTLM " + Convert.ToBase64String(negotiate));

        var challenge = Convert.FromBase64String(response.Message.Headers.WwwAuthenticate.Single().Parameter!);
        Assert.Equal("NTLMSSP\0", Encoding.ASCII.GetString(challenge, 0, 8));
        var flags = BitConverter.ToUInt32(challenge, 20);
        Assert.NotEqual(0u, flags & 0x00080000);
        Assert.NotEqual(0u, flags & 0x00800000);
        Assert.NotEqual(0u, flags & 0x00000001);
        Assert.True(BitConverter.ToUInt16(challenge, 40) > 0, "no target info");
    }

    private SimulatorClient NtlmClient(NetworkCredential credential) =>
        new(Host, user: null, configure: handler => handler.Credentials = new CredentialCache { { Host.HttpsBaseAddress, "NTLM", credential } });

    private static Task<EwsResponse> SendWithAuthorizationAsync(SimulatorClient client, string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "EWS/Exchange.asmx")
        {
            Content = new StringContent(Soap.Envelope(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice), Encoding.UTF8, "text/xml"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return client.SendAsync(request);
    }

    /// <summary>An AUTHENTICATE message with a 24-byte NT response: NTLMv1, which the simulator must refuse.</summary>
    private static byte[] NtlmV1Authenticate(string user, string domain)
    {
        var userBytes = Encoding.Unicode.GetBytes(user);
        var domainBytes = Encoding.Unicode.GetBytes(domain);
        const int header = 64;
        var message = new byte[header + 24 + 24 + domainBytes.Length + userBytes.Length];
        Encoding.ASCII.GetBytes("NTLMSSP\0").CopyTo(message, 0);
        BitConverter.GetBytes(3).CopyTo(message, 8);
        void Field(int offset, int length, int position)
        {
            BitConverter.GetBytes((ushort)length).CopyTo(message, offset);
            BitConverter.GetBytes((ushort)length).CopyTo(message, offset + 2);
            BitConverter.GetBytes(position).CopyTo(message, offset + 4);
        }

        Field(12, 24, header);
        Field(20, 24, header + 24);
        Field(28, domainBytes.Length, header + 48);
        Field(36, userBytes.Length, header + 48 + domainBytes.Length);
        Field(44, 0, message.Length);
        Field(52, 0, message.Length);
        BitConverter.GetBytes(0xA2088207u).CopyTo(message, 60);
        domainBytes.CopyTo(message, header + 48);
        userBytes.CopyTo(message, header + 48 + domainBytes.Length);
        return message;
    }
}

public sealed class BearerAuthenticationTests : SimulatorTest
{
    private static readonly string TokenPath = $"{TestScenarios.TenantId}/oauth2/v2.0/token";

    [Fact]
    public async Task ClientCredentialsTokenAuthenticatesEwsWithImpersonation()
    {
        var token = await GetTokenAsync();
        using var client = new SimulatorClient(Host, user: null);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var allowed = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);
        var denied = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Bob);
        var withoutImpersonation = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"));

        allowed.AssertSuccess();
        denied.AssertFault("ErrorImpersonateUserDenied");
        withoutImpersonation.AssertFault("ErrorInvalidExchangeImpersonationHeaderData");
        Assert.Equal(1, Host.Requests.TokenRequests);
    }

    [Fact]
    public async Task TokenResponseHasTheEntraShape()
    {
        using var client = new SimulatorClient(Host, user: null);

        var response = await client.Http.PostAsync(TokenPath, TokenForm(), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        Assert.Equal(3600, json.RootElement.GetProperty("expires_in").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("access_token").GetString()));
    }

    [Fact]
    public async Task ClientSecretMayComeAsHttpBasic()
    {
        using var client = new SimulatorClient(Host, TestScenarios.ClientId, TestScenarios.ClientSecret);
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "https://mail.contoso.local/.default" });

        var response = await client.Http.PostAsync(TokenPath, form, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("unknown-tenant", "client_credentials", TestScenarios.ClientSecret, "https://mail.contoso.local/.default", 400, "invalid_request")]
    [InlineData(TestScenarios.TenantId, "password", TestScenarios.ClientSecret, "https://mail.contoso.local/.default", 400, "unsupported_grant_type")]
    [InlineData(TestScenarios.TenantId, "client_credentials", "wrong", "https://mail.contoso.local/.default", 401, "invalid_client")]
    [InlineData(TestScenarios.TenantId, "client_credentials", TestScenarios.ClientSecret, "https://mail.contoso.local/EWS.AccessAsUser.All", 400, "invalid_scope")]
    public async Task TokenErrorsFollowEntraConventions(string tenant, string grant, string secret, string scope, int status, string error)
    {
        using var client = new SimulatorClient(Host, user: null);

        var response = await client.Http.PostAsync($"{tenant}/oauth2/v2.0/token", TokenForm(grant, secret, scope), TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(error, json.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task UnknownTokenIsUnauthorizedWithInvalidToken()
    {
        using var client = new SimulatorClient(Host, user: null);
        client.Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "exsim.forged");

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains(response.Message.Headers.WwwAuthenticate, header => header.Scheme == "Bearer" && header.Parameter!.Contains("invalid_token", StringComparison.Ordinal));
    }

    private async Task<string> GetTokenAsync()
    {
        using var client = new SimulatorClient(Host, user: null);
        var response = await client.Http.PostAsync(TokenPath, TokenForm(), TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static FormUrlEncodedContent TokenForm(string grant = "client_credentials", string secret = TestScenarios.ClientSecret, string scope = "https://mail.contoso.local/.default") =>
        new(new Dictionary<string, string>
        {
            ["grant_type"] = grant,
            ["client_id"] = TestScenarios.ClientId,
            ["client_secret"] = secret,
            ["scope"] = scope,
        });
}
