using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Sync;
using ExSync.Engine.Exchange;

namespace ExSync.Engine.Sync;

/// <summary>
/// Synchronizes one direction of one mailbox for one cycle. A new kind of synchronization (outgoing email, appointments, contacts,
/// tasks) is a new handler registered with <c>AddSyncWorkload</c>; the worker, leases, scheduling and health are shared.
/// </summary>
public interface ISyncWorkloadHandler
{
    /// <summary>The direction this handler synchronizes.</summary>
    SyncDirection Direction { get; }

    /// <summary>
    /// Runs one cycle. Exchange errors that end the cycle are returned in the outcome, classified transient or permanent; an exception
    /// counts as a transient failure of the cycle.
    /// </summary>
    Task<SyncCycleOutcome> RunAsync(SyncCycle cycle, CancellationToken cancellationToken);

    /// <summary>
    /// When this direction's workloads poll: the configured cadence unless the direction learns of its work otherwise (outgoing email is
    /// signalled when the CRM sends, so its polls are only a safety net).
    /// </summary>
    SyncCadence Cadence(SyncCadence configured) => configured;
}

/// <summary>What a cycle works with, read when it starts.</summary>
/// <param name="Mailbox">The mailbox.</param>
/// <param name="Profile">Its effective server profile.</param>
/// <param name="Organization">The organization settings.</param>
/// <param name="Connections">The profile's connection settings, secrets decrypted.</param>
/// <param name="Workload">The workload as it was when the cycle started.</param>
/// <param name="StartedAt">When the cycle started.</param>
public sealed record SyncCycle(
    Mailbox Mailbox,
    ServerProfile Profile,
    OrganizationEmailSettings Organization,
    ProfileConnections Connections,
    SyncWorkload Workload,
    DateTimeOffset StartedAt);
