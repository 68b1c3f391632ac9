using ExSync.Domain.Jobs;
using ExSync.Persistence;

namespace ExSync.Engine.Jobs;

/// <summary>Why a whole job cannot run.</summary>
/// <param name="Code">A stable code, the job's error code.</param>
/// <param name="Message">What happened.</param>
public sealed record JobFailure(string Code, string Message);

/// <summary>One claimed item, with what processing it needs (loaded for a whole batch at once by <see cref="IJobHandler.PrepareAsync"/>).</summary>
/// <param name="Job">The job.</param>
/// <param name="Item">The claimed item.</param>
public abstract record JobWork(Job Job, ClaimedJobItem Item);

/// <summary>What processing one item produced, before it is recorded.</summary>
/// <param name="Work">The item.</param>
public abstract record JobWorkResult(JobWork Work);

/// <summary>
/// What one kind of job does with its items; the engine does the rest (claims with leases, parallelism, cancellation, batching,
/// exactly-once recording, the job's status and counts). One handler per kind, registered with
/// <c>AddJobHandler</c> (EngineServiceCollectionExtensions).
/// </summary>
public interface IJobHandler
{
    /// <summary>Why the whole job cannot run, if it cannot; checked once, before any item is processed.</summary>
    Task<JobFailure?> CheckAsync(Job job, CancellationToken cancellationToken);

    /// <summary>Loads what a batch of claimed items needs, in a few queries for the whole batch.</summary>
    Task<IReadOnlyList<JobWork>> PrepareAsync(Job job, IReadOnlyList<ClaimedJobItem> items, CancellationToken cancellationToken);

    /// <summary>
    /// Processes one item. Throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires (the job was
    /// canceled, or the host stops); any other exception is an unexpected failure of ExSync, recorded as <c>InternalError</c>.
    /// </summary>
    Task<JobWorkResult> ProcessAsync(JobWork work, CancellationToken cancellationToken);

    /// <summary>
    /// Applies a batch of results inside the engine's write transaction: changes tracked in <see cref="JobRecording.Db"/>, and each
    /// item's final state through <see cref="JobRecording.Complete"/>. Runs again on fresh data if a concurrent change conflicts.
    /// </summary>
    Task RecordAsync(JobRecording recording, IReadOnlyList<JobWorkResult> results, CancellationToken cancellationToken);
}

/// <summary>The transaction in which a batch of results is recorded.</summary>
public sealed class JobRecording(ExSyncDbContext db, IDatabaseDialect dialect, Job job, DateTimeOffset now)
{
    private readonly List<JobItemCompletion> completions = [];
    private readonly Dictionary<JobItemOutcome, int> counts = [];
    private int written;

    /// <summary>The context of the transaction; tracked changes are saved with the batch.</summary>
    public ExSyncDbContext Db { get; } = db;

    /// <summary>The provider's SQL, for locks.</summary>
    public IDatabaseDialect Dialect { get; } = dialect;

    /// <summary>The job.</summary>
    public Job Job { get; } = job;

    /// <summary>The time the batch is recorded at.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The items completed so far in this batch.</summary>
    public IReadOnlyList<JobItemCompletion> Completions => completions;

    /// <summary>Items per outcome in this batch.</summary>
    public IReadOnlyDictionary<JobItemOutcome, int> Counts => counts;

    /// <summary>Records an item's final state.</summary>
    /// <param name="item">The item.</param>
    /// <param name="outcome">Its outcome.</param>
    /// <param name="errorCode">Why it failed or was skipped.</param>
    /// <param name="result">The handler's stored result (its own JSON format), read back by the API's results.</param>
    /// <param name="emailAddress">The address it was processed for.</param>
    /// <param name="serverProfileId">The server profile it was processed with.</param>
    public void Complete(ClaimedJobItem item, JobItemOutcome outcome, string? errorCode, string? result, string? emailAddress, Guid? serverProfileId)
    {
        completions.Add(new JobItemCompletion(item.Id, outcome.ToString(), errorCode, result, emailAddress, serverProfileId));
        counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>
    /// Writes the items completed so far, within the transaction, for work that must see them (counting recent outcomes, say). The
    /// engine writes whatever is left at the end of the batch.
    /// </summary>
    public async Task WriteCompletionsAsync(CancellationToken cancellationToken)
    {
        if (written < completions.Count)
        {
            await Dialect.CompleteJobItemsAsync(Db, completions[written..], Now, cancellationToken);
            written = completions.Count;
        }
    }
}

/// <summary>The handlers of every kind of job, as registered.</summary>
public sealed class JobHandlers(IServiceProvider services, IEnumerable<JobHandlerRegistration> registrations)
{
    private readonly Dictionary<JobKind, Type> handlers = registrations.ToDictionary(r => r.Kind, r => r.HandlerType);

    /// <summary>The handler of a kind of job.</summary>
    public IJobHandler For(JobKind kind) => handlers.TryGetValue(kind, out var type)
        ? (IJobHandler)services.GetService(type)!
        : throw new InvalidOperationException($"No job handler is registered for jobs of kind {kind}.");
}

/// <summary>Which handler processes which kind of job.</summary>
/// <param name="Kind">The kind.</param>
/// <param name="HandlerType">The handler.</param>
public sealed record JobHandlerRegistration(JobKind Kind, Type HandlerType);
