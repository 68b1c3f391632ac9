using ExSync.Domain.Alerts;
using ExSync.Domain.Audit;
using ExSync.Domain.Changes;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Sync;
using ExSync.Domain.Webhooks;
using ExSync.Persistence.Coordination;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace ExSync.Persistence;

/// <summary>
/// ExSync's database. One model for every provider; each provider derives its own context (<see cref="Sqlite.SqliteExSyncDbContext"/>,
/// <see cref="PostgreSql.PostgreSqlExSyncDbContext"/>) for its storage conventions and its own migrations.
/// </summary>
public abstract class ExSyncDbContext(DbContextOptions options) : DbContext(options), IDataProtectionKeyContext
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

    /// <summary>The ExSync processes sharing this database, each with its heartbeat.</summary>
    public DbSet<InstanceRecord> Instances => Set<InstanceRecord>();

    /// <summary>Duties that one instance at a time performs (the retest scheduler, retention), with the instance performing each.</summary>
    public DbSet<SingletonLease> SingletonLeases => Set<SingletonLease>();

    /// <summary>Each instance's share of each server profile's connections to Exchange.</summary>
    public DbSet<ConnectionGrant> ConnectionGrants => Set<ConnectionGrant>();

    /// <summary>Each mailbox's synchronization per direction: when it runs next, who runs it, how it is doing.</summary>
    public DbSet<SyncWorkload> SyncWorkloads => Set<SyncWorkload>();

    /// <summary>Where each mailbox's synchronization of each folder stands in Exchange.</summary>
    public DbSet<FolderSyncState> FolderSyncStates => Set<FolderSyncState>();

    /// <summary>What synchronization made of each Exchange item it looked at.</summary>
    public DbSet<ExchangeItemLink> ExchangeItemLinks => Set<ExchangeItemLink>();

    /// <summary>The outcome of each item synchronization looked at, kept for some days.</summary>
    public DbSet<SyncItemEvent> SyncItemEvents => Set<SyncItemEvent>();

    /// <summary>The CRM's email-enabled records.</summary>
    public DbSet<DirectoryEntry> DirectoryEntries => Set<DirectoryEntry>();

    /// <summary>The addresses of the directory's records.</summary>
    public DbSet<DirectoryEntryAddress> DirectoryEntryAddresses => Set<DirectoryEntryAddress>();

    /// <summary>Email activities.</summary>
    public DbSet<EmailActivity> Emails => Set<EmailActivity>();

    /// <summary>The mailboxes each email belongs to.</summary>
    public DbSet<EmailMailboxLink> EmailMailboxes => Set<EmailMailboxLink>();

    /// <summary>The emails' bodies, apart from the emails so that lists never read them.</summary>
    public DbSet<EmailBody> EmailBodies => Set<EmailBody>();

    /// <summary>The emails' attachments (metadata).</summary>
    public DbSet<EmailAttachment> EmailAttachments => Set<EmailAttachment>();

    /// <summary>The content of kept attachments.</summary>
    public DbSet<EmailAttachmentContent> EmailAttachmentContents => Set<EmailAttachmentContent>();

    /// <summary>The change feed (record changes with <see cref="ChangeFeed.RecordChange"/>).</summary>
    public DbSet<ChangeRecord> Changes => Set<ChangeRecord>();

    /// <summary>The change feed's retention watermark (one row).</summary>
    public DbSet<ChangeFeedState> ChangeFeedState => Set<ChangeFeedState>();

    /// <summary>Webhook subscriptions of the CRM.</summary>
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();

    /// <summary>The webhook outbox (record events with <see cref="WebhookOutbox.RecordWebhookEvent"/>).</summary>
    public DbSet<WebhookEvent> WebhookEvents => Set<WebhookEvent>();

    /// <summary>Each event's delivery to each subscription.</summary>
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    /// <summary>The Data Protection key ring, shared by every instance so each can decrypt every stored secret.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <inheritdoc />
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name, so the database stays readable and reordering an enum cannot corrupt data.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(64);
    }

    /// <inheritdoc />
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is not null)
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        // ChangeFeedOrdering may open a transaction for this save. EF Core tells interceptors of every failed save except one that lost
        // a concurrency check, so a transaction the save opened and left open is ended here, where every failure passes: left open, it
        // would hold the change feed's lock, make the caller's retry fail to begin its own, and go back to the pool with the context.
        // A savepoint inside a transaction opened for one save guards nothing, so EF Core makes none.
        var savepoints = Database.AutoSavepointsEnabled;
        Database.AutoSavepointsEnabled = false;
        try
        {
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        catch (Exception) when (Database.CurrentTransaction is { } leftOpen)
        {
            await RollBackAsync(leftOpen);
            throw;
        }
        finally
        {
            Database.AutoSavepointsEnabled = savepoints;
        }
    }

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ExSyncDbContext).Assembly);

    private static async Task RollBackAsync(IDbContextTransaction transaction)
    {
        await using (transaction)
        {
            try
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }
            catch (Exception)
            {
                // The save's own exception says what went wrong; a rollback that fails too (a broken connection) adds nothing, and
                // disposing the transaction ends it either way.
            }
        }
    }
}
