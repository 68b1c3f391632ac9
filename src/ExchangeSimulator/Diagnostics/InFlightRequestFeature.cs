namespace ExSync.ExchangeSimulator;

/// <summary>
/// The concurrency counters a request is counted in (server-wide, and its account's once authenticated), so a
/// GetStreamingEvents request can move itself to the hanging-connection counters: Exchange's EWSMaxConcurrency does
/// not count streaming connections, HangingConnectionLimit does.
/// </summary>
internal sealed class InFlightRequestFeature(SimulatorRequestCounters.InFlightScope serverScope)
{
    private readonly List<SimulatorRequestCounters.InFlightScope> _scopes = [serverScope];

    public void Add(SimulatorRequestCounters.InFlightScope scope) => _scopes.Add(scope);

    public void BecomeHanging()
    {
        foreach (var scope in _scopes)
        {
            scope.BecomeHanging();
        }
    }
}
