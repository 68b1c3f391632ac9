using ExSync.Exchange.Ews;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>A fresh simulator (Contoso scenario, optionally changed) and client harness per test.</summary>
public abstract class SimulatorTestBase : IAsyncLifetime
{
    internal ExchangeSimulatorHost Simulator { get; private set; } = null!;

    internal ExchangeClientHarness Client { get; private set; } = null!;

    internal static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Adjusts the scenario before the simulator starts.</summary>
    internal virtual void Configure(SimulatorScenario scenario)
    {
    }

    /// <summary>Adjusts client options before the harness is built.</summary>
    internal virtual void Configure(ExchangeClientOptions options)
    {
    }

    public async ValueTask InitializeAsync()
    {
        var scenario = Scenarios.Contoso();
        Configure(scenario);
        Simulator = await ExchangeSimulatorHost.StartAsync(scenario, Ct);
        Client = ExchangeClientHarness.Create(Configure);
    }

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    internal static GetFolderRequest Inbox() => new() { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] };

    internal Task<GetFolderResponse> GetInboxAsync(EwsTarget? target = null) =>
        Client.Ews.GetFolderAsync(target ?? Scenarios.Target(Simulator), Inbox(), Ct);
}
