namespace ExSync.Exchange.Connectivity;

/// <summary>The synchronization directions of a mailbox (Dynamics: incoming email, outgoing email, ACT).</summary>
[Flags]
public enum MailboxDirections
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Incoming email (reads the Inbox).</summary>
    Incoming = 1,

    /// <summary>Outgoing email (creates and deletes a draft; optionally sends a confirmation message).</summary>
    Outgoing = 2,

    /// <summary>Appointments, contacts and tasks (reads Calendar, Contacts, Tasks; checks the organization ownership marker).</summary>
    AppointmentsContactsAndTasks = 4,

    /// <summary>All three.</summary>
    All = Incoming | Outgoing | AppointmentsContactsAndTasks,
}

/// <summary>Input of a mailbox connectivity test ("Test &amp; Enable").</summary>
public sealed record MailboxConnectivityRequest
{
    /// <summary>The mailbox's primary SMTP address.</summary>
    public required string MailboxSmtpAddress { get; init; }

    /// <summary>Which directions to test; the others are reported as NotTested and cost no requests.</summary>
    public required MailboxDirections Directions { get; init; }

    /// <summary>Connection settings for incoming email; appointments, contacts and tasks use them too.</summary>
    public required ExchangeConnectionSettings Incoming { get; init; }

    /// <summary>
    /// Connection settings for outgoing email. When equal to <see cref="Incoming"/> (the usual "use same settings
    /// for outgoing" case) the test runs one flow and shares its requests.
    /// </summary>
    public required ExchangeConnectionSettings Outgoing { get; init; }

    /// <summary>The id of this ExSync organization, written to and compared with the mailbox's ownership marker.</summary>
    public required string OrganizationId { get; init; }

    /// <summary>
    /// The mailbox's "sync items with Exchange from this organization only" switch: claim the mailbox for this
    /// organization even if another organization's marker is present.
    /// </summary>
    public bool TakeOwnership { get; init; }

    /// <summary>Send a real "Your mailbox is now connected to ExSync" message to the mailbox itself (one extra request).</summary>
    public bool SendTestMessage { get; init; }
}

/// <summary>Runs the mailbox connectivity test and returns a diagnostic step tree.</summary>
public interface IMailboxConnectivityTester
{
    /// <summary>
    /// Tests the requested directions of one mailbox. Never throws for Exchange failures (they are in the report);
    /// throws <see cref="ArgumentException"/> for invalid input and <see cref="OperationCanceledException"/> on cancellation.
    /// </summary>
    /// <param name="request">What to test.</param>
    /// <param name="cancellationToken">Cancels the test.</param>
    Task<MailboxConnectivityReport> TestAsync(MailboxConnectivityRequest request, CancellationToken cancellationToken);
}
