using ExSync.Api.Infrastructure.Http;
using ExSync.Domain.Jobs;

namespace ExSync.Api.Jobs;

/// <summary>Maps jobs to their status monitor.</summary>
internal static class JobMapping
{
    public static JobResource ToResource(this Job job, HttpRequest request) => new()
    {
        Id = job.Id,
        Kind = job.Kind,
        Status = job.Status,
        PercentComplete = job.PercentComplete,
        Counts = new JobCounts
        {
            Total = job.Total,
            Succeeded = job.Succeeded,
            Failed = job.Failed,
            RetryScheduled = job.RetryScheduled,
            Skipped = job.Skipped,
            Canceled = job.Canceled,
        },
        CreatedBy = job.CreatedBy,
        CreatedAt = job.CreatedAt,
        StartedAt = job.StartedAt,
        CompletedAt = job.CompletedAt,
        LastUpdatedAt = job.LastUpdatedAt,
        CancelRequested = job.CancelRequested,
        ServerProfileId = job.ServerProfileId,
        TargetEmailAddress = job.TargetEmailAddress,
        Error = job.Status == JobStatus.Failed && job.ErrorCode is not null ? new JobError { Code = job.ErrorCode, Message = job.ErrorMessage ?? job.ErrorCode } : null,
        ResultsLink = ResourceUrls.Absolute(request, $"/api/v1/jobs/{job.Id}/results"),
    };

    /// <summary>The absolute URL of a job's status monitor.</summary>
    public static string Location(this Job job, HttpRequest request) => ResourceUrls.Absolute(request, $"/api/v1/jobs/{job.Id}");
}
