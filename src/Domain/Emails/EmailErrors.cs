namespace ExSync.Domain.Emails;

/// <summary>
/// The stable codes of the rules outgoing email breaks: changing an email that is no longer a draft, sending or canceling at the wrong
/// time, and the gates a sender mailbox must pass before ExSync accepts to send from it.
/// </summary>
public static class EmailErrors
{
    /// <summary>The email is not a draft (it is incoming, or was sent or asked to be sent), so its content can no longer change.</summary>
    public const string EmailNotDraft = "EmailNotDraft";

    /// <summary>The email is not waiting to be sent (PendingSend), so there is nothing to cancel.</summary>
    public const string EmailNotPendingSend = "EmailNotPendingSend";

    /// <summary>The email was already asked to be sent: it is PendingSend, Sending or Sent.</summary>
    public const string EmailSendAlreadyRequested = "EmailSendAlreadyRequested";

    /// <summary>An earlier attempt may have reached Exchange, so canceling could not stop the message; ExSync first finds out.</summary>
    public const string EmailMayHaveBeenSent = "EmailMayHaveBeenSent";

    /// <summary>An email to send needs at least one recipient (to, cc or bcc).</summary>
    public const string NoRecipients = "NoRecipients";

    /// <summary>An attachment is larger than the organization's maxAttachmentSizeKilobytes (or the organization keeps none).</summary>
    public const string AttachmentTooLarge = "AttachmentTooLarge";

    /// <summary>The sender mailbox no longer exists.</summary>
    public const string SenderMailboxNotFound = "SenderMailboxNotFound";

    /// <summary>The sender mailbox's outgoing delivery method is not server-side synchronization.</summary>
    public const string SenderNotServerSideSynchronization = "SenderNotServerSideSynchronization";

    /// <summary>The sender mailbox is inactive.</summary>
    public const string SenderMailboxInactive = "SenderMailboxInactive";

    /// <summary>The sender mailbox's address is not approved, and the organization processes email only for approved users (or queues).</summary>
    public const string SenderMailboxNotApproved = "SenderMailboxNotApproved";

    /// <summary>The sender mailbox has no active server profile (its own, or the organization's default).</summary>
    public const string SenderServerProfileUnavailable = "SenderServerProfileUnavailable";

    /// <summary>Test &amp; Enable has not enabled the sender mailbox for outgoing email (never run, or it failed).</summary>
    public const string SenderMailboxNotEnabledForOutgoing = "SenderMailboxNotEnabledForOutgoing";
}
