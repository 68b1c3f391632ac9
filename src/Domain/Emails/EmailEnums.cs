namespace ExSync.Domain.Emails;

// Every enum here is extensible: values may be added in later versions, and clients must tolerate values they do not know.

/// <summary>Whether an email came into the organization or went out of it.</summary>
public enum EmailDirection
{
    /// <summary>Received by one or more of the organization's mailboxes.</summary>
    Incoming,

    /// <summary>Sent from one of the organization's mailboxes.</summary>
    Outgoing,
}

/// <summary>Where an email activity is in its life. Incoming email is always <see cref="Received"/>; the others are outgoing email's.</summary>
public enum EmailStatus
{
    /// <summary>An incoming email, received and tracked.</summary>
    Received,

    /// <summary>Outgoing: written in the CRM, not sent yet.</summary>
    Draft,

    /// <summary>Outgoing: the CRM asked ExSync to send it.</summary>
    PendingSend,

    /// <summary>Outgoing: ExSync is handing it to Exchange.</summary>
    Sending,

    /// <summary>Outgoing: Exchange accepted it.</summary>
    Sent,

    /// <summary>Outgoing: it could not be sent.</summary>
    Failed,
}

/// <summary>The format of an email body.</summary>
public enum EmailBodyContentType
{
    /// <summary>Plain text.</summary>
    Text,

    /// <summary>HTML, as the sender wrote it; render it sandboxed, it is not sanitized.</summary>
    Html,
}

/// <summary>How an email was tied to an earlier one of its thread (sync-reference §1.5), the first that matched in this order.</summary>
public enum CorrelationMethod
{
    /// <summary>No earlier email of the thread was found.</summary>
    None,

    /// <summary>Its In-Reply-To header names an earlier email's Message-ID.</summary>
    InReplyTo,

    /// <summary>Its References header names an earlier email's Message-ID.</summary>
    References,

    /// <summary>Its subject carries the tracking token of an earlier email.</summary>
    TrackingToken,

    /// <summary>Exchange puts it in the same conversation as an earlier email.</summary>
    Conversation,
}

/// <summary>Why an email was tracked: the filter (or the user's action) that accepted it.</summary>
public enum TrackingReason
{
    /// <summary>A receiving mailbox tracks all email messages.</summary>
    AllEmailMessages,

    /// <summary>It answers an email tracked earlier (the filter ResponsesToCrmEmail, or any filter once correlated).</summary>
    ResponseToCrmEmail,

    /// <summary>Its sender is a contact, account or lead (the filter FromCrmRecords).</summary>
    FromCrmRecord,

    /// <summary>Its sender is any record of the directory (the filter FromEmailEnabledRecords).</summary>
    FromEmailEnabledRecord,

    /// <summary>A user put the tracking category on it in Outlook, whatever the filter said.</summary>
    TrackedCategory,
}

/// <summary>Why an attachment's content was not kept (its name, type and size always are).</summary>
public enum AttachmentSkipReason
{
    /// <summary>It is larger than the organization's maxAttachmentSizeKilobytes.</summary>
    TooLarge,

    /// <summary>The organization keeps no attachments (maxAttachmentSizeKilobytes is 0).</summary>
    AttachmentsNotKept,

    /// <summary>It is not a file: an attached message or item, or a link to a file stored elsewhere.</summary>
    NotSupported,

    /// <summary>Exchange could not return its content.</summary>
    Unreadable,
}
