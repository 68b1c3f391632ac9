using System.ComponentModel;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>An RFC 9457 problem: every error response of ExSync has this shape, as <c>application/problem+json</c>.</summary>
public class ApiProblem
{
    /// <summary>A URI identifying the kind of problem.</summary>
    [Description("A URI identifying the kind of problem.")]
    public string? Type { get; init; }

    /// <summary>A short summary of the kind of problem.</summary>
    [Description("A short summary of the kind of problem.")]
    public string? Title { get; init; }

    /// <summary>The HTTP status code.</summary>
    [Description("The HTTP status code.")]
    public int? Status { get; init; }

    /// <summary>What went wrong in this occurrence, and what to do about it.</summary>
    [Description("What went wrong in this occurrence, and what to do about it.")]
    public string? Detail { get; init; }

    /// <summary>The request path.</summary>
    [Description("The request path.")]
    public string? Instance { get; init; }

    /// <summary>Stable error code (see the README's list); clients may branch on it.</summary>
    [Description("Stable error code (see the README's list of error codes); clients may branch on it. New codes may be added.")]
    public required string Code { get; init; }

    /// <summary>The field at fault, as a camelCase JSON path, when there is one.</summary>
    [Description("The field at fault, as a camelCase JSON path (for example `incoming.serverLocation`), when there is one.")]
    public string? Target { get; init; }

    /// <summary>Identifier of the request in the server's logs.</summary>
    [Description("Identifier of the request in the server's logs; quote it when reporting a problem.")]
    public string? TraceId { get; init; }
}

/// <summary>A 400 problem listing every field at fault.</summary>
public sealed class ApiValidationProblem : ApiProblem
{
    /// <summary>Messages per field (camelCase JSON path).</summary>
    [Description("Messages per field, keyed by camelCase JSON path (for example `advanced.maxConcurrentConnections`).")]
    public required IDictionary<string, string[]> Errors { get; init; }

    /// <summary>One entry per field error, with a stable code.</summary>
    [Description("One entry per field error, with a stable code.")]
    public required IReadOnlyList<ApiFieldError> Details { get; init; }
}

/// <summary>One field error.</summary>
/// <param name="Code">Stable code of the field error (Required, TooLong, OutOfRange, UnknownField, ReadOnlyField, InvalidEnumValue, …).</param>
/// <param name="Target">The field, as a camelCase JSON path.</param>
/// <param name="Message">What is wrong with it.</param>
public sealed record ApiFieldError(
    [property: Description("Stable code of the field error (Required, TooLong, OutOfRange, UnknownField, ReadOnlyField, InvalidEnumValue, …).")] string Code,
    [property: Description("The field, as a camelCase JSON path.")] string Target,
    [property: Description("What is wrong with the field.")] string Message);
