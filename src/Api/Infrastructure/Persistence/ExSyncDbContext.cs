using ExSync.Domain.Alerts;
using ExSync.Domain.Audit;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Infrastructure.Persistence;

/// <summary>ExSync's database: SQLite by default, created and migrated at startup.</summary>
public sealed class ExSyncDbContext(DbContextOptions<ExSyncDbContext> options) : DbContext(options)
{
    /// <summary>Email server profiles.</summary>
    public DbSet<ServerProfile> ServerProfiles => Set<ServerProfile>();

    /// <summary>Mailboxes of users and queues.</summary>
    public DbSet<Mailbox> Mailboxes => Set<Mailbox>();

    /// <summary>The single row of organization email settings.</summary>
    public DbSet<OrganizationEmailSettings> OrganizationEmailSettings => Set<OrganizationEmailSettings>();

    /// <summary>Background jobs (Test &amp; Enable, connection tests, scheduled retests).</summary>
    public DbSet<Job> Jobs => Set<Job>();

    /// <summary>The items of the jobs, one per mailbox.</summary>
    public DbSet<JobItem> JobItems => Set<JobItem>();

    /// <summary>Alerts to mailbox and profile owners.</summary>
    public DbSet<Alert> Alerts => Set<Alert>();

    /// <summary>The audit trail of changes.</summary>
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name, so the database stays readable and reordering an enum cannot corrupt data.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(64);

        // SQLite has no date type and EF Core cannot compare DateTimeOffset there; fixed-width UTC text sorts and compares correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTimestampConverter>().HaveMaxLength(UtcTimestampConverter.Length);
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ExSyncDbContext).Assembly);
}
