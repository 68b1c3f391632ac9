using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>
/// The reads of one resource by id that clients repeat most (a mailbox, a profile, a job they poll), compiled once: EF Core otherwise
/// rebuilds and looks up the query from its expression tree at every request, a measurable part of the cost of such a read.
/// </summary>
public static class ResourceQueries
{
    private static readonly Func<ExSyncDbContext, Guid, CancellationToken, Task<Mailbox?>> Mailbox =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => db.Mailboxes.AsNoTracking().FirstOrDefault(m => m.Id == id));

    private static readonly Func<ExSyncDbContext, Guid, CancellationToken, Task<ServerProfile?>> ServerProfile =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => db.ServerProfiles.AsNoTracking().FirstOrDefault(p => p.Id == id));

    private static readonly Func<ExSyncDbContext, Guid, CancellationToken, Task<Job?>> Job =
        EF.CompileAsyncQuery((ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => db.Jobs.AsNoTracking().FirstOrDefault(j => j.Id == id));

    /// <summary>A mailbox, read without tracking; null when there is none with this id.</summary>
    public static Task<Mailbox?> FindMailboxAsync(this ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => Mailbox(db, id, cancellationToken);

    /// <summary>A server profile, read without tracking; null when there is none with this id.</summary>
    public static Task<ServerProfile?> FindServerProfileAsync(this ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => ServerProfile(db, id, cancellationToken);

    /// <summary>
    /// The server profile a mailbox uses (its own, or the organization's default), read without tracking; null when it has none or the
    /// profile is gone.
    /// </summary>
    public static Task<ServerProfile?> FindEffectiveServerProfileAsync(this ExSyncDbContext db, Mailbox mailbox, OrganizationEmailSettings organization, CancellationToken cancellationToken) =>
        TestAndEnablePreconditions.EffectiveProfileId(mailbox, organization) is { } id ? ServerProfile(db, id, cancellationToken) : Task.FromResult<ServerProfile?>(null);

    /// <summary>A job, read without tracking; null when there is none with this id.</summary>
    public static Task<Job?> FindJobAsync(this ExSyncDbContext db, Guid id, CancellationToken cancellationToken) => Job(db, id, cancellationToken);
}

/// <summary>What a read of a mailbox needs before deciding whether to read the rest.</summary>
/// <param name="Revision">The revision, incremented by every change.</param>
/// <param name="OwnerId">The owner's id.</param>
public sealed record MailboxVersion(long Revision, string OwnerId);
