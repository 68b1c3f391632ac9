using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence.PostgreSql;

/// <summary>How ExSync connects to PostgreSQL.</summary>
internal static class PostgreSqlSetup
{
    internal static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings) =>
        // Lists in queries travel as one array parameter (= ANY(@ids)): one statement shape whatever the list's length.
        options.UseNpgsql(settings.ConnectionString, npgsql => npgsql.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
}
