namespace ExSync.Exchange;

/// <summary>
/// Whether a failure is worth retrying later without anyone changing a setting.
/// </summary>
public enum ExchangeErrorClass
{
    /// <summary>
    /// The failure is expected to clear by itself (throttling, a busy or restarting server, a network blip).
    /// Retry later; <see cref="ExchangeError.BackOff"/> says how long to wait when the server told us.
    /// </summary>
    Transient,

    /// <summary>
    /// The failure will repeat until an administrator changes something (credentials, rights, certificates,
    /// addresses, versions). Do not retry automatically; report it.
    /// </summary>
    Permanent,
}

/// <summary>
/// The one error type for every failure of an Exchange call: transport, TLS, HTTP, SOAP fault or per-item EWS error.
/// </summary>
/// <remarks>
/// <see cref="Code"/> is part of ExSync's public contract: it is stable, PascalCase and documented in the table in
/// <c>src/Exchange/README.md</c>. <see cref="Message"/> and <see cref="Remediation"/> are for people and may change.
/// Neither ever contains a password, client secret, token or Authorization header.
/// </remarks>
public sealed record ExchangeError
{
    /// <summary>Stable machine-readable code, for example <c>ImpersonationDenied</c>. See <see cref="ExchangeErrorCodes"/>.</summary>
    public required string Code { get; init; }

    /// <summary>What went wrong, in words an Exchange administrator understands.</summary>
    public required string Message { get; init; }

    /// <summary>What to do about it (the setting, cmdlet or certificate to fix).</summary>
    public required string Remediation { get; init; }

    /// <summary>Transient (retry later) or Permanent (needs an administrator).</summary>
    public required ExchangeErrorClass ErrorClass { get; init; }

    /// <summary>
    /// How long the server asked us to wait before retrying (EWS <c>BackOffMilliseconds</c> or HTTP <c>Retry-After</c>),
    /// when it said so.
    /// </summary>
    public TimeSpan? BackOff { get; init; }

    /// <summary>The EWS <c>ResponseCode</c> (for example <c>ErrorServerBusy</c>) when the error came from EWS.</summary>
    public string? ResponseCode { get; init; }

    /// <summary>The HTTP status code of the response that carried the error, when there was a response.</summary>
    public int? HttpStatusCode { get; init; }

    /// <summary>True when <see cref="ErrorClass"/> is <see cref="ExchangeErrorClass.Transient"/>.</summary>
    public bool IsTransient => ErrorClass == ExchangeErrorClass.Transient;

    /// <summary>
    /// True when Exchange may have carried the request out although the call failed: the request was written and then the
    /// connection broke, the call timed out waiting for the answer, or Exchange answered with an error that does not say the
    /// request was refused (an internal error, a gateway's 502/504, a response cut short). For a send this means the message may
    /// have gone out: look for it (by the extended property it was stamped with) before sending it again.
    /// </summary>
    /// <remarks>
    /// False when Exchange certainly did not carry it out: the request was never written (host not found, connection refused,
    /// TLS, outbound policy, the call timed out while waiting for a connection slot or a throttling pause), or Exchange answered
    /// with a refusal (HTTP 401, 403 or 503, throttling, a SOAP fault or a per-item error such as ErrorInvalidRecipients).
    /// A call cancelled by the caller's token throws <see cref="OperationCanceledException"/> instead, and its outcome is unknown
    /// whenever the request may already have been written.
    /// </remarks>
    public bool OutcomeUnknown { get; init; }

    /// <summary>
    /// Which calls may be repeated after this failure within the same call's deadline. Internal because it is a
    /// property of how we retry, not of the contract.
    /// </summary>
    internal RetryScope RetryScope { get; init; } = RetryScope.None;

    /// <inheritdoc />
    public override string ToString() => $"{Code} ({ErrorClass}{(OutcomeUnknown ? ", outcome unknown" : string.Empty)}): {Message}";
}

/// <summary>
/// Which operations may be retried within one call after a transient failure.
/// </summary>
internal enum RetryScope
{
    /// <summary>Do not retry within the call (permanent failures, or transient ones that will not clear in seconds).</summary>
    None,

    /// <summary>
    /// The server may have processed the request (timeout, dropped connection, internal error), so only operations
    /// that are safe to repeat (reads, deletes, property writes) are retried. Sending a message twice is not.
    /// </summary>
    IdempotentOnly,

    /// <summary>The request was certainly not processed (throttled, refused, never connected), so any operation may be retried.</summary>
    AnyOperation,
}
