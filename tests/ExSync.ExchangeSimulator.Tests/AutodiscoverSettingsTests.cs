using System.Xml.Linq;
using Microsoft.Extensions.Configuration;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class AutodiscoverSettingsTests : SimulatorTest
{
    private static readonly XNamespace A = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    private static readonly XNamespace PoxOutlook = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

    [Fact]
    public async Task GetUserSettingsAnswersTheCommonSettingsAndAnErrorPerOtherName()
    {
        var response = await Client.PostAsync(AutodiscoverTests.GetUserSettings(TestScenarios.Alice,
            "MailboxDN", "UserDN", "UserDisplayName", "InternalEwsUrl", "ExternalEwsUrl", "CasVersion", "EwsSupportedSchemas", "ActiveDirectoryServer",
            "InternalMailboxServer", "InternalRpcClientServer", "MailboxVersion", "InternalOABUrl", "NoSuchSetting"), "autodiscover/autodiscover.svc");

        var user = response.Xml.Descendants(A + "UserResponse").Single();
        var settings = user.Descendants(A + "UserSetting").ToDictionary(setting => setting.Element(A + "Name")!.Value, setting => setting.Element(A + "Value")!.Value);
        var errors = user.Descendants(A + "UserSettingError").ToDictionary(error => error.Element(A + "SettingName")!.Value, error => error.Element(A + "ErrorCode")!.Value);

        Assert.Matches("^/o=ExSync/ou=Exchange Administrative Group \\(FYDIBOHF23SPDLT\\)/cn=Configuration/cn=Servers/cn=[0-9a-f-]{36}@contoso.local/cn=Microsoft Private MDB$", settings["MailboxDN"]);
        Assert.EndsWith("/cn=Recipients/cn=alice", settings["UserDN"], StringComparison.Ordinal);
        Assert.Equal("Alice Anderson", settings["UserDisplayName"]);
        Assert.Equal("15.02.1544.004", settings["CasVersion"]);
        Assert.StartsWith("Exchange2007_SP1, ", settings["EwsSupportedSchemas"], StringComparison.Ordinal);
        Assert.Equal("dc01.contoso.local", settings["ActiveDirectoryServer"]);
        Assert.Equal(settings["InternalMailboxServer"], settings["InternalRpcClientServer"]);
        Assert.Equal(new Dictionary<string, string> { ["InternalOABUrl"] = "SettingIsNotAvailable", ["NoSuchSetting"] = "InvalidSetting" }, errors);
    }

    [Fact]
    public async Task PoxCarriesServerVersionAndTheOtherProtocolFields()
    {
        var response = await Client.PostAsync(AutodiscoverTests.PoxRequest(TestScenarios.Alice), "autodiscover/autodiscover.xml");

        var protocols = response.Xml.Descendants(PoxOutlook + "Protocol").Where(protocol => protocol.Parent!.Name.LocalName == "Account")
            .ToDictionary(protocol => protocol.Element(PoxOutlook + "Type")!.Value);
        Assert.Equal(["EXCH", "EXPR", "WEB"], protocols.Keys);
        var exch = protocols["EXCH"];
        // 15.2 build 1544: 0111 | 001111 | 000010 | 1 | 000011000001000.
        Assert.Equal("73C28608", exch.Element(PoxOutlook + "ServerVersion")!.Value);
        Assert.Equal(["Type", "Server", "ServerDN", "ServerVersion", "MdbDN", "AD", "ASUrl", "EwsUrl", "OOFUrl"], exch.Elements().Select(element => element.Name.LocalName));
        Assert.EndsWith("/cn=Microsoft Private MDB", exch.Element(PoxOutlook + "MdbDN")!.Value, StringComparison.Ordinal);
        Assert.Equal("On", protocols["EXPR"].Element(PoxOutlook + "SSL")!.Value);
        Assert.Equal("mail.contoso.local", protocols["EXPR"].Element(PoxOutlook + "Server")!.Value);
        Assert.EndsWith("/cn=Recipients/cn=alice", response.Xml.Descendants(PoxOutlook + "LegacyDN").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void TheStandaloneSmtpPortDefaultsTo2525AndCanBeSet()
    {
        var defaults = StandaloneSettings.Read(new ConfigurationBuilder().Build());
        var chosen = StandaloneSettings.Read(new ConfigurationBuilder().AddCommandLine(["--Simulator:SmtpPort=0"]).Build());

        Assert.Equal(2525, defaults.SmtpPort);
        Assert.Equal(0, chosen.SmtpPort);
        Assert.Throws<FormatException>(() => StandaloneSettings.Read(new ConfigurationBuilder().AddCommandLine(["--Simulator:SmtpPort=70000"]).Build()));
    }

    internal override SimulatorScenario CreateScenario()
    {
        var scenario = TestScenarios.Default();
        scenario.Server.Autodiscover.EwsUrl = "https://mail.contoso.local/EWS/Exchange.asmx";
        return scenario;
    }
}
