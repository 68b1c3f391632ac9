using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExSync.Api.Health;

/// <summary>Liveness and readiness probes for orchestrators and load balancers.</summary>
public static class HealthApi
{
    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        // Orchestrators probe without credentials, and the answers reveal nothing but up or down.
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();

        group.MapGet("/live", GetLiveness)
            .WithName("GetLiveness")
            .WithSummary("Liveness probe")
            .WithDescription("Answers 200 while the process is running. It checks nothing else, so a database outage does not get the process restarted.");

        group.MapGet("/ready", GetReadiness)
            .WithName("GetReadiness")
            .WithSummary("Readiness probe")
            .WithDescription("Answers 200 when ExSync can serve requests (its database is reachable), 503 otherwise.")
            .Produces<HealthReportResource>(StatusCodes.Status503ServiceUnavailable);

        return group;
    }

    public static Ok<HealthReportResource> GetLiveness() =>
        TypedResults.Ok(new HealthReportResource { Status = HealthStatus.Healthy.ToString(), Checks = [] });

    public static async Task<Results<Ok<HealthReportResource>, JsonHttpResult<HealthReportResource>>> GetReadiness(
        HealthCheckService health,
        CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains("ready"), cancellationToken);
        var resource = new HealthReportResource
        {
            Status = report.Status.ToString(),

            // Only names and outcomes: exception messages could reveal connection details to an unauthenticated caller.
            Checks = report.Entries.Select(e => new HealthCheckResult { Name = e.Key, Status = e.Value.Status.ToString(), DurationMilliseconds = (int)e.Value.Duration.TotalMilliseconds }).ToList(),
        };
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(resource)
            : TypedResults.Json(resource, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

/// <summary>The result of a health probe.</summary>
public sealed class HealthReportResource
{
    /// <summary>Healthy, Degraded or Unhealthy.</summary>
    public required string Status { get; init; }

    /// <summary>The individual checks.</summary>
    public required IReadOnlyList<HealthCheckResult> Checks { get; init; }
}

/// <summary>One health check.</summary>
public sealed class HealthCheckResult
{
    /// <summary>Name of the check.</summary>
    public required string Name { get; init; }

    /// <summary>Healthy, Degraded or Unhealthy.</summary>
    public required string Status { get; init; }

    /// <summary>How long the check took.</summary>
    public required int DurationMilliseconds { get; init; }
}
