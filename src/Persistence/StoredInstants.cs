namespace ExSync.Persistence;

/// <summary>
/// Instants as precisely as every supported database keeps them: to the microsecond (PostgreSQL's timestamptz; .NET counts in 100 ns
/// ticks). Everything ExSync stores passes through this precision, so what a response shows right after a write is what a later read
/// returns, on any provider.
/// </summary>
public static class StoredInstants
{
    /// <summary>The instant truncated to whole microseconds, in UTC.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return utc.AddTicks(-(utc.UtcTicks % TimeSpan.TicksPerMicrosecond));
    }
}

/// <summary>The system clock, read to the microsecond (see <see cref="StoredInstants"/>).</summary>
public sealed class MicrosecondClock : TimeProvider
{
    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => StoredInstants.Truncate(System.GetUtcNow());
}
