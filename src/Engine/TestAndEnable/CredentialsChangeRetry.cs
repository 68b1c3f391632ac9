using ExSync.Domain.Common;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Jobs;
using ExSync.Engine.Sync;
using ExSync.Exchange;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.TestAndEnable;

/// <summary>The Exchange errors that mean the profile's credentials were rejected, which new credentials can cure.</summary>
public static class CredentialErrors
{
    /// <summary>
    /// The codes: EWS or autodiscover answered 401, or the token endpoint rejected the client secret. Errors about what the account may do
    /// (impersonation denied, account disabled) are not among them: new credentials for the same account do not change those.
    /// </summary>
    public static IReadOnlyList<string> Codes { get; } =
    [
        ExchangeErrorCodes.AuthenticationFailed,
        ExchangeErrorCodes.AutodiscoverAuthenticationFailed,
        ExchangeErrorCodes.OAuthClientAuthenticationFailed,
    ];
}

/// <summary>What <see cref="CredentialsChangeRetry.RetryFailedMailboxesAsync"/> set in motion.</summary>
/// <param name="SyncRunsRequested">Synchronization workloads brought forward to now.</param>
/// <param name="RetestJob">The Test &amp; Enable job of the mailboxes whose last test failed on credentials, if there were any.</param>
public sealed record CredentialsRetryOutcome(int SyncRunsRequested, Job? RetestJob);

/// <summary>
/// After a server profile's credentials change, tries again at once what failed on the old ones, for every mailbox that uses the profile
/// (assigned, or as the organization default). Without it, a failing synchronization would wait for its next probe (up to
/// Sync:ProbeIntervalCap), and a mailbox that Test &amp; Enable disabled on a rejected password would stay disabled until someone
/// tested it again by hand. Synchronization workloads failing on credentials are brought forward to now; mailboxes whose last test
/// failed on credentials get a Test &amp; Enable job (kind <see cref="JobKind.RetestAfterCredentialsChange"/>), which the job engine runs
/// like the scheduler's retests. Best effort after the profile is saved: if this step is lost, probing still recovers synchronization.
/// </summary>
public sealed partial class CredentialsChangeRetry(ExSyncDbContext db, SyncWorkloads workloads, JobLauncher launcher, ILogger<CredentialsChangeRetry> logger)
{
    /// <summary>Retries the mailboxes of <paramref name="profileId"/> that failed on credentials. Nothing happens for an inactive profile.</summary>
    public async Task<CredentialsRetryOutcome> RetryFailedMailboxesAsync(Guid profileId, CancellationToken cancellationToken)
    {
        var profile = await db.ServerProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == profileId, cancellationToken);
        if (profile is null || !profile.IsActive)
        {
            return new CredentialsRetryOutcome(0, null);
        }

        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var usesDefault = organization.DefaultServerProfileId == profileId;
        var mailboxes = db.Mailboxes.Where(m => m.ServerProfileId == profileId || (usesDefault && m.ServerProfileId == null));
        var codes = CredentialErrors.Codes.ToList();

        // LastError is kept after recovery, so only workloads still failing count; paused ones resume through the reconciler when enabled.
        var failing = await db.SyncWorkloads
            .Where(w => w.ConsecutiveErrors > 0 && w.State != SyncWorkloadState.Paused && codes.Contains(w.LastError!.Code))
            .Where(w => mailboxes.Any(m => m.Id == w.MailboxId))
            .Select(w => new { w.MailboxId, w.Direction })
            .ToListAsync(cancellationToken);
        var requested = 0;
        foreach (var direction in failing.GroupBy(w => w.Direction))
        {
            requested += await workloads.RequestRunAsync(direction.Select(w => w.MailboxId).ToList(), direction.Key, TimeSpan.Zero, cancellationToken);
        }

        // A permanent test failure disables the directions that failed, while a synchronization failure leaves them enabled: a disabled
        // server-side synchronization direction is what tells a failed test apart. Mailboxes already in an unfinished job are left to it.
        var retest = await mailboxes
            .Where(m => m.State == RecordState.Active && codes.Contains(m.LastError!.Code))
            .Where(m => (m.IncomingDeliveryMethod == IncomingEmailDeliveryMethod.ServerSideSynchronization && !m.EnabledForIncomingEmail)
                || (m.OutgoingDeliveryMethod == DeliveryMethod.ServerSideSynchronization && !m.EnabledForOutgoingEmail)
                || (m.ActDeliveryMethod == DeliveryMethod.ServerSideSynchronization && !m.EnabledForAct))
            .Where(m => !db.JobItems.Any(i => i.MailboxId == m.Id && i.State != JobItemState.Completed))
            .OrderBy(m => m.Id)
            .Select(m => m.Id)
            .ToListAsync(cancellationToken);
        Job? job = null;
        if (retest.Count > 0)
        {
            var launch = await launcher.LaunchAsync(
                JobKind.RetestAfterCredentialsChange,
                new JobRequest(ServerProfileId: profileId),
                RetestScheduler.SystemActor,
                JobItemSources.Mailboxes(retest),
                skipWhenEmpty: true,
                cancellationToken);
            job = launch.Job;
        }

        if (requested > 0 || job is not null)
        {
            LogRetried(logger, profileId, requested, job?.Id, job?.Total ?? 0);
        }

        return new CredentialsRetryOutcome(requested, job);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The credentials of server profile {ProfileId} changed: {SyncRuns} failing synchronizations run now; retest job {JobId} for {RetestCount} mailboxes whose test failed on credentials")]
    private static partial void LogRetried(ILogger logger, Guid profileId, int syncRuns, Guid? jobId, int retestCount);
}
