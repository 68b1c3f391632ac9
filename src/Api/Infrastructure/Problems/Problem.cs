using Microsoft.AspNetCore.Mvc;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>Builds ExSync's problem responses: every one carries a stable <c>code</c>, and the field at fault when there is one.</summary>
public static class Problem
{
    /// <summary>Creates a problem with a code, an explanation and optionally the field at fault.</summary>
    public static ProblemDetails Create(int status, string code, string detail, string? target = null)
    {
        var problem = new ProblemDetails { Status = status, Detail = detail };
        problem.Extensions["code"] = code;
        if (target is not null)
        {
            problem.Extensions["target"] = target;
        }

        return problem;
    }

    /// <summary>Creates a 400 problem listing each field error.</summary>
    public static ProblemDetails Validation(string code, string detail, IReadOnlyList<ApiFieldError> fieldErrors)
    {
        var problem = Create(StatusCodes.Status400BadRequest, code, detail, fieldErrors.Count == 1 ? fieldErrors[0].Target : null);
        problem.Title = "One or more fields are not valid.";
        problem.Extensions["errors"] = fieldErrors
            .GroupBy(e => e.Target, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray(), StringComparer.Ordinal);
        problem.Extensions["details"] = fieldErrors;
        return problem;
    }

    /// <summary>A 400 for field errors found in the request.</summary>
    public static BadRequestProblem Invalid(string code, IReadOnlyList<ApiFieldError> fieldErrors) =>
        new(Validation(code, Summarize(fieldErrors), fieldErrors));

    /// <summary>A 400 for a single field error.</summary>
    public static BadRequestProblem Invalid(string code, string target, string fieldCode, string message) =>
        Invalid(code, [new ApiFieldError(fieldCode, target, message)]);

    /// <summary>A 404 for a missing resource.</summary>
    public static NotFoundProblem NotFound(string code, string detail) => new(Create(StatusCodes.Status404NotFound, code, detail));

    /// <summary>A 409 conflict.</summary>
    public static ConflictProblem Conflict(string code, string detail, string? target = null) =>
        new(Create(StatusCodes.Status409Conflict, code, detail, target));

    /// <summary>A 412 for an If-Match that no longer matches; <paramref name="currentETag"/> is named when it is known.</summary>
    public static PreconditionFailedProblem PreconditionFailed(string? currentETag) =>
        new(Create(
            StatusCodes.Status412PreconditionFailed,
            ProblemCodes.PreconditionFailed,
            $"The resource has changed since you read it{(currentETag is null ? string.Empty : $" (its ETag is now {currentETag})")}. " +
            "Read it again, reapply your change, and send the new ETag in If-Match."));

    /// <summary>A 412 for a precondition other than a stale If-Match, explained by <paramref name="detail"/>.</summary>
    public static PreconditionFailedProblem PreconditionFailed(string code, string detail) =>
        new(Create(StatusCodes.Status412PreconditionFailed, code, detail));

    /// <summary>A 422 naming the field whose value cannot be used, in the shape of a 400's field errors.</summary>
    public static UnprocessableProblem Unprocessable(string code, string target, string message)
    {
        var problem = Validation(code, $"{target}: {message}", [new ApiFieldError(code, target, message)]);
        problem.Status = StatusCodes.Status422UnprocessableEntity;
        problem.Title = "The request cannot be processed.";
        return new UnprocessableProblem(problem);
    }

    /// <summary>A 413 with a code of its own.</summary>
    public static PayloadTooLargeProblem PayloadTooLarge(string code, string detail, string? target = null) =>
        new(Create(StatusCodes.Status413PayloadTooLarge, code, detail, target));

    /// <summary>A 410: gone for good.</summary>
    public static GoneProblem Gone(string code, string detail) => new(Create(StatusCodes.Status410Gone, code, detail));

    private static string Summarize(IReadOnlyList<ApiFieldError> fieldErrors) => fieldErrors.Count == 1
        ? $"{fieldErrors[0].Target}: {fieldErrors[0].Message}"
        : $"{fieldErrors.Count} fields are not valid: {string.Join(", ", fieldErrors.Select(e => e.Target).Distinct(StringComparer.Ordinal))}.";
}
