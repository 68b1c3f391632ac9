namespace ExSync.ExchangeSimulator.Tests;

public sealed class VersionTests
{
    [Theory]
    [InlineData("Exchange2019")]
    [InlineData("V2018_01_08")]
    [InlineData("exchange2013_sp1")]
    public async Task UnknownVersionStringIsAnInvalidRequest(string version)
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: version, impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorInvalidRequest");
    }

    [Theory]
    [InlineData(SimulatedExchangeVersion.Exchange2013, "Exchange2013_SP1")]
    [InlineData(SimulatedExchangeVersion.Exchange2010, "Exchange2013")]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, "Exchange2016")]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, "V2017_07_11")]
    [InlineData(SimulatedExchangeVersion.Exchange2019, "Exchange2007")]
    public async Task KnownVersionThisServerDoesNotAcceptIsInvalidServerVersion(SimulatedExchangeVersion server, string version)
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(server), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: version, impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorInvalidServerVersion");
    }

    [Theory]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, "Exchange2007_SP1", "15", "0", "847", "32")]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, "Exchange2013_SP1", "15", "0", "847", "32")]
    [InlineData(SimulatedExchangeVersion.Exchange2016, "Exchange2013_SP1", "15", "1", "2507", "6")]
    [InlineData(SimulatedExchangeVersion.Exchange2016, "V2017_07_11", "15", "1", "2507", "6")]
    [InlineData(SimulatedExchangeVersion.Exchange2019, "Exchange2016", "15", "2", "1544", "4")]
    [InlineData(SimulatedExchangeVersion.ExchangeSE, "V2015_10_05", "15", "2", "2562", "17")]
    [InlineData(SimulatedExchangeVersion.Exchange2013, "Exchange2013", "15", "0", "516", "32")]
    [InlineData(SimulatedExchangeVersion.Exchange2010, "Exchange2010_SP2", "14", "3", "123", "4")]
    [InlineData(SimulatedExchangeVersion.Exchange2019, null, "15", "2", "1544", "4")]
    public async Task AcceptedVersionsAnswerWithTheServersBuild(
        SimulatedExchangeVersion server, string? version, string major, string minor, string majorBuild, string minorBuild)
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(server), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: version, impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        var info = response.ServerVersionInfo!;
        Assert.Equal([major, minor, majorBuild, minorBuild],
            new[] { "MajorVersion", "MinorVersion", "MajorBuildNumber", "MinorBuildNumber" }.Select(name => (string?)info.Attribute(name)));
        Assert.False(string.IsNullOrEmpty((string?)info.Attribute("Version")));
    }

    [Fact]
    public async Task MailboxOnAnOlderServerRefusesNewerSchemaAndReportsItsOwnBuild()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        using var client = new SimulatorClient(host);

        var tooNew = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: "Exchange2016", impersonate: TestScenarios.Erin);
        var supported = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: "Exchange2013_SP1", impersonate: TestScenarios.Erin);

        tooNew.AssertFault("ErrorInvalidSchemaVersionForMailboxVersion");
        supported.AssertSuccess();
        Assert.Equal("847", (string?)supported.ServerVersionInfo!.Attribute("MajorBuildNumber"));
    }
}
