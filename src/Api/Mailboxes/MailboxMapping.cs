using ExSync.Api.Infrastructure.Http;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Persistence;

namespace ExSync.Api.Mailboxes;

/// <summary>Maps mailboxes between the domain and the contract.</summary>
internal static class MailboxMapping
{
    public static MailboxResource ToResource(this Mailbox mailbox) => new()
    {
        Id = mailbox.Id,
        Name = mailbox.Name,
        EmailAddress = mailbox.EmailAddress,
        Owner = new MailboxOwnerInfo { Type = mailbox.Owner.Type, Id = mailbox.Owner.Id, Name = mailbox.Owner.Name },
        ServerProfileId = mailbox.ServerProfileId,
        IncomingDeliveryMethod = mailbox.IncomingDeliveryMethod,
        OutgoingDeliveryMethod = mailbox.OutgoingDeliveryMethod,
        ActDeliveryMethod = mailbox.ActDeliveryMethod,
        SyncOnlyFromThisOrganization = mailbox.SyncOnlyFromThisOrganization,
        ProcessEmailsReceivedAfter = mailbox.ProcessEmailsReceivedAfter,
        State = mailbox.State,
        IncomingEmailFilteringMethod = mailbox.IncomingEmailFilteringMethod,
        DeleteEmailsAfterProcessing = mailbox.DeleteEmailsAfterProcessing,
        ApprovalStatus = mailbox.ApprovalStatus,
        IncomingEmailStatus = mailbox.IncomingEmailStatus,
        OutgoingEmailStatus = mailbox.OutgoingEmailStatus,
        ActStatus = mailbox.ActStatus,
        EnabledForIncomingEmail = mailbox.EnabledForIncomingEmail,
        EnabledForOutgoingEmail = mailbox.EnabledForOutgoingEmail,
        EnabledForAct = mailbox.EnabledForAct,
        TestScheduled = mailbox.TestScheduled,
        TestRetryCount = mailbox.TestRetryCount,
        NextTestAt = mailbox.NextTestAt,
        LastTestCompletedAt = mailbox.LastTestCompletedAt,
        EwsUrl = mailbox.EwsUrl,
        LastError = mailbox.LastError is { } error ? new MailboxLastError { Code = error.Code, Message = error.Message, OccurredAt = error.OccurredAt } : null,
        CreatedAt = mailbox.CreatedAt,
        ModifiedAt = mailbox.ModifiedAt,
        ETag = ETags.For(mailbox.Revision),
    };

    /// <summary>The mailbox's current writable state, which a merge patch is applied to.</summary>
    public static MailboxInput ToInput(this Mailbox mailbox) => new()
    {
        Name = mailbox.Name,
        EmailAddress = mailbox.EmailAddress,
        Owner = new MailboxOwnerInput { Type = mailbox.Owner.Type, Id = mailbox.Owner.Id, Name = mailbox.Owner.Name },
        ServerProfileId = mailbox.ServerProfileId,
        IncomingDeliveryMethod = mailbox.IncomingDeliveryMethod,
        OutgoingDeliveryMethod = mailbox.OutgoingDeliveryMethod,
        ActDeliveryMethod = mailbox.ActDeliveryMethod,
        SyncOnlyFromThisOrganization = mailbox.SyncOnlyFromThisOrganization,
        ProcessEmailsReceivedAfter = mailbox.ProcessEmailsReceivedAfter,
        State = mailbox.State,
        IncomingEmailFilteringMethod = mailbox.IncomingEmailFilteringMethod,
        DeleteEmailsAfterProcessing = mailbox.DeleteEmailsAfterProcessing,
    };

    /// <summary>
    /// A mailbox as requested; unset fields are left for the organization defaults. Used for creation, and after a merge patch,
    /// where a field removed with null likewise falls back to its default.
    /// </summary>
    public static MailboxDraft ToDraft(this MailboxInput input) => new()
    {
        Name = input.Name!,
        EmailAddress = input.EmailAddress!,
        Owner = input.Owner!.ToDomain(),
        ServerProfileId = input.ServerProfileId,
        IncomingDeliveryMethod = input.IncomingDeliveryMethod,
        OutgoingDeliveryMethod = input.OutgoingDeliveryMethod,
        ActDeliveryMethod = input.ActDeliveryMethod,
        SyncOnlyFromThisOrganization = input.SyncOnlyFromThisOrganization ?? false,
        ProcessEmailsReceivedAfter = input.ProcessEmailsReceivedAfter is { } after ? StoredInstants.Truncate(after) : null,
        State = input.State ?? RecordState.Active,
        IncomingEmailFilteringMethod = input.IncomingEmailFilteringMethod ?? IncomingEmailFilteringMethod.ResponsesToCrmEmail,
        DeleteEmailsAfterProcessing = input.DeleteEmailsAfterProcessing ?? false,
    };

    private static MailboxOwner ToDomain(this MailboxOwnerInput owner) =>
        new(owner.Type!.Value, owner.Id!.Trim(), string.IsNullOrWhiteSpace(owner.Name) ? null : owner.Name.Trim());
}
