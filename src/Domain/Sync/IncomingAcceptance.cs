using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;

namespace ExSync.Domain.Sync;

/// <summary>What is known of a message when deciding whether it is tracked.</summary>
/// <param name="HasTrackingCategory">The user put the organization's tracking category on the item.</param>
/// <param name="RespondsToCrmEmail">It correlates with an email activity (In-Reply-To, References, tracking token or conversation).</param>
/// <param name="CounterpartRecords">
/// The records the other party resolved to: the sender's for received mail, the recipients' for mail found in Sent Items.
/// </param>
public sealed record MessageFacts(bool HasTrackingCategory, bool RespondsToCrmEmail, IReadOnlyList<CrmRecordReference> CounterpartRecords);

/// <summary>A mailbox that may accept a message: the one it was found in, or another ExSync mailbox among its recipients.</summary>
/// <param name="MailboxId">The mailbox.</param>
/// <param name="Filter">Its incoming email filtering method.</param>
/// <param name="IsRecipient">Its address is among the message's To, Cc or Bcc.</param>
public sealed record AcceptingMailbox(Guid MailboxId, IncomingEmailFilteringMethod Filter, bool IsRecipient);

/// <summary>The decision: tracked, and why; or not, with the item reason code.</summary>
public sealed record AcceptanceDecision(TrackingReason? TrackedBecause, string? NotTrackedReason)
{
    /// <summary>Whether the message is tracked.</summary>
    public bool Tracked => TrackedBecause is not null;
}

/// <summary>
/// Whether a message found in a mailbox is tracked, following Dynamics 365's incoming email filtering methods: the tracking category
/// tracks whatever the filters say; otherwise any recipient mailbox that processes incoming email and whose filter accepts tracks it. A
/// mailbox that received the message without being addressed (Bcc it could not see, a distribution list) accepts it only with
/// <see cref="IncomingEmailFilteringMethod.AllEmailMessages"/>.
/// </summary>
public static class IncomingAcceptance
{
    /// <summary>Decides for a message found in <paramref name="foundIn"/>'s Inbox.</summary>
    /// <param name="message">What is known of the message.</param>
    /// <param name="foundIn">The mailbox being synchronized.</param>
    /// <param name="otherRecipients">Other ExSync mailboxes among the recipients that process incoming email.</param>
    public static AcceptanceDecision ForReceived(MessageFacts message, AcceptingMailbox foundIn, IEnumerable<AcceptingMailbox> otherRecipients)
    {
        if (message.HasTrackingCategory)
        {
            return new AcceptanceDecision(TrackingReason.TrackedCategory, null);
        }

        var candidates = otherRecipients.Where(m => m.MailboxId != foundIn.MailboxId).ToList();
        if (foundIn.IsRecipient || foundIn.Filter == IncomingEmailFilteringMethod.AllEmailMessages)
        {
            candidates.Insert(0, foundIn);
        }

        if (candidates.Count == 0)
        {
            return new AcceptanceDecision(null, ItemReasons.NoRecipientMatch);
        }

        foreach (var candidate in candidates)
        {
            if (Accepts(candidate.Filter, message) is { } reason)
            {
                return new AcceptanceDecision(reason, null);
            }
        }

        return new AcceptanceDecision(null, ItemReasons.FilteredOut);
    }

    /// <summary>Decides for a message found in the Sent Items of <paramref name="foundIn"/> (the organization tracks sent items).</summary>
    public static AcceptanceDecision ForSent(MessageFacts message, AcceptingMailbox foundIn) =>
        message.HasTrackingCategory
            ? new AcceptanceDecision(TrackingReason.TrackedCategory, null)
            : Accepts(foundIn.Filter, message) is { } reason
                ? new AcceptanceDecision(reason, null)
                : new AcceptanceDecision(null, ItemReasons.FilteredOut);

    /// <summary>Why <paramref name="filter"/> accepts the message, or null when it does not.</summary>
    public static TrackingReason? Accepts(IncomingEmailFilteringMethod filter, MessageFacts message) => filter switch
    {
        IncomingEmailFilteringMethod.AllEmailMessages => TrackingReason.AllEmailMessages,
        _ when filter == IncomingEmailFilteringMethod.None => null,
        _ when message.RespondsToCrmEmail => TrackingReason.ResponseToCrmEmail,
        IncomingEmailFilteringMethod.FromCrmRecords when message.CounterpartRecords.Any(r => IsCrmRecord(r.RecordType)) => TrackingReason.FromCrmRecord,
        IncomingEmailFilteringMethod.FromEmailEnabledRecords when message.CounterpartRecords.Count > 0 => TrackingReason.FromEmailEnabledRecord,
        _ => null,
    };

    // Dynamics' "Email messages from Dynamics 365 Leads, Contacts and Accounts".
    private static bool IsCrmRecord(DirectoryRecordType type) => type is DirectoryRecordType.Contact or DirectoryRecordType.Account or DirectoryRecordType.Lead;
}
