namespace ExSync.Domain.Common;

/// <summary>What kind of rule a <see cref="DomainError"/> breaks; the API maps each kind to an HTTP status.</summary>
public enum DomainErrorKind
{
    /// <summary>The requested change is invalid in itself (HTTP 400).</summary>
    Invalid,

    /// <summary>The change conflicts with the current state of other resources (HTTP 409).</summary>
    Conflict,

    /// <summary>A resource the change refers to does not exist (HTTP 404 when it is the target, 400 when referenced).</summary>
    NotFound,
}

/// <summary>
/// A broken business rule, with a stable <see cref="Code"/> that clients may rely on and the
/// <see cref="Target"/> field at fault (a camelCase path such as <c>incoming.serverLocation</c>).
/// </summary>
/// <param name="Code">Stable, documented error code.</param>
/// <param name="Message">Human-readable explanation, including what to do about it.</param>
/// <param name="Target">The field at fault, when there is one.</param>
/// <param name="Kind">The category of rule that was broken.</param>
public sealed record DomainError(string Code, string Message, string? Target = null, DomainErrorKind Kind = DomainErrorKind.Invalid);

/// <summary>
/// Thrown when an operation would break a domain rule. Entities throw it instead of entering an invalid state,
/// so no caller can persist a mailbox or profile that violates the rules, whichever path it took.
/// </summary>
public sealed class DomainException(DomainError error) : Exception(error.Message)
{
    /// <summary>The rule that was broken.</summary>
    public DomainError Error { get; } = error;
}
