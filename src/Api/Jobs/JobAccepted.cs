using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace ExSync.Api.Jobs;

/// <summary>
/// 202 Accepted for a long-running operation: the body (the job's status monitor, or a report that includes it), the monitor's
/// absolute URL in <c>Operation-Location</c>, and how long to wait before polling in <c>Retry-After</c>.
/// </summary>
public sealed class JobAccepted<T>(T value, string operationLocation, int retryAfterSeconds) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult
{
    /// <summary>The body.</summary>
    public T Value { get; } = value;

    /// <summary>The absolute URL of the job.</summary>
    public string OperationLocation { get; } = operationLocation;

    int? IStatusCodeHttpResult.StatusCode => StatusCodes.Status202Accepted;

    object? IValueHttpResult.Value => Value;

    /// <inheritdoc />
    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers[JobHeaders.OperationLocation] = OperationLocation;
        httpContext.Response.Headers.RetryAfter = retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Json(Value, statusCode: StatusCodes.Status202Accepted).ExecuteAsync(httpContext);
    }

    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(T), ["application/json"]));
}

/// <summary>The headers of the long-running-operation contract.</summary>
public static class JobHeaders
{
    /// <summary>Absolute URL of the job's status monitor.</summary>
    public const string OperationLocation = "Operation-Location";

    /// <summary>The client's idempotency key for creating a job.</summary>
    public const string RepeatabilityRequestId = "Repeatability-Request-ID";

    /// <summary>Marks the endpoints whose 200 carries Retry-After while the job runs (documented by the OpenAPI transformer).</summary>
    public sealed class RetryAfterWhileRunning;
}
