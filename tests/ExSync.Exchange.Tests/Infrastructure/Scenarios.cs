using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>The simulated Contoso organisation most tests use.</summary>
internal static class Scenarios
{
    public const string ServiceUser = "svc-exsync@contoso.local";
    public const string ServiceSamAccountName = "svc-exsync";
    public const string ServiceDomain = "CONTOSO";
    public const string ServicePassword = "Sup3r-Secret-Pa55word!";
    public const string LimitedUser = "svc-limited@contoso.local";
    public const string LimitedPassword = "Limited-Pa55word!";
    public const string Alice = "alice@contoso.local";
    public const string Bob = "bob@contoso.local";
    public const string Nobody = "nobody@contoso.local";
    public const string TenantId = "contoso-tenant";
    public const string ClientId = "11111111-2222-3333-4444-555555555555";
    public const string ClientSecret = "Cl13nt-S3cret-Value~xyz";
    public const string OurOrganization = "0b6b7a52-3c1e-4d0a-9d77-2a9f4c7e1a10";
    public const string OtherOrganization = "d7c1e5f0-8a44-4b4e-b1a2-6c3f9e0d2b77";

    /// <summary>
    /// Exchange 2019 with Basic and NTLM, a service account that may impersonate everyone, one that may impersonate
    /// only Alice, mailboxes Alice and Bob, and an OAuth application.
    /// </summary>
    public static SimulatorScenario Contoso(SimulatedExchangeVersion version = SimulatedExchangeVersion.Exchange2019) => new()
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
                SamAccountName = ServiceSamAccountName,
                Domain = ServiceDomain,
                Password = ServicePassword,
                CanImpersonateAll = true,
            },
            new ScenarioAccount
            {
                UserName = LimitedUser,
                Password = LimitedPassword,
                CanImpersonate = [Alice],
            },
        ],
        Mailboxes =
        [
            new ScenarioMailbox { SmtpAddress = Alice, DisplayName = "Alice", ItemCounts = new() { ["inbox"] = 3, ["calendar"] = 2 } },
            new ScenarioMailbox { SmtpAddress = Bob, DisplayName = "Bob" },
        ],
        OAuthApplications =
        [
            new ScenarioOAuthApplication { TenantId = TenantId, ClientId = ClientId, ClientSecret = ClientSecret, CanImpersonateAll = true },
        ],
    };

    public static ServiceAccountAuthentication Basic(string user = ServiceUser, string password = ServicePassword) =>
        new(user, password, AuthenticationProtocol.Basic);

    public static ServiceAccountAuthentication Ntlm(string user = ServiceUser, string password = ServicePassword) =>
        new(user, password, AuthenticationProtocol.Ntlm);

    public static HybridModernAuthentication OAuth(ExchangeSimulatorHost simulator, string secret = ClientSecret) =>
        new(simulator.HttpsBaseAddress, TenantId, ClientId, secret, "https://mail.contoso.local");

    /// <summary>Connection settings for the simulator's EWS URL, trusting its CA.</summary>
    public static ExchangeConnectionSettings Connection(
        ExchangeSimulatorHost simulator, ExchangeAuthentication? authentication = null, TimeSpan? timeout = null) => new()
    {
        EwsUrl = simulator.EwsUrl,
        Authentication = authentication ?? Basic(),
        ConnectionTimeout = timeout ?? TimeSpan.FromSeconds(15),
        TrustedCertificateAuthorityPem = simulator.CertificateAuthorityPem,
    };

    public static Ews.EwsTarget Target(ExchangeSimulatorHost simulator, string mailbox = Alice, ExchangeAuthentication? authentication = null, TimeSpan? timeout = null) =>
        new(simulator.EwsUrl, Connection(simulator, authentication, timeout), mailbox);
}
