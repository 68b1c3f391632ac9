using System.Threading.Channels;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Domain.Jobs;
using ExSync.Domain.TestAndEnable;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs.Engine;

/// <summary>
/// Runs one job as a pipeline: a producer claims items in batches (with what testing them needs), up to
/// <see cref="JobOptions.MaxParallelItemsPerJob"/> consumers test them (each profile's connection limit applies), and a writer records
/// results in batches. Claiming ahead keeps every allowed Exchange connection busy; bounded channels keep memory flat however
/// large the job.
/// </summary>
public sealed partial class JobRunner(
    IServiceScopeFactory scopes,
    JobStore store,
    JobItemProcessor processor,
    JobResultWriter writer,
    JobSignal signal,
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

        using var canceled = new CancellationTokenSource();
        signal.Running(jobId, canceled);
        try
        {
            if (job.CancelRequested)
            {
                await canceled.CancelAsync();
            }
            else if (await FailureBeforeTestingAsync(job, stopping) is { } failure)
            {
                // Nothing can be tested: the items end untested and the job reports why.
                await store.CancelRemainingAsync(jobId);
                await store.FinishAsync(jobId, JobStatus.Failed, failure.Code, failure.Message);
                LogFailed(logger, jobId, failure.Code);
                return true;
            }

            await ProcessAsync(job, workerId, canceled, stopping);
            if (stopping.IsCancellationRequested)
            {
                // Unprocessed items were given back; the job resumes at the next start.
                return false;
            }

            if (canceled.IsCancellationRequested)
            {
                await store.CancelRemainingAsync(jobId);
                await store.FinishAsync(jobId, JobStatus.Canceled);
                LogFinished(logger, jobId, JobStatus.Canceled);
                return true;
            }

            if (await store.HasUnfinishedItemsAsync(jobId, stopping))
            {
                return false;
            }

            if (await store.FinishAsync(jobId, JobStatus.Succeeded))
            {
                LogFinished(logger, jobId, JobStatus.Succeeded);
            }

            return true;
        }
        finally
        {
            signal.Stopped(jobId);
        }
    }

    private async Task ProcessAsync(Job job, string workerId, CancellationTokenSource canceled, CancellationToken stopping)
    {
        var settings = options.CurrentValue;
        var work = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(settings.MaxParallelItemsPerJob) { SingleWriter = true });
        var results = Channel.CreateUnbounded<ItemResult>(new UnboundedChannelOptions { SingleReader = true });

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var watch = WatchAsync(job.Id, workerId, canceled, watching.Token);
        var produce = ProduceAsync(job, workerId, work.Writer, canceled.Token, stopping);
        var write = WriteAsync(job, workerId, results.Reader);
        try
        {
            await Parallel.ForEachAsync(
                work.Reader.ReadAllAsync(CancellationToken.None),
                new ParallelOptions { MaxDegreeOfParallelism = settings.MaxParallelItemsPerJob },
                async (item, _) => await results.Writer.WriteAsync(await processor.ProcessAsync(item, canceled.Token, stopping), CancellationToken.None));
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

    /// <summary>
    /// Why a whole job cannot run, if it cannot: a connection test whose server profile was deleted after the test was requested.
    /// (A Test &amp; Enable job's profiles cannot go away: a profile that mailboxes use cannot be deleted.)
    /// </summary>
    private async Task<(string Code, string Message)?> FailureBeforeTestingAsync(Job job, CancellationToken cancellationToken)
    {
        if (job.Kind != JobKind.TestConnection || job.ServerProfileId is not { } profileId)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        return await db.ServerProfiles.AnyAsync(p => p.Id == profileId, cancellationToken)
            ? null
            : (Infrastructure.Problems.ProblemCodes.ServerProfileNotFound,
                $"The server profile {profileId} was deleted after the connection test was requested, so nothing was tested.");
    }

    /// <summary>Claims items batch by batch and hands them to the consumers, until there are none or the job must stop.</summary>
    private async Task ProduceAsync(Job job, string workerId, ChannelWriter<WorkItem> work, CancellationToken canceled, CancellationToken stopping)
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

                foreach (var item in await PrepareAsync(job, claimed, stopping))
                {
                    // Never abandon a claimed item: consumers drain the channel even when stopping, releasing or canceling what they get.
                    await work.WriteAsync(item, CancellationToken.None);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutting down; items not handed over keep their lease until it expires.
        }
        finally
        {
            work.TryComplete();
        }
    }

    /// <summary>Reads what a batch of items needs in three queries: the mailboxes, the organization settings and the profiles.</summary>
    private async Task<IEnumerable<WorkItem>> PrepareAsync(Job job, IReadOnlyList<ClaimedItem> claimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var mailboxIds = claimed.Where(c => c.MailboxId is not null).Select(c => c.MailboxId!.Value).ToList();
        var mailboxes = await db.Mailboxes.AsNoTracking().Where(m => mailboxIds.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var organization = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        var profileIds = job.Kind == JobKind.TestConnection
            ? [job.ServerProfileId!.Value]
            : mailboxes.Values.Select(m => TestAndEnablePreconditions.EffectiveProfileId(m, organization)).OfType<Guid>().Distinct().ToList();
        var profiles = await db.ServerProfiles.AsNoTracking().Where(p => profileIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);

        return claimed.Select(item =>
        {
            var mailbox = item.MailboxId is { } id ? mailboxes.GetValueOrDefault(id) : null;
            var profileId = job.Kind == JobKind.TestConnection
                ? job.ServerProfileId
                : mailbox is null ? null : TestAndEnablePreconditions.EffectiveProfileId(mailbox, organization);
            return new WorkItem(item, job, mailbox, profileId is { } p ? profiles.GetValueOrDefault(p) : null, organization);
        });
    }

    /// <summary>Records results in batches: whatever has accumulated during the batch window and while the previous batch was being written.</summary>
    private async Task WriteAsync(Job job, string workerId, ChannelReader<ItemResult> results)
    {
        var batchSize = options.CurrentValue.ResultBatchSize;
        var window = options.CurrentValue.ResultBatchWindow;
        var batch = new List<ItemResult>(batchSize);
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
                await writer.WriteAsync(job, workerId, batch);
            }
            catch (Exception ex)
            {
                // The items keep their lease; when it expires they are tested again, so nothing is lost.
                LogWriteFailed(logger, ex, job.Id, batch.Count);
            }

            batch.Clear();
        }
    }

    private static void Drain(ChannelReader<ItemResult> results, List<ItemResult> batch, int batchSize)
    {
        while (batch.Count < batchSize && results.TryRead(out var result))
        {
            batch.Add(result);
        }
    }

    /// <summary>Renews this worker's leases, and notices a cancellation requested through another instance.</summary>
    private async Task WatchAsync(Guid jobId, string workerId, CancellationTokenSource canceled, CancellationToken stop)
    {
        var interval = options.CurrentValue.LeaseDuration / 3;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(interval, time, stop);
                await store.RenewLeasesAsync(jobId, workerId, stop);
                if (!canceled.IsCancellationRequested && await store.IsCancelRequestedAsync(jobId, stop))
                {
                    await canceled.CancelAsync();
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The job is done.
        }
        catch (Exception ex)
        {
            LogWatchFailed(logger, ex, jobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} finished: {Status}")]
    private static partial void LogFinished(ILogger logger, Guid jobId, JobStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} failed before testing anything: {ErrorCode}")]
    private static partial void LogFailed(ILogger logger, Guid jobId, string errorCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} results of job {JobId} failed; the items will be tested again when their lease expires")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, Guid jobId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the leases of job {JobId} failed")]
    private static partial void LogWatchFailed(ILogger logger, Exception exception, Guid jobId);
}
