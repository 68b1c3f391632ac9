namespace ExSync.Exchange;

/// <summary>
/// Thrown by the Exchange client when a call fails; <see cref="Error"/> carries the typed, classified error.
/// </summary>
public sealed class ExchangeException : Exception
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    /// <param name="error">The classified error.</param>
    /// <param name="innerException">The low-level exception that caused it, if any (never carries credentials).</param>
    public ExchangeException(ExchangeError error, Exception? innerException = null)
        : base(error?.Message, innerException)
    {
        ArgumentNullException.ThrowIfNull(error);
        Error = error;
    }

    /// <summary>The classified error: stable code, class, message, remediation and optional back-off.</summary>
    public ExchangeError Error { get; }
}
