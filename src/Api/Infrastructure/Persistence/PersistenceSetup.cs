using ExSync.Domain.Organization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Infrastructure.Persistence;

/// <summary>SQLite through EF Core: connection string, migrations at startup, the organization row.</summary>
public static class PersistenceSetup
{
    private const string ConnectionStringName = "ExSync";
    private const string DefaultConnectionString = "Data Source=exsync.db";

    private static readonly SqliteConnectionSettings ConnectionSettings = new();

    public static WebApplicationBuilder AddPersistence(this WebApplicationBuilder builder)
    {
        // Read when the first context is created, not now: configuration added by a test host is only applied at Build().
        builder.Services.AddDbContext<ExSyncDbContext>((services, options) =>
            options.UseSqlite(
                ResolveConnectionString(services.GetRequiredService<IConfiguration>().GetConnectionString(ConnectionStringName) ?? DefaultConnectionString),
                // EF Core 10 expands a list in a query into one parameter per element by default; for the lists of up to 10,000 mailbox ids
                // that bulk actions and jobs pass, one JSON parameter read with json_each is several times faster to parse and bind.
                sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter))
            .AddInterceptors(ConnectionSettings));
        builder.Services.AddSingleton<SequentialIds>();
        builder.Services.AddHealthChecks().AddDbContextCheck<ExSyncDbContext>("database", tags: ["ready"]);
        return builder;
    }

    /// <summary>
    /// Applies pending migrations and creates the organization settings on first start. Skipped while the build generates
    /// openapi.json, when there is no database to migrate.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        if (app.Environment.IsBuild())
        {
            return;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        await db.Database.MigrateAsync();

        // Write-ahead logging lets the API read while background jobs write; the mode is stored in the database file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");

        if (!await db.OrganizationEmailSettings.AnyAsync())
        {
            var time = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            db.OrganizationEmailSettings.Add(OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), time.GetUtcNow()));
            await db.SaveChangesAsync();
        }
    }

    /// <summary>A relative database file is placed beside the application, not in whatever directory it was started from.</summary>
    private static string ResolveConnectionString(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (string.IsNullOrEmpty(dataSource) || dataSource == ":memory:" || builder.Mode == SqliteOpenMode.Memory || Path.IsPathRooted(dataSource))
        {
            return connectionString;
        }

        builder.DataSource = Path.Combine(AppContext.BaseDirectory, dataSource);
        Directory.CreateDirectory(Path.GetDirectoryName(builder.DataSource)!);
        return builder.ToString();
    }
}
