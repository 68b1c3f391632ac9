using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Jobs.Engine;
using ExSync.Domain.Audit;
using ExSync.Domain.Jobs;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Jobs;

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
/// Creates jobs. The job and all its items are stored in one transaction before the client gets its 202, so an accepted job is never
/// lost; the items are inserted with one set-based statement, which keeps a 100,000-mailbox job cheap to accept.
/// </summary>
public sealed class JobLauncher(ExSyncDbContext db, SequentialIds ids, TimeProvider time, JobSignal signal, AuditTrail audit)
{
    /// <summary>Creates a job and its items, unless a <c>Repeatability-Request-ID</c> identifies an earlier one.</summary>
    /// <param name="kind">What the job does.</param>
    /// <param name="request">Its parameters and idempotency key.</param>
    /// <param name="createdBy">The caller.</param>
    /// <param name="items">Inserts the items and returns how many.</param>
    /// <param name="skipWhenEmpty">Create no job when there are no items (the retest scheduler).</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<LaunchResult> LaunchAsync(JobKind kind, JobRequest request, string createdBy, JobItemSource items, bool skipWhenEmpty, CancellationToken cancellationToken)
    {
        if (await FindRepeatedAsync(request, createdBy, cancellationToken) is { } repeated)
        {
            return repeated;
        }

        var job = Job.Create(ids.Next(), kind, createdBy, time.GetUtcNow(), request);
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            db.Jobs.Add(job);
            await db.SaveChangesAsync(cancellationToken);
            var total = await items(db, job.Id, cancellationToken);
            if (total == 0 && skipWhenEmpty)
            {
                await transaction.RollbackAsync(cancellationToken);
                return new LaunchResult(LaunchStatus.NothingToDo, null);
            }

            job.SetTotal(total);
            audit.Record(AuditOperations.JobStarted, nameof(Job), job.Id, before: null, after: new
            {
                kind = job.Kind.ToString(),
                total,
                serverProfileId = job.ServerProfileId,
                targetEmailAddress = job.TargetEmailAddress,
                sendTestMessage = job.SendTestMessage,
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (request.RequestId is not null && ex.InnerException is SqliteException { SqliteErrorCode: 19 })
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
}

/// <summary>Inserts the items of a new job and returns how many there are.</summary>
public delegate Task<int> JobItemSource(ExSyncDbContext db, Guid jobId, CancellationToken cancellationToken);

/// <summary>The ways a job gets its items, each one set-based statement.</summary>
public static class JobItemSources
{
    /// <summary>One item per listed mailbox, in the order given (unknown ids are reported as skipped when processed).</summary>
    public static JobItemSource Mailboxes(IReadOnlyCollection<Guid> mailboxIds) => (db, jobId, cancellationToken) =>
    {
        var json = JsonSerializer.Serialize(mailboxIds.Select(StoredGuid));
        return db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {StoredGuid(jobId)}, "value", 'Pending', 0 FROM json_each({json}) ORDER BY "key"
             """,
            cancellationToken);
    };

    /// <summary>One item per mailbox of a profile, including those that use it as the organization default.</summary>
    public static JobItemSource MailboxesOfProfile(Guid profileId, bool isOrganizationDefault) => (db, jobId, cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {StoredGuid(jobId)}, "Id", 'Pending', 0 FROM "Mailboxes"
             WHERE "ServerProfileId" = {StoredGuid(profileId)} OR ({isOrganizationDefault} AND "ServerProfileId" IS NULL)
             ORDER BY "Id"
             """,
            cancellationToken);

    /// <summary>One item for the address of a connection test.</summary>
    public static JobItemSource Address(string emailAddress) => async (db, jobId, cancellationToken) =>
    {
        db.JobItems.Add(JobItem.ForAddress(jobId, emailAddress));
        await db.SaveChangesAsync(cancellationToken);
        return 1;
    };

    /// <summary>
    /// Mailboxes whose scheduled retest is due, except those already in an unfinished job, most overdue first.
    /// </summary>
    public static JobItemSource DueForRetest(DateTimeOffset now, int limit) => (db, jobId, cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {StoredGuid(jobId)}, m."Id", 'Pending', 0 FROM "Mailboxes" AS m
             WHERE m."TestScheduled" = 1 AND m."NextTestAt" <= {UtcTimestampConverter.ToText(now)}
               AND NOT EXISTS (SELECT 1 FROM "JobItems" AS i WHERE i."MailboxId" = m."Id" AND i."State" <> 'Completed')
             ORDER BY m."NextTestAt"
             LIMIT {limit}
             """,
            cancellationToken);

    // EF Core stores GUIDs in SQLite as upper-case text; raw SQL must compare in the same form.
    private static string StoredGuid(Guid id) => id.ToString("D").ToUpperInvariant();
}
