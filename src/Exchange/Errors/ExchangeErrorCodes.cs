namespace ExSync.Exchange;

/// <summary>
/// The stable error codes of <see cref="ExchangeError.Code"/>. They are part of ExSync's public API contract: values
/// are never renamed or reused, only added. The README in this project has the full table with class and remediation.
/// </summary>
public static class ExchangeErrorCodes
{
    // ---- Configuration and outbound safety -------------------------------------------------------------------

    /// <summary>The EWS or autodiscover URL is not an absolute http(s) URL. Permanent.</summary>
    public const string InvalidEwsUrl = nameof(InvalidEwsUrl);

    /// <summary>A plain-http URL was used while <c>AllowInsecureHttp</c> is off. Permanent.</summary>
    public const string InsecureHttpNotAllowed = nameof(InsecureHttpNotAllowed);

    /// <summary>The host resolves to an address that the outbound policy forbids (SSRF defence). Permanent.</summary>
    public const string OutboundAddressBlocked = nameof(OutboundAddressBlocked);

    /// <summary>The trusted CA certificate given for the connection is not a valid PEM certificate. Permanent.</summary>
    public const string InvalidTrustedCertificate = nameof(InvalidTrustedCertificate);

    // ---- Network and TLS --------------------------------------------------------------------------------------

    /// <summary>DNS says the host name does not exist. Permanent.</summary>
    public const string HostNotFound = nameof(HostNotFound);

    /// <summary>DNS could not answer right now. Transient.</summary>
    public const string DnsResolutionFailed = nameof(DnsResolutionFailed);

    /// <summary>The server actively refused the TCP connection. Transient.</summary>
    public const string ConnectionRefused = nameof(ConnectionRefused);

    /// <summary>The TCP connection could not be established (unreachable, timed out, reset). Transient.</summary>
    public const string ConnectionFailed = nameof(ConnectionFailed);

    /// <summary>The connection was closed before the whole response arrived. Transient.</summary>
    public const string ConnectionDropped = nameof(ConnectionDropped);

    /// <summary>The call did not complete within the connection timeout of the server profile. Transient.</summary>
    public const string Timeout = nameof(Timeout);

    /// <summary>TLS could not be negotiated (protocol or cipher mismatch, not a TLS port). Permanent.</summary>
    public const string TlsHandshakeFailed = nameof(TlsHandshakeFailed);

    /// <summary>The server certificate does not chain to a trusted root. Permanent.</summary>
    public const string CertificateUntrusted = nameof(CertificateUntrusted);

    /// <summary>The server certificate does not contain the host name that was connected to. Permanent.</summary>
    public const string CertificateNameMismatch = nameof(CertificateNameMismatch);

    /// <summary>The server certificate is expired, not yet valid, or otherwise unusable. Permanent.</summary>
    public const string CertificateInvalid = nameof(CertificateInvalid);

    // ---- HTTP -------------------------------------------------------------------------------------------------

    /// <summary>HTTP 401: the credentials were rejected. Permanent.</summary>
    public const string AuthenticationFailed = nameof(AuthenticationFailed);

    /// <summary>HTTP 403: authenticated but not allowed to use EWS. Permanent.</summary>
    public const string AccessForbidden = nameof(AccessForbidden);

    /// <summary>HTTP 404: there is no EWS endpoint at the URL. Permanent.</summary>
    public const string EwsEndpointNotFound = nameof(EwsEndpointNotFound);

    /// <summary>EWS answered with a redirect, which EWS never does (usually a wrong URL or a login page). Permanent.</summary>
    public const string UnexpectedRedirect = nameof(UnexpectedRedirect);

    /// <summary>HTTP 502, 503 or 504: the server or a proxy in front of it is unavailable. Transient.</summary>
    public const string ServiceUnavailable = nameof(ServiceUnavailable);

    /// <summary>Another HTTP status that EWS does not use. Transient for 5xx, Permanent otherwise.</summary>
    public const string UnexpectedHttpStatus = nameof(UnexpectedHttpStatus);

    /// <summary>The response is not SOAP (for example an HTML page from a proxy or login portal). Permanent.</summary>
    public const string UnexpectedResponse = nameof(UnexpectedResponse);

    /// <summary>The response is truncated or not well-formed XML. Transient.</summary>
    public const string MalformedResponse = nameof(MalformedResponse);

    // ---- EWS --------------------------------------------------------------------------------------------------

    /// <summary>EWS throttling (ErrorServerBusy or HTTP 429); <see cref="ExchangeError.BackOff"/> says how long to wait. Transient.</summary>
    public const string ServerBusy = nameof(ServerBusy);

    /// <summary>ErrorExceededConnectionCount: too many concurrent requests for the account. Transient.</summary>
    public const string TooManyConcurrentConnections = nameof(TooManyConcurrentConnections);

    /// <summary>ErrorMailboxStoreUnavailable: the mailbox database is offline or failing over. Transient.</summary>
    public const string MailboxStoreUnavailable = nameof(MailboxStoreUnavailable);

    /// <summary>ErrorMailboxMoveInProgress: the mailbox is being moved. Transient.</summary>
    public const string MailboxMoveInProgress = nameof(MailboxMoveInProgress);

    /// <summary>ErrorConnectionFailed: the front end could not reach the mailbox server. Transient.</summary>
    public const string MailboxServerConnectionFailed = nameof(MailboxServerConnectionFailed);

    /// <summary>ErrorInternalServerError, ErrorTimeoutExpired or an HTTP 500 without a SOAP fault. Transient.</summary>
    public const string ExchangeInternalError = nameof(ExchangeInternalError);

    /// <summary>ErrorImpersonateUserDenied or ErrorImpersonationDenied: the ApplicationImpersonation role is missing. Permanent.</summary>
    public const string ImpersonationDenied = nameof(ImpersonationDenied);

    /// <summary>ErrorImpersonationFailed: an unexpected server-side impersonation failure. Transient.</summary>
    public const string ImpersonationFailed = nameof(ImpersonationFailed);

    /// <summary>ErrorNonExistentMailbox (or autodiscover InvalidUser): no mailbox has this SMTP address. Permanent.</summary>
    public const string MailboxNotFound = nameof(MailboxNotFound);

    /// <summary>The mailbox address is empty or not a valid SMTP address. Permanent.</summary>
    public const string InvalidMailboxAddress = nameof(InvalidMailboxAddress);

    /// <summary>The Exchange server (or the mailbox's server) is older than Exchange 2013 SP1, or its version is unknown. Permanent.</summary>
    public const string UnsupportedServerVersion = nameof(UnsupportedServerVersion);

    /// <summary>ErrorAccessDenied: no rights on the folder or item. Permanent.</summary>
    public const string AccessDenied = nameof(AccessDenied);

    /// <summary>ErrorAccountDisabled: the account used is disabled. Permanent.</summary>
    public const string AccountDisabled = nameof(AccountDisabled);

    /// <summary>ErrorFolderNotFound. Permanent.</summary>
    public const string FolderNotFound = nameof(FolderNotFound);

    /// <summary>ErrorItemNotFound. Permanent.</summary>
    public const string ItemNotFound = nameof(ItemNotFound);

    /// <summary>ErrorInvalidIdMalformed and related id errors. Permanent.</summary>
    public const string InvalidId = nameof(InvalidId);

    /// <summary>ErrorInvalidSyncStateData: drop the sync state and synchronize from scratch. Permanent for that state.</summary>
    public const string InvalidSyncState = nameof(InvalidSyncState);

    /// <summary>ErrorSyncFolderNotFound: the folder being synchronized no longer exists (deleted or never there). Permanent for that folder.</summary>
    public const string SyncFolderNotFound = nameof(SyncFolderNotFound);

    /// <summary>
    /// ErrorIrresolvableConflict, ErrorStaleObject or ErrorChangeKeyRequiredForWriteOperations: the item changed since its ChangeKey
    /// was read (or none was given). Transient: read the item again for its current ChangeKey, re-apply the change and retry. Never
    /// retried within the call, because the same request would fail the same way.
    /// </summary>
    public const string ItemConflict = nameof(ItemConflict);

    /// <summary>ErrorCorruptData, ErrorItemCorrupt or ErrorCannotOpenFileAttachment: Exchange cannot read the item or attachment. Permanent for that item.</summary>
    public const string CorruptItem = nameof(CorruptItem);

    /// <summary>ErrorMessageSizeExceeded: the message is larger than a limit of the server (sending or storing). Permanent for that item.</summary>
    public const string MessageSizeExceeded = nameof(MessageSizeExceeded);

    /// <summary>
    /// ErrorInvalidRecipients (or ErrorMissingRecipients): Exchange refused the recipients of a message being sent, for example
    /// because it has none. Permanent for that message; nothing was sent.
    /// </summary>
    public const string InvalidRecipients = nameof(InvalidRecipients);

    /// <summary>
    /// ErrorMimeContentInvalid, ErrorMimeContentInvalidBase64String or ErrorMimeContentConversionFailed: Exchange could not read the
    /// MIME content of a message being sent. Permanent for that message; nothing was sent.
    /// </summary>
    public const string InvalidMimeContent = nameof(InvalidMimeContent);

    /// <summary>
    /// ErrorInvalidPropertyRequest: a requested property does not exist for the item's type (reading message properties of an item
    /// that is not a message, such as a contact or a task). Permanent for that item.
    /// </summary>
    public const string PropertyNotSupported = nameof(PropertyNotSupported);

    /// <summary>ErrorInvalidAttachmentId: no attachment has this id (the item or attachment was deleted). Permanent.</summary>
    public const string AttachmentNotFound = nameof(AttachmentNotFound);

    /// <summary>
    /// An attachment's content is larger than the caller's limit (it was read past and dropped, never kept whole), or Exchange
    /// refused it (ErrorAttachmentSizeLimitExceeded). Permanent for that attachment.
    /// </summary>
    public const string AttachmentTooLarge = nameof(AttachmentTooLarge);

    /// <summary>ErrorFolderExists: a folder with that name already exists under the parent. Permanent (find it instead).</summary>
    public const string FolderExists = nameof(FolderExists);

    /// <summary>
    /// ErrorSubscriptionNotFound, ErrorInvalidSubscription, ErrorExpiredSubscription, ErrorSubscriptionUnsubscribed,
    /// ErrorReadEventsFailed, ErrorMissedNotificationEvents or ErrorInvalidWatermark: the notification subscription is gone or has
    /// lost events. Transient: subscribe again without the old watermark and synchronize the folder to cover the gap (the
    /// <see cref="ExchangeError.ResponseCode"/> says which case it was).
    /// </summary>
    public const string SubscriptionLost = nameof(SubscriptionLost);

    /// <summary>ErrorExceededSubscriptionCount: the mailbox has as many subscriptions as its throttling policy allows (EWSMaxSubscriptions). Permanent.</summary>
    public const string TooManySubscriptions = nameof(TooManySubscriptions);

    /// <summary>ErrorBatchProcessingStopped: Exchange stopped processing the request's remaining items after one failed. Transient: request them again.</summary>
    public const string BatchProcessingStopped = nameof(BatchProcessingStopped);

    /// <summary>
    /// This process already holds <see cref="ConnectionLimit.MaxHangingConnections"/> streaming connections to the server, so no
    /// further one was opened. Transient: poll meanwhile, or stream again when one of them ends.
    /// </summary>
    public const string HangingConnectionLimitReached = nameof(HangingConnectionLimitReached);

    /// <summary>ErrorQuotaExceeded: the mailbox is full. Permanent.</summary>
    public const string MailboxQuotaExceeded = nameof(MailboxQuotaExceeded);

    /// <summary>
    /// ErrorSubmissionQuotaExceeded: the mailbox cannot send more now because its submission quota (a rate over time) is used up.
    /// Transient, but not retried within the call: the quota resets in minutes, not seconds. Nothing was sent.
    /// </summary>
    public const string SubmissionQuotaExceeded = nameof(SubmissionQuotaExceeded);

    /// <summary>ErrorSendAsDenied: the account may not send as the mailbox (Exchange leaves the message in its Drafts). Permanent.</summary>
    public const string SendAsDenied = nameof(SendAsDenied);

    /// <summary>ErrorSchemaValidation or ErrorInvalidRequest: the server rejected the request's shape. Permanent.</summary>
    public const string RequestRejected = nameof(RequestRejected);

    /// <summary>Any other EWS ResponseCode; <see cref="ExchangeError.ResponseCode"/> holds it. Permanent.</summary>
    public const string EwsOperationFailed = nameof(EwsOperationFailed);

    // ---- OAuth (Hybrid Modern Auth) ---------------------------------------------------------------------------

    /// <summary>The token endpoint rejected the client id or client secret (invalid_client). Permanent.</summary>
    public const string OAuthClientAuthenticationFailed = nameof(OAuthClientAuthenticationFailed);

    /// <summary>The token endpoint refused to issue a token (tenant, scope, consent). Permanent.</summary>
    public const string OAuthTokenRequestFailed = nameof(OAuthTokenRequestFailed);

    /// <summary>The token endpoint is unavailable (HTTP 5xx). Transient.</summary>
    public const string OAuthTokenServiceUnavailable = nameof(OAuthTokenServiceUnavailable);

    // ---- Autodiscover -----------------------------------------------------------------------------------------

    /// <summary>No autodiscover candidate returned an EWS URL. Transient when a candidate failed transiently, otherwise Permanent.</summary>
    public const string AutodiscoverFailed = nameof(AutodiscoverFailed);

    /// <summary>An autodiscover endpoint rejected the credentials (HTTP 401) and no candidate succeeded. Permanent.</summary>
    public const string AutodiscoverAuthenticationFailed = nameof(AutodiscoverAuthenticationFailed);

    /// <summary>An autodiscover redirect pointed to a non-https URL, so it was not followed. Permanent.</summary>
    public const string AutodiscoverRedirectRejected = nameof(AutodiscoverRedirectRejected);

    /// <summary>An autodiscover redirect led back to a URL or address already tried. Permanent.</summary>
    public const string AutodiscoverRedirectLoop = nameof(AutodiscoverRedirectLoop);

    /// <summary>More than 10 autodiscover redirects. Permanent.</summary>
    public const string AutodiscoverRedirectLimitExceeded = nameof(AutodiscoverRedirectLimitExceeded);

    // ---- Connectivity test ------------------------------------------------------------------------------------

    /// <summary>The mailbox's ownership marker names another ExSync organization and taking ownership is off. Permanent.</summary>
    public const string MailboxOwnedByAnotherOrganization = nameof(MailboxOwnedByAnotherOrganization);
}
