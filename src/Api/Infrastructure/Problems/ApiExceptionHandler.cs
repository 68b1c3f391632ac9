using System.Text.Json;
using System.Text.RegularExpressions;
using ExSync.Api.Infrastructure.Security;
using ExSync.Domain.Common;
using ExSync.Persistence;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>
/// The one place where exceptions become problem responses. Expected failures (broken domain rules, rejected input,
/// races) get their documented status and code; anything else is a 500 that reveals nothing but a trace id.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    // Unique indexes whose violation means "someone else already has this value", by table and column.
    private static readonly Dictionary<(string Table, string Column), (string Code, string Target, string Detail)> UniqueIndexConflicts = new()
    {
        [("ServerProfiles", "NormalizedName")] = (ProblemCodes.ServerProfileNameConflict, "name", "Another server profile already has this name."),
        [("Mailboxes", "NormalizedEmailAddress")] = (ProblemCodes.MailboxEmailAddressConflict, "emailAddress", "Another mailbox already has this email address."),
    };

    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ToProblem(exception, httpContext.Request);
        if (problem.Status >= StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled exception while processing {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }

        if (problem.Status == StatusCodes.Status413PayloadTooLarge)
        {
            RequestLimits.CloseConnectionAfterResponse(httpContext);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ProblemDetails ToProblem(Exception exception, HttpRequest request) => exception switch
    {
        DomainException { Error: var error } => FromDomainError(error),
        RequestRejectedException rejected when rejected.FieldErrors.Count > 0 => Problem.Validation(rejected.Code, rejected.Message, rejected.FieldErrors),
        RequestRejectedException rejected => Problem.Create(rejected.Status, rejected.Code, rejected.Message),
        BadHttpRequestException badRequest => FromBadRequest(badRequest),
        // Writes run again on fresh state after a conflict (ConcurrentWrites), which answers a stale If-Match with 412 itself; should a
        // conflict still escape, a conditional request learns the truth: the version it named is gone.
        DbUpdateConcurrencyException when request.Headers.IfMatch.Count > 0 => Problem.PreconditionFailed(currentETag: null).ProblemDetails,
        DbUpdateConcurrencyException => Problem.Create(
            StatusCodes.Status409Conflict,
            ProblemCodes.ConcurrentModification,
            "The resource was changed by another request while this one was processed. Retry the request."),
        DbUpdateException update when UniqueConflict(update, request.HttpContext.RequestServices) is { } conflict =>
            Problem.Create(StatusCodes.Status409Conflict, conflict.Code, conflict.Detail, conflict.Target),
        _ => Problem.Create(
            StatusCodes.Status500InternalServerError,
            ProblemCodes.InternalError,
            "An unexpected error occurred. Quote the traceId when reporting it."),
    };

    private static ProblemDetails FromDomainError(DomainError error) => error.Kind switch
    {
        DomainErrorKind.Conflict => Problem.Create(StatusCodes.Status409Conflict, error.Code, error.Message, error.Target),
        DomainErrorKind.NotFound when error.Target is null => Problem.Create(StatusCodes.Status404NotFound, error.Code, error.Message),
        _ when error.Target is not null => Problem.Validation(error.Code, error.Message, [new ApiFieldError(error.Code, error.Target, error.Message)]),
        _ => Problem.Create(StatusCodes.Status400BadRequest, error.Code, error.Message),
    };

    private static ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem.Create(exception.StatusCode, ProblemCodes.RequestBodyTooLarge, "The request body is larger than the server accepts.");
        }

        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return Problem.Create(exception.StatusCode, ProblemCodes.UnsupportedMediaType, "The request body's Content-Type is not accepted; send application/json.");
        }

        // The framework reports a query or route value it could not convert as: Failed to bind parameter "int? pageSize" from "abc".
        var match = BindFailure().Match(exception.Message);
        if (match.Success)
        {
            // Properties of an [AsParameters] type are reported by their C# name; clients know the camelCase query name.
            var name = JsonNamingPolicy.CamelCase.ConvertName(match.Groups["name"].Value);
            var message = $"'{match.Groups["value"].Value}' is not a valid value for {name}.";
            return Problem.Validation(ProblemCodes.InvalidQueryParameter, message, [new ApiFieldError(FieldErrorCodes.WrongType, name, message)]);
        }

        return Problem.Create(StatusCodes.Status400BadRequest, ProblemCodes.InvalidRequestBody, "The request could not be read.");
    }

    /// <summary>The conflict a write ran into, when it violated one of the unique indexes that mean "already taken".</summary>
    private static (string Code, string Target, string Detail)? UniqueConflict(DbUpdateException exception, IServiceProvider services)
    {
        var db = services.GetRequiredService<ExSyncDbContext>();
        return services.GetRequiredService<IDatabaseDialect>().FindUniqueViolation(exception, db.Model) is { Columns: [var column] } violation
               && UniqueIndexConflicts.TryGetValue((violation.Table, column), out var conflict)
            ? conflict
            : null;
    }

    [GeneratedRegex("""Failed to bind parameter "(?:[^"]*\s)?(?<name>[A-Za-z0-9_]+)" from "(?<value>[^"]*)"\.""")]
    private static partial Regex BindFailure();
}
