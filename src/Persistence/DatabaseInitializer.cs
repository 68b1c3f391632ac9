using System.Data.Common;
using ExSync.Domain.Organization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ExSync.Persistence;

/// <summary>Data that must exist before ExSync serves anything; seeded once, under the startup lock, after migrations.</summary>
public interface IDatabaseSeed
{
    /// <summary>Adds what is missing. Runs at every start, in one instance at a time.</summary>
    Task SeedAsync(ExSyncDbContext db, CancellationToken cancellationToken);
}

/// <summary>
/// Brings the database up to date at startup: waits for it to be reachable, applies pending migrations and seeds the organization
/// settings and what other parts register as <see cref="IDatabaseSeed"/>. Several instances may start at once: on PostgreSQL they
/// take turns under an advisory lock; on SQLite, under EF Core's migration lock and SQLite's single writer. Failures end in a
/// <see cref="DatabaseStartupException"/> whose message says what is wrong, within <see cref="DatabaseSettings.StartupTimeout"/>.
/// </summary>
public sealed partial class DatabaseInitializer(
    IDbContextFactory<ExSyncDbContext> contexts,
    DatabaseSettings settings,
    IEnumerable<IDatabaseSeed> seeds,
    TimeProvider time,
    ILogger<DatabaseInitializer> logger)
{
    private const string StartupLock = "startup";

    /// <summary>Migrates and seeds the database.</summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var db = contexts.CreateDbContext();
        await OpenAsync(db, cancellationToken);
        try
        {
            await LockAsync(db, cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                LogMigrating(logger, pending.Count, string.Join(", ", pending));
                await db.Database.MigrateAsync(cancellationToken);
            }

            if (settings.Provider == DatabaseProvider.Sqlite)
            {
                // Write-ahead logging lets the API read while background jobs write; the mode is stored in the database file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }

            if (!await db.OrganizationEmailSettings.AnyAsync(cancellationToken))
            {
                db.OrganizationEmailSettings.Add(OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), time.GetUtcNow()));
                await db.SaveChangesAsync(cancellationToken);
            }

            foreach (var seed in seeds)
            {
                await seed.SeedAsync(db, cancellationToken);
            }
        }
        catch (SqliteException ex) when (IsLocked(ex))
        {
            throw Locked(ex);
        }
        finally
        {
            await UnlockAsync(db);
        }
    }

    /// <summary>Opens the context's connection (kept open for the whole initialization), waiting while the database cannot be reached.</summary>
    private async Task OpenAsync(ExSyncDbContext db, CancellationToken cancellationToken)
    {
        // Real time, not the TimeProvider: this waits for a server, and tests freeze their clock.
        var waiting = System.Diagnostics.Stopwatch.StartNew();
        var attempt = 0;
        while (true)
        {
            try
            {
                if (settings.Provider == DatabaseProvider.Sqlite)
                {
                    await ProbeSqliteWriteLockAsync(cancellationToken);
                }

                await db.Database.OpenConnectionAsync(cancellationToken);
                return;
            }
            catch (SqliteException ex) when (IsLocked(ex))
            {
                throw Locked(ex);
            }
            catch (SqliteException ex)
            {
                throw new DatabaseStartupException($"The SQLite database {Describe()} cannot be opened: {ex.Message} Check that the directory exists and is writable.", ex);
            }
            catch (Exception ex) when (IsConnectionFailure(ex) && !cancellationToken.IsCancellationRequested)
            {
                attempt++;
                if (waiting.Elapsed >= settings.StartupTimeout || Innermost(ex) is PostgresException { SqlState: "28P01" or "3D000" or "28000" })
                {
                    // Wrong password, unknown database, refused role: waiting will not help.
                    throw new DatabaseStartupException($"PostgreSQL at {Describe()} cannot be reached: {Innermost(ex).Message}", ex);
                }

                LogWaiting(logger, Describe(), attempt, ex.Message);
                await db.Database.CloseConnectionAsync();
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// Takes and releases SQLite's write lock once, on a connection of its own, waiting at most the startup timeout (5 s at most): a
    /// database held by another process otherwise stalls the first statement of every connection for its whole busy timeout, and startup
    /// fails minutes later with a bare "database is locked".
    /// </summary>
    private async Task ProbeSqliteWriteLockAsync(CancellationToken cancellationToken)
    {
        var waitMilliseconds = (int)Math.Min(settings.StartupTimeout.TotalMilliseconds, 5000);
        var builder = new SqliteConnectionStringBuilder(Sqlite.SqliteSetup.ResolveConnectionString(settings.ConnectionString)) { Pooling = false };
        await using var connection = new SqliteConnection(builder.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA busy_timeout = {waitMilliseconds};";
        await command.ExecuteNonQueryAsync(cancellationToken);

        // One statement per command: Microsoft.Data.Sqlite does not report a busy error of a later statement in a batch. It retries a
        // busy database itself until the command times out, so that retry is bounded by the same wait.
        command.CommandTimeout = Math.Max(1, waitMilliseconds / 1000);
        command.CommandText = "BEGIN IMMEDIATE;";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = "ROLLBACK;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task LockAsync(ExSyncDbContext db, CancellationToken cancellationToken)
    {
        if (settings.Provider == DatabaseProvider.PostgreSql)
        {
            // Session-level, on the connection held open for the whole initialization.
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_lock({PostgreSql.PostgreSqlDialect.LockKey(StartupLock)})", cancellationToken);
        }
    }

    private async Task UnlockAsync(ExSyncDbContext db)
    {
        if (settings.Provider == DatabaseProvider.PostgreSql && db.Database.GetDbConnection().State == System.Data.ConnectionState.Open)
        {
            try
            {
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_unlock({PostgreSql.PostgreSqlDialect.LockKey(StartupLock)})");
            }
            catch (DbException)
            {
                // The lock ends with the session anyway.
            }
        }
    }

    // EF Core wraps a failed open in an InvalidOperationException about transient failures; the cause is inside.
    private static bool IsConnectionFailure(Exception exception) =>
        exception is NpgsqlException or DbException || exception.InnerException is { } inner && IsConnectionFailure(inner);

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;

    private static bool IsLocked(SqliteException exception) => exception.SqliteErrorCode is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED

    private DatabaseStartupException Locked(SqliteException exception) => new(
        $"The SQLite database {Describe()} is locked by another process (another ExSync, or a tool holding a write transaction). " +
        "Stop it, or give this instance its own database with ConnectionStrings:ExSync. Several instances on one database need PostgreSQL (Database:Provider=PostgreSql).",
        exception);

    private string Describe()
    {
        if (settings.Provider == DatabaseProvider.Sqlite)
        {
            return $"'{Sqlite.SqliteSetup.DatabaseFile(settings.ConnectionString) ?? ":memory:"}'";
        }

        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString);
        return $"{builder.Host}:{builder.Port} (database '{builder.Database}')";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} database migrations: {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, string migrations);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for the database at {Database} (attempt {Attempt}): {Reason}")]
    private static partial void LogWaiting(ILogger logger, string database, int attempt, string reason);
}

/// <summary>The database cannot be used; the message says why and what to do.</summary>
public sealed class DatabaseStartupException(string message, Exception? innerException = null) : Exception(message, innerException);
