using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.TestAndEnable;

/// <summary>
/// The checks Test &amp; Enable makes before contacting Exchange. They fail fast with a specific reason, where Dynamics 365
/// would leave email "Pending Send" or fail silently.
/// </summary>
public static class TestAndEnablePreconditions
{
    /// <summary>The profile a mailbox is tested with: its own, or the organization default.</summary>
    public static Guid? EffectiveProfileId(Mailbox mailbox, OrganizationEmailSettings organization) =>
        mailbox.ServerProfileId ?? organization.DefaultServerProfileId;

    /// <summary>Returns why the mailbox cannot be tested, or null when it can.</summary>
    /// <param name="mailbox">The mailbox.</param>
    /// <param name="profile">Its effective server profile, or null when there is none.</param>
    /// <param name="organization">The organization settings.</param>
    public static TestFailure? Check(Mailbox mailbox, ServerProfile? profile, OrganizationEmailSettings organization)
    {
        if (!mailbox.IsActive)
        {
            return Permanent(
                TestAndEnableErrors.MailboxInactive,
                $"The mailbox {mailbox.EmailAddress} is inactive, so it was not tested.",
                "Activate the mailbox (state Active), then run Test & Enable again.");
        }

        if (mailbox.ServerSideSynchronizationDirections.Count == 0)
        {
            return Permanent(
                TestAndEnableErrors.NothingToTest,
                $"No direction of the mailbox {mailbox.EmailAddress} uses server-side synchronization, so there is nothing to test.",
                "Set incomingDeliveryMethod, outgoingDeliveryMethod or actDeliveryMethod to ServerSideSynchronization to synchronize with Exchange.");
        }

        if (profile is null)
        {
            return Permanent(
                TestAndEnableErrors.NoServerProfile,
                $"The mailbox {mailbox.EmailAddress} has no server profile and the organization has no default profile.",
                "Assign a server profile to the mailbox, or set a default profile in the organization email settings.");
        }

        if (!profile.IsActive)
        {
            return Permanent(
                TestAndEnableErrors.ServerProfileInactive,
                $"The server profile '{profile.Name}' of the mailbox {mailbox.EmailAddress} is inactive.",
                "Activate the server profile, or assign the mailbox an active one.");
        }

        if (organization.RequiresApprovalFor(mailbox.Owner.Type) && mailbox.ApprovalStatus != EmailApprovalStatus.Approved)
        {
            var owners = mailbox.Owner.Type == MailboxOwnerType.Queue ? "queues" : "users";
            return Permanent(
                TestAndEnableErrors.EmailNotApproved,
                $"The email address {mailbox.EmailAddress} is not approved ({mailbox.ApprovalStatus}), and the organization processes email only for approved {owners}.",
                "Approve the email address (POST /api/v1/mailboxes/approve-email), then run Test & Enable again.");
        }

        return null;
    }

    private static TestFailure Permanent(string code, string message, string remediation) => new(code, message, remediation, IsTransient: false);
}
