using ExSync.Domain.Mailboxes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Tells the sending engine that a mailbox has email due (the CRM asked to send it), so that sending starts within seconds rather than at
/// the mailbox's next poll. Called after the commit; the database stays the truth, and a lost notification only delays the send until the
/// next poll.
/// </summary>
public interface IOutgoingEmailSignal
{
    /// <summary>Brings the next outgoing cycle of the mailbox forward to now.</summary>
    Task EmailDueAsync(Guid mailboxId, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the mailbox's outgoing workload now: a worker of this instance wakes at once, and those of other instances find it due at their
/// next poll (<c>Sync:PollInterval</c>, a second).
/// </summary>
internal sealed class OutgoingEmailSignal(SyncWorkloads workloads) : IOutgoingEmailSignal
{
    public Task EmailDueAsync(Guid mailboxId, CancellationToken cancellationToken) =>
        workloads.RunNowAsync(mailboxId, SyncDirection.OutgoingEmail, cancellationToken);
}

/// <summary>Registers the outgoing email signal.</summary>
public static class OutgoingEmailSignalRegistration
{
    /// <summary>Adds the signal unless another was registered first (a test counting calls).</summary>
    public static IServiceCollection AddOutgoingEmailSignal(this IServiceCollection services)
    {
        services.TryAddSingleton<IOutgoingEmailSignal, OutgoingEmailSignal>();
        return services;
    }
}
