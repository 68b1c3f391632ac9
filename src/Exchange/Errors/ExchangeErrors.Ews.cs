using System.Globalization;

namespace ExSync.Exchange;

/// <summary>EWS response codes, server versions, OAuth and autodiscover errors.</summary>
internal static partial class ExchangeErrors
{
    /// <summary>Maps an EWS ResponseCode (from a SOAP fault or a per-item ResponseMessage) to an error.</summary>
    public static ExchangeError FromResponseCode(
        ErrorContext context, string responseCode, string? messageText, TimeSpan? backOff, int httpStatus, Ews.ExchangeServerVersion? version)
    {
        var text = string.IsNullOrWhiteSpace(messageText) ? responseCode : messageText.Trim();
        ExchangeError Transient(string code, RetryScope scope, string message, string remediation, TimeSpan? wait = null) =>
            Create(code, ExchangeErrorClass.Transient, scope, message, remediation, responseCode, httpStatus, wait);
        ExchangeError PermanentEws(string code, string message, string remediation) =>
            Create(code, ExchangeErrorClass.Permanent, RetryScope.None, message, remediation, responseCode, httpStatus);

        return responseCode switch
        {
            "ErrorServerBusy" => ServerBusy(context, responseCode, httpStatus, backOff),
            "ErrorExceededConnectionCount" => Transient(
                ExchangeErrorCodes.TooManyConcurrentConnections, RetryScope.AnyOperation,
                $"Exchange refused {context.Operation} because {context.Account} has too many concurrent EWS requests ({text}).",
                "Lower the server profile's maximum concurrent connections, or raise EwsMaxConcurrency in the throttling policy assigned to the service account (Set-ThrottlingPolicy).",
                backOff),
            "ErrorMailboxStoreUnavailable" => Transient(
                ExchangeErrorCodes.MailboxStoreUnavailable, RetryScope.AnyOperation,
                $"The mailbox database of {context.MailboxOrDefault} is unavailable ({text}).",
                "Usually temporary (a database failover or maintenance). If it persists, check the mailbox database status (Get-MailboxDatabaseCopyStatus).",
                backOff),
            "ErrorMailboxMoveInProgress" => Transient(
                ExchangeErrorCodes.MailboxMoveInProgress, RetryScope.AnyOperation,
                $"{context.MailboxOrDefault} is being moved to another database ({text}).",
                "Wait for the move to finish (Get-MoveRequestStatistics); ExSync will retry.",
                backOff),
            "ErrorConnectionFailed" => Transient(
                ExchangeErrorCodes.MailboxServerConnectionFailed, RetryScope.AnyOperation,
                $"The Exchange front end could not reach the server hosting {context.MailboxOrDefault} ({text}).",
                "Usually temporary. If it persists, check the health of the mailbox server and connectivity between Exchange servers.",
                backOff),
            "ErrorInternalServerError" or "ErrorTimeoutExpired" => Transient(
                ExchangeErrorCodes.ExchangeInternalError, RetryScope.IdempotentOnly,
                $"Exchange reported an internal error for {context.Operation} ({responseCode}: {text}).",
                "Usually temporary; ExSync will retry. If it persists, check the Application event log and EWS logs on the Exchange server.",
                backOff),
            "ErrorImpersonateUserDenied" or "ErrorImpersonationDenied" => PermanentEws(
                ExchangeErrorCodes.ImpersonationDenied,
                $"{context.Account} is not allowed to impersonate {context.MailboxOrDefault} ({text}).",
                $"Grant the ApplicationImpersonation role to the service account in the Exchange Management Shell: New-ManagementRoleAssignment -Name \"ExSync impersonation\" -Role ApplicationImpersonation -User \"{context.Account}\" (add -CustomRecipientWriteScope to limit it to the synchronized mailboxes). Role changes can take a few minutes to apply."),
            "ErrorImpersonationFailed" => Transient(
                ExchangeErrorCodes.ImpersonationFailed, RetryScope.IdempotentOnly,
                $"Exchange could not impersonate {context.MailboxOrDefault} for an unexpected reason ({text}).",
                "Usually temporary. If it persists, check that the service account and the mailbox are in healthy Active Directory sites and that the Exchange servers can reach a domain controller."),
            "ErrorNonExistentMailbox" or "ErrorMailboxNotFound" => PermanentEws(
                ExchangeErrorCodes.MailboxNotFound,
                $"Exchange has no mailbox with the SMTP address {context.MailboxOrDefault} ({text}).",
                $"Check that the email address in ExSync matches the mailbox's primary SMTP address in Exchange (Get-Mailbox \"{context.MailboxOrDefault}\" | fl PrimarySmtpAddress) and that the mailbox is not disabled."),
            "ErrorInvalidExchangeImpersonationHeaderData" or "ErrorInvalidSmtpAddress" => PermanentEws(
                ExchangeErrorCodes.InvalidMailboxAddress,
                $"Exchange rejected the mailbox address '{context.MailboxOrDefault}' ({text}).",
                "Enter the mailbox's primary SMTP address (user@contoso.com)."),
            "ErrorInvalidServerVersion" or "ErrorInvalidSchemaVersionForMailboxVersion" or "ErrorIncorrectSchemaVersion" =>
                UnsupportedVersionRejected(responseCode, text, httpStatus, version),
            "ErrorAccessDenied" => PermanentEws(
                ExchangeErrorCodes.AccessDenied,
                $"Exchange denied {context.Account} access while running {context.Operation} on {context.MailboxOrDefault} ({text}).",
                "Check the service account's ApplicationImpersonation scope covers this mailbox, and that the mailbox's folder permissions have not been restricted."),
            "ErrorAccountDisabled" => PermanentEws(
                ExchangeErrorCodes.AccountDisabled,
                $"The account used for {context.MailboxOrDefault} is disabled ({text}).",
                "Enable the Active Directory account (service account or mailbox user) or update the server profile."),
            "ErrorFolderNotFound" => PermanentEws(
                ExchangeErrorCodes.FolderNotFound,
                $"A folder used by {context.Operation} does not exist in {context.MailboxOrDefault} ({text}).",
                "Check that the mailbox is a regular user mailbox with its default folders (it may be a resource or shared mailbox without them)."),
            "ErrorItemNotFound" => PermanentEws(
                ExchangeErrorCodes.ItemNotFound,
                $"The item does not exist (any more) in {context.MailboxOrDefault} ({text}).",
                "No action needed if the item was deleted in the meantime."),
            "ErrorInvalidIdMalformed" or "ErrorInvalidIdEmpty" or "ErrorInvalidIdNotAnItemAttachmentId" or "ErrorInvalidId" => PermanentEws(
                ExchangeErrorCodes.InvalidId,
                $"Exchange rejected an item or folder id in {context.Operation} ({text}).",
                "The stored id is invalid for this mailbox; resynchronize the mailbox."),
            "ErrorInvalidSyncStateData" => PermanentEws(
                ExchangeErrorCodes.InvalidSyncState,
                $"Exchange rejected the synchronization state of {context.MailboxOrDefault} ({text}).",
                "Discard the stored sync state and synchronize the folder from scratch."),
            "ErrorSyncFolderNotFound" => PermanentEws(
                ExchangeErrorCodes.SyncFolderNotFound,
                $"The folder being synchronized no longer exists in {context.MailboxOrDefault} ({text}).",
                "Stop synchronizing the folder, or find it again if it was recreated; its sync state is useless now."),
            "ErrorIrresolvableConflict" or "ErrorStaleObject" or "ErrorChangeKeyRequiredForWriteOperations" or "ErrorChangeKeyRequired" => Transient(
                ExchangeErrorCodes.ItemConflict, RetryScope.None,
                $"The item in {context.MailboxOrDefault} changed since it was read, so {context.Operation} was not applied ({text}).",
                "Read the item again for its current ChangeKey, re-apply the change and retry."),
            "ErrorCorruptData" or "ErrorItemCorrupt" or "ErrorCannotOpenFileAttachment" => PermanentEws(
                ExchangeErrorCodes.CorruptItem,
                $"Exchange cannot read an item or attachment in {context.MailboxOrDefault} ({responseCode}: {text}).",
                "The item is damaged in the mailbox; it is skipped. Repair the mailbox (New-MailboxRepairRequest) if many items are affected."),
            "ErrorMessageSizeExceeded" => PermanentEws(
                ExchangeErrorCodes.MessageSizeExceeded,
                $"A message of {context.MailboxOrDefault} exceeds a size limit of the server ({text}).",
                "Send a smaller message (fewer or smaller attachments), or raise the size limits (Set-TransportConfig -MaxSendSize, Set-Mailbox -MaxSendSize). An item being synchronized is skipped."),
            "ErrorInvalidRecipients" or "ErrorMissingRecipients" => PermanentEws(
                ExchangeErrorCodes.InvalidRecipients,
                $"Exchange refused the recipients of the message from {context.MailboxOrDefault}; nothing was sent ({text}).",
                "Check the recipients' addresses; a message needs at least one valid recipient."),
            "ErrorMimeContentInvalid" or "ErrorMimeContentInvalidBase64String" or "ErrorMimeContentConversionFailed" => PermanentEws(
                ExchangeErrorCodes.InvalidMimeContent,
                $"Exchange could not read the MIME content of the message from {context.MailboxOrDefault}; nothing was sent ({responseCode}: {text}).",
                "The composed message is not valid MIME. Report it to ExSync support with the Exchange build number."),
            "ErrorInvalidPropertyRequest" => PermanentEws(
                ExchangeErrorCodes.PropertyNotSupported,
                $"A requested property does not exist for an item of this type in {context.MailboxOrDefault} ({text}).",
                "The item is probably not an email message (a contact, task or other item type); it is skipped."),
            "ErrorInvalidAttachmentId" => PermanentEws(
                ExchangeErrorCodes.AttachmentNotFound,
                $"The attachment no longer exists in {context.MailboxOrDefault} ({text}).",
                "No action needed if the item or attachment was deleted in the meantime."),
            "ErrorAttachmentSizeLimitExceeded" => PermanentEws(
                ExchangeErrorCodes.AttachmentTooLarge,
                $"Exchange refused to return an attachment of {context.MailboxOrDefault} because of its size ({text}).",
                "The attachment is skipped."),
            "ErrorFolderExists" => PermanentEws(
                ExchangeErrorCodes.FolderExists,
                $"A folder with that name already exists in {context.MailboxOrDefault} ({text}).",
                "Use the existing folder (find it by name)."),
            "ErrorSubscriptionNotFound" or "ErrorInvalidSubscription" or "ErrorExpiredSubscription" or "ErrorSubscriptionUnsubscribed"
                or "ErrorSubscriptionUnsubsribed" or "ErrorReadEventsFailed" or "ErrorMissedNotificationEvents" or "ErrorInvalidWatermark" => Transient(
                ExchangeErrorCodes.SubscriptionLost, RetryScope.None,
                $"The notification subscription for {context.MailboxOrDefault} is gone or has lost events ({responseCode}: {text}).",
                "Subscribe again without the old watermark and synchronize the folders to cover the gap."),
            "ErrorExceededSubscriptionCount" => PermanentEws(
                ExchangeErrorCodes.TooManySubscriptions,
                $"{context.MailboxOrDefault} has as many notification subscriptions as its throttling policy allows ({text}).",
                "Unsubscribe unused subscriptions, or raise EwsMaxSubscriptions in the throttling policy (Set-ThrottlingPolicy)."),
            "ErrorBatchProcessingStopped" => Transient(
                ExchangeErrorCodes.BatchProcessingStopped, RetryScope.None,
                $"Exchange stopped processing the remaining items of {context.Operation} after an earlier item failed ({text}).",
                "Request the remaining items again."),
            "ErrorQuotaExceeded" => PermanentEws(
                ExchangeErrorCodes.MailboxQuotaExceeded,
                $"{context.MailboxOrDefault} is full ({text}).",
                "Free space in the mailbox or raise its quota (Set-Mailbox -ProhibitSendReceiveQuota)."),
            "ErrorSubmissionQuotaExceeded" => Transient(
                ExchangeErrorCodes.SubmissionQuotaExceeded, RetryScope.None,
                $"{context.MailboxOrDefault} has reached its sending limit; nothing was sent ({text}).",
                "Wait for the sending limit to reset, or raise it with a transport or throttling policy."),
            "ErrorSendAsDenied" => PermanentEws(
                ExchangeErrorCodes.SendAsDenied,
                $"{context.Account} may not send as {context.MailboxOrDefault} ({text}).",
                "With impersonation the message is sent as the mailbox itself; check that the service account's impersonation scope includes the mailbox. Exchange leaves the unsent message in the mailbox's Drafts folder."),
            "ErrorSchemaValidation" or "ErrorInvalidRequest" => PermanentEws(
                ExchangeErrorCodes.RequestRejected,
                $"Exchange rejected the {context.Operation} request as invalid ({responseCode}: {text}).",
                "This indicates an incompatibility between ExSync and this Exchange build. Report it to ExSync support with the Exchange build number."),
            _ => PermanentEws(
                ExchangeErrorCodes.EwsOperationFailed,
                $"Exchange answered {context.Operation} for {context.MailboxOrDefault} with {responseCode} ({text}).",
                "See the EWS response code in the Microsoft documentation (learn.microsoft.com, EWS ResponseCode) for what it means in your environment."),
        };
    }

    public static ExchangeError HangingConnectionLimitReached(ConnectionLimit limit) => Create(
        ExchangeErrorCodes.HangingConnectionLimitReached, ExchangeErrorClass.Transient, RetryScope.None,
        $"This ExSync instance already holds {limit.MaxHangingConnections} streaming connection(s) to the Exchange server of profile {limit.Key}, its limit.",
        "Synchronize the remaining mailboxes by polling, or raise the profile's hanging connection limit (Exchange allows 3 per account by default on 2013, 10 on 2016 and later; HangingConnectionLimit in the EWS web.config).");

    public static ExchangeError AttachmentTooLarge(ErrorContext context, long limit) => Create(
        ExchangeErrorCodes.AttachmentTooLarge, ExchangeErrorClass.Permanent, RetryScope.None,
        string.Create(CultureInfo.InvariantCulture, $"An attachment of {context.MailboxOrDefault} is larger than the limit of {limit:N0} bytes; it was read past and not kept."),
        "The attachment is skipped; raise the maximum attachment size if it must be synchronized.");

    public static ExchangeError ServerBusy(ErrorContext context, string? responseCode, int? httpStatus, TimeSpan? backOff)
    {
        var wait = backOff is { } b ? string.Create(CultureInfo.InvariantCulture, $" and asked to wait {b.TotalSeconds:0.###} s") : string.Empty;
        return Create(
            ExchangeErrorCodes.ServerBusy, ExchangeErrorClass.Transient, RetryScope.AnyOperation,
            $"Exchange is throttling requests from {context.Account}{wait}.",
            "Occasional throttling needs no action: ExSync waits for the back-off and retries. If it persists, lower the server profile's maximum concurrent connections or assign the service account a throttling policy with higher EWS limits (New-ThrottlingPolicy, Set-ThrottlingPolicyAssociation).",
            responseCode, httpStatus, backOff);
    }

    public static ExchangeError UnsupportedVersionRejected(string responseCode, string text, int? httpStatus, Ews.ExchangeServerVersion? version)
    {
        var detected = version is { Product: not Ews.ExchangeProduct.Unknown } v ? $" The server reports {v.ProductName} (build {v.Build})." : string.Empty;
        var message = responseCode == "ErrorInvalidSchemaVersionForMailboxVersion"
            ? $"The mailbox is hosted on an Exchange server that is older than Exchange 2013 SP1 ({text}).{detected}"
            : $"The Exchange server rejected the EWS schema version Exchange2013_SP1, so it runs a version older than Exchange 2013 SP1 ({text}).{detected}";
        return Create(
            ExchangeErrorCodes.UnsupportedServerVersion, ExchangeErrorClass.Permanent, RetryScope.None, message,
            $"ExSync supports {SupportedVersions}. Upgrade the server, or move the mailbox to a supported server.",
            responseCode, httpStatus);
    }

    public static ExchangeError UnsupportedVersionDetected(Ews.ExchangeServerVersion? version)
    {
        var message = version is null || version.Product == Ews.ExchangeProduct.Unknown
            ? $"The Exchange server did not report a recognizable version{(version is null ? string.Empty : $" (build {version.Build})")}, so ExSync cannot confirm it is supported."
            : $"The server runs {version.ProductName} (build {version.Build}), which ExSync does not support.";
        return Create(
            ExchangeErrorCodes.UnsupportedServerVersion, ExchangeErrorClass.Permanent, RetryScope.None, message,
            $"ExSync supports {SupportedVersions}. Upgrade the server, or point the profile at a supported server (check with Get-ExchangeServer | fl Name,AdminDisplayVersion).");
    }

    // ---- OAuth --------------------------------------------------------------------------------------------------

    public static ExchangeError OAuthRejected(HybridModernAuthentication oauth, string error, string? description, int status)
    {
        var detail = string.IsNullOrWhiteSpace(description) ? error : $"{error}: {FirstLine(description)}";
        return error switch
        {
            "invalid_client" or "unauthorized_client" => Permanent(
                ExchangeErrorCodes.OAuthClientAuthenticationFailed,
                $"The token endpoint rejected application {oauth.ClientId} in tenant {oauth.TenantId} ({detail}).",
                "Check the client id and client secret (secrets expire; create a new one in the Entra admin center under App registrations > Certificates & secrets), and that the tenant id is right.",
                httpStatus: status),
            _ => Permanent(
                ExchangeErrorCodes.OAuthTokenRequestFailed,
                $"The token endpoint refused to issue a token for application {oauth.ClientId} and resource '{oauth.ResourceUri}' ({detail}).",
                "Check the tenant id and the resource URI (usually the Exchange host's https URL as registered for Hybrid Modern Auth), and that the application has the full_access_as_app permission with admin consent.",
                httpStatus: status),
        };
    }

    public static ExchangeError OAuthUnavailable(HybridModernAuthentication oauth, int status, TimeSpan? retryAfter) => Create(
        ExchangeErrorCodes.OAuthTokenServiceUnavailable, ExchangeErrorClass.Transient, RetryScope.AnyOperation,
        $"The token endpoint at {oauth.AuthorityUrl.GetLeftPart(UriPartial.Authority)} is unavailable (HTTP {status}).",
        "Usually temporary; ExSync will retry.", httpStatus: status, backOff: retryAfter);

    public static ExchangeError OAuthUnreadable(HybridModernAuthentication oauth, string detail, int status) => Permanent(
        ExchangeErrorCodes.OAuthTokenRequestFailed,
        $"The token endpoint at {oauth.AuthorityUrl.GetLeftPart(UriPartial.Path)} answered with something other than an OAuth token response ({detail}, HTTP {status}).",
        "Check the authority URL (for Entra ID: https://login.microsoftonline.com) and the tenant id.",
        httpStatus: status);

    // ---- Connectivity test --------------------------------------------------------------------------------------

    public static ExchangeError OwnedByAnotherOrganization(string mailbox, string otherOrganization, string ourOrganization) => Permanent(
        ExchangeErrorCodes.MailboxOwnedByAnotherOrganization,
        $"Appointments, contacts and tasks of {mailbox} are synchronized by another ExSync organization ({otherOrganization}); this organization is {ourOrganization}. A mailbox syncs these items with one organization only.",
        "To move the mailbox to this organization, turn on \"Sync items with Exchange from this organization only\" (takeOwnership) for the mailbox and test again; then set appointments, contacts and tasks to None for the mailbox in the other organization.");

    private static string FirstLine(string text)
    {
        var end = text.AsSpan().IndexOfAny('\r', '\n');
        return end < 0 ? text.Trim() : text[..end].Trim();
    }
}
