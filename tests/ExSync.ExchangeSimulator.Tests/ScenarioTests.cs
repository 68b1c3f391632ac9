using System.Security.Cryptography.X509Certificates;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class ScenarioTests
{
    [Fact]
    public void JsonRoundTripKeepsEveryField()
    {
        var scenario = TestScenarios.Default();
        scenario.Faults.Add(new ScenarioFault { Operation = "CreateItem", Mailbox = TestScenarios.Bob, Kind = SimulatedFaultKind.Http503, Times = 2, BackOffMilliseconds = 10 });

        var json = scenario.ToJson();
        var parsed = SimulatorScenario.Parse(json);

        Assert.Contains("\"version\": \"Exchange2019\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"Http503\"", json, StringComparison.Ordinal);
        Assert.Equal(json, parsed.ToJson());
    }

    [Fact]
    public void CommittedSampleScenarioIsValid()
    {
        var sample = SimulatorScenario.LoadFile(Path.Combine(AppContext.BaseDirectory, "scenarios", "sample.json"));

        Assert.Equal(SimulatedExchangeVersion.Exchange2019, sample.Server.Version);
        Assert.Contains(sample.Mailboxes, mailbox => mailbox.OwnerOrganizationId is not null);
        Assert.Contains(sample.Mailboxes, mailbox => mailbox.Version is not null);
        Assert.NotEmpty(sample.Faults);
    }

    [Theory]
    [InlineData("""{ "server": { "versoin": "Exchange2019" } }""", "versoin")]
    [InlineData("""{ "server": { "version": "Exchange2021" } }""", "$.server.version")]
    [InlineData("""{ "mailboxes": [ { "smtpAddress": "not-an-address" } ] }""", "not-an-address")]
    [InlineData("""{ "mailboxes": [ { "smtpAddress": "a@b.c", "itemCounts": { "Inbox": 1 } } ] }""", "Inbox")]
    [InlineData("""{ "faults": [ { "operation": "*", "kind": "SoapFault" } ] }""", "responseCode")]
    [InlineData("""{ "accounts": [ { "password": "x" } ] }""", "userName")]
    public void InvalidScenariosAreRejectedNamingTheProblem(string json, string mentioned)
    {
        var error = Assert.Throws<InvalidDataException>(() => SimulatorScenario.Parse(json));

        Assert.Contains(mentioned, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateIsIssuedByThePublishedCaForLoopbackAndScenarioNames()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        X509Certificate2? served = null;
        using var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (sender, certificate, chain, errors) =>
        {
            served = X509CertificateLoader.LoadCertificate(certificate!.GetRawCertData());
            return host.ValidateServerCertificate(sender, certificate, chain, errors);
        };
        using var client = new HttpClient(handler);

        await client.GetAsync(new Uri(host.HttpsBaseAddress, "autodiscover/autodiscover.xml"), TestContext.Current.CancellationToken);

        Assert.NotNull(served);
        using var ca = X509Certificate2.CreateFromPem(host.CertificateAuthorityPem);
        Assert.Equal(ca.Subject, served.Issuer);
        Assert.True(served.MatchesHostname("127.0.0.1"));
        Assert.True(served.MatchesHostname("localhost"));
        Assert.True(served.MatchesHostname("mail.contoso.local"));
        Assert.False(served.MatchesHostname("mail.fabrikam.local"));
        served.Dispose();
    }

    [Fact]
    public async Task HostPublishesItsAddresses()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);

        Assert.Equal("https", host.HttpsBaseAddress.Scheme);
        Assert.Equal("http", host.HttpBaseAddress.Scheme);
        Assert.NotEqual(0, host.HttpsBaseAddress.Port);
        Assert.Equal(new Uri(host.HttpsBaseAddress, "EWS/Exchange.asmx"), host.EwsUrl);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", host.CertificateAuthorityPem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlainHttpServesEwsToo()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = host.HttpBaseAddress };
        http.DefaultRequestHeaders.Authorization = SimulatorClient.BasicHeader(TestScenarios.ServiceUser, TestScenarios.ServicePassword);

        var response = await http.PostAsync("EWS/Exchange.asmx",
            new StringContent(Soap.Envelope(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice), System.Text.Encoding.UTF8, "text/xml"),
            TestContext.Current.CancellationToken);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StateChangesAreVisibleOverEws()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);
        host.State.AddMailbox(new ScenarioMailbox { SmtpAddress = "grace@contoso.local", ItemCounts = { ["inbox"] = 2 } });
        host.State.SetOwnerOrganizationId(TestScenarios.Alice, "org-1");

        using var admin = new SimulatorClient(host, TestScenarios.AdminUser, TestScenarios.AdminPassword);
        var grace = await admin.EwsAsync(Soap.GetFolder("Default", "", "inbox"), impersonate: "grace@contoso.local");
        var marker = await client.EwsAsync(Soap.GetFolder("IdOnly", "<t:AdditionalProperties>" + Soap.OwnershipMarkerUri + "</t:AdditionalProperties>", "msgfolderroot"), impersonate: TestScenarios.Alice);

        Assert.Equal("2", grace.SingleMessage.Descendants(Soap.T + "TotalCount").Single().Value);
        Assert.Equal("org-1", marker.SingleMessage.Descendants(Soap.T + "Value").Single().Value);
        Assert.True(host.State.RemoveMailbox("grace@contoso.local"));
        (await admin.EwsAsync(Soap.GetFolder("Default", "", "inbox"), impersonate: "grace@contoso.local")).AssertFault("ErrorNonExistentMailbox");
    }
}
