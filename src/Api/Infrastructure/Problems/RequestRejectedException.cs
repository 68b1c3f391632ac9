namespace ExSync.Api.Infrastructure.Problems;

/// <summary>
/// Raised while binding a request that cannot be processed. Binding has no other way to answer, so the
/// exception handler turns this into the 400/415 problem it carries.
/// </summary>
public sealed class RequestRejectedException(int status, string code, string detail, IReadOnlyList<ApiFieldError>? fieldErrors = null)
    : Exception(detail)
{
    /// <summary>HTTP status to answer with.</summary>
    public int Status { get; } = status;

    /// <summary>Stable problem code.</summary>
    public string Code { get; } = code;

    /// <summary>The fields at fault, if any.</summary>
    public IReadOnlyList<ApiFieldError> FieldErrors { get; } = fieldErrors ?? [];
}
