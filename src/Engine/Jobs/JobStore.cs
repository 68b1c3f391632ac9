using ExSync.Domain.Jobs;
using ExSync.Engine.Webhooks;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Jobs;

/// <summary>
/// The state transitions of jobs and items, each a conditional update from an expected state (as Hangfire moves jobs), so that
/// several workers — in this process or in others sharing the database — never process an item twice or finish a job twice.
/// </summary>
public sealed class JobStore(IDbContextFactory<ExSyncDbContext> contexts, IDatabaseDialect dialect, TimeProvider time, IOptionsMonitor<JobOptions> options)
{
    /// <summary>Moves a job from NotStarted to Running, and returns it if it is running (null when it already finished).</summary>
    public async Task<Job?> StartAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        await db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.NotStarted)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.StartedAt, now).SetProperty(j => j.LastUpdatedAt, now), cancellationToken);
        return await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.Status == JobStatus.Running, cancellationToken);
    }

    /// <summary>Claims up to <paramref name="count"/> pending items of a job, or items whose lease expired, in item order.</summary>
    public async Task<IReadOnlyList<ClaimedJobItem>> ClaimAsync(Guid jobId, string owner, int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        return await dialect.ClaimJobItemsAsync(db, jobId, owner, count, now, now + options.CurrentValue.LeaseDuration, cancellationToken);
    }

    /// <summary>Extends the leases a worker holds on a job's items, so a long job is not taken over while the worker lives.</summary>
    public async Task RenewLeasesAsync(Guid jobId, string owner, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var expires = time.GetUtcNow() + options.CurrentValue.LeaseDuration;
        await db.JobItems
            .Where(i => i.JobId == jobId && i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseExpiresAt, expires), cancellationToken);
    }

    /// <summary>Gives items back unprocessed (on shutdown), so that the next worker resumes them at once instead of after the lease.</summary>
    public async Task ReleaseAsync(IReadOnlyCollection<long> itemIds, string owner)
    {
        if (itemIds.Count == 0)
        {
            return;
        }

        var ids = itemIds.ToArray();
        await using var db = await contexts.CreateDbContextAsync();
        await db.JobItems
            .Where(i => ids.Contains(i.Id) && i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, JobItemState.Pending).SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null));
    }

    /// <summary>Gives back every item an owner holds, in every job (an instance that stopped or died); returns how many.</summary>
    public async Task<int> ReleaseAllAsync(string owner, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobItems
            .Where(i => i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, JobItemState.Pending).SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>Whether cancellation of the job was requested (possibly through another instance).</summary>
    public async Task<bool> IsCancelRequestedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Whether the job still has items that are not completed (pending, or leased by some worker).</summary>
    public async Task<bool> HasUnfinishedItemsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.JobItems.AnyAsync(i => i.JobId == jobId && i.State != JobItemState.Completed, cancellationToken);
    }

    /// <summary>Cancels every item of the job that is not completed yet.</summary>
    public async Task CancelRemainingAsync(Guid jobId)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await CancelRemainingAsync(db, jobId, time.GetUtcNow());
    }

    /// <summary>Cancels every item of the job that is not completed yet, in the caller's context.</summary>
    public static Task<int> CancelRemainingAsync(ExSyncDbContext db, Guid jobId, DateTimeOffset now) =>
        db.JobItems
            .Where(i => i.JobId == jobId && i.State != JobItemState.Completed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.State, JobItemState.Completed)
                .SetProperty(i => i.Outcome, JobItemOutcome.Canceled)
                .SetProperty(i => i.ErrorCode, JobErrorCodes.Canceled)
                .SetProperty(i => i.CompletedAt, now)
                .SetProperty(i => i.LeaseOwner, (string?)null)
                .SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null));

    /// <summary>
    /// Finishes a job that is not finished yet, with counts recomputed from its items (the items are the truth; the running counts
    /// are only progress). Returns whether this call finished it.
    /// </summary>
    public async Task<bool> FinishAsync(Guid jobId, JobStatus status, string? errorCode = null, string? errorMessage = null)
    {
        await using var db = await contexts.CreateDbContextAsync();
        return await FinishAsync(db, jobId, status, time.GetUtcNow(), errorCode, errorMessage);
    }

    /// <summary>Finishes a job in the caller's context; see <see cref="FinishAsync(Guid, JobStatus, string?, string?)"/>.</summary>
    public static async Task<bool> FinishAsync(ExSyncDbContext db, Guid jobId, JobStatus status, DateTimeOffset now, string? errorCode = null, string? errorMessage = null)
    {
        // The job's final status and its job.completed event commit together.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync() : null;
        var counts = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == JobItemState.Completed)
            .GroupBy(i => i.Outcome)
            .Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Outcome ?? JobItemOutcome.Skipped, g => g.Count);
        var updated = await db.Jobs
            .Where(j => j.Id == jobId && (j.Status == JobStatus.NotStarted || j.Status == JobStatus.Running))
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, status)
                .SetProperty(j => j.CompletedAt, now)
                .SetProperty(j => j.LastUpdatedAt, now)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                .SetProperty(j => j.Succeeded, counts.GetValueOrDefault(JobItemOutcome.Succeeded))
                .SetProperty(j => j.Failed, counts.GetValueOrDefault(JobItemOutcome.Failed))
                .SetProperty(j => j.RetryScheduled, counts.GetValueOrDefault(JobItemOutcome.RetryScheduled))
                .SetProperty(j => j.Skipped, counts.GetValueOrDefault(JobItemOutcome.Skipped))
                .SetProperty(j => j.Canceled, counts.GetValueOrDefault(JobItemOutcome.Canceled))
                .SetProperty(j => j.ErrorCode, errorCode)
                .SetProperty(j => j.ErrorMessage, errorMessage));
        if (updated == 1)
        {
            var kind = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Kind).SingleAsync();
            db.RecordJobCompleted(jobId, kind, status, errorCode, now);
            await db.SaveChangesAsync();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }

        return updated == 1;
    }
}

/// <summary>The codes the engine itself gives items and jobs (handlers add their own).</summary>
public static class JobErrorCodes
{
    /// <summary>The item was not processed: its job was canceled, or failed as a whole, first.</summary>
    public const string Canceled = "Canceled";

    /// <summary>ExSync itself failed while processing the item; nothing was changed.</summary>
    public const string InternalError = "InternalError";
}
