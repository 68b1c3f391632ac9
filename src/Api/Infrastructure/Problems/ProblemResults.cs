using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>
/// A problem response written through <see cref="IProblemDetailsService"/>, so it gets the same <c>traceId</c> and defaults
/// as framework-generated problems. Subclasses declare their status and schema as endpoint metadata, which is what puts
/// them in the OpenAPI document when a handler lists them in its <c>Results&lt;…&gt;</c> union.
/// </summary>
public abstract class ProblemResult : IResult, IStatusCodeHttpResult, IValueHttpResult, IContentTypeHttpResult
{
    public const string ContentType = "application/problem+json";

    protected ProblemResult(ProblemDetails problemDetails) => ProblemDetails = problemDetails;

    /// <summary>The problem to write.</summary>
    public ProblemDetails ProblemDetails { get; }

    int? IStatusCodeHttpResult.StatusCode => ProblemDetails.Status;

    object? IValueHttpResult.Value => ProblemDetails;

    string? IContentTypeHttpResult.ContentType => ContentType;

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = ProblemDetails.Status ?? StatusCodes.Status500InternalServerError;
        var service = httpContext.RequestServices.GetRequiredService<IProblemDetailsService>();
        await service.WriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = ProblemDetails });
    }

    protected static void Declare(EndpointBuilder builder, int status, Type schema) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(status, schema, [ContentType]));
}

/// <summary>400 with the fields at fault.</summary>
public sealed class BadRequestProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status400BadRequest, typeof(ApiValidationProblem));
}

/// <summary>404: the resource does not exist.</summary>
public sealed class NotFoundProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status404NotFound, typeof(ApiProblem));
}

/// <summary>409: the request conflicts with the state of the resource or of others.</summary>
public sealed class ConflictProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status409Conflict, typeof(ApiProblem));
}

/// <summary>412: the If-Match precondition failed.</summary>
public sealed class PreconditionFailedProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status412PreconditionFailed, typeof(ApiProblem));
}

/// <summary>413 with a code of the endpoint's own (an attachment over the organization's maximum), documented on the endpoint.</summary>
public sealed class PayloadTooLargeProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status413PayloadTooLarge, typeof(ApiProblem));
}

/// <summary>422: the body is well-formed and valid field by field, but what it refers to cannot be used (an unknown record); names the field.</summary>
public sealed class UnprocessableProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status422UnprocessableEntity, typeof(ApiValidationProblem));
}

/// <summary>410: what the request refers to existed once but is gone for good (an expired change feed cursor).</summary>
public sealed class GoneProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status410Gone, typeof(ApiProblem));
}

/// <summary>403: the caller lacks a privilege.</summary>
public sealed class ForbiddenProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails), IEndpointMetadataProvider
{
    /// <inheritdoc />
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        Declare(builder, StatusCodes.Status403Forbidden, typeof(ApiProblem));
}

/// <summary>429: too many requests; written by the rate limiter, so it needs no endpoint metadata.</summary>
public sealed class TooManyRequestsProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails);

/// <summary>413: the body is too large; written by the body-limit middleware.</summary>
public sealed class RequestTooLargeProblem(ProblemDetails problemDetails) : ProblemResult(problemDetails);
