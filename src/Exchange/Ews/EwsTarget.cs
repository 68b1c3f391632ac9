namespace ExSync.Exchange.Ews;

/// <summary>Where and as whom an EWS call is made.</summary>
/// <param name="EwsUrl">The EWS URL (configured or discovered, port override already applied).</param>
/// <param name="Connection">Credentials, timeout and trust.</param>
/// <param name="ImpersonatedMailbox">
/// The SMTP address to impersonate (ExchangeImpersonation/ConnectingSID/SmtpAddress plus X-AnchorMailbox).
/// Null only for calls on the service account's own mailbox.
/// </param>
public sealed record EwsTarget(Uri EwsUrl, ExchangeConnectionSettings Connection, string? ImpersonatedMailbox);
