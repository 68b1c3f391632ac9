using ExSync.Domain.Organization;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>Reads of the single organization settings row, which many features need.</summary>
public static class OrganizationQueries
{
    // Read by every synchronization cycle: compiled once (see SyncQueries).
    private static readonly Func<ExSyncDbContext, CancellationToken, Task<OrganizationEmailSettings>> Untracked =
        EF.CompileAsyncQuery((ExSyncDbContext db, CancellationToken cancellationToken) =>
            db.OrganizationEmailSettings.AsNoTracking().Single(s => s.Id == OrganizationEmailSettings.SingletonId));

    /// <summary>The organization settings, read without tracking.</summary>
    public static Task<OrganizationEmailSettings> FindOrganizationSettingsAsync(this ExSyncDbContext db, CancellationToken cancellationToken) =>
        Untracked(db, cancellationToken);

    /// <summary>The organization settings, tracked for update. The row is created at startup, so it always exists.</summary>
    public static Task<OrganizationEmailSettings> OrganizationSettingsAsync(this ExSyncDbContext db, CancellationToken cancellationToken) =>
        db.OrganizationEmailSettings.SingleAsync(s => s.Id == OrganizationEmailSettings.SingletonId, cancellationToken);

    /// <summary>The organization's default server profile for new mailboxes.</summary>
    public static Task<Guid?> DefaultServerProfileIdAsync(this ExSyncDbContext db, CancellationToken cancellationToken) =>
        db.OrganizationEmailSettings
            .Where(s => s.Id == OrganizationEmailSettings.SingletonId)
            .Select(s => s.DefaultServerProfileId)
            .SingleAsync(cancellationToken);
}
