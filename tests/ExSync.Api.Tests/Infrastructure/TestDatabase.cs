using System.Collections.Concurrent;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// The database of one test application and its restarts: a SQLite file in the test's directory, or — in the PostgreSQL run of the
/// suite (the ExSync.Api.Tests.PostgreSql project compiles these same tests with EXSYNC_POSTGRESQL) — a database of its own on the
/// test server named by EXSYNC_TEST_POSTGRESQL.
/// </summary>
public abstract class TestDatabase
{
    private static readonly ConcurrentDictionary<string, TestDatabase> ByDirectory = new(StringComparer.Ordinal);

    /// <summary>Whether this run of the suite uses PostgreSQL.</summary>
#if EXSYNC_POSTGRESQL
    public static readonly bool IsPostgreSql = true;
#else
    public static readonly bool IsPostgreSql = false;
#endif

    /// <summary>
    /// The database of the test whose files live in <paramref name="directory"/>: created empty on first use, the same one for every
    /// application and process started on that directory.
    /// </summary>
    public static TestDatabase ForDirectory(string directory) =>
        ByDirectory.GetOrAdd(Path.GetFullPath(directory), d => IsPostgreSql ? new PostgreSqlTestDatabase(migrated: true) : new SqliteTestDatabase(d));

    /// <summary>
    /// Like <see cref="ForDirectory"/>, but a database without ExSync's tables, as a new deployment starts: on PostgreSQL an empty
    /// database, on SQLite no file yet.
    /// </summary>
    public static TestDatabase EmptyForDirectory(string directory) =>
        ByDirectory.GetOrAdd(Path.GetFullPath(directory), d => IsPostgreSql ? new PostgreSqlTestDatabase(migrated: false) : new SqliteTestDatabase(d));

    /// <summary>Removes the database of a directory, once no application uses it any more.</summary>
    public static Task DropAsync(string directory) =>
        ByDirectory.TryRemove(Path.GetFullPath(directory), out var database) ? database.DropAsync() : Task.CompletedTask;

    /// <summary>The settings that point ExSync at this database.</summary>
    public abstract IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>Everything stored, as bytes: for scanning for secrets that must never be stored in clear.</summary>
    public abstract Task<byte[]> ReadEverythingStoredAsync(CancellationToken cancellationToken);

    /// <summary>Counts the rows a query returns, read with a connection of its own (the application may be gone).</summary>
    public async Task<long> CountAsync(string table, string whereSql, CancellationToken cancellationToken) =>
        Convert.ToInt64((await QueryAsync($"SELECT COUNT(*) FROM \"{table}\" WHERE {whereSql}", cancellationToken))[0][0], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The rows of a query, read with a connection of its own (the application may be gone).</summary>
    public abstract Task<IReadOnlyList<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken);

    /// <summary>Makes the database refuse the application's connections, as an outage would.</summary>
    public abstract Task MakeUnreachableAsync(CancellationToken cancellationToken);

    /// <summary>Removes the database.</summary>
    protected abstract Task DropAsync();

    /// <summary>How a GUID is written in raw SQL against this database.</summary>
    public abstract string GuidLiteral(Guid id);

    private static async Task<IReadOnlyList<object?[]>> ReadAllAsync(System.Data.Common.DbDataReader reader, CancellationToken cancellationToken)
    {
        await using (reader)
        {
            var rows = new List<object?[]>();
            while (await reader.ReadAsync(cancellationToken))
            {
                var row = new object?[reader.FieldCount];
                reader.GetValues(row!);
                rows.Add([.. row.Select(value => value is DBNull ? null : value)]);
            }

            return rows;
        }
    }

    private sealed class SqliteTestDatabase(string directory) : TestDatabase
    {
        private string FilePath => Path.Combine(directory, "exsync.db");

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:ExSync"] = $"Data Source={FilePath}",
        };

        public override async Task<byte[]> ReadEverythingStoredAsync(CancellationToken cancellationToken)
        {
            // The main file, the write-ahead log and its index: a secret written in clear would be in one of them.
            var files = Directory.GetFiles(directory, "exsync.db*");
            Assert.Contains(files, f => f.EndsWith("exsync.db", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
            var all = new List<byte>();
            foreach (var file in files)
            {
                all.AddRange(await File.ReadAllBytesAsync(file, cancellationToken));
            }

            return [.. all];
        }

        public override async Task<IReadOnlyList<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken)
        {
            await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return await ReadAllAsync(await command.ExecuteReaderAsync(cancellationToken), cancellationToken);
        }

        public override Task MakeUnreachableAsync(CancellationToken cancellationToken)
        {
            // Replace the database file with a directory: SQLite can neither open nor recreate it. The app's engines
            // keep running and may recreate the file between the delete and the mkdir, so try again until it holds.
            for (var attempt = 1; ; attempt++)
            {
                SqliteConnection.ClearAllPools();
                foreach (var file in Directory.GetFiles(directory, "exsync.db*"))
                {
                    File.Delete(file);
                }

                try
                {
                    Directory.CreateDirectory(FilePath);
                    return Task.CompletedTask;
                }
                catch (IOException) when (attempt < 100 && File.Exists(FilePath))
                {
                }
            }
        }

        protected override Task DropAsync()
        {
            // Pooled connections keep the file open; the test's directory is removed with it.
            SqliteConnection.ClearAllPools();
            return Task.CompletedTask;
        }

        public override string GuidLiteral(Guid id) => $"'{id.ToString("D").ToUpperInvariant()}'";
    }

    private sealed class PostgreSqlTestDatabase : TestDatabase
    {
        private readonly string name = $"exsync_test_{Guid.NewGuid():N}";
        private readonly string connectionString;

        public PostgreSqlTestDatabase(bool migrated)
        {
            var server = PostgreSqlTestServer.Instance;
            server.CreateDatabase(name, migrated);
            connectionString = server.ConnectionStringFor(name);
        }

        public override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
        {
            ["Database:Provider"] = "PostgreSql",
            ["ConnectionStrings:ExSync"] = connectionString,
        };

        public override async Task<byte[]> ReadEverythingStoredAsync(CancellationToken cancellationToken)
        {
            // Every row of every table, as JSON text: what a dump of the database would show.
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            var tables = new List<string>();
            await using (var list = new NpgsqlCommand("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", connection))
            await using (var reader = await list.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    tables.Add(reader.GetString(0));
                }
            }

            var text = new StringBuilder();
            foreach (var table in tables)
            {
                await using var dump = new NpgsqlCommand($"SELECT row_to_json(t)::text FROM \"{table}\" t", connection);
                await using var reader = await dump.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    text.AppendLine(reader.GetString(0));
                }
            }

            Assert.Contains("\"ServerProfiles\"", tables.Select(t => $"\"{t}\""));
            return Encoding.UTF8.GetBytes(text.ToString());
        }

        public override async Task<IReadOnlyList<object?[]>> QueryAsync(string sql, CancellationToken cancellationToken)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(sql, connection);
            return await ReadAllAsync(await command.ExecuteReaderAsync(cancellationToken), cancellationToken);
        }

        public override async Task MakeUnreachableAsync(CancellationToken cancellationToken)
        {
            // The database refuses new connections and loses the ones it had, as when its server goes away.
            await PostgreSqlTestServer.Instance.ExecuteAsync(
                $"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}';");
            NpgsqlConnection.ClearAllPools();
        }

        protected override Task DropAsync()
        {
            using (var connection = new NpgsqlConnection(connectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            return PostgreSqlTestServer.Instance.ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }

        public override string GuidLiteral(Guid id) => $"'{id:D}'::uuid";
    }
}

/// <summary>
/// The PostgreSQL server of the test run (EXSYNC_TEST_POSTGRESQL: a connection string with rights to create databases). Databases
/// are copied from a template migrated once per run, which is much faster than migrating each one.
/// </summary>
public sealed class PostgreSqlTestServer
{
    private const string Variable = "EXSYNC_TEST_POSTGRESQL";
    private static readonly Lazy<PostgreSqlTestServer> Server = new(() => new PostgreSqlTestServer());
    private readonly string adminConnectionString;
    private readonly string template = $"exsync_template_{Environment.ProcessId}_{Guid.NewGuid():N}";
    private readonly Lock creating = new();

    private PostgreSqlTestServer()
    {
        adminConnectionString = Environment.GetEnvironmentVariable(Variable)!;
        Execute($"CREATE DATABASE \"{template}\"");
        using (var db = new ExSync.Persistence.PostgreSql.PostgreSqlExSyncDbContext(
                   new DbContextOptionsBuilder<ExSync.Persistence.PostgreSql.PostgreSqlExSyncDbContext>().UseNpgsql(ConnectionStringFor(template)).Options))
        {
            db.Database.Migrate();
        }

        // A template must have no connections while it is copied.
        NpgsqlConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryExecute($"DROP DATABASE IF EXISTS \"{template}\" WITH (FORCE)");
    }

    /// <summary>The server; skips the calling test when none is configured, unless EXSYNC_REQUIRE_POSTGRESQL=1 (CI), where it fails.</summary>
    public static PostgreSqlTestServer Instance
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(Variable)))
            {
                var message = $"{Variable} is not set: the PostgreSQL run of the suite needs a server (.ci/run starts one; see the README).";
                if (Environment.GetEnvironmentVariable("EXSYNC_REQUIRE_POSTGRESQL") == "1")
                {
                    Assert.Fail(message);
                }

                Assert.Skip(message);
            }

            return Server.Value;
        }
    }

    /// <summary>A connection string to one database of the server.</summary>
    public string ConnectionStringFor(string database) => new NpgsqlConnectionStringBuilder(adminConnectionString)
    {
        Database = database,
        // Many short-lived applications: give idle connections back quickly rather than keep them for minutes.
        ConnectionIdleLifetime = 2,
        ConnectionPruningInterval = 1,
    }.ToString();

    /// <summary>Creates a database, copied from the migrated template or empty.</summary>
    public void CreateDatabase(string name, bool migrated)
    {
        // PostgreSQL copies one template at a time.
        lock (creating)
        {
            Execute(migrated ? $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"" : $"CREATE DATABASE \"{name}\"");
        }
    }

    /// <summary>Runs SQL on the server's maintenance database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private void Execute(string sql) => ExecuteAsync(sql).GetAwaiter().GetResult();

    private void TryExecute(string sql)
    {
        try
        {
            Execute(sql);
        }
        catch (NpgsqlException)
        {
            // The cluster is thrown away after the run anyway.
        }
    }
}
