using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Api.Infrastructure.Problems;

/// <summary>
/// The stable error codes carried in the <c>code</c> member of every problem response. They are part of the contract:
/// clients may branch on them, so a code is never renamed or reused (the README lists them, and a test keeps the list complete).
/// </summary>
public static class ProblemCodes
{
    // Request shape
    public const string MalformedJson = "MalformedJson";
    public const string InvalidRequestBody = "InvalidRequestBody";
    public const string ValidationFailed = "ValidationFailed";
    public const string InvalidQueryParameter = "InvalidQueryParameter";
    public const string InvalidContinuationToken = "InvalidContinuationToken";
    public const string UnsupportedMediaType = "UnsupportedMediaType";
    public const string RequestBodyTooLarge = "RequestBodyTooLarge";

    // Resources
    public const string RouteNotFound = "RouteNotFound";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string ServerProfileNotFound = "ServerProfileNotFound";
    public const string MailboxNotFound = "MailboxNotFound";
    public const string ServerProfileNameConflict = "ServerProfileNameConflict";
    public const string MailboxEmailAddressConflict = "MailboxEmailAddressConflict";

    // Directory, emails and the change feed
    public const string DirectoryEntryNotFound = "DirectoryEntryNotFound";
    public const string DirectoryRecordConflict = "DirectoryRecordConflict";
    public const string EmailNotFound = "EmailNotFound";
    public const string AttachmentNotFound = "AttachmentNotFound";
    public const string AttachmentSkipped = "AttachmentSkipped";
    public const string UnknownSenderMailbox = "UnknownSenderMailbox";
    public const string UnknownRecord = "UnknownRecord";
    public const string RecordHasNoEmailAddress = "RecordHasNoEmailAddress";
    public const string InvalidCursor = "InvalidCursor";
    public const string CursorExpired = "CursorExpired";

    // Webhooks
    public const string WebhookSubscriptionNotFound = "WebhookSubscriptionNotFound";
    public const string WebhookDeliveryNotFound = "WebhookDeliveryNotFound";

    // Jobs and bulk actions
    public const string JobNotFound = "JobNotFound";
    public const string JobAlreadyFinished = "JobAlreadyFinished";
    public const string RepeatabilityRequestIdReused = "RepeatabilityRequestIdReused";
    public const string NoDefaultServerProfile = "NoDefaultServerProfile";
    public const string MailboxNotSynchronized = "MailboxNotSynchronized";

    // Concurrency
    public const string PreconditionFailed = "PreconditionFailed";
    public const string ConcurrentModification = "ConcurrentModification";

    // Security and limits
    public const string Unauthorized = "Unauthorized";
    public const string Forbidden = "Forbidden";
    public const string TooManyRequests = "TooManyRequests";

    // Everything else
    public const string InternalError = "InternalError";

    /// <summary>Every code with its HTTP status and meaning, for documentation and the completeness test.</summary>
    public static IReadOnlyList<ProblemCodeInfo> All { get; } =
    [
        new(MalformedJson, 400, "The body is not well-formed JSON (syntax error, duplicate property, nesting too deep, invalid UTF-8 or an unpaired surrogate escape)."),
        new(InvalidRequestBody, 400, "The JSON is well-formed but does not fit the schema: unknown or read-only field, wrong type, or unknown enum value. `errors` and `details` name each field."),
        new(ValidationFailed, 400, "One or more fields break a rule (required, length, range, format). `errors` and `details` name each field."),
        new(InvalidQueryParameter, 400, "A query string parameter has a value of the wrong type or out of range."),
        new(InvalidContinuationToken, 400, "The continuation token was not issued by this list, or is damaged."),
        new(UnsupportedMediaType, 415, "The body's Content-Type is not accepted (use application/json, or application/merge-patch+json for PATCH)."),
        new(RequestBodyTooLarge, 413, "The body is larger than the configured limit."),
        new(RouteNotFound, 404, "No endpoint matches the URL."),
        new(MethodNotAllowed, 405, "The endpoint does not support the HTTP method."),
        new(ServerProfileNotFound, 404, "No server profile has this id."),
        new(MailboxNotFound, 404, "No mailbox has this id."),
        new(MailboxNotSynchronized, 409, "The mailbox is not synchronized in that direction (not enabled by Test & Enable, inactive, not approved, or its profile is inactive), so there is nothing to run."),
        new(ServerProfileNameConflict, 409, "Another server profile already has this name (names are compared ignoring case)."),
        new(MailboxEmailAddressConflict, 409, "Another mailbox already has this email address (compared ignoring case)."),
        new(DirectoryEntryNotFound, 404, "No directory entry has this id."),
        new(DirectoryRecordConflict, 409, "Another directory entry already stands for this record (recordType and recordId); a record has one entry. Write that entry instead, or delete it first."),
        new(EmailNotFound, 404, "No email activity has this id."),
        new(AttachmentNotFound, 404, "The email has no attachment with this id."),
        new(AttachmentSkipped, 404, "The attachment's content was not kept (its skipReason says why: larger than the organization's maxAttachmentSizeKilobytes, attachments not kept, not a file, or unreadable); its name, type and size are in the email."),
        new(UnknownSenderMailbox, 422, "The mailboxId of a new email names no mailbox; send from an existing user's or queue's mailbox."),
        new(UnknownRecord, 422, "A recipient names a record (recordType and recordId) that neither the directory nor a mailbox's owner is; the target names the recipient, e.g. to[2].record."),
        new(RecordHasNoEmailAddress, 422, "A recipient names a record the directory has without any email address; give its entry an address, or name the recipient by address."),
        new(EmailErrors.EmailNotDraft, 409, "The email is not a draft (incoming, or asked to be sent), so its content, attachments or existence cannot change; regarding still can."),
        new(EmailErrors.EmailSendAlreadyRequested, 409, "The email was already asked to be sent (PendingSend, Sending or Sent); read its status."),
        new(EmailErrors.EmailNotPendingSend, 409, "The email is not waiting to be sent: ExSync began sending it (Sending), or it is a draft, sent or failed; there is nothing to cancel."),
        new(EmailErrors.EmailMayHaveBeenSent, 409, "An earlier attempt to send the email may have reached Exchange, so its send cannot be canceled until ExSync has found out (it looks in Sent Items)."),
        new(EmailErrors.NoRecipients, 422, "An email to send needs at least one recipient (to, cc or bcc)."),
        new(EmailErrors.AttachmentTooLarge, 413, "The file is larger than the organization's maxAttachmentSizeKilobytes (or that is 0, and email carries no attachments)."),
        new(EmailErrors.SenderMailboxNotFound, 409, "The email's sender mailbox was deleted; write a new email from an existing mailbox."),
        new(EmailErrors.SenderNotServerSideSynchronization, 409, "The sender mailbox's outgoingDeliveryMethod is not ServerSideSynchronization, so ExSync does not send its email."),
        new(EmailErrors.SenderMailboxInactive, 409, "The sender mailbox is inactive; activate it to send from it."),
        new(EmailErrors.SenderMailboxNotApproved, 409, "The sender mailbox's address is not approved, and the organization processes email only for approved users (or queues)."),
        new(EmailErrors.SenderServerProfileUnavailable, 409, "The sender mailbox has no active server profile, its own or the organization's default."),
        new(EmailErrors.SenderMailboxNotEnabledForOutgoing, 409, "Test & Enable has not enabled the sender mailbox for outgoing email (not run yet, or it failed); run it and read its result."),
        new(InvalidCursor, 400, "The change feed cursor was not issued by this deployment's feed, or is damaged. Start again without a cursor, or with cursor=latest."),
        new(CursorExpired, 410, "The cursor points before changes that retention has removed (ChangeFeed:Retention, 7 days by default): read the objects again in full, then continue from cursor=latest."),
        new(WebhookSubscriptionNotFound, 404, "No webhook subscription has this id."),
        new(WebhookDeliveryNotFound, 404, "The webhook subscription has no delivery with this id (deliveries are kept for Webhooks:Retention, 30 days by default)."),
        new(JobNotFound, 404, "No job has this id (finished jobs are deleted after the retention period, at least 24 hours)."),
        new(JobAlreadyFinished, 409, "The job already finished (Succeeded or Failed); there is nothing to cancel."),
        new(RepeatabilityRequestIdReused, 409, "The Repeatability-Request-ID was already used for a different request; use a new id for a new request."),
        new(NoDefaultServerProfile, 409, "The organization's default delivery methods use server-side synchronization but there is no default server profile to apply."),
        new(PreconditionFailed, 412, "The If-Match header does not match the resource's current ETag: someone else changed it. GET it again and reapply the change."),
        new(ConcurrentModification, 409, "The resource changed while the request was processed, even when ExSync ran the request again on the current state. Not expected (that second run holds the database's write lock); retry the request."),
        new(Unauthorized, 401, "No bearer token, or one that is expired, not yet valid, wrongly signed or meant for another audience."),
        new(Forbidden, 403, "The token lacks a privilege the operation needs; `missingPrivileges` names it."),
        new(TooManyRequests, 429, "The caller started too many jobs in a short time; retry after the number of seconds in Retry-After."),
        new(InternalError, 500, "An unexpected error. The response carries a traceId to quote when reporting it."),
        new(ServerProfileErrors.ServerLocationRequired, 400, "Autodiscover is off and no EWS URL is configured for a direction."),
        new(ServerProfileErrors.PasswordRequired, 400, "The impersonation service account needs a password."),
        new(ServerProfileErrors.ClientSecretRequired, 400, "Hybrid Modern Auth needs the application's client secret."),
        new(ServerProfileErrors.AuthenticationSettingsRequired, 400, "The settings of the chosen authentication type are missing."),
        new(ServerProfileErrors.UnknownServerProfile, 400, "A referenced server profile does not exist."),
        new(ServerProfileErrors.ServerProfileInactive, 400, "An inactive server profile cannot be assigned to a mailbox or be the organization default."),
        new(ServerProfileErrors.ServerProfileInUse, 409, "The server profile cannot be deleted while mailboxes or the organization default use it; the message says which."),
        new(ServerProfileErrors.DefaultServerProfileCannotBeDeactivated, 409, "The organization's default profile cannot be deactivated; choose another default first."),
        new(MailboxErrors.DeleteEmailsAfterProcessingQueueOnly, 400, "deleteEmailsAfterProcessing is for queue mailboxes only; a user's mailbox keeps its email."),
        new(MailboxErrors.ServerProfileRequired, 400, "A direction uses server-side synchronization, but the mailbox has no server profile and the organization has no default."),
    ];
}

/// <summary>One documented error code.</summary>
/// <param name="Code">The code.</param>
/// <param name="Status">The HTTP status it comes with.</param>
/// <param name="Meaning">What it means and what to do.</param>
public sealed record ProblemCodeInfo(string Code, int Status, string Meaning);

/// <summary>Stable codes of individual field errors, in the <c>details</c> of a 400 response.</summary>
public static class FieldErrorCodes
{
    public const string Required = "Required";
    public const string TooLong = "TooLong";
    public const string OutOfRange = "OutOfRange";
    public const string InvalidFormat = "InvalidFormat";
    public const string InvalidEmailAddress = "InvalidEmailAddress";
    public const string InvalidUrl = "InvalidUrl";
    public const string InsecureUrl = "InsecureUrl";
    public const string NotUpnFormat = "NotUpnFormat";
    public const string NotAllowed = "NotAllowed";
    public const string UnknownField = "UnknownField";
    public const string ReadOnlyField = "ReadOnlyField";
    public const string WrongType = "WrongType";
    public const string InvalidEnumValue = "InvalidEnumValue";
    public const string Duplicate = "Duplicate";
    public const string TooMany = "TooMany";
    public const string ControlCharacter = "ControlCharacter";
}
