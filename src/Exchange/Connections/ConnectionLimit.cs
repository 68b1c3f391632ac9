namespace ExSync.Exchange;

/// <summary>
/// The concurrency limit that a set of connection settings shares with every other call to the same server: typically one per
/// server profile, whose incoming and outgoing settings carry the same key.
/// </summary>
/// <param name="Key">Identifies the server (an ExSync server profile id). Calls with the same key share the limit.</param>
/// <param name="MaxConcurrentRequests">How many HTTP requests to the server may be in flight at once, whoever makes them (1–1000).</param>
public sealed record ConnectionLimit(string Key, int MaxConcurrentRequests)
{
    /// <summary>Throws <see cref="ArgumentException"/> when a value is out of range (a programming error in the caller).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Key);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentRequests, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxConcurrentRequests, 1000);
    }
}
