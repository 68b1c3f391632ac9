using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ExSync.Persistence.PostgreSql;

/// <summary>ExSync's database on PostgreSQL, with the PostgreSQL migrations.</summary>
public sealed class PostgreSqlExSyncDbContext(DbContextOptions<PostgreSqlExSyncDbContext> options) : ExSyncDbContext(options)
{
    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);

        // timestamptz stores instants; Npgsql writes only offset-zero values to it, and dates from clients may carry any offset.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcDateTimeOffsetConverter>();
    }

    private sealed class UtcDateTimeOffsetConverter() : ValueConverter<DateTimeOffset, DateTimeOffset>(value => value.ToUniversalTime(), value => value);
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgreSqlExSyncDbContext</c> build the model without a server.</summary>
internal sealed class PostgreSqlDesignTimeFactory : IDesignTimeDbContextFactory<PostgreSqlExSyncDbContext>
{
    public PostgreSqlExSyncDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgreSqlExSyncDbContext>().UseNpgsql("Host=localhost;Database=exsync_design_time").Options);
}
