namespace ExSync.ExchangeSimulator.Tests;

/// <summary>Scenarios shared by the tests; each call returns a fresh object the test may change before starting a host.</summary>
internal static class TestScenarios
{
    public const string ServiceUser = "svc-exsync@contoso.local";
    public const string ServicePassword = "Passw0rd!";
    public const string Domain = "CONTOSO";
    public const string ServiceSamAccountName = "svc-exsync";
    public const string AdminUser = "admin@contoso.local";
    public const string AdminPassword = "Adm1nPassw0rd!";
    public const string NoMailboxUser = "nomailbox@contoso.local";
    public const string NoMailboxPassword = "N0Mailbox!";

    public const string Alice = "alice@contoso.local";
    public const string Bob = "bob@contoso.local";
    public const string Carol = "carol@contoso.local";
    public const string Dave = "dave@contoso.local";
    public const string Erin = "erin@contoso.local";
    public const string Frank = "frank@contoso.local";

    public const string TenantId = "8d3c1b2a-7f6e-4d5c-9b8a-0f1e2d3c4b5a";
    public const string ClientId = "0b6f8e2d-4c3a-4b1e-8f7d-6a5b4c3d2e1f";
    public const string ClientSecret = "simulator-client-secret";
    public const string FrankOwner = "5b0f0d6e-1c2a-4e8b-9a7d-3f2e1d0c4b5a";

    public static SimulatorScenario Default(SimulatedExchangeVersion version = SimulatedExchangeVersion.Exchange2019) => new()
    {
        Server = new ScenarioServer
        {
            Version = version,
            HostNames = ["mail.contoso.local", "autodiscover.contoso.local", "contoso.local"],
            Authentication = new ScenarioAuthentication { Basic = true, Ntlm = true, Bearer = true },
        },
        Accounts =
        [
            new ScenarioAccount
            {
                UserName = ServiceUser,
                Domain = Domain,
                SamAccountName = ServiceSamAccountName,
                Password = ServicePassword,
                CanImpersonate = [Alice, Bob, Carol, Erin, Frank],
            },
            new ScenarioAccount { UserName = AdminUser, Domain = Domain, SamAccountName = "admin", Password = AdminPassword, CanImpersonateAll = true },
            new ScenarioAccount { UserName = NoMailboxUser, Password = NoMailboxPassword, CanImpersonateAll = true },
        ],
        Mailboxes =
        [
            new ScenarioMailbox { SmtpAddress = Alice, DisplayName = "Alice Anderson", ItemCounts = { ["inbox"] = 25, ["calendar"] = 3, ["tasks"] = 2 } },
            new ScenarioMailbox { SmtpAddress = Bob, DisplayName = "Bob Brown", UserPrincipalName = "bob.brown@corp.contoso.local", Sid = "S-1-5-21-1-2-3-1105" },
            new ScenarioMailbox { SmtpAddress = Carol, DisplayName = "Carol Clark" },
            new ScenarioMailbox { SmtpAddress = Dave, DisplayName = "Dave Davis" },
            new ScenarioMailbox { SmtpAddress = Erin, DisplayName = "Erin Evans", Version = SimulatedExchangeVersion.Exchange2013Sp1 },
            new ScenarioMailbox { SmtpAddress = Frank, DisplayName = "Frank Fisher", OwnerOrganizationId = FrankOwner },
            new ScenarioMailbox { SmtpAddress = AdminUser, DisplayName = "Administrator" },
        ],
        OAuthApplications =
        [
            new ScenarioOAuthApplication { TenantId = TenantId, ClientId = ClientId, ClientSecret = ClientSecret, CanImpersonate = [Alice] },
        ],
    };
}
