using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Scenarios of the Exchange simulator, and the ExSync settings that point at it.</summary>
public static class SimulatedExchange
{
    public const string ServiceAccount = "svc-exsync@contoso.local";
    public const string ServiceAccountPassword = "Sim-Service-Pa55!";

    /// <summary>An Exchange 2019 server whose service account may impersonate the listed mailboxes.</summary>
    public static SimulatorScenario Scenario(IEnumerable<string> impersonable, IEnumerable<string>? notImpersonable = null, int latencyMilliseconds = 0) => new()
    {
        Server = new ScenarioServer { Version = SimulatedExchangeVersion.Exchange2019, LatencyMilliseconds = latencyMilliseconds, HostNames = ["localhost"] },
        Accounts =
        [
            new ScenarioAccount
            {
                UserName = ServiceAccount,
                Domain = "CONTOSO",
                SamAccountName = "svc-exsync",
                Password = ServiceAccountPassword,
                CanImpersonate = impersonable.ToList(),
            },
        ],
        Mailboxes = impersonable.Concat(notImpersonable ?? []).Select(address => new ScenarioMailbox { SmtpAddress = address, DisplayName = address }).ToList(),
    };

    /// <summary>A profile that reaches the simulator with Basic authentication and trusts its certificate authority.</summary>
    public static ServerProfileInput Profile(ExchangeSimulatorHost simulator, string? password = null, bool setAsDefault = true) => new()
    {
        Name = TestData.Unique("Simulated Exchange"),
        Owner = new ServerProfileOwnerInput { Id = "profile-owner", EmailAddress = "exchange-admin@contoso.local" },
        Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.Impersonation,
            Impersonation = new ServerProfileImpersonationInput { UserName = ServiceAccount, Password = password ?? ServiceAccountPassword },
        },
        Incoming = new ServerProfileConnectionInput { ServerLocation = simulator.EwsUrl.ToString(), AuthenticationProtocol = AuthenticationProtocol.Basic },
        TrustedCaCertificatePem = simulator.CertificateAuthorityPem,
        SetAsDefaultForNewMailboxes = setAsDefault ? true : null,
    };
}
