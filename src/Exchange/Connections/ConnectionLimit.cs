namespace ExSync.Exchange;

/// <summary>
/// The concurrency limit that a set of connection settings shares with every other call to the same server: typically one per
/// server profile, whose incoming and outgoing settings carry the same key.
/// </summary>
/// <param name="Key">Identifies the server (an ExSync server profile id). Calls with the same key share the limit.</param>
/// <param name="MaxConcurrentRequests">How many HTTP requests to the server may be in flight at once, whoever makes them (1–1000).</param>
public sealed record ConnectionLimit(string Key, int MaxConcurrentRequests)
{
    /// <summary>Default of <see cref="MaxHangingConnections"/>: Exchange 2016 and later allow 10 streaming connections per account by default.</summary>
    public const int DefaultMaxHangingConnections = 10;

    /// <summary>
    /// How many hanging requests (GetStreamingEvents, which stay open for up to 30 minutes) this process may hold to the server at
    /// once (0–100; 0 turns streaming notifications off for the server).
    /// </summary>
    /// <remarks>
    /// Hanging requests are counted apart from <see cref="MaxConcurrentRequests"/>: Exchange leaves them out of EWSMaxConcurrency and
    /// limits them on their own (HangingConnectionLimit: 3 by default on Exchange 2013, 10 on 2016 and later), and holding ordinary
    /// slots for half an hour would starve every synchronization of the profile. Each one still occupies a pooled TCP connection, so
    /// <see cref="ExchangeClientOptions.MaxConnectionsPerServer"/> must stay above <see cref="MaxConcurrentRequests"/> plus this value.
    /// </remarks>
    public int MaxHangingConnections { get; init; } = DefaultMaxHangingConnections;

    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range (a programming error in the caller).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Key);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxConcurrentRequests, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxHangingConnections, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxHangingConnections, 100);
    }
}
