using System.Text.Json;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Domain.Alerts;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.TestAndEnable;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs.Engine;

/// <summary>
/// Records processed items in batches, each in one transaction: the item's final result, the mailbox's new status, the alerts,
/// and the job's progress. Only the worker that still holds an item's lease may complete it, so a result is recorded exactly once.
/// </summary>
public sealed partial class JobResultWriter(
    IServiceScopeFactory scopes,
    JobStore store,
    SequentialIds ids,
    TimeProvider time,
    IOptionsMonitor<JobOptions> options,
    IOptions<JsonOptions> json,
    ILogger<JobResultWriter> logger)
{
    private const int MaxAttempts = 3;

    /// <summary>Records a batch of results of one job.</summary>
    public async Task WriteAsync(Job job, string owner, IReadOnlyList<ItemResult> results)
    {
        await store.ReleaseAsync(results.Where(r => r.Release).Select(r => r.Work.Item.Id).ToList(), owner);
        var toRecord = results.Where(r => !r.Release).ToList();
        for (var attempt = 1; toRecord.Count > 0; attempt++)
        {
            try
            {
                await RecordAsync(job, owner, toRecord);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // An administrator changed one of the mailboxes meanwhile; record the batch again against fresh data.
                LogConcurrentChange(logger, job.Id, attempt);
            }
        }
    }

    private async Task RecordAsync(Job job, string owner, IReadOnlyList<ItemResult> results)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = time.GetUtcNow();

        // Inside the write transaction nobody can take a lease over, so items still owned here are safe to complete.
        var itemIds = results.Select(r => r.Work.Item.Id).ToList();
        var owned = (await db.JobItems
            .Where(i => itemIds.Contains(i.Id) && i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .Select(i => i.Id)
            .ToListAsync()).ToHashSet();

        var mailboxIds = results.Where(r => r.IsMailboxTest && r.Work.Item.MailboxId is not null).Select(r => r.Work.Item.MailboxId!.Value).ToList();
        var mailboxes = await db.Mailboxes.Where(m => mailboxIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync();
        var retry = new RetryPolicy(options.CurrentValue.RetryInterval, options.CurrentValue.MaxRetries);
        var counts = new Dictionary<JobItemOutcome, int>();
        var failingProfiles = new Dictionary<Guid, Domain.ServerProfiles.ServerProfile>();

        var completions = new List<ItemCompletion>(owned.Count);
        foreach (var result in results.Where(r => owned.Contains(r.Work.Item.Id)))
        {
            var (outcome, failure, record) = Record(result, mailboxes, organization, retry, now, job, db);
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
            if (outcome is JobItemOutcome.Failed or JobItemOutcome.RetryScheduled && result.IsMailboxTest && result.Work.Profile is { } profile)
            {
                failingProfiles[profile.Id] = profile;
            }

            var resource = JobResultMapping.ToResource(result, outcome, failure, record, now);
            completions.Add(new ItemCompletion(
                result.Work.Item.Id,
                outcome.ToString(),
                failure?.Code,
                JsonSerializer.Serialize(resource, json.Value.SerializerOptions),
                resource.EmailAddress,
                result.Work.Profile?.Id.ToString("D").ToUpperInvariant()));
        }

        await CompleteItemsAsync(db, completions, now);
        await db.Jobs
            .Where(j => j.Id == job.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Succeeded, j => j.Succeeded + counts.GetValueOrDefault(JobItemOutcome.Succeeded))
                .SetProperty(j => j.Failed, j => j.Failed + counts.GetValueOrDefault(JobItemOutcome.Failed))
                .SetProperty(j => j.RetryScheduled, j => j.RetryScheduled + counts.GetValueOrDefault(JobItemOutcome.RetryScheduled))
                .SetProperty(j => j.Skipped, j => j.Skipped + counts.GetValueOrDefault(JobItemOutcome.Skipped))
                .SetProperty(j => j.Canceled, j => j.Canceled + counts.GetValueOrDefault(JobItemOutcome.Canceled))
                .SetProperty(j => j.LastUpdatedAt, now));

        await db.SaveChangesAsync();
        foreach (var profile in failingProfiles.Values)
        {
            await AlertOnMajorFailuresAsync(db, profile, organization, job.Id, now);
        }

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Completes a batch of items with one statement: per-item updates through EF cost milliseconds each, and the batch's write
    /// transaction blocks every claim while it lasts.
    /// </summary>
    private static Task<int> CompleteItemsAsync(ExSyncDbContext db, IReadOnlyList<ItemCompletion> completions, DateTimeOffset now)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult(0);
        }

        var rows = JsonSerializer.Serialize(completions);
        var completedAt = UtcTimestampConverter.ToText(now);
        return db.Database.ExecuteSqlAsync(
            $"""
             UPDATE "JobItems"
             SET "State" = 'Completed', "Outcome" = r.outcome, "ErrorCode" = r.errorCode, "ResultJson" = r.result, "EmailAddress" = r.emailAddress,
                 "ServerProfileId" = r.profileId, "CompletedAt" = {completedAt}, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
             FROM (SELECT json_extract(value, '$.Id') AS id, json_extract(value, '$.Outcome') AS outcome, json_extract(value, '$.ErrorCode') AS errorCode,
                          json_extract(value, '$.Result') AS result, json_extract(value, '$.EmailAddress') AS emailAddress,
                          json_extract(value, '$.ProfileId') AS profileId
                   FROM json_each({rows})) AS r
             WHERE "JobItems"."Id" = r.id
             """);
    }

    /// <summary>The final values of a completed item, in the forms they are stored in.</summary>
    private sealed record ItemCompletion(long Id, string Outcome, string? ErrorCode, string Result, string? EmailAddress, string? ProfileId);

    /// <summary>Applies one result to its mailbox (tracked in <paramref name="db"/>) and returns the item's outcome.</summary>
    private (JobItemOutcome Outcome, TestFailure? Failure, TestRecord? Record) Record(
        ItemResult result,
        Dictionary<Guid, Mailbox> mailboxes,
        OrganizationEmailSettings organization,
        RetryPolicy retry,
        DateTimeOffset now,
        Job job,
        ExSyncDbContext db)
    {
        if (result.Canceled)
        {
            return (JobItemOutcome.Canceled, JobResultMapping.CanceledBeforeTest, null);
        }

        if (result.Crashed)
        {
            return (JobItemOutcome.Failed, new TestFailure("InternalError", "ExSync failed unexpectedly while testing; the mailbox was left unchanged.", "Run the test again; if it keeps failing, report it with the job id.", IsTransient: true), null);
        }

        if (!result.IsMailboxTest)
        {
            var failure = result.Test!.Directions.FirstOrDefault(d => d.Failure is not null)?.Failure;
            return (failure is null ? JobItemOutcome.Succeeded : JobItemOutcome.Failed, failure, null);
        }

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
            ? mailbox.RecordPreconditionFailure(precondition, now)
            : mailbox.RecordTestResult(result.Test!, retry, now);
        db.Alerts.AddRange(TestAndEnableAlerts.For(record, mailbox, result.Work.Profile, organization.Alerts, ids.Next, now, job.Id));
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
    /// (when the profile asks for it and the organization records errors).
    /// </summary>
    private async Task AlertOnMajorFailuresAsync(ExSyncDbContext db, Domain.ServerProfiles.ServerProfile profile, OrganizationEmailSettings organization, Guid jobId, DateTimeOffset now)
    {
        if (!profile.Advanced.SendAlertToOwnerOnMajorFailures || !organization.Alerts.Errors)
        {
            return;
        }

        var since = now - TestAndEnableAlerts.MajorFailureWindow;
        var profileId = profile.Id;
        if (await db.Alerts.AnyAsync(a => a.ServerProfileId == profileId && a.Code == TestAndEnableAlerts.MajorFailures && a.CreatedAt > since))
        {
            return;
        }

        var failed = await db.JobItems
            .Where(i => i.ServerProfileId == profileId && i.MailboxId != null && i.CompletedAt >= since
                        && (i.Outcome == JobItemOutcome.Failed || i.Outcome == JobItemOutcome.RetryScheduled))
            .Select(i => i.MailboxId)
            .Distinct()
            .CountAsync();
        var isDefault = organization.DefaultServerProfileId == profileId;
        var total = await db.Mailboxes.CountAsync(m => m.ServerProfileId == profileId || (isDefault && m.ServerProfileId == null));
        if (TestAndEnableAlerts.IsMajorFailure(failed, total))
        {
            db.Alerts.Add(TestAndEnableAlerts.MajorFailure(profile, failed, total, ids.Next(), now, jobId));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A mailbox of job {JobId} changed while its results were recorded; recording again (attempt {Attempt})")]
    private static partial void LogConcurrentChange(ILogger logger, Guid jobId, int attempt);
}
