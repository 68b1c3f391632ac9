namespace ExSync.Domain.Mailboxes;

/// <summary>Whether a mailbox belongs to a user or to a queue.</summary>
public enum MailboxOwnerType
{
    /// <summary>A CRM user.</summary>
    User,

    /// <summary>A CRM queue (a shared mailbox such as support@).</summary>
    Queue,
}

/// <summary>How incoming email reaches the CRM.</summary>
public enum IncomingEmailDeliveryMethod
{
    /// <summary>Not processed.</summary>
    None,

    /// <summary>The CRM's Outlook add-in tracks email.</summary>
    Outlook,

    /// <summary>ExSync reads the mailbox over EWS.</summary>
    ServerSideSynchronization,

    /// <summary>The legacy Email Router.</summary>
    EmailRouter,

    /// <summary>Email arrives through a forward mailbox.</summary>
    ForwardMailbox,
}

/// <summary>How outgoing email, or appointments, contacts and tasks, are exchanged with Exchange.</summary>
public enum DeliveryMethod
{
    /// <summary>Not processed.</summary>
    None,

    /// <summary>The CRM's Outlook add-in.</summary>
    Outlook,

    /// <summary>ExSync, over EWS.</summary>
    ServerSideSynchronization,

    /// <summary>The legacy Email Router.</summary>
    EmailRouter,
}

/// <summary>Whether the mailbox's email address is approved for processing.</summary>
public enum EmailApprovalStatus
{
    /// <summary>No decision recorded.</summary>
    Empty,

    /// <summary>Awaiting approval (new mailboxes, and mailboxes whose address changed).</summary>
    PendingApproval,

    /// <summary>Approved for processing.</summary>
    Approved,

    /// <summary>Rejected; email is not processed.</summary>
    Rejected,
}

/// <summary>Result of the last test of one direction of a mailbox.</summary>
public enum SyncStatus
{
    /// <summary>Not tested since the last relevant change.</summary>
    NotRun,

    /// <summary>The last test passed.</summary>
    Success,

    /// <summary>The last test failed.</summary>
    Failure,
}

/// <summary>One direction of synchronization.</summary>
public enum SyncDirection
{
    /// <summary>Incoming email.</summary>
    IncomingEmail,

    /// <summary>Outgoing email.</summary>
    OutgoingEmail,

    /// <summary>Appointments, contacts and tasks.</summary>
    AppointmentsContactsAndTasks,
}

/// <summary>
/// Which incoming email a mailbox tracks (Dynamics 365's "Incoming Email Filtering Method"; for queues, "Convert Incoming Email To
/// Activities"). A message is tracked when any receiving mailbox's method accepts it, or when a user put the tracking category on it.
/// </summary>
public enum IncomingEmailFilteringMethod
{
    /// <summary>Every message received.</summary>
    AllEmailMessages,

    /// <summary>Replies to email the CRM tracks (the default).</summary>
    ResponsesToCrmEmail,

    /// <summary>Messages whose sender is a contact, account or lead of the directory.</summary>
    FromCrmRecords,

    /// <summary>Messages whose sender is any record of the directory (or a mailbox's owner).</summary>
    FromEmailEnabledRecords,

    /// <summary>No message (only those a user tracks with the category).</summary>
    None,
}
