using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.Alerts;

/// <summary>Who alerts about a mailbox or a profile go to.</summary>
public static class AlertRecipients
{
    /// <summary>The mailbox's owner; a queue's alerts also carry the queue's address, since a queue has no person of its own.</summary>
    public static AlertRecipient MailboxOwner(Mailbox mailbox) =>
        new(mailbox.Owner.Id, AlertRecipientRole.MailboxOwner, mailbox.Owner.Type == MailboxOwnerType.Queue ? mailbox.EmailAddress : null);

    /// <summary>The server profile's owner.</summary>
    public static AlertRecipient ProfileOwner(ServerProfile profile) =>
        new(profile.Owner.Id, AlertRecipientRole.ServerProfileOwner, profile.Owner.EmailAddress);
}
