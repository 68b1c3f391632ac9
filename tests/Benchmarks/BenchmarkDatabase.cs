using Npgsql;

namespace ExSync.Benchmarks;

/// <summary>A fresh database for one benchmark run: a SQLite file in the run's directory, or a new PostgreSQL database, dropped afterwards.</summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly string? adminConnectionString;
    private readonly string? name;

    private BenchmarkDatabase(IReadOnlyDictionary<string, string> settings, string? adminConnectionString = null, string? name = null)
    {
        Settings = settings;
        this.adminConnectionString = adminConnectionString;
        this.name = name;
    }

    /// <summary>The settings that point ExSync at the database.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    public static async Task<BenchmarkDatabase> CreateAsync(BenchmarkOptions options, string directory)
    {
        if (options.Database == "sqlite")
        {
            return new BenchmarkDatabase(new Dictionary<string, string>
            {
                ["Database:Provider"] = "Sqlite",
                ["ConnectionStrings:ExSync"] = $"Data Source={Path.Combine(directory, "exsync.db")}",
            });
        }

        if (options.Database != "postgresql" || string.IsNullOrWhiteSpace(options.PostgreSqlConnectionString))
        {
            throw new ArgumentException("--database is sqlite or postgresql; postgresql needs --postgresql \"<connection string>\" or EXSYNC_BENCH_POSTGRESQL.");
        }

        var name = $"exsync_bench_{Guid.NewGuid():N}";
        await ExecuteAsync(options.PostgreSqlConnectionString, $"CREATE DATABASE \"{name}\"");
        return new BenchmarkDatabase(
            new Dictionary<string, string>
            {
                ["Database:Provider"] = "PostgreSql",
                ["ConnectionStrings:ExSync"] = new NpgsqlConnectionStringBuilder(options.PostgreSqlConnectionString) { Database = name }.ToString(),
            },
            options.PostgreSqlConnectionString,
            name);
    }

    public async ValueTask DisposeAsync()
    {
        if (adminConnectionString is not null)
        {
            await ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
