namespace ExSync.ExchangeSimulator.Tests;

public sealed class ImpersonationTests : SimulatorTest
{
    [Theory]
    [InlineData("SmtpAddress", TestScenarios.Bob)]
    [InlineData("PrimarySmtpAddress", TestScenarios.Bob)]
    [InlineData("PrincipalName", "bob.brown@corp.contoso.local")]
    [InlineData("SID", "S-1-5-21-1-2-3-1105")]
    public async Task EveryConnectingSidFormSelectsTheMailbox(string kind, string value)
    {
        var header = $"<t:ExchangeImpersonation><t:ConnectingSID><t:{kind}>{value}</t:{kind}></t:ConnectingSID></t:ExchangeImpersonation>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), extraHeaders: header);

        response.AssertSuccess();
        Assert.Equal(1, Host.Requests.CountForMailbox(TestScenarios.Bob));
    }

    [Fact]
    public async Task MissingImpersonationRightIsImpersonateUserDenied()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Dave);

        response.AssertFault("ErrorImpersonateUserDenied");
    }

    [Fact]
    public async Task OrganisationWideRoleMayImpersonateAnyone()
    {
        using var admin = new SimulatorClient(Host, TestScenarios.AdminUser, TestScenarios.AdminPassword);

        var response = await admin.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Dave);

        response.AssertSuccess();
    }

    [Fact]
    public async Task UnknownMailboxIsNonExistentMailboxWithTheAddressInMessageXml()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: "nobody@contoso.local");

        response.AssertFault("ErrorNonExistentMailbox");
        Assert.Equal("nobody@contoso.local", response.FaultValue("SmtpAddress"));
        Assert.Equal("The SMTP address has no mailbox associated with it.", response.Xml.Descendants("faultstring").Single().Value);
    }

    [Theory]
    [InlineData("<t:ExchangeImpersonation><t:ConnectingSID/></t:ExchangeImpersonation>")]
    [InlineData("<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress> </t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>")]
    public async Task EmptyConnectingSidIsInvalidHeaderData(string header)
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), extraHeaders: header);

        response.AssertFault("ErrorInvalidExchangeImpersonationHeaderData");
    }

    [Fact]
    public async Task TwoIdentifiersInConnectingSidAreASchemaViolation()
    {
        var header = "<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>alice@contoso.local</t:SmtpAddress><t:PrincipalName>alice@contoso.local</t:PrincipalName></t:ConnectingSID></t:ExchangeImpersonation>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), extraHeaders: header);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task WithoutImpersonationTheCallerActsOnItsOwnMailbox()
    {
        using var admin = new SimulatorClient(Host, TestScenarios.AdminUser, TestScenarios.AdminPassword);

        var response = await admin.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"));

        response.AssertSuccess();
        Assert.Equal(1, Host.Requests.CountForMailbox(TestScenarios.AdminUser));
    }

    [Fact]
    public async Task WithoutImpersonationAnAccountWithoutMailboxGetsMissingEmailAddress()
    {
        using var client = new SimulatorClient(Host, TestScenarios.NoMailboxUser, TestScenarios.NoMailboxPassword);

        var response = await client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"));

        response.AssertFault("ErrorMissingEmailAddress");
    }

    [Fact]
    public async Task ItemIdFromAMailboxTheCallerCannotAccessIsAccessDenied()
    {
        var daveItem = Host.State.AddItem(TestScenarios.Dave, SimulatedFolder.Inbox, "private");

        var response = await Client.EwsAsync(Soap.HardDelete(daveItem), impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorAccessDenied");
        Assert.Equal(1, Host.State.CountItems(TestScenarios.Dave, SimulatedFolder.Inbox));
    }
}
