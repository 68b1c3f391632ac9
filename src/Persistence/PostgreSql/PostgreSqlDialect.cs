using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ExSync.Domain.Audit;
using ExSync.Domain.Directory;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ExSync.Persistence.PostgreSql;

/// <summary>
/// PostgreSQL's SQL. Many writers work at once here, so claims skip rows other workers have locked (FOR UPDATE SKIP LOCKED), result
/// writers lock the items they complete, and check-then-insert sequences take transaction-scoped advisory locks. Lists travel as
/// arrays and are read with unnest.
/// </summary>
internal sealed partial class PostgreSqlDialect(string connectionString) : IDatabaseDialect
{
    private readonly MailboxVersionBatches versions = new(PostgreSqlSetup.WithDefaults(connectionString));

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public async Task<IReadOnlyList<ClaimedJobItem>> ClaimJobItemsAsync(
        ExSyncDbContext db, Guid jobId, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        var rows = await db.Database.SqlQuery<ClaimedRow>(
            $"""
             UPDATE "JobItems" AS i
             SET "State" = 'Leased', "LeaseOwner" = {owner}, "LeaseExpiresAt" = {leaseExpiresAt.ToUniversalTime()}, "Attempts" = i."Attempts" + 1
             FROM (SELECT "Id" FROM "JobItems"
                   WHERE "JobId" = {jobId} AND ("State" = 'Pending' OR ("State" = 'Leased' AND "LeaseExpiresAt" < {now.ToUniversalTime()}))
                   ORDER BY "Id"
                   LIMIT {count}
                   FOR UPDATE SKIP LOCKED) AS c
             WHERE i."Id" = c."Id"
             RETURNING i."Id", i."MailboxId", i."EmailAddress"
             """).ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.Id).Select(r => new ClaimedJobItem(r.Id, r.MailboxId, r.EmailAddress)).ToList();
    }

    public async Task<IReadOnlySet<long>> LockOwnedJobItemsAsync(ExSyncDbContext db, IReadOnlyCollection<long> itemIds, string owner, CancellationToken cancellationToken) =>
        (await db.Database.SqlQuery<long>(
            $"""
             SELECT "Id" AS "Value" FROM "JobItems"
             WHERE "Id" = ANY({itemIds.ToArray()}) AND "LeaseOwner" = {owner} AND "State" = 'Leased'
             ORDER BY "Id"
             FOR UPDATE
             """).ToListAsync(cancellationToken)).ToHashSet();

    public Task<int> InsertJobItemsAsync(ExSyncDbContext db, Guid jobId, IReadOnlyCollection<Guid> mailboxIds, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {jobId}, t.mailbox, 'Pending', 0 FROM unnest({mailboxIds.ToArray()}) WITH ORDINALITY AS t(mailbox, position) ORDER BY t.position
             """,
            cancellationToken);

    public Task<int> InsertJobItemsForProfileAsync(ExSyncDbContext db, Guid jobId, Guid profileId, bool includeMailboxesWithoutProfile, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {jobId}, "Id", 'Pending', 0 FROM "Mailboxes"
             WHERE "ServerProfileId" = {profileId} OR ({includeMailboxesWithoutProfile} AND "ServerProfileId" IS NULL)
             ORDER BY "Id"
             """,
            cancellationToken);

    public Task<int> InsertJobItemsDueForRetestAsync(ExSyncDbContext db, Guid jobId, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {jobId}, m."Id", 'Pending', 0 FROM "Mailboxes" AS m
             WHERE m."TestScheduled" AND m."NextTestAt" <= {now.ToUniversalTime()}
               AND NOT EXISTS (SELECT 1 FROM "JobItems" AS i WHERE i."MailboxId" = m."Id" AND i."State" <> 'Completed')
             ORDER BY m."NextTestAt"
             LIMIT {limit}
             """,
            cancellationToken);

    public Task<int> CompleteJobItemsAsync(ExSyncDbContext db, IReadOnlyList<JobItemCompletion> completions, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult(0);
        }

        return db.Database.ExecuteSqlAsync(
            $"""
             UPDATE "JobItems" AS i
             SET "State" = 'Completed', "Outcome" = r.outcome, "ErrorCode" = r.error_code, "ResultJson" = r.result, "EmailAddress" = r.email_address,
                 "ServerProfileId" = r.profile_id, "CompletedAt" = {completedAt.ToUniversalTime()}, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
             FROM unnest({completions.Select(c => c.Id).ToArray()}, {completions.Select(c => c.Outcome).ToArray()},
                         {completions.Select(c => c.ErrorCode).ToArray()}, {completions.Select(c => c.Result).ToArray()},
                         {completions.Select(c => c.EmailAddress).ToArray()}, {completions.Select(c => c.ServerProfileId).ToArray()})
                  AS r(id, outcome, error_code, result, email_address, profile_id)
             WHERE i."Id" = r.id
             """,
            cancellationToken);
    }

    public Task<int> InsertAuditEventsAsync(ExSyncDbContext db, IReadOnlyCollection<AuditEvent> events, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "AuditEvents" ("Id", "OccurredAt", "ActorId", "Operation", "TargetType", "TargetId", "Changes")
             SELECT * FROM unnest({events.Select(e => e.Id).ToArray()}, {events.Select(e => e.OccurredAt.ToUniversalTime()).ToArray()},
                                  {events.Select(e => e.ActorId).ToArray()}, {events.Select(e => e.Operation).ToArray()},
                                  {events.Select(e => e.TargetType).ToArray()}, {events.Select(e => e.TargetId).ToArray()},
                                  {events.Select(e => AuditEventConfiguration.SerializeChanges(e.Changes)).ToArray()})
             """,
            cancellationToken);

    public async Task WriteDirectoryEntriesAsync(ExSyncDbContext db, IReadOnlyList<DirectoryEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var ids = entries.Select(e => e.Id).ToArray();
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "DirectoryEntries" ("Id", "RecordType", "RecordId", "DisplayName", "CreatedAt", "ModifiedAt", "Revision")
             SELECT * FROM unnest({ids}, {entries.Select(e => e.RecordType.ToString()).ToArray()}, {entries.Select(e => e.RecordId).ToArray()},
                                  {entries.Select(e => e.DisplayName).ToArray()}, {entries.Select(e => e.CreatedAt.ToUniversalTime()).ToArray()},
                                  {entries.Select(e => e.ModifiedAt.ToUniversalTime()).ToArray()}, {entries.Select(e => e.Revision).ToArray()})
             ON CONFLICT ("Id") DO UPDATE SET "RecordType" = excluded."RecordType", "RecordId" = excluded."RecordId", "DisplayName" = excluded."DisplayName",
                 "ModifiedAt" = excluded."ModifiedAt", "Revision" = excluded."Revision"
             """,
            cancellationToken);
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "DirectoryEntryAddresses" WHERE "EntryId" = ANY({ids})""", cancellationToken);
        var addresses = entries.SelectMany(e => e.EmailAddresses).ToList();
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "DirectoryEntryAddresses" ("EntryId", "Position", "Address", "NormalizedAddress")
             SELECT * FROM unnest({addresses.Select(a => a.EntryId).ToArray()}, {addresses.Select(a => a.Position).ToArray()},
                                  {addresses.Select(a => a.Address).ToArray()}, {addresses.Select(a => a.NormalizedAddress).ToArray()})
             """,
            cancellationToken);
    }

    // Sequential access lets Npgsql stream the bytea column instead of buffering the row.
    public Task<Stream?> OpenAttachmentContentAsync(ExSyncDbContext db, Guid attachmentId, CancellationToken cancellationToken) =>
        ReaderStream.OpenAsync(db, command =>
        {
            command.CommandText = "SELECT \"Data\" FROM \"EmailAttachmentContents\" WHERE \"AttachmentId\" = @id";
            command.Parameters.Add(new NpgsqlParameter("id", attachmentId));
        }, column: 0, cancellationToken);

    // Read as committed, on a connection of its own: the checks of concurrent requests share one query (see MailboxVersionBatches).
    public Task<MailboxVersion?> FindMailboxVersionAsync(ExSyncDbContext db, Guid id, CancellationToken cancellationToken) =>
        versions.FindAsync(id, cancellationToken);

    public Task LockAsync(ExSyncDbContext db, string name, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({LockKey(name)})", cancellationToken);

    public UniqueViolation? FindUniqueViolation(DbUpdateException exception, IModel model)
    {
        if (exception.InnerException is not PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: { } constraint })
        {
            return null;
        }

        // A unique index, or a primary key (a repeated request's key, e.g. EmailRequests).
        var index = model.GetEntityTypes().SelectMany(t => t.GetIndexes()).FirstOrDefault(i => i.GetDatabaseName() == constraint);
        if (index is not null)
        {
            return new UniqueViolation(index.DeclaringEntityType.GetTableName()!, index.Properties.Select(p => p.GetColumnName()).ToList());
        }

        var key = model.GetEntityTypes().Select(t => t.FindPrimaryKey()).FirstOrDefault(k => k?.GetName() == constraint);
        return key is null ? null : new UniqueViolation(key.DeclaringEntityType.GetTableName()!, key.Properties.Select(p => p.GetColumnName()).ToList());
    }

    /// <summary>A stable 64-bit advisory lock key for a name, the same in every process.</summary>
    internal static long LockKey(string name) => BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("ExSync:" + name)));

    private sealed class ClaimedRow
    {
        public long Id { get; set; }

        public Guid? MailboxId { get; set; }

        public string? EmailAddress { get; set; }
    }
}
