using System.Text.Json;
using ExSync.Domain.Audit;
using ExSync.Domain.Directory;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ExSync.Persistence.Sqlite;

/// <summary>
/// SQLite's SQL. SQLite allows one writer at a time and ExSync opens write transactions with BEGIN IMMEDIATE (the default of
/// Microsoft.Data.Sqlite), so a transaction that reads then writes is never interleaved with another writer, in this process or another.
/// Lists travel as one JSON parameter read with json_each: far cheaper to bind than thousands of parameters.
/// </summary>
internal sealed partial class SqliteDialect : IDatabaseDialect
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public async Task<IReadOnlyList<ClaimedJobItem>> ClaimJobItemsAsync(
        ExSyncDbContext db, Guid jobId, string owner, int count, DateTimeOffset now, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Two range reads of the (JobId, State, Id) index rather than one query with OR: with the OR, SQLite walks the job's items in
        // id order and reads each row's state, past every item already completed, for every claim while it holds the write lock.
        var expired = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == Domain.Jobs.JobItemState.Leased && i.LeaseExpiresAt < now)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(count).ToListAsync(cancellationToken);
        var pending = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == Domain.Jobs.JobItemState.Pending)
            .OrderBy(i => i.Id).Select(i => i.Id).Take(count).ToListAsync(cancellationToken);
        var ids = expired.Concat(pending).Order().Take(count).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        await db.JobItems
            .Where(i => ids.Contains(i.Id))
            .ExecuteUpdateAsync(
                s => s.SetProperty(i => i.State, Domain.Jobs.JobItemState.Leased)
                    .SetProperty(i => i.LeaseOwner, owner)
                    .SetProperty(i => i.LeaseExpiresAt, leaseExpiresAt)
                    .SetProperty(i => i.Attempts, i => i.Attempts + 1),
                cancellationToken);
        var claimed = await db.JobItems
            .Where(i => ids.Contains(i.Id))
            .OrderBy(i => i.Id)
            .Select(i => new ClaimedJobItem(i.Id, i.MailboxId, i.EmailAddress))
            .ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    public async Task<IReadOnlySet<long>> LockOwnedJobItemsAsync(ExSyncDbContext db, IReadOnlyCollection<long> itemIds, string owner, CancellationToken cancellationToken)
    {
        // The caller's write transaction already excludes every other writer.
        var ids = itemIds.ToArray();
        return (await db.JobItems
            .Where(i => ids.Contains(i.Id) && i.LeaseOwner == owner && i.State == Domain.Jobs.JobItemState.Leased)
            .Select(i => i.Id)
            .ToListAsync(cancellationToken)).ToHashSet();
    }

    public Task<int> InsertJobItemsAsync(ExSyncDbContext db, Guid jobId, IReadOnlyCollection<Guid> mailboxIds, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(mailboxIds.Select(StoredGuid));
        return db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {StoredGuid(jobId)}, "value", 'Pending', 0 FROM json_each({json}) ORDER BY "key"
             """,
            cancellationToken);
    }

    public Task<int> InsertJobItemsForProfileAsync(ExSyncDbContext db, Guid jobId, Guid profileId, bool includeMailboxesWithoutProfile, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "JobItems" ("JobId", "MailboxId", "State", "Attempts")
             SELECT {StoredGuid(jobId)}, "Id", 'Pending', 0 FROM "Mailboxes"
             WHERE "ServerProfileId" = {StoredGuid(profileId)} OR ({includeMailboxesWithoutProfile} AND "ServerProfileId" IS NULL)
             ORDER BY "Id"
             """,
            cancellationToken);

    public Task<int> InsertJobItemsDueForRetestAsync(ExSyncDbContext db, Guid jobId, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
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

    public Task<int> CompleteJobItemsAsync(ExSyncDbContext db, IReadOnlyList<JobItemCompletion> completions, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        if (completions.Count == 0)
        {
            return Task.FromResult(0);
        }

        var rows = JsonSerializer.Serialize(completions.Select(c => new
        {
            c.Id,
            c.Outcome,
            c.ErrorCode,
            c.Result,
            c.EmailAddress,
            ProfileId = c.ServerProfileId is { } profile ? StoredGuid(profile) : null,
        }));
        return db.Database.ExecuteSqlAsync(
            $"""
             UPDATE "JobItems"
             SET "State" = 'Completed', "Outcome" = r.outcome, "ErrorCode" = r.errorCode, "ResultJson" = r.result, "EmailAddress" = r.emailAddress,
                 "ServerProfileId" = r.profileId, "CompletedAt" = {UtcTimestampConverter.ToText(completedAt)}, "LeaseOwner" = NULL, "LeaseExpiresAt" = NULL
             FROM (SELECT json_extract(value, '$.Id') AS id, json_extract(value, '$.Outcome') AS outcome, json_extract(value, '$.ErrorCode') AS errorCode,
                          json_extract(value, '$.Result') AS result, json_extract(value, '$.EmailAddress') AS emailAddress,
                          json_extract(value, '$.ProfileId') AS profileId
                   FROM json_each({rows})) AS r
             WHERE "JobItems"."Id" = r.id
             """,
            cancellationToken);
    }

    public Task<int> InsertAuditEventsAsync(ExSyncDbContext db, IReadOnlyCollection<AuditEvent> events, CancellationToken cancellationToken)
    {
        // The stored forms EF would write: upper-case GUID text, fixed-width UTC timestamps, changes as JSON.
        var rows = JsonSerializer.Serialize(events.Select(e => new
        {
            id = StoredGuid(e.Id),
            at = UtcTimestampConverter.ToText(e.OccurredAt),
            actor = e.ActorId,
            operation = e.Operation,
            type = e.TargetType,
            target = e.TargetId,
            changes = AuditEventConfiguration.SerializeChanges(e.Changes),
        }));
        return db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "AuditEvents" ("Id", "OccurredAt", "ActorId", "Operation", "TargetType", "TargetId", "Changes")
             SELECT json_extract(value, '$.id'), json_extract(value, '$.at'), json_extract(value, '$.actor'), json_extract(value, '$.operation'),
                    json_extract(value, '$.type'), json_extract(value, '$.target'), json_extract(value, '$.changes')
             FROM json_each({rows})
             """,
            cancellationToken);
    }

    public async Task<MailboxVersion?> FindMailboxVersionAsync(ExSyncDbContext db, Guid id, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "SELECT \"Revision\", \"Owner_Id\" FROM \"Mailboxes\" WHERE \"Id\" = $id";
            command.Parameters.Add(new SqliteParameter("$id", StoredGuid(id)));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new MailboxVersion(reader.GetInt64(0), reader.GetString(1)) : null;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    public async Task WriteDirectoryEntriesAsync(ExSyncDbContext db, IReadOnlyList<DirectoryEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        var rows = JsonSerializer.Serialize(entries.Select(e => new
        {
            id = e.Id,
            type = e.RecordType.ToString(),
            record = e.RecordId,
            name = e.DisplayName,
            created = UtcTimestampConverter.ToText(e.CreatedAt),
            modified = UtcTimestampConverter.ToText(e.ModifiedAt),
            revision = e.Revision,
        }));
        var ids = JsonSerializer.Serialize(entries.Select(e => e.Id));
        var addresses = JsonSerializer.Serialize(entries.SelectMany(e => e.EmailAddresses).Select(a => new { e = a.EntryId, p = a.Position, a = a.Address, n = a.NormalizedAddress }));

        // "WHERE true" lets SQLite tell the upsert's ON CONFLICT from a join constraint of the SELECT.
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "DirectoryEntries" ("Id", "RecordType", "RecordId", "DisplayName", "CreatedAt", "ModifiedAt", "Revision")
             SELECT json_extract(value, '$.id'), json_extract(value, '$.type'), json_extract(value, '$.record'), json_extract(value, '$.name'),
                    json_extract(value, '$.created'), json_extract(value, '$.modified'), json_extract(value, '$.revision')
             FROM json_each({rows}) WHERE true
             ON CONFLICT ("Id") DO UPDATE SET "RecordType" = excluded."RecordType", "RecordId" = excluded."RecordId", "DisplayName" = excluded."DisplayName",
                 "ModifiedAt" = excluded."ModifiedAt", "Revision" = excluded."Revision"
             """,
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""DELETE FROM "DirectoryEntryAddresses" WHERE "EntryId" IN (SELECT value FROM json_each({ids}))""",
            cancellationToken);
        await db.Database.ExecuteSqlAsync(
            $"""
             INSERT INTO "DirectoryEntryAddresses" ("EntryId", "Position", "Address", "NormalizedAddress")
             SELECT json_extract(value, '$.e'), json_extract(value, '$.p'), json_extract(value, '$.a'), json_extract(value, '$.n') FROM json_each({addresses})
             """,
            cancellationToken);
    }

    public async Task<Stream?> OpenAttachmentContentAsync(ExSyncDbContext db, Guid attachmentId, CancellationToken cancellationToken)
    {
        // Selecting the rowid lets Microsoft.Data.Sqlite read the blob incrementally (SqliteBlob) instead of copying it into memory.
        return await ReaderStream.OpenAsync(db, command =>
        {
            command.CommandText = "SELECT rowid, \"Data\" FROM \"EmailAttachmentContents\" WHERE \"AttachmentId\" = $id";
            command.Parameters.Add(new SqliteParameter("$id", StoredGuid(attachmentId)));
        }, column: 1, cancellationToken);
    }

    // One writer at a time: the caller's write transaction is the lock.
    public Task LockAsync(ExSyncDbContext db, string name, CancellationToken cancellationToken) => Task.CompletedTask;

    public UniqueViolation? FindUniqueViolation(DbUpdateException exception, IModel model)
    {
        // SQLITE_CONSTRAINT with "UNIQUE constraint failed: Table.Column1, Table.Column2".
        const string Prefix = "UNIQUE constraint failed: ";
        if (exception.InnerException is not SqliteException { SqliteErrorCode: 19 } sqlite)
        {
            return null;
        }

        var at = sqlite.Message.IndexOf(Prefix, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var columns = sqlite.Message[(at + Prefix.Length)..].TrimEnd('.', '\'').Split(", ");
        var table = columns[0].Split('.')[0];
        return new UniqueViolation(table, columns.Select(c => c[(c.IndexOf('.', StringComparison.Ordinal) + 1)..]).ToList());
    }

    // EF Core stores GUIDs in SQLite as upper-case text; raw SQL must write and compare the same form.
    private static string StoredGuid(Guid id) => id.ToString("D").ToUpperInvariant();
}
