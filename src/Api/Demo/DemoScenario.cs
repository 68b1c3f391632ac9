using ExSync.ExchangeSimulator;

namespace ExSync.Api.Demo;

/// <summary>
/// The Exchange organization of demo mode: one mailbox that works, and three that fail the way real ones do, each with an alert
/// that says what to fix.
/// </summary>
internal static class DemoScenario
{
    public const string ServiceAccount = "svc-exsync@contoso.demo";

    // Not a secret: it only opens the in-process simulator of demo mode.
    public const string ServiceAccountPassword = "Demo-Only-Pa55word!";

    public static readonly DemoMailbox[] Mailboxes =
    [
        new("Alice Adams", "alice@contoso.demo", "Works: passes every check and is enabled."),
        new("Bob Brown", "bob@contoso.demo", "Fails: the service account may not impersonate this mailbox (ApplicationImpersonation missing)."),
        new("Carol Chen", "carol@contoso.demo", "Works after a hiccup: Exchange answers 'server busy' twice; ExSync backs off and retries."),
        new("Dave Dunn", "dave@contoso.demo", "Fails: no such mailbox in Exchange (the address does not match)."),
    ];

    public static SimulatorScenario Create() => new()
    {
        Server = new ScenarioServer { Version = SimulatedExchangeVersion.Exchange2019, HostNames = ["localhost"], LatencyMilliseconds = 150 },
        Accounts =
        [
            new ScenarioAccount
            {
                UserName = ServiceAccount,
                Domain = "CONTOSO",
                SamAccountName = "svc-exsync",
                Password = ServiceAccountPassword,
                CanImpersonate = ["alice@contoso.demo", "carol@contoso.demo"],
            },
        ],
        Mailboxes =
        [
            new ScenarioMailbox { SmtpAddress = "alice@contoso.demo", DisplayName = "Alice Adams" },
            new ScenarioMailbox { SmtpAddress = "bob@contoso.demo", DisplayName = "Bob Brown" },
            new ScenarioMailbox { SmtpAddress = "carol@contoso.demo", DisplayName = "Carol Chen" },
        ],
        Faults =
        [
            new ScenarioFault { Operation = "GetFolder", Mailbox = "carol@contoso.demo", Kind = SimulatedFaultKind.ServerBusy, Times = 2, BackOffMilliseconds = 500 },
        ],
    };
}

/// <summary>A sample mailbox of demo mode.</summary>
internal sealed record DemoMailbox(string Name, string EmailAddress, string WhatHappens);
