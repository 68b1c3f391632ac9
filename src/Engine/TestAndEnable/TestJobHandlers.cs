using ExSync.Domain.Alerts;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;
using ExSync.Engine.Jobs;
using ExSync.Engine.Sync;
using ExSync.Engine.Webhooks;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.TestAndEnable;

/// <summary>
/// Test &amp; Enable (of chosen mailboxes, of a profile's mailboxes, and the scheduled retests): tests each mailbox over EWS and records
/// the result as Dynamics does — enables the directions that work, disables the others, schedules retests of transient failures, and
/// alerts mailbox and profile owners.
/// </summary>
public sealed class TestAndEnableJobHandler(
    IDbContextFactory<ExSyncDbContext> contexts,
    MailboxTester tester,
    SequentialIds ids,
    SyncReconcileSignal reconcile,
    IOptionsMonitor<JobOptions> options) : IJobHandler
{
    // A Test & Enable job's profiles cannot go away: a profile that mailboxes use cannot be deleted.
    public Task<JobFailure?> CheckAsync(Job job, CancellationToken cancellationToken) => Task.FromResult<JobFailure?>(null);

    /// <summary>Reads what a batch needs in three queries: the mailboxes, the organization settings and the profiles.</summary>
    public async Task<IReadOnlyList<JobWork>> PrepareAsync(Job job, IReadOnlyList<ClaimedJobItem> items, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var mailboxIds = items.Where(c => c.MailboxId is not null).Select(c => c.MailboxId!.Value).ToList();
        var mailboxes = await db.Mailboxes.AsNoTracking().Where(m => mailboxIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var profileIds = mailboxes.Values.Select(m => TestAndEnablePreconditions.EffectiveProfileId(m, organization)).OfType<Guid>().Distinct().ToList();
        var profiles = await db.ServerProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);

        return items.Select(item =>
        {
            var mailbox = item.MailboxId is { } id ? mailboxes.GetValueOrDefault(id) : null;
            var profileId = mailbox is null ? null : TestAndEnablePreconditions.EffectiveProfileId(mailbox, organization);
            return (JobWork)new TestWork(job, item, mailbox, profileId is { } p ? profiles.GetValueOrDefault(p) : null, organization);
        }).ToList();
    }

    public async Task<JobWorkResult> ProcessAsync(JobWork work, CancellationToken cancellationToken) =>
        await tester.TestMailboxAsync((TestWork)work, cancellationToken);

    public async Task RecordAsync(JobRecording recording, IReadOnlyList<JobWorkResult> results, CancellationToken cancellationToken)
    {
        var db = recording.Db;
        var mailboxIds = results.Select(r => r.Work.Item.MailboxId).OfType<Guid>().ToList();
        var mailboxes = await db.Mailboxes.Where(m => mailboxIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var retry = new RetryPolicy(options.CurrentValue.RetryInterval, options.CurrentValue.MaxRetries);
        var failingProfiles = new Dictionary<Guid, ServerProfile>();
        foreach (var result in results.Cast<TestWorkResult>())
        {
            var (outcome, failure, record) = Apply(result, mailboxes, organization, retry, recording);
            if (outcome is JobItemOutcome.Failed or JobItemOutcome.RetryScheduled && result.Work.Profile is { } profile)
            {
                failingProfiles[profile.Id] = profile;
                if (failure is not null && CredentialErrors.Codes.Contains(failure.Code))
                {
                    await db.RecordCredentialsRejectedOnceAsync(profile, failure.Code, result.Work.Item.MailboxId, recording.Now, cancellationToken);
                }
            }

            recording.Complete(
                result.Work.Item,
                outcome,
                failure?.Code,
                StoredTestResult.From(result, failure, record).Serialize(),
                result.Work.Mailbox?.EmailAddress ?? result.Work.Item.EmailAddress,
                result.Work.Profile?.Id);
        }

        // The major-failure rule counts this batch's failures too.
        await recording.WriteCompletionsAsync(cancellationToken);
        foreach (var profile in failingProfiles.Values)
        {
            await AlertOnMajorFailuresAsync(recording, profile, organization, cancellationToken);
        }
    }

    /// <summary>Applies one result to its mailbox (tracked in the recording's context) and returns the item's outcome.</summary>
    private (JobItemOutcome Outcome, TestFailure? Failure, TestRecord? Record) Apply(
        TestWorkResult result, Dictionary<Guid, Mailbox> mailboxes, OrganizationEmailSettings organization, RetryPolicy retry, JobRecording recording)
    {
        if (result.Work.Item.MailboxId is not { } mailboxId || !mailboxes.TryGetValue(mailboxId, out var mailbox))
        {
            return (JobItemOutcome.Skipped, new TestFailure(TestAndEnableErrors.UnknownMailbox, "ExSync has no mailbox with this id: it never existed or was deleted before it was tested.", "Nothing to do.", IsTransient: false), null);
        }

        if (result.Fingerprint != mailbox.ConnectionFingerprint)
        {
            return (JobItemOutcome.Skipped, new TestFailure(
                TestAndEnableErrors.MailboxChangedDuringTest,
                "The mailbox's server profile, delivery methods or address changed while it was being tested, so this result no longer applies.",
                "Run Test & Enable again for the mailbox.",
                IsTransient: false), null);
        }

        var record = result.Precondition is { } precondition
            ? mailbox.RecordPreconditionFailure(precondition, recording.Now)
            : mailbox.RecordTestResult(result.Test!, retry, recording.Now);
        if (record.Enabled.Count > 0)
        {
            // Synchronization starts within seconds rather than at the reconciler's next round (a round that runs before this
            // batch commits misses it, and the next one finds it).
            reconcile.Wake();
        }

        recording.Db.Alerts.AddRange(TestAndEnableAlerts.For(record, mailbox, result.Work.Profile, organization.Alerts, ids.Next, recording.Now, recording.Job.Id));
        var outcome = record.Resolution switch
        {
            TestResolution.Enabled => JobItemOutcome.Succeeded,
            TestResolution.RetryScheduled => JobItemOutcome.RetryScheduled,
            TestResolution.Skipped => JobItemOutcome.Skipped,
            _ => JobItemOutcome.Failed,
        };
        return (outcome, record.Failure, record);
    }

    /// <summary>
    /// Alerts the profile owner, at most once an hour, when more than half of the profile's mailboxes failed within the last hour
    /// (when the profile asks for it and the organization records errors). The lock makes check-then-insert hold across instances.
    /// </summary>
    private async Task AlertOnMajorFailuresAsync(JobRecording recording, ServerProfile profile, OrganizationEmailSettings organization, CancellationToken cancellationToken)
    {
        if (!profile.Advanced.SendAlertToOwnerOnMajorFailures || !organization.Alerts.Errors)
        {
            return;
        }

        var db = recording.Db;
        var profileId = profile.Id;
        await recording.Dialect.LockAsync(db, $"major-failures:{profileId}", cancellationToken);
        var since = recording.Now - TestAndEnableAlerts.MajorFailureWindow;
        if (await db.Alerts.AnyAsync(a => a.ServerProfileId == profileId && a.Code == TestAndEnableAlerts.MajorFailures && a.CreatedAt > since, cancellationToken)
            || db.Alerts.Local.Any(a => a.ServerProfileId == profileId && a.Code == TestAndEnableAlerts.MajorFailures))
        {
            return;
        }

        var failed = await db.JobItems
            .Where(i => i.ServerProfileId == profileId && i.MailboxId != null && i.CompletedAt >= since
                        && (i.Outcome == JobItemOutcome.Failed || i.Outcome == JobItemOutcome.RetryScheduled))
            .Select(i => i.MailboxId)
            .Distinct()
            .CountAsync(cancellationToken);
        var isDefault = organization.DefaultServerProfileId == profileId;
        var total = await db.Mailboxes.CountAsync(m => m.ServerProfileId == profileId || (isDefault && m.ServerProfileId == null), cancellationToken);
        if (TestAndEnableAlerts.IsMajorFailure(failed, total))
        {
            db.Alerts.Add(TestAndEnableAlerts.MajorFailure(profile, failed, total, ids.Next(), recording.Now, recording.Job.Id));
        }
    }
}

/// <summary>
/// A connection test: tests one address with a server profile, enabling nothing; its result is the diagnostic step tree. The job fails
/// as a whole when its profile was deleted before it ran.
/// </summary>
public sealed class ConnectionTestJobHandler(IDbContextFactory<ExSyncDbContext> contexts, MailboxTester tester) : IJobHandler
{
    /// <summary>The job's error when its server profile is gone.</summary>
    public const string ServerProfileNotFound = "ServerProfileNotFound";

    public async Task<JobFailure?> CheckAsync(Job job, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var profileId = job.ServerProfileId;
        return await db.ServerProfiles.AnyAsync(p => p.Id == profileId, cancellationToken)
            ? null
            : new JobFailure(ServerProfileNotFound, $"The server profile {profileId} was deleted after the connection test was requested, so nothing was tested.");
    }

    public async Task<IReadOnlyList<JobWork>> PrepareAsync(Job job, IReadOnlyList<ClaimedJobItem> items, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var profile = await db.ServerProfiles.AsNoTracking().SingleOrDefaultAsync(p => p.Id == job.ServerProfileId, cancellationToken);
        return items.Select(item => (JobWork)new TestWork(job, item, Mailbox: null, profile, organization)).ToList();
    }

    public async Task<JobWorkResult> ProcessAsync(JobWork work, CancellationToken cancellationToken)
    {
        var test = (TestWork)work;
        return test.Profile is null
            ? throw new InvalidOperationException($"The server profile of connection test {work.Job.Id} disappeared while it ran.")
            : await tester.TestAddressAsync(test, cancellationToken);
    }

    public Task RecordAsync(JobRecording recording, IReadOnlyList<JobWorkResult> results, CancellationToken cancellationToken)
    {
        foreach (var result in results.Cast<TestWorkResult>())
        {
            var failure = result.Test!.Directions.FirstOrDefault(d => d.Failure is not null)?.Failure;
            recording.Complete(
                result.Work.Item,
                failure is null ? JobItemOutcome.Succeeded : JobItemOutcome.Failed,
                failure?.Code,
                StoredTestResult.From(result, failure, record: null).Serialize(),
                result.Work.Item.EmailAddress,
                result.Work.Profile?.Id);
        }

        return Task.CompletedTask;
    }
}
