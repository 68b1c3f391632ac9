using System.Threading.Channels;
using ExSync.Domain.Jobs;
using ExSync.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Jobs;

/// <summary>
/// Runs one job as a pipeline: a producer claims items in batches and has the job's handler prepare them, up to
/// <see cref="JobOptions.MaxParallelItemsPerJob"/> consumers process them, and a recorder writes results in batches. Claiming ahead keeps
/// every allowed Exchange connection busy; bounded channels keep memory flat however large the job.
/// </summary>
public sealed partial class JobRunner(
    JobStore store,
    JobHandlers handlers,
    JobBatchRecorder recorder,
    JobSignal signal,
    EngineMetrics metrics,
    TimeProvider time,
    IOptionsMonitor<JobOptions> options,
    ILogger<JobRunner> logger)
{
    /// <summary>
    /// Processes the job's items until none is left, the job is canceled, or the host stops. Returns false when the job is not
    /// finished because other workers still hold leases on some of its items.
    /// </summary>
    public async Task<bool> RunAsync(Guid jobId, string workerId, CancellationToken stopping)
    {
        var job = await store.StartAsync(jobId, stopping);
        if (job is null)
        {
            return true;
        }

        var handler = handlers.For(job.Kind);
        using var canceled = new CancellationTokenSource();
        signal.Running(jobId, canceled);
        try
        {
            if (job.CancelRequested)
            {
                await canceled.CancelAsync();
            }
            else if (await handler.CheckAsync(job, stopping) is { } failure)
            {
                // Nothing can be processed: the items end unprocessed and the job reports why.
                await store.CancelRemainingAsync(jobId);
                await Finished(job, JobStatus.Failed, failure.Code, failure.Message);
                LogFailed(logger, jobId, failure.Code);
                return true;
            }

            await ProcessAsync(job, handler, workerId, canceled, stopping);
            if (stopping.IsCancellationRequested)
            {
                // Unprocessed items were given back; the job resumes at the next start, here or in another instance.
                return false;
            }

            if (canceled.IsCancellationRequested)
            {
                await store.CancelRemainingAsync(jobId);
                await Finished(job, JobStatus.Canceled);
                return true;
            }

            if (await store.HasUnfinishedItemsAsync(jobId, stopping))
            {
                return false;
            }

            await Finished(job, JobStatus.Succeeded);
            return true;
        }
        finally
        {
            signal.Stopped(jobId);
        }
    }

    private async Task Finished(Job job, JobStatus status, string? errorCode = null, string? errorMessage = null)
    {
        if (await store.FinishAsync(job.Id, status, errorCode, errorMessage))
        {
            metrics.JobFinished(job.Kind, status, errorCode);
            LogFinished(logger, job.Id, status);
        }
    }

    private async Task ProcessAsync(Job job, IJobHandler handler, string workerId, CancellationTokenSource canceled, CancellationToken stopping)
    {
        var settings = options.CurrentValue;
        var work = Channel.CreateBounded<JobWork>(new BoundedChannelOptions(settings.MaxParallelItemsPerJob) { SingleWriter = true });
        var results = Channel.CreateUnbounded<ProcessedItem>(new UnboundedChannelOptions { SingleReader = true });

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watch = WatchAsync(job.Id, workerId, canceled, watching.Token);
        var produce = ProduceAsync(job, handler, workerId, work.Writer, canceled.Token, stopping);
        var write = WriteAsync(job, handler, workerId, results.Reader, stopping);
        try
        {
            await Parallel.ForEachAsync(
                work.Reader.ReadAllAsync(CancellationToken.None),
                new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelItemsPerJob },
                async (item, _) => await results.Writer.WriteAsync(await ProcessItemAsync(handler, item, canceled.Token, stopping), CancellationToken.None));
            await produce;
        }
        finally
        {
            results.Writer.TryComplete();
            await write;
            await watching.CancelAsync();
            await watch;
        }
    }

    /// <summary>Processes one item; never throws: stopping, cancellation and ExSync's own failures become what the recorder records.</summary>
    private async Task<ProcessedItem> ProcessItemAsync(IJobHandler handler, JobWork work, CancellationToken jobCanceled, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            return new ProcessedItem(work, ProcessedItemKind.Release);
        }

        if (jobCanceled.IsCancellationRequested)
        {
            return new ProcessedItem(work, ProcessedItemKind.Canceled);
        }

        try
        {
            // Stopping aborts the Exchange calls in flight as well, so the item is given back at once instead of holding up shutdown
            // until Exchange answers (or the connection timeout expires).
            using var canceledOrStopping = CancellationTokenSource.CreateLinkedTokenSource(jobCanceled, stopping);
            return new ProcessedItem(work, ProcessedItemKind.Processed, await handler.ProcessAsync(work, canceledOrStopping.Token));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return new ProcessedItem(work, ProcessedItemKind.Release);
        }
        catch (OperationCanceledException) when (jobCanceled.IsCancellationRequested)
        {
            return new ProcessedItem(work, ProcessedItemKind.Canceled);
        }
        catch (Exception ex)
        {
            LogCrash(logger, ex, work.Item.Id, work.Job.Id);
            return new ProcessedItem(work, ProcessedItemKind.Crashed);
        }
    }

    /// <summary>Claims items batch by batch and hands them to the consumers, until there are none or the job must stop.</summary>
    private async Task ProduceAsync(Job job, IJobHandler handler, string workerId, ChannelWriter<JobWork> work, CancellationToken canceled, CancellationToken stopping)
    {
        try
        {
            while (!canceled.IsCancellationRequested && !stopping.IsCancellationRequested)
            {
                var claimed = await store.ClaimAsync(job.Id, workerId, options.CurrentValue.ClaimBatchSize, stopping);
                if (claimed.Count == 0)
                {
                    return;
                }

                foreach (var item in await handler.PrepareAsync(job, claimed, stopping))
                {
                    // Never abandon a claimed item: consumers drain the channel even when stopping, releasing or canceling what they get.
                    await work.WriteAsync(item, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down; items not handed over are given back when the instance stops, or taken over when it is gone.
        }
        finally
        {
            work.TryComplete();
        }
    }

    /// <summary>Records results in batches: whatever has accumulated during the batch window and while the previous batch was being written.</summary>
    private async Task WriteAsync(Job job, IJobHandler handler, string workerId, ChannelReader<ProcessedItem> results, CancellationToken stopping)
    {
        var batchSize = options.CurrentValue.ResultBatchSize;
        var window = options.CurrentValue.ResultBatchWindow;
        var batch = new List<ProcessedItem>(batchSize);
        while (await results.WaitToReadAsync(CancellationToken.None))
        {
            Drain(results, batch, batchSize);
            if (batch.Count < batchSize && window > TimeSpan.Zero)
            {
                // Wall-clock time on purpose: this paces database writes, it is not part of what tests steer through TimeProvider.
                await Task.Delay(window, CancellationToken.None);
                Drain(results, batch, batchSize);
            }

            try
            {
                await recorder.RecordAsync(job, handler, workerId, batch);
            }
            catch (Exception ex) when (stopping.IsCancellationRequested)
            {
                // Shutting down; the items keep their lease and are released with this instance.
                LogWriteInterrupted(logger, ex, job.Id, batch.Count);
            }
            catch (Exception ex)
            {
                // The items keep their lease; when it expires (or this instance is gone) they are processed again, so nothing is lost.
                LogWriteFailed(logger, ex, job.Id, batch.Count);
            }

            batch.Clear();
        }
    }

    private static void Drain(ChannelReader<ProcessedItem> results, List<ProcessedItem> batch, int batchSize)
    {
        while (batch.Count < batchSize && results.TryRead(out var result))
        {
            batch.Add(result);
        }
    }

    /// <summary>Renews this worker's leases, and notices a cancellation requested through another instance.</summary>
    private async Task WatchAsync(Guid jobId, string workerId, CancellationTokenSource canceled, CancellationToken stop)
    {
        var settings = options.CurrentValue;
        var renewEvery = settings.LeaseDuration / 3;
        var lastRenewal = time.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                // Real time: a job started through another instance is canceled there, and noticed here within the poll interval.
                await Task.Delay(settings.PollInterval, stop);
                if (time.GetElapsedTime(lastRenewal) >= renewEvery)
                {
                    await store.RenewLeasesAsync(jobId, workerId, stop);
                    lastRenewal = time.GetTimestamp();
                }

                if (!canceled.IsCancellationRequested && await store.IsCancelRequestedAsync(jobId, stop))
                {
                    await canceled.CancelAsync();
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // The job is done, or the host stops.
        }
        catch (Exception ex)
        {
            LogWatchFailed(logger, ex, jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, Guid jobId, JobStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed before processing anything: {ErrorCode}")]
    private static partial void LogFailed(ILogger logger, Guid jobId, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while processing item {ItemId} of job {JobId}; nothing was changed")]
    private static partial void LogCrash(ILogger logger, Exception exception, long itemId, Guid jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} results of job {JobId} failed; the items will be processed again when their lease expires")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, Guid jobId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording {Count} results of job {JobId} was interrupted by shutdown; the items will be processed again")]
    private static partial void LogWriteInterrupted(ILogger logger, Exception exception, Guid jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the leases of job {JobId} failed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, Guid jobId);
}

/// <summary>How processing an item ended.</summary>
internal enum ProcessedItemKind
{
    /// <summary>The handler produced a result.</summary>
    Processed,

    /// <summary>The worker is stopping: give the item back unprocessed.</summary>
    Release,

    /// <summary>The job was canceled before or while the item was processed.</summary>
    Canceled,

    /// <summary>An unexpected failure of ExSync itself (logged); nothing was changed.</summary>
    Crashed,
}

/// <summary>An item after processing, on its way to the recorder.</summary>
internal sealed record ProcessedItem(JobWork Work, ProcessedItemKind Kind, JobWorkResult? Result = null);
