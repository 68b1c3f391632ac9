namespace ExSync.Persistence;

/// <summary>A delivery a sender claimed.</summary>
/// <param name="Id">The delivery.</param>
/// <param name="SubscriptionId">Its subscription.</param>
/// <param name="EventId">Its event.</param>
/// <param name="RoundAttempts">Attempts of its current round before this one.</param>
public sealed record ClaimedWebhookDelivery(Guid Id, Guid SubscriptionId, Guid EventId, int RoundAttempts);

public partial interface IDatabaseDialect
{
    /// <summary>
    /// Within the caller's transaction, up to <paramref name="count"/> events still in the outbox, oldest first, locked until the
    /// transaction ends: two dispatchers, in any processes, never fan out the same event at the same time.
    /// </summary>
    Task<IReadOnlyList<Guid>> LockUndispatchedWebhookEventsAsync(ExSyncDbContext db, int count, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="count"/> pending deliveries due by <paramref name="now"/>, earliest first, for <paramref name="owner"/>
    /// until <paramref name="leaseExpiresAt"/>, and moves their next attempt to the lease's end: a sender that dies mid-attempt leaves them
    /// due again when the lease runs out. Two senders, in any processes, never claim the same delivery.
    /// </summary>
    Task<IReadOnlyList<ClaimedWebhookDelivery>> ClaimWebhookDeliveriesAsync(
        ExSyncDbContext db, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);
}
