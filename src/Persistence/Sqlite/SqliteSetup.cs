using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.Sqlite;

/// <summary>How ExSync connects to SQLite.</summary>
public static class SqliteSetup
{
    private static readonly SqliteConnectionSettings ConnectionSettings = new();

#pragma warning disable EF1001 // Internal EF Core API, for the reason SqliteConnectionWithoutFunctions gives.
    internal static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings) =>
        options.UseSqlite(
                ResolveConnectionString(settings.ConnectionString),
                // EF Core 10 expands a list in a query into one parameter per element by default; for the lists of up to 10,000 mailbox ids
                // that bulk actions and jobs pass, one JSON parameter read with json_each is several times faster to parse and bind.
                sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
            .AddInterceptors(ConnectionSettings)
            // Each context serves one request or one unit of background work at a time; the check costs every query.
            .EnableThreadSafetyChecks(false)
            .ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, SqliteConnectionWithoutFunctions>();
#pragma warning restore EF1001

    /// <summary>The database file of a connection string, resolved as ExSync resolves it; null for an in-memory database.</summary>
    public static string? DatabaseFile(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(ResolveConnectionString(connectionString));
        return string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory ? null : builder.DataSource;
    }

    /// <summary>A relative database file is placed beside the application, not in whatever directory it was started from.</summary>
    internal static string ResolveConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory || Path.IsPathRooted(dataSource))
        {
            return connectionString;
        }

        builder.DataSource = Path.Combine(AppContext.BaseDirectory, dataSource);
        return builder.ToString();
    }
}
