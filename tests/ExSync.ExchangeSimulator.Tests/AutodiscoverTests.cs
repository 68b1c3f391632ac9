using System.Net;
using System.Text;
using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class AutodiscoverTests : SimulatorTest
{
    private static readonly XNamespace A = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    private static readonly XNamespace PoxOuter = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    private static readonly XNamespace PoxOutlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    internal override SimulatorScenario CreateScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.Autodiscover.EwsUrl = "https://mail.contoso.local/EWS/Exchange.asmx";
        scenario.Server.Autodiscover.ExternalEwsUrl = "https://mail.contoso.com/EWS/Exchange.asmx";
        scenario.Server.Autodiscover.RedirectAddresses["alias@contoso.local"] = TestScenarios.Alice;
        return scenario;
    }

    [Fact]
    public async Task AnonymousGetProbeAdvertisesSoap()
    {
        using var anonymous = new SimulatorClient(Host, user: null);

        var response = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "autodiscover/autodiscover.xml"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("True", response.Message.Headers.GetValues("X-SOAP-Enabled").Single());
        Assert.Equal(1, Host.Requests.AutodiscoverCount(AutodiscoverRequestKind.GetProbe));
    }

    [Fact]
    public async Task PlainHttpProbeRedirectsToHttps()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = Host.HttpBaseAddress };

        var response = await http.GetAsync("autodiscover/autodiscover.xml", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal(new Uri(Host.HttpsBaseAddress, "autodiscover/autodiscover.xml"), response.Headers.Location);
    }

    [Fact]
    public async Task SoapGetUserSettingsReturnsTheEwsUrlsAndServerVersion()
    {
        var response = await Client.PostAsync(GetUserSettings(TestScenarios.Alice, "UserDisplayName", "InternalEwsUrl", "ExternalEwsUrl", "NoSuchSetting"), "autodiscover/autodiscover.svc");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("text/xml; charset=utf-8", response.ContentType);
        var header = response.Xml.Root!.Element(Soap.S + "Header")!;
        Assert.Equal("15", header.Element(A + "ServerVersionInfo")!.Element(A + "MajorVersion")!.Value);
        Assert.EndsWith("GetUserSettingsResponse", header.Element((XNamespace)"http://www.w3.org/2005/08/addressing" + "Action")!.Value, StringComparison.Ordinal);
        var user = response.Xml.Descendants(A + "UserResponse").Single();
        Assert.Equal("NoError", user.Element(A + "ErrorCode")!.Value);
        var settings = user.Descendants(A + "UserSetting").ToDictionary(setting => setting.Element(A + "Name")!.Value, setting => setting.Element(A + "Value")!.Value);
        Assert.Equal("Alice Anderson", settings["UserDisplayName"]);
        Assert.Equal("https://mail.contoso.local/EWS/Exchange.asmx", settings["InternalEwsUrl"]);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", settings["ExternalEwsUrl"]);
        Assert.Equal("NoSuchSetting", user.Descendants(A + "UserSettingError").Single().Element(A + "SettingName")!.Value);
        Assert.Equal(1, Host.Requests.AutodiscoverCountForMailbox(TestScenarios.Alice));
    }

    [Fact]
    public async Task UnknownUserIsInvalidUserAndAliasesRedirect()
    {
        var response = await Client.PostAsync(GetUserSettings("nobody@contoso.local", "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var redirect = await Client.PostAsync(GetUserSettings("alias@contoso.local", "InternalEwsUrl"), "autodiscover/autodiscover.svc");

        Assert.Equal("InvalidUser", response.Xml.Descendants(A + "UserResponse").Single().Element(A + "ErrorCode")!.Value);
        var redirected = redirect.Xml.Descendants(A + "UserResponse").Single();
        Assert.Equal("RedirectAddress", redirected.Element(A + "ErrorCode")!.Value);
        Assert.Equal(TestScenarios.Alice, redirected.Element(A + "RedirectTarget")!.Value);
    }

    [Fact]
    public async Task SoapEndpointNeedsCredentials()
    {
        using var anonymous = new SimulatorClient(Host, user: null);

        var response = await anonymous.PostAsync(GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task PoxReturnsEwsUrlAndAsUrlForInternalAndExternal()
    {
        var response = await Client.PostAsync(PoxRequest(TestScenarios.Alice), "autodiscover/autodiscover.xml");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(PoxOuter + "Autodiscover", response.Xml.Root!.Name);
        var account = response.Xml.Descendants(PoxOutlook + "Account").Single();
        Assert.Equal("settings", account.Element(PoxOutlook + "Action")!.Value);
        var protocols = account.Elements(PoxOutlook + "Protocol").ToDictionary(protocol => protocol.Element(PoxOutlook + "Type")!.Value);
        Assert.Equal("https://mail.contoso.local/EWS/Exchange.asmx", protocols["EXCH"].Element(PoxOutlook + "EwsUrl")!.Value);
        Assert.Equal("https://mail.contoso.local/EWS/Exchange.asmx", protocols["EXCH"].Element(PoxOutlook + "ASUrl")!.Value);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", protocols["EXPR"].Element(PoxOutlook + "EwsUrl")!.Value);
        Assert.Equal("Alice Anderson", response.Xml.Descendants(PoxOutlook + "DisplayName").Single().Value);
    }

    [Fact]
    public async Task PoxRedirectsAddressesAndRejectsInvalidRequests()
    {
        var redirect = await Client.PostAsync(PoxRequest("alias@contoso.local"), "autodiscover/autodiscover.xml");
        var invalid = await Client.PostAsync("<Autodiscover xmlns=\"urn:wrong\"><Request/></Autodiscover>", "autodiscover/autodiscover.xml");

        var account = redirect.Xml.Descendants(PoxOutlook + "Account").Single();
        Assert.Equal("redirectAddr", account.Element(PoxOutlook + "Action")!.Value);
        Assert.Equal(TestScenarios.Alice, account.Element(PoxOutlook + "RedirectAddr")!.Value);
        var error = invalid.Xml.Descendants(PoxOuter + "Error").Single();
        Assert.Equal("600", error.Element(PoxOuter + "ErrorCode")!.Value);
        Assert.Equal("Invalid Request", error.Element(PoxOuter + "Message")!.Value);
    }

    internal static string GetUserSettings(string mailbox, params string[] settings) => $"""
        <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:a="http://schemas.microsoft.com/exchange/2010/Autodiscover" xmlns:wsa="http://www.w3.org/2005/08/addressing">
          <soap:Header>
            <a:RequestedServerVersion>Exchange2013_SP1</a:RequestedServerVersion>
            <wsa:Action>http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings</wsa:Action>
            <wsa:To>https://autodiscover.contoso.local/autodiscover/autodiscover.svc</wsa:To>
          </soap:Header>
          <soap:Body><a:GetUserSettingsRequestMessage><a:Request>
            <a:Users><a:User><a:Mailbox>{mailbox}</a:Mailbox></a:User></a:Users>
            <a:RequestedSettings>{string.Concat(settings.Select(setting => $"<a:Setting>{setting}</a:Setting>"))}</a:RequestedSettings>
          </a:Request></a:GetUserSettingsRequestMessage></soap:Body>
        </soap:Envelope>
        """;

    internal static string PoxRequest(string email) => $"""
        <Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006">
          <Request><EMailAddress>{email}</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request>
        </Autodiscover>
        """;
}

public sealed class AutodiscoverBehaviourTests
{
    private static readonly XNamespace A = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    private static readonly XNamespace PoxOutlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    [Fact]
    public async Task RedirectUrlMayPointToPlainHttpForClientsToRefuse()
    {
        await using var host = await StartAsync(autodiscover => autodiscover.RedirectUrl = "http://evil.example/autodiscover/autodiscover.svc");
        using var client = new SimulatorClient(host);

        var soap = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var pox = await client.PostAsync(AutodiscoverTests.PoxRequest(TestScenarios.Alice), "autodiscover/autodiscover.xml");

        var user = soap.Xml.Descendants(A + "UserResponse").Single();
        Assert.Equal("RedirectUrl", user.Element(A + "ErrorCode")!.Value);
        Assert.Equal("http://evil.example/autodiscover/autodiscover.svc", user.Element(A + "RedirectTarget")!.Value);
        Assert.Equal("redirectUrl", pox.Xml.Descendants(PoxOutlook + "Action").Single().Value);
        Assert.Equal("http://evil.example/autodiscover/autodiscover.svc", pox.Xml.Descendants(PoxOutlook + "RedirectUrl").Single().Value);
    }

    [Fact]
    public async Task RedirectLoopPointsBackToTheCalledEndpoint()
    {
        await using var host = await StartAsync(autodiscover => autodiscover.RedirectLoop = true);
        using var client = new SimulatorClient(host);

        var soap = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");

        Assert.Equal(new Uri(host.HttpsBaseAddress, "autodiscover/autodiscover.svc").AbsoluteUri,
            soap.Xml.Descendants(A + "RedirectTarget").Single().Value);
    }

    [Fact]
    public async Task AlwaysUnauthorizedRefusesValidCredentials()
    {
        await using var host = await StartAsync(autodiscover => autodiscover.AlwaysUnauthorized = true);
        using var client = new SimulatorClient(host);

        var soap = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var ews = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal(HttpStatusCode.Unauthorized, soap.Status);
        ews.AssertSuccess();
    }

    [Fact]
    public async Task SoapDisabledHidesTheEndpointSoClientsFallBackToPox()
    {
        await using var host = await StartAsync(autodiscover => autodiscover.SoapEnabled = false);
        using var client = new SimulatorClient(host);
        using var anonymous = new SimulatorClient(host, user: null);

        var probe = await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, "autodiscover/autodiscover.xml"));
        var soap = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var pox = await client.PostAsync(AutodiscoverTests.PoxRequest(TestScenarios.Alice), "autodiscover/autodiscover.xml");

        Assert.False(probe.Message.Headers.Contains("X-SOAP-Enabled"));
        Assert.Equal(HttpStatusCode.NotFound, soap.Status);
        Assert.Equal(HttpStatusCode.OK, pox.Status);
    }

    [Fact]
    public async Task AutodiscoverFaultsUseTheAutodiscoverOperationName()
    {
        await using var host = await StartAsync(_ => { });
        host.State.AddFault(new ScenarioFault { Operation = "Autodiscover", Kind = SimulatedFaultKind.ServerBusy, Times = 1 });
        using var client = new SimulatorClient(host);

        var busy = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var fine = await client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice, "InternalEwsUrl"), "autodiscover/autodiscover.svc");
        var ews = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);

        Assert.Equal("ServerBusy", busy.Xml.Descendants(A + "Response").Single().Element(A + "ErrorCode")!.Value);
        Assert.Equal("NoError", fine.Xml.Descendants(A + "Response").Single().Element(A + "ErrorCode")!.Value);
        ews.AssertSuccess();
    }

    private static Task<ExchangeSimulatorHost> StartAsync(Action<ScenarioAutodiscover> configure)
    {
        var scenario = TestScenarios.Default();
        configure(scenario.Server.Autodiscover);
        return ExchangeSimulatorHost.StartAsync(scenario, TestContext.Current.CancellationToken);
    }
}
