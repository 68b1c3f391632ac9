using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ExSync.Api.Jobs.Engine;

/// <summary>
/// Limits the connections ExSync opens to Exchange at once to each profile's maxConcurrentConnections, across all jobs.
/// When the setting changes, new tests use the new limit; tests already running finish under the old one.
/// </summary>
public sealed class ExchangeConcurrencyLimiter : IDisposable
{
    private readonly ConcurrentDictionary<Guid, (int Limit, ConcurrencyLimiter Limiter)> limiters = new();

    /// <summary>Waits for a free connection of the profile; dispose the lease to give it back.</summary>
    public async ValueTask<RateLimitLease> AcquireAsync(Guid profileId, int limit, CancellationToken cancellationToken)
    {
        var entry = limiters.AddOrUpdate(
            profileId,
            _ => (limit, Create(limit)),
            (_, existing) => existing.Limit == limit ? existing : (limit, Create(limit)));
        return await entry.Limiter.AcquireAsync(1, cancellationToken);
    }

    public void Dispose()
    {
        foreach (var (_, limiter) in limiters.Values)
        {
            limiter.Dispose();
        }
    }

    private static ConcurrencyLimiter Create(int limit) => new(new ConcurrencyLimiterOptions
    {
        PermitLimit = limit,
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
}
