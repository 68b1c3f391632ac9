using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class PagingAndEdgeCaseTests : SimulatorTest
{
    [Fact]
    public async Task IndexedPagingFromTheEndReturnsTheOldestItems()
    {
        var oldest = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[0];
        var response = await Client.EwsAsync("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned=\"5\" Offset=\"0\" BasePoint=\"End\"/><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        var ids = response.SingleMessage.Descendants(Soap.T + "ItemId").Select(id => (string)id.Attribute("Id")!).ToList();
        Assert.Equal(5, ids.Count);
        Assert.Equal(oldest.Id, ids[^1]);
    }

    [Fact]
    public async Task FractionalPagingReportsNumeratorAndDenominator()
    {
        var response = await Client.EwsAsync("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:FractionalPageItemView MaxEntriesReturned=\"5\" Numerator=\"1\" Denominator=\"5\"/><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        var root = response.SingleMessage.Element(Soap.M + "RootFolder")!;
        Assert.Equal("10", (string?)root.Attribute("NumeratorOffset"));
        Assert.Equal("25", (string?)root.Attribute("AbsoluteDenominator"));
        Assert.Null(root.Attribute("IndexedPagingOffset"));
    }

    [Fact]
    public async Task InvalidPagingIsAPerItemError()
    {
        var response = await Client.EwsAsync("<m:FindItem Traversal=\"Shallow\"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:IndexedPageItemView MaxEntriesReturned=\"0\" Offset=\"0\" BasePoint=\"Beginning\"/><m:ParentFolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:ParentFolderIds></m:FindItem>", impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorInvalidPagingMaxRows");
    }

    [Fact]
    public async Task SyncIgnoresTheItemsItIsToldToIgnore()
    {
        var ignored = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Inbox)[3].Id;
        var body = $"<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId><m:Ignore><t:ItemId Id=\"{ignored}\"/></m:Ignore><m:MaxChangesReturned>512</m:MaxChangesReturned><m:SyncScope>NormalItems</m:SyncScope></m:SyncFolderItems>";

        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        var ids = response.SingleMessage.Descendants(Soap.T + "ItemId").Select(id => (string)id.Attribute("Id")!).ToList();
        Assert.Equal(24, ids.Count);
        Assert.DoesNotContain(ignored, ids);
    }

    [Fact]
    public async Task TasksNeedAffectedTaskOccurrences()
    {
        var task = Host.State.GetItems(TestScenarios.Alice, SimulatedFolder.Tasks)[0].Id;

        var withoutMode = await Client.EwsAsync(Soap.HardDelete(task), impersonate: TestScenarios.Alice);
        var withMode = await Client.EwsAsync($"<m:DeleteItem DeleteType=\"HardDelete\" AffectedTaskOccurrences=\"AllOccurrences\"><m:ItemIds><t:ItemId Id=\"{task}\"/></m:ItemIds></m:DeleteItem>", impersonate: TestScenarios.Alice);

        withoutMode.AssertItemError("ErrorAffectedTaskOccurrencesRequired");
        withMode.AssertSuccess();
    }

    [Fact]
    public async Task PoxUnknownUserIsError500AndAuthenticatedGetIsError600()
    {
        var unknown = await Client.PostAsync(AutodiscoverTests.PoxRequest("nobody@contoso.local"), "autodiscover/autodiscover.xml");
        var get = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "autodiscover/autodiscover.xml"));

        Assert.Equal("500", unknown.Xml.Descendants().Single(element => element.Name.LocalName == "ErrorCode").Value);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal("600", get.Xml.Descendants().Single(element => element.Name.LocalName == "ErrorCode").Value);
        Assert.Equal("True", get.Message.Headers.GetValues("X-SOAP-Enabled").Single());
    }

    [Fact]
    public async Task OtherMethodsOnEwsAreNotAllowedOnceAuthenticated()
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "EWS/Exchange.asmx"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
    }

    [Fact]
    public async Task UnknownPathsAreNotFound()
    {
        var response = await Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "owa/"));

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }
}

public sealed class HostingOptionTests
{
    [Fact]
    public async Task AGivenCertificateAuthorityIssuesTheServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));

        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), new ExchangeSimulatorHostOptions { CertificateAuthority = ca }, TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        Assert.Equal(ca.ExportCertificatePem(), host.CertificateAuthorityPem);
        (await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice)).AssertSuccess();
    }

    [Fact]
    public void StandaloneDefaultsAndOverrides()
    {
        var defaults = StandaloneSettings.Read(new ConfigurationBuilder().Build());
        var overridden = StandaloneSettings.Read(new ConfigurationBuilder().AddCommandLine(["--Simulator:HttpsPort=6443", "--Simulator:HttpPort=0", "--Simulator:ListenAddress=0.0.0.0"]).Build());

        Assert.Equal(5443, defaults.HttpsPort);
        Assert.Equal(5080, defaults.HttpPort);
        Assert.EndsWith(Path.Combine("scenarios", "sample.json"), defaults.ScenarioFile, StringComparison.Ordinal);
        Assert.Equal(6443, overridden.HttpsPort);
        Assert.Equal(0, overridden.HttpPort);
        Assert.Equal(System.Net.IPAddress.Any, overridden.ListenAddress);
        Assert.Throws<FormatException>(() => StandaloneSettings.Read(new ConfigurationBuilder().AddCommandLine(["--Simulator:HttpsPort=99999"]).Build()));
    }
}
