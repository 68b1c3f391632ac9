using ExSync.Api.Infrastructure.Persistence;
using ExSync.Domain.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs.Engine;

/// <summary>An item claimed by a worker.</summary>
/// <param name="Id">Item id.</param>
/// <param name="MailboxId">The mailbox to test.</param>
/// <param name="EmailAddress">The address of a connection test.</param>
public sealed record ClaimedItem(long Id, Guid? MailboxId, string? EmailAddress);

/// <summary>
/// The state transitions of jobs and items, each a conditional update from an expected state (as Hangfire moves jobs), so that
/// several workers — in this process or in others sharing the database — never process an item twice or finish a job twice.
/// </summary>
public sealed class JobStore(IServiceScopeFactory scopes, TimeProvider time, IOptionsMonitor<JobOptions> options)
{
    /// <summary>Moves a job from NotStarted to Running, and returns it if it is running (null when it already finished).</summary>
    public async Task<Job?> StartAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var now = time.GetUtcNow();
        await db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.NotStarted)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Running).SetProperty(j => j.StartedAt, now).SetProperty(j => j.LastUpdatedAt, now), cancellationToken);
        return await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId && j.Status == JobStatus.Running, cancellationToken);
    }

    /// <summary>
    /// Claims up to <paramref name="count"/> pending items of a job, or items whose lease expired (their worker died), in item order.
    /// </summary>
    public async Task<IReadOnlyList<ClaimedItem>> ClaimAsync(Guid jobId, string owner, int count, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var now = time.GetUtcNow();
        var expires = now + options.CurrentValue.LeaseDuration;

        // SQLite opens this transaction with BEGIN IMMEDIATE, taking the write lock before the read: two workers, even in two
        // processes, cannot select the same items.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        // Two range reads of the (JobId, State, Id) index rather than one query with OR: with the OR, SQLite walks the job's items
        // in id order and reads each row's state, past every item already completed, for every claim while it holds the write lock.
        var expired = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == JobItemState.Leased && i.LeaseExpiresAt < now)
            .OrderBy(i => i.Id)
            .Select(i => i.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
        var pending = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == JobItemState.Pending)
            .OrderBy(i => i.Id)
            .Select(i => i.Id)
            .Take(count)
            .ToListAsync(cancellationToken);
        var ids = expired.Concat(pending).Order().Take(count).ToList();
        if (ids.Count == 0)
        {
            return [];
        }

        await db.JobItems
            .Where(i => ids.Contains(i.Id))
            .ExecuteUpdateAsync(
                s => s.SetProperty(i => i.State, JobItemState.Leased)
                    .SetProperty(i => i.LeaseOwner, owner)
                    .SetProperty(i => i.LeaseExpiresAt, expires)
                    .SetProperty(i => i.Attempts, i => i.Attempts + 1),
                cancellationToken);
        var claimed = await db.JobItems
            .Where(i => ids.Contains(i.Id))
            .OrderBy(i => i.Id)
            .Select(i => new ClaimedItem(i.Id, i.MailboxId, i.EmailAddress))
            .ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return claimed;
    }

    /// <summary>Extends the leases a worker holds on a job's items, so a long job is not taken over while the worker lives.</summary>
    public async Task RenewLeasesAsync(Guid jobId, string owner, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
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

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        await db.JobItems
            .Where(i => itemIds.Contains(i.Id) && i.LeaseOwner == owner && i.State == JobItemState.Leased)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.State, JobItemState.Pending).SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null));
    }

    /// <summary>Whether cancellation of the job was requested (possibly through another instance).</summary>
    public async Task<bool> IsCancelRequestedAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        return await db.Jobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested).SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Whether the job still has items that are not completed (pending, or leased by some worker).</summary>
    public async Task<bool> HasUnfinishedItemsAsync(Guid jobId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        return await db.JobItems.AnyAsync(i => i.JobId == jobId && i.State != JobItemState.Completed, cancellationToken);
    }

    /// <summary>Cancels every item of the job that is not completed yet.</summary>
    public async Task CancelRemainingAsync(Guid jobId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var now = time.GetUtcNow();
        await db.JobItems
            .Where(i => i.JobId == jobId && i.State != JobItemState.Completed)
            .ExecuteUpdateAsync(s => s
                .SetProperty(i => i.State, JobItemState.Completed)
                .SetProperty(i => i.Outcome, JobItemOutcome.Canceled)
                .SetProperty(i => i.ErrorCode, Domain.TestAndEnable.TestAndEnableErrors.Canceled)
                .SetProperty(i => i.CompletedAt, now)
                .SetProperty(i => i.LeaseOwner, (string?)null)
                .SetProperty(i => i.LeaseExpiresAt, (DateTimeOffset?)null));
    }

    /// <summary>
    /// Finishes a job that is not finished yet, with counts recomputed from its items (the items are the truth; the running counts
    /// are only progress). Returns whether this call finished it.
    /// </summary>
    public async Task<bool> FinishAsync(Guid jobId, JobStatus status, string? errorCode = null, string? errorMessage = null)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var counts = await db.JobItems
            .Where(i => i.JobId == jobId && i.State == JobItemState.Completed)
            .GroupBy(i => i.Outcome)
            .Select(g => new { Outcome = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Outcome ?? JobItemOutcome.Skipped, g => g.Count);
        var now = time.GetUtcNow();
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
        return updated == 1;
    }
}
