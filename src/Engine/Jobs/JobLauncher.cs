using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExSync.Domain.Audit;
using ExSync.Domain.Jobs;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Engine.Jobs;

/// <summary>How a launch went.</summary>
public enum LaunchStatus
{
    /// <summary>A new job was created.</summary>
    Created,

    /// <summary>The same request was sent before with the same Repeatability-Request-ID: this is its job.</summary>
    Replayed,

    /// <summary>The Repeatability-Request-ID was used before for a different request.</summary>
    RequestIdReused,

    /// <summary>There was nothing to do, so no job was created.</summary>
    NothingToDo,
}

/// <summary>The result of launching a job.</summary>
/// <param name="Status">How the launch went.</param>
/// <param name="Job">The job (new or replayed), when there is one.</param>
public sealed record LaunchResult(LaunchStatus Status, Job? Job);

/// <summary>
/// Creates jobs. The job, all its items and its audit event are stored in one transaction before the caller answers, so an accepted
/// job is never lost; the items are inserted with one set-based statement, which keeps a 100,000-mailbox job cheap to accept.
/// </summary>
public sealed class JobLauncher(ExSyncDbContext db, IDatabaseDialect dialect, SequentialIds ids, TimeProvider time, JobSignal signal)
{
    /// <summary>Creates a job and its items, unless a <c>Repeatability-Request-ID</c> identifies an earlier one.</summary>
    /// <param name="kind">What the job does.</param>
    /// <param name="request">Its parameters and idempotency key.</param>
    /// <param name="createdBy">The caller, recorded as the job's creator and the audit event's actor.</param>
    /// <param name="items">Inserts the items and returns how many.</param>
    /// <param name="skipWhenEmpty">Create no job when there are no items (the retest scheduler).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<LaunchResult> LaunchAsync(JobKind kind, JobRequest request, string createdBy, JobItemSource items, bool skipWhenEmpty, CancellationToken cancellationToken)
    {
        if (await FindRepeatedAsync(request, createdBy, cancellationToken) is { } repeated)
        {
            return repeated;
        }

        var now = time.GetUtcNow();
        var job = Job.Create(ids.Next(), kind, createdBy, now, request);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Jobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
            var total = await items(db, dialect, job.Id, cancellationToken);
            if (total == 0 && skipWhenEmpty)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new LaunchResult(LaunchStatus.NothingToDo, null);
            }

            job.SetTotal(total);
            db.AuditEvents.Add(AuditEvent.Create(ids.Next(), now, createdBy, AuditOperations.JobStarted, nameof(Job), job.Id.ToString(), StartedChanges(job)));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (request.RequestId is not null && dialect.FindUniqueViolation(ex, db.Model) is { Table: "Jobs" })
        {
            // The same Repeatability-Request-ID arrived twice at the same moment: the other request created the job.
            db.ChangeTracker.Clear();
            var concurrent = await FindRepeatedAsync(request, createdBy, cancellationToken);
            if (concurrent is null)
            {
                throw;
            }

            return concurrent;
        }

        signal.Wake();
        return new LaunchResult(LaunchStatus.Created, job);
    }

    /// <summary>A hash of what a request asks for, to recognize a retry of it.</summary>
    public static string Fingerprint(string operation, object? body, JsonSerializerOptions options) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(operation + "\n" + JsonSerializer.Serialize(body, options))));

    /// <summary>The caller's earlier job with the request's Repeatability-Request-ID, if it has one: Replayed, or RequestIdReused for a different request.</summary>
    public async Task<LaunchResult?> FindRepeatedAsync(JobRequest request, string createdBy, CancellationToken cancellationToken)
    {
        if (request.RequestId is not { } requestId)
        {
            return null;
        }

        var existing = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.CreatedBy == createdBy && j.RequestId == requestId, cancellationToken);
        return existing is null
            ? null
            : new LaunchResult(existing.RequestFingerprint == request.RequestFingerprint ? LaunchStatus.Replayed : LaunchStatus.RequestIdReused, existing);
    }

    /// <summary>What the audit trail records about a started job, field by field in name order.</summary>
    private static List<AuditChange> StartedChanges(Job job)
    {
        var changes = new List<AuditChange> { new("kind", null, job.Kind.ToString()), new("sendTestMessage", null, job.SendTestMessage ? "true" : "false") };
        if (job.ServerProfileId is { } profileId)
        {
            changes.Add(new AuditChange("serverProfileId", null, profileId.ToString("D")));
        }

        if (job.TargetEmailAddress is { } address)
        {
            changes.Add(new AuditChange("targetEmailAddress", null, address));
        }

        changes.Add(new AuditChange("total", null, job.Total.ToString(CultureInfo.InvariantCulture)));
        return changes;
    }
}

/// <summary>Inserts the items of a new job and returns how many there are.</summary>
public delegate Task<int> JobItemSource(ExSyncDbContext db, IDatabaseDialect dialect, Guid jobId, CancellationToken cancellationToken);

/// <summary>The ways a job gets its items, each one set-based statement.</summary>
public static class JobItemSources
{
    /// <summary>One item per listed mailbox, in the order given (unknown ids are reported as skipped when processed).</summary>
    public static JobItemSource Mailboxes(IReadOnlyCollection<Guid> mailboxIds) =>
        (db, dialect, jobId, cancellationToken) => dialect.InsertJobItemsAsync(db, jobId, mailboxIds, cancellationToken);

    /// <summary>One item per mailbox of a profile, including those that use it as the organization default.</summary>
    public static JobItemSource MailboxesOfProfile(Guid profileId, bool isOrganizationDefault) =>
        (db, dialect, jobId, cancellationToken) => dialect.InsertJobItemsForProfileAsync(db, jobId, profileId, isOrganizationDefault, cancellationToken);

    /// <summary>One item for the address of a connection test.</summary>
    public static JobItemSource Address(string emailAddress) => async (db, _, jobId, cancellationToken) =>
    {
        db.JobItems.Add(JobItem.ForAddress(jobId, emailAddress));
        await db.SaveChangesAsync(cancellationToken);
        return 1;
    };

    /// <summary>Mailboxes whose scheduled retest is due, except those already in an unfinished job, most overdue first.</summary>
    public static JobItemSource DueForRetest(DateTimeOffset now, int limit) =>
        (db, dialect, jobId, cancellationToken) => dialect.InsertJobItemsDueForRetestAsync(db, jobId, now, limit, cancellationToken);
}
