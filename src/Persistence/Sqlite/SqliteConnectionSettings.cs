using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ExSync.Persistence.Sqlite;

/// <summary>
/// Settings applied to every SQLite connection as it opens. Pooled connections keep them, so applying them again is cheap.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    // busy_timeout: a connection that finds the database locked waits inside SQLite, which retries within milliseconds, instead of
    //   returning SQLITE_BUSY to the provider, whose retry loop sleeps much longer; with the job engine writing while requests and
    //   claims arrive, those sleeps stalled claims for seconds.
    // synchronous=NORMAL: with write-ahead logging, commits no longer wait for fsync; SQLite's recommended setting for WAL. An
    //   application crash loses nothing; a power loss may lose the last commits, never consistency.
    private const string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private static void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }
}
