using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

#pragma warning disable EF1001 // SqliteRelationalConnection is internal API; its CreateDbConnection is the one seam for this.

namespace ExSync.Persistence.Sqlite;

/// <summary>
/// EF Core's SQLite connection without EF Core's own SQL functions (regexp, and the ef_* functions for decimal arithmetic), which
/// ExSync's model and queries never use.
/// </summary>
/// <remarks>
/// Microsoft.Data.Sqlite registers a connection's functions again at every open, even on a pooled physical connection, and each
/// registration leaves an object for the finalizer. A request opens its connection once, so a read of one resource paid for about a
/// dozen registrations and their finalization: a quarter of the CPU of GET /mailboxes/{id} on SQLite, measured with dotnet-trace. A test
/// keeps the model free of decimals, whose queries would need those functions.
/// </remarks>
internal sealed class SqliteConnectionWithoutFunctions(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection()
    {
        var connection = new SqliteConnection(ConnectionString);
        if (CommandTimeout is { } timeout)
        {
            connection.DefaultTimeout = timeout;
        }

        return connection;
    }
}
