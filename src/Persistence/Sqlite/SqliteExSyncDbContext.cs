using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ExSync.Persistence.Sqlite;

/// <summary>ExSync's database on SQLite, with the SQLite migrations.</summary>
public sealed class SqliteExSyncDbContext(DbContextOptions<SqliteExSyncDbContext> options) : ExSyncDbContext(options)
{
    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // SQLite has no date type and EF Core cannot compare DateTimeOffset there; fixed-width UTC text sorts and compares correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTimestampConverter>().HaveMaxLength(UtcTimestampConverter.Length);
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqliteExSyncDbContext</c> build the model without starting the service.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteExSyncDbContext>
{
    public SqliteExSyncDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteExSyncDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
