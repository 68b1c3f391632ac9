using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;

namespace ExSync.Domain.Emails;

/// <summary>
/// Whether ExSync can send from a mailbox now: the checks made when the CRM asks to send, answered at once with a specific reason,
/// where Dynamics 365 leaves such email silently in Pending Send. They are the rule of <see cref="Sync.SyncEligibility"/> for outgoing
/// email, one reason each: outgoing delivery by server-side synchronization, an active mailbox, approved when the organization requires
/// it, an active server profile, and outgoing email enabled by Test &amp; Enable.
/// </summary>
public static class OutgoingSendGate
{
    /// <summary>Why email cannot be sent from <paramref name="mailbox"/>, or null when it can.</summary>
    /// <param name="mailbox">The sender mailbox; null when it was deleted.</param>
    /// <param name="profile">Its effective server profile (<see cref="TestAndEnablePreconditions.EffectiveProfileId"/>), or null when there is none.</param>
    /// <param name="organization">The organization settings (approval switches).</param>
    public static DomainError? Check(Mailbox? mailbox, ServerProfile? profile, OrganizationEmailSettings organization)
    {
        if (mailbox is null)
        {
            return Refuse(EmailErrors.SenderMailboxNotFound, "The email's sender mailbox was deleted; create a new draft from an existing mailbox.");
        }

        if (mailbox.OutgoingDeliveryMethod != DeliveryMethod.ServerSideSynchronization)
        {
            return Refuse(
                EmailErrors.SenderNotServerSideSynchronization,
                $"The mailbox {mailbox.EmailAddress} delivers outgoing email by {mailbox.OutgoingDeliveryMethod}, not by server-side synchronization, so ExSync " +
                "does not send its email. Set its outgoingDeliveryMethod to ServerSideSynchronization and run Test & Enable.");
        }

        if (!mailbox.IsActive)
        {
            return Refuse(EmailErrors.SenderMailboxInactive, $"The mailbox {mailbox.EmailAddress} is inactive. Activate it (state Active) to send from it.");
        }

        if (organization.RequiresApprovalFor(mailbox.Owner.Type) && mailbox.ApprovalStatus != EmailApprovalStatus.Approved)
        {
            var owners = mailbox.Owner.Type == MailboxOwnerType.Queue ? "queues" : "users";
            return Refuse(
                EmailErrors.SenderMailboxNotApproved,
                $"The email address {mailbox.EmailAddress} is not approved ({mailbox.ApprovalStatus}), and the organization processes email only for approved " +
                $"{owners}. Approve it (POST /api/v1/mailboxes/approve-email), then run Test & Enable.");
        }

        if (profile is not { IsActive: true })
        {
            return Refuse(
                EmailErrors.SenderServerProfileUnavailable,
                $"The mailbox {mailbox.EmailAddress} has no active server profile (its own, or the organization's default). Assign an active one.");
        }

        if (!mailbox.EnabledForOutgoingEmail)
        {
            return Refuse(
                EmailErrors.SenderMailboxNotEnabledForOutgoing,
                $"The mailbox {mailbox.EmailAddress} is not enabled for outgoing email: Test & Enable has not passed it (status {mailbox.OutgoingEmailStatus}). " +
                "Run Test & Enable (POST /api/v1/mailboxes/test-and-enable) and read its result.");
        }

        return null;
    }

    private static DomainError Refuse(string code, string message) => new(code, message, "mailboxId", DomainErrorKind.Conflict);
}
