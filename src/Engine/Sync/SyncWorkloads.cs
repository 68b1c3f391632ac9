using ExSync.Engine.TestAndEnable;
using ExSync.Engine.Webhooks;
using ExSync.Domain.Alerts;
using ExSync.Domain.Changes;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Sync;
using ExSync.Domain.TestAndEnable;
using ExSync.Engine.Exchange;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync;

/// <summary>
/// The persisted side of synchronization workloads: starting a claimed cycle, recording its outcome (health, schedule, the mailbox's
/// status and alerts), renewing and releasing leases, and bringing runs forward.
/// </summary>
public sealed partial class SyncWorkloads(
    IDbContextFactory<ExSyncDbContext> contexts,
    ExchangeConnections connections,
    SequentialIds ids,
    InstanceIdentity instance,
    SyncSignal signal,
    SyncStarts starts,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> options,
    ILogger<SyncWorkloads> logger)
{
    /// <summary>
    /// Reads what the claimed cycles need, in a few queries for the whole claim rather than a few per cycle (thousands of idle mailboxes
    /// make hundreds of cycles a second, and these reads were a large part of each). A mailbox that is no longer synchronized in a claimed
    /// direction (disabled, deleted, unapproved, profile inactive) has its workload paused instead, and gets no cycle.
    /// </summary>
    public async Task<IReadOnlyDictionary<ClaimedWorkload, SyncCycle>> StartAsync(IReadOnlyCollection<ClaimedWorkload> claims, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        var cycles = new Dictionary<ClaimedWorkload, SyncCycle>();
        if (claims.Count == 0)
        {
            return cycles;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mailboxIds = claims.Select(c => c.MailboxId).Distinct().ToArray();
        var workloadsOf = (await db.SyncWorkloads.AsNoTracking().Where(w => mailboxIds.Contains(w.MailboxId)).ToListAsync(cancellationToken))
            .ToDictionary(w => new ClaimedWorkload(w.MailboxId, w.Direction));
        var mailboxes = await db.Mailboxes.AsNoTracking().Where(m => mailboxIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var organization = await db.FindOrganizationSettingsAsync(cancellationToken);
        var profileIds = mailboxes.Values.Select(m => TestAndEnablePreconditions.EffectiveProfileId(m, organization)).OfType<Guid>().Distinct().ToArray();
        var profiles = await db.ServerProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        foreach (var claim in claims)
        {
            if (!workloadsOf.TryGetValue(claim, out var workload) || workload.LeaseOwner != instance.LeaseOwner
                || !mailboxes.TryGetValue(claim.MailboxId, out var mailbox))
            {
                continue;
            }

            var profile = TestAndEnablePreconditions.EffectiveProfileId(mailbox, organization) is { } profileId ? profiles.GetValueOrDefault(profileId) : null;
            if (profile is null || !SyncEligibility.Synchronizes(mailbox, profile, organization, claim.Direction))
            {
                await Owned(db, claim).ExecuteUpdateAsync(
                    s => s.SetProperty(w => w.State, SyncWorkloadState.Paused)
                        .SetProperty(w => w.LeaseOwner, (string?)null)
                        .SetProperty(w => w.LeaseExpiresAt, (DateTimeOffset?)null)
                        .SetProperty(w => w.Revision, w => w.Revision + 1),
                    cancellationToken);
                continue;
            }

            cycles[claim] = new SyncCycle(mailbox, profile, organization, connections.For(profile), workload, startedAt);
        }

        return cycles;
    }

    /// <summary>
    /// Records a cycle's outcome if this instance still holds the workload (a worker presumed dead may have lost it to another, whose
    /// record then prevails), with the mailbox's status and alerts when the workload's health changed.
    /// </summary>
    public async Task CompleteAsync(ClaimedWorkload claim, SyncCycle cycle, SyncCycleOutcome outcome, SyncCadence cadence, CancellationToken cancellationToken)
    {
        // Most cycles complete a row nobody touched since they read it: claims, run requests, pauses and takeovers all move its revision,
        // and lease renewals only its lease. Such a row is written from what the cycle read, without reading it again.
        var startRevision = cycle.Workload.Revision;
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var workload = db.SyncWorkloads.Attach(cycle.Workload);
            foreach (var renewed in (string[])[nameof(SyncWorkload.LeaseOwner), nameof(SyncWorkload.LeaseExpiresAt), nameof(SyncWorkload.NextRunAt)])
            {
                workload.Property(renewed).IsModified = true;
            }

            await SaveCompletionAsync(db, cycle.Workload, claim, cycle, outcome, cadence, requestedDuringCycle: false, cancellationToken);
            return;
        }
        catch (DbUpdateConcurrencyException)
        {
        }

        // The row moved: read it again and decide again (a run requested meanwhile runs at once; a lost lease records nothing).
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var workload = await db.SyncWorkloadAsync(claim.MailboxId, claim.Direction, cancellationToken);
            if (workload is null || workload.LeaseOwner != instance.LeaseOwner)
            {
                LogLeaseLost(logger, claim.MailboxId, claim.Direction);
                return;
            }

            try
            {
                await SaveCompletionAsync(db, workload, claim, cycle, outcome, cadence, requestedDuringCycle: workload.Revision != startRevision, cancellationToken);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 5)
            {
            }
        }
    }

    private async Task SaveCompletionAsync(
        ExSyncDbContext db, SyncWorkload workload, ClaimedWorkload claim, SyncCycle cycle, SyncCycleOutcome outcome, SyncCadence cadence, bool requestedDuringCycle, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var floor = TimeSpan.FromMinutes(cycle.Profile.Advanced.MinPollingIntervalMinutes);
        var change = workload.Complete(outcome, cadence, floor, cycle.StartedAt, now, requestedDuringCycle);
        if (change is SyncHealthChange.StartedFailing or SyncHealthChange.Recovered
            && await db.Mailboxes.SingleOrDefaultAsync(m => m.Id == claim.MailboxId, cancellationToken) is { } mailbox)
        {
            if (change == SyncHealthChange.StartedFailing)
            {
                mailbox.RecordSyncFailure(claim.Direction, workload.LastError!.Code, workload.LastError.Message, now);
            }
            else
            {
                mailbox.RecordSyncRecovery(claim.Direction, now);
            }

            db.Alerts.AddRange(SyncAlerts.For(change, workload, mailbox, cycle.Profile, cycle.Organization.Alerts, ids.Next, now));
            db.RecordSyncHealthChange(claim.MailboxId, claim.Direction, change == SyncHealthChange.StartedFailing, workload.LastError?.Code, now);
        }

        if (outcome.Error is { } error && CredentialErrors.Codes.Contains(error.Code))
        {
            await db.RecordCredentialsRejectedOnceAsync(cycle.Profile, error.Code, claim.MailboxId, now, cancellationToken);
        }

        if (change != SyncHealthChange.None)
        {
            db.RecordChange(ChangeObjectTypes.MailboxSyncStatus, claim.MailboxId.ToString(), ChangeOperation.Updated, now.ToUnixTimeMilliseconds(), now);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Extends the leases of the cycles this instance is running.</summary>
    public async Task RenewLeasesAsync(IReadOnlyCollection<ClaimedWorkload> claims, CancellationToken cancellationToken)
    {
        if (claims.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var until = time.GetUtcNow() + options.CurrentValue.LeaseDuration;
        foreach (var group in claims.GroupBy(c => c.Direction))
        {
            var mailboxIds = group.Select(c => c.MailboxId).ToArray();
            await db.SyncWorkloads
                .Where(w => w.Direction == group.Key && mailboxIds.Contains(w.MailboxId) && w.LeaseOwner == instance.LeaseOwner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseExpiresAt, until).SetProperty(w => w.NextRunAt, until), cancellationToken);
        }
    }

    /// <summary>Hands back, due at once, the workloads this instance still holds (at shutdown), so another instance resumes them without waiting.</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<ClaimedWorkload> claims)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync();
            var now = time.GetUtcNow();
            await db.SyncWorkloads
                .Where(w => w.LeaseOwner == instance.LeaseOwner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseExpiresAt, (DateTimeOffset?)null).SetProperty(w => w.NextRunAt, now));
        }
        catch (Exception ex)
        {
            LogReleaseFailed(logger, ex, claims.Count);
        }
    }

    /// <summary>
    /// Brings the next run of the mailboxes' workloads in <paramref name="direction"/> forward to <paramref name="delay"/> from now. A
    /// workload whose cycle is under way keeps its lease; its completion sees the request and runs again at once.
    /// </summary>
    /// <returns>How many workloads were found (paused ones are not run).</returns>
    public async Task<int> RequestRunAsync(IReadOnlyCollection<Guid> mailboxIds, SyncDirection direction, TimeSpan delay, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        var runAt = now + delay;
        var ids = mailboxIds.ToArray();
        var found = await db.SyncWorkloads
            .Where(w => w.Direction == direction && ids.Contains(w.MailboxId) && w.State != SyncWorkloadState.Paused)
            .ExecuteUpdateAsync(
                s => s.SetProperty(w => w.RunRequestedAt, now)
                    .SetProperty(w => w.NextRunAt, w => w.LeaseExpiresAt != null && w.LeaseExpiresAt > now ? w.NextRunAt : w.NextRunAt > runAt ? runAt : w.NextRunAt)
                    .SetProperty(w => w.Revision, w => w.Revision + 1),
                cancellationToken);
        if (found > 0 && delay <= options.CurrentValue.PollInterval)
        {
            signal.Wake();
        }

        return found;
    }

    /// <summary>
    /// Runs a mailbox's synchronization in one direction as soon as a worker is free. A mailbox Test &amp; Enable has just enabled gets its
    /// workload here if the reconciler has not made it yet. Returns false when the mailbox is not synchronized in that direction.
    /// </summary>
    public async Task<bool> RunNowAsync(Guid mailboxId, SyncDirection direction, CancellationToken cancellationToken)
    {
        if (await RequestRunAsync([mailboxId], direction, TimeSpan.Zero, cancellationToken) > 0)
        {
            return true;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mailbox = await db.Mailboxes.AsNoTracking().SingleOrDefaultAsync(m => m.Id == mailboxId, cancellationToken);
        if (mailbox is null)
        {
            return false;
        }

        var (organization, profile) = await SettingsOfAsync(db, mailbox, cancellationToken);
        if (profile is null || !SyncEligibility.Synchronizes(mailbox, profile, organization, direction))
        {
            return false;
        }

        var now = time.GetUtcNow();
        var workload = await db.SyncWorkloads.SingleOrDefaultAsync(w => w.MailboxId == mailboxId && w.Direction == direction, cancellationToken);
        if (workload is null)
        {
            db.SyncWorkloads.Add(SyncWorkload.Create(mailboxId, direction, now));
        }
        else
        {
            workload.Resume(now);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The reconciler made or resumed it at the same moment.
            return await RequestRunAsync([mailboxId], direction, TimeSpan.Zero, cancellationToken) > 0;
        }

        signal.Wake();
        if (workload is null)
        {
            await starts.NotifyAsync([mailboxId], direction, cancellationToken);
        }

        return true;
    }

    private static async Task<(OrganizationEmailSettings Organization, ServerProfile? Profile)> SettingsOfAsync(ExSyncDbContext db, Mailbox mailbox, CancellationToken cancellationToken)
    {
        var organization = await db.FindOrganizationSettingsAsync(cancellationToken);
        var profile = await db.FindEffectiveServerProfileAsync(mailbox, organization, cancellationToken);
        return (organization, profile);
    }

    private IQueryable<SyncWorkload> Owned(ExSyncDbContext db, ClaimedWorkload claim) =>
        db.SyncWorkloads.Where(w => w.MailboxId == claim.MailboxId && w.Direction == claim.Direction && w.LeaseOwner == instance.LeaseOwner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The synchronization of mailbox {MailboxId} ({Direction}) was taken over by another worker before this one finished; its outcome is not recorded")]
    private static partial void LogLeaseLost(ILogger logger, Guid mailboxId, SyncDirection direction);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing {Count} synchronization leases at shutdown failed; other instances take them over when the leases run out")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, int count);
}
