using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ExSync.Persistence.Sqlite;

/// <summary>
/// Settings applied once to every physical SQLite connection. Microsoft.Data.Sqlite pools connections, and a pooled connection keeps
/// its settings, so they are applied when a connection is new and not at every open: a request opens a connection, and two more
/// statements to prepare and run each time were a measurable part of reading one resource.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<SQLitePCL.sqlite3, object> configured = [];

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

    private void Apply(DbConnection connection)
    {
        if (connection is not Microsoft.Data.Sqlite.SqliteConnection { Handle: { } handle } || configured.TryGetValue(handle, out _))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
        configured.AddOrUpdate(handle, handle);
    }
}
