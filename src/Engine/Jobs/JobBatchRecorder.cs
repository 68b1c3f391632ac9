using ExSync.Domain.Jobs;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Jobs;

/// <summary>
/// Records processed items in batches, each in one transaction: the items' final states, what the job's handler changes (a mailbox's
/// status, alerts) and the job's progress. Only the worker that still holds an item's lease may complete it, so each item is recorded
/// exactly once even when instances die and others take their items over.
/// </summary>
public sealed partial class JobBatchRecorder(
    IDbContextFactory<ExSyncDbContext> contexts,
    IDatabaseDialect dialect,
    JobStore store,
    EngineMetrics metrics,
    TimeProvider time,
    ILogger<JobBatchRecorder> logger)
{
    private const int MaxAttempts = 3;

    internal async Task RecordAsync(Job job, IJobHandler handler, string owner, IReadOnlyList<ProcessedItem> items)
    {
        await store.ReleaseAsync(items.Where(i => i.Kind == ProcessedItemKind.Release).Select(i => i.Work.Item.Id).ToList(), owner);
        var toRecord = items.Where(i => i.Kind != ProcessedItemKind.Release).ToList();
        for (var attempt = 1; toRecord.Count > 0; attempt++)
        {
            try
            {
                await RecordOnceAsync(job, handler, owner, toRecord);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // Someone changed what a result applies to (an administrator edited a mailbox); record the batch again on fresh data.
                LogConcurrentChange(logger, job.Id, attempt);
            }
        }
    }

    private async Task RecordOnceAsync(Job job, IJobHandler handler, string owner, IReadOnlyList<ProcessedItem> items)
    {
        await using var db = await contexts.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var recording = new JobRecording(db, dialect, job, time.GetUtcNow());

        // Within this transaction nobody can take these items over, so those still owned here are safe to complete.
        var owned = await dialect.LockOwnedJobItemsAsync(db, items.Select(i => i.Work.Item.Id).ToList(), owner, CancellationToken.None);
        var mine = items.Where(i => owned.Contains(i.Work.Item.Id)).ToList();
        foreach (var item in mine.Where(i => i.Kind is ProcessedItemKind.Canceled or ProcessedItemKind.Crashed))
        {
            // Nothing was changed for these: they end with the engine's own code and no stored result.
            recording.Complete(
                item.Work.Item,
                item.Kind == ProcessedItemKind.Canceled ? JobItemOutcome.Canceled : JobItemOutcome.Failed,
                item.Kind == ProcessedItemKind.Canceled ? JobErrorCodes.Canceled : JobErrorCodes.InternalError,
                result: null,
                item.Work.Item.EmailAddress,
                serverProfileId: null);
        }

        var processed = mine.Where(i => i.Kind == ProcessedItemKind.Processed).Select(i => i.Result!).ToList();
        if (processed.Count > 0)
        {
            await handler.RecordAsync(recording, processed, CancellationToken.None);
        }

        await recording.WriteCompletionsAsync(CancellationToken.None);
        var counts = recording.Counts;
        await db.Jobs
            .Where(j => j.Id == job.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Succeeded, j => j.Succeeded + counts.GetValueOrDefault(JobItemOutcome.Succeeded))
                .SetProperty(j => j.Failed, j => j.Failed + counts.GetValueOrDefault(JobItemOutcome.Failed))
                .SetProperty(j => j.RetryScheduled, j => j.RetryScheduled + counts.GetValueOrDefault(JobItemOutcome.RetryScheduled))
                .SetProperty(j => j.Skipped, j => j.Skipped + counts.GetValueOrDefault(JobItemOutcome.Skipped))
                .SetProperty(j => j.Canceled, j => j.Canceled + counts.GetValueOrDefault(JobItemOutcome.Canceled))
                .SetProperty(j => j.LastUpdatedAt, recording.Now));

        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        metrics.ItemsCompleted(job.Kind, recording.Completions);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Something a result of job {JobId} applies to changed while it was recorded; recording again (attempt {Attempt})")]
    private static partial void LogConcurrentChange(ILogger logger, Guid jobId, int attempt);
}
