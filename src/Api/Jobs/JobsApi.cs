using System.ComponentModel;
using System.Text.Json;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Engine.Jobs;
using ExSync.Domain.Audit;
using ExSync.Domain.Jobs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Jobs;

/// <summary>Background jobs: their status monitors, their per-mailbox results, and cancellation.</summary>
public static class JobsApi
{
    public static RouteGroupBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/jobs").WithTags("Jobs")
            .RequireAuthorization(Privileges.Administrator);

        group.MapGet("/", ListJobs)
            .WithName("ListJobs")
            .WithSummary("List jobs")
            .WithDescription("Returns jobs, newest last, one page at a time. Finished jobs are kept for the configured retention (at least 24 hours).");

        group.MapGet("/{id}", GetJob)
            .WithName("GetJob")
            .WithSummary("Get a job's status")
            .WithDescription("Returns the job's status monitor. While the job is NotStarted or Running the response carries Retry-After: poll again after that many seconds.")
            .WithMetadata(new JobHeaders.RetryAfterWhileRunning());

        group.MapGet("/{id}/results", ListJobResults)
            .WithName("ListJobResults")
            .WithSummary("List a job's results")
            .WithDescription("Returns one result per processed item (mailbox), in item order, each with its outcome, error and diagnostic step tree. " +
                             "Items still in progress are not listed yet.");

        group.MapPost("/{id}/cancel", CancelJob)
            .WithName("CancelJob")
            .WithSummary("Cancel a job")
            .WithDescription("Requests cancellation. Items already tested keep their results; the others become Canceled. Answers 202 while the job winds down " +
                             "(poll it until its status is Canceled), 200 when it was already canceled, and 409 when it already finished otherwise.");

        return group;
    }

    public static async Task<Ok<Page<JobResource>>> ListJobs(
        [Description("Only jobs with this status.")] JobStatus? status,
        [Description("Only jobs of this kind.")] JobKind? kind,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterKey(continuationToken);
        var query = db.Jobs.AsNoTracking();
        if (status is not null)
        {
            query = query.Where(j => j.Status == status);
        }

        if (kind is not null)
        {
            query = query.Where(j => j.Kind == kind);
        }

        if (after is not null)
        {
            query = query.Where(j => j.Id.CompareTo(after.Value) > 0);
        }

        var rows = await query.OrderBy(j => j.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, j => j.Id, j => j.ToResource(request), request));
    }

    public static async Task<Results<Ok<JobResource>, NotFoundProblem>> GetJob(
        Guid id,
        ExSyncDbContext db,
        IOptionsMonitor<JobOptions> options,
        HttpRequest request,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var job = await db.FindJobAsync(id, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        if (!job.IsFinished)
        {
            response.Headers.RetryAfter = options.CurrentValue.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return TypedResults.Ok(job.ToResource(request));
    }

    public static async Task<Results<Ok<Page<JobResultResource>>, NotFoundProblem>> ListJobResults(
        Guid id,
        [Description("Only results with this outcome.")] JobItemOutcome? outcome,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        ExSyncDbContext db,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterNumber(continuationToken);
        if (!await db.Jobs.AnyAsync(j => j.Id == id, cancellationToken))
        {
            return NotFound(id);
        }

        var query = db.JobItems.AsNoTracking().Where(i => i.JobId == id && i.State == JobItemState.Completed);
        if (outcome is not null)
        {
            query = query.Where(i => i.Outcome == outcome);
        }

        if (after is not null)
        {
            query = query.Where(i => i.Id > after.Value);
        }

        var rows = await query.OrderBy(i => i.Id)
            .Select(i => new CompletedItem(i.Id, i.MailboxId, i.EmailAddress, i.Outcome!.Value, i.ErrorCode, i.ServerProfileId, i.CompletedAt, i.ResultJson))
            .Take(size + 1)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, r => r.Id, JobResultMapping.ToResource, request));
    }

    public static async Task<Results<JobAccepted<JobResource>, Ok<JobResource>, NotFoundProblem, ConflictProblem>> CancelJob(
        Guid id,
        ExSyncDbContext db,
        JobStore store,
        JobSignal signal,
        TimeProvider time,
        AuditTrail audit,
        IOptionsMonitor<JobOptions> options,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var job = await db.Jobs.SingleOrDefaultAsync(j => j.Id == id, cancellationToken);
        if (job is null)
        {
            return NotFound(id);
        }

        if (job.Status == JobStatus.Canceled)
        {
            return TypedResults.Ok(job.ToResource(request));
        }

        if (!job.RequestCancel(time.GetUtcNow()))
        {
            return Problem.Conflict(ProblemCodes.JobAlreadyFinished, $"The job already finished with status {job.Status}; there is nothing to cancel.");
        }

        audit.Record(AuditOperations.JobCanceled, nameof(Job), job.Id, [new AuditChange("cancelRequested", "false", "true")]);
        await db.SaveChangesAsync(cancellationToken);
        if (job.Status == JobStatus.NotStarted)
        {
            // Nobody is working on it: cancel it here. If a worker starts it meanwhile, it finds every item canceled.
            await store.CancelRemainingAsync(id);
            await store.FinishAsync(id, JobStatus.Canceled);
        }

        signal.Cancel(id);
        var current = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, cancellationToken);
        return new JobAccepted<JobResource>(current.ToResource(request), current.Location(request), options.CurrentValue.RetryAfterSeconds);
    }

    private static NotFoundProblem NotFound(Guid id) =>
        Problem.NotFound(ProblemCodes.JobNotFound, $"There is no job with id '{id}'. Finished jobs are deleted after the retention period.");
}
