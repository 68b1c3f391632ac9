using ExSync.Exchange.Ews;

namespace ExSync.Exchange.Connectivity;

/// <summary>Outcome of one diagnostic step.</summary>
public enum ConnectivityStepOutcome
{
    /// <summary>The step succeeded.</summary>
    Passed,

    /// <summary>The step failed; <see cref="ConnectivityStep.Error"/> says why and what to do.</summary>
    Failed,

    /// <summary>The step was not run because a step it depends on failed; <see cref="ConnectivityStep.Detail"/> says which.</summary>
    Skipped,
}

/// <summary>One node of the diagnostic step tree (like Microsoft's Remote Connectivity Analyzer).</summary>
public sealed record ConnectivityStep
{
    /// <summary>Stable identifier of the kind of step; see <see cref="ConnectivityStepIds"/>.</summary>
    public required string Id { get; init; }

    /// <summary>What the step checks, for people.</summary>
    public required string Title { get; init; }

    /// <summary>Passed, Failed or Skipped.</summary>
    public required ConnectivityStepOutcome Outcome { get; init; }

    /// <summary>Time spent on this step's own requests (steps observed on a shared request report zero).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>What was found (on success) or why the step was skipped.</summary>
    public string? Detail { get; init; }

    /// <summary>The error when the step failed.</summary>
    public ExchangeError? Error { get; init; }

    /// <summary>The stable error code when the step failed.</summary>
    public string? ErrorCode => Error?.Code;

    /// <summary>What to do about the failure.</summary>
    public string? Remediation => Error?.Remediation;

    /// <summary>Sub-steps (autodiscover candidates, folders, draft create/delete, ownership, the attempts of a retried request).</summary>
    public IReadOnlyList<ConnectivityStep> Children { get; init; } = [];
}

/// <summary>Result of one direction.</summary>
public enum DirectionOutcome
{
    /// <summary>Everything the direction needs works.</summary>
    Passed,

    /// <summary>Something failed; <see cref="DirectionResult.Error"/> has the class (Transient: retry later; Permanent: disable).</summary>
    Failed,

    /// <summary>The direction was not requested.</summary>
    NotTested,
}

/// <summary>Per-direction outcome, which the API uses to enable or disable the direction.</summary>
/// <param name="Direction">Incoming, Outgoing or AppointmentsContactsAndTasks.</param>
/// <param name="Outcome">Passed, Failed or NotTested.</param>
/// <param name="Error">The first error that made it fail.</param>
public sealed record DirectionResult(MailboxDirections Direction, DirectionOutcome Outcome, ExchangeError? Error);

/// <summary>What one connection (incoming or outgoing settings) found.</summary>
/// <param name="Directions">The directions tested over this connection.</param>
/// <param name="EwsUrl">The EWS URL used (configured or discovered, port override applied), when known.</param>
/// <param name="UsedAutodiscover">True when the URL came from autodiscover.</param>
/// <param name="ServerVersion">The version the server reported, when it did.</param>
public sealed record ConnectionTestResult(
    MailboxDirections Directions,
    Uri? EwsUrl,
    bool UsedAutodiscover,
    ExchangeServerVersion? ServerVersion);

/// <summary>The result of a mailbox connectivity test.</summary>
public sealed record MailboxConnectivityReport
{
    /// <summary>The mailbox tested.</summary>
    public required string MailboxSmtpAddress { get; init; }

    /// <summary>When the test started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>How long it took.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>True when every requested direction passed.</summary>
    public bool Succeeded => new[] { Incoming, Outgoing, AppointmentsContactsAndTasks }.All(d => d.Outcome != DirectionOutcome.Failed);

    /// <summary>The EWS URL of the first connection (incoming, or outgoing when only outgoing was tested).</summary>
    public Uri? EwsUrl => Connections.FirstOrDefault()?.EwsUrl;

    /// <summary>The server version of the first connection.</summary>
    public ExchangeServerVersion? ServerVersion => Connections.FirstOrDefault()?.ServerVersion;

    /// <summary>Incoming email.</summary>
    public required DirectionResult Incoming { get; init; }

    /// <summary>Outgoing email.</summary>
    public required DirectionResult Outgoing { get; init; }

    /// <summary>Appointments, contacts and tasks.</summary>
    public required DirectionResult AppointmentsContactsAndTasks { get; init; }

    /// <summary>One entry per connection used (one when incoming and outgoing settings are equal).</summary>
    public required IReadOnlyList<ConnectionTestResult> Connections { get; init; }

    /// <summary>The diagnostic step tree.</summary>
    public required IReadOnlyList<ConnectivityStep> Steps { get; init; }
}

/// <summary>The stable ids of <see cref="ConnectivityStep.Id"/>.</summary>
public static class ConnectivityStepIds
{
    /// <summary>Group of the incoming (and ACT) connection's steps, when incoming and outgoing settings differ.</summary>
    public const string IncomingConnection = "incomingConnection";

    /// <summary>Group of the outgoing connection's steps, when incoming and outgoing settings differ.</summary>
    public const string OutgoingConnection = "outgoingConnection";

    /// <summary>Find the EWS URL (configured, or autodiscover with one child per candidate).</summary>
    public const string ResolveServerLocation = "resolveServerLocation";

    /// <summary>Prefix of autodiscover candidate children: <c>autodiscoverAttempt.1</c>, <c>autodiscoverAttempt.2</c>, ….</summary>
    public const string AutodiscoverAttempt = "autodiscoverAttempt";

    /// <summary>TCP connection and TLS (certificate) to the EWS host.</summary>
    public const string Connect = "connect";

    /// <summary>
    /// Prefix of the children of a step whose EWS request needed more than one attempt (throttling, failover):
    /// <c>attempt.1</c>, <c>attempt.2</c>, …, each saying what Exchange answered and how long ExSync waited.
    /// </summary>
    public const string Attempt = "attempt";

    /// <summary>Authentication of the service account or OAuth application.</summary>
    public const string Authenticate = "authenticate";

    /// <summary>The server version is Exchange 2013 SP1 or later.</summary>
    public const string ServerVersion = "serverVersion";

    /// <summary>Impersonation of the mailbox and opening it.</summary>
    public const string Impersonate = "impersonate";

    /// <summary>Incoming email: the Inbox can be read.</summary>
    public const string Incoming = "incoming";

    /// <summary>Outgoing email.</summary>
    public const string Outgoing = "outgoing";

    /// <summary>Appointments, contacts and tasks.</summary>
    public const string AppointmentsContactsAndTasks = "appointmentsContactsAndTasks";

    /// <summary>Outgoing child: Drafts can be read.</summary>
    public const string ReadDrafts = "readDrafts";

    /// <summary>Outgoing child: Sent Items can be read.</summary>
    public const string ReadSentItems = "readSentItems";

    /// <summary>Outgoing child: a draft can be created.</summary>
    public const string CreateDraft = "createDraft";

    /// <summary>Outgoing child: the draft can be hard-deleted.</summary>
    public const string DeleteDraft = "deleteDraft";

    /// <summary>Outgoing child: the confirmation message was sent.</summary>
    public const string SendTestMessage = "sendTestMessage";

    /// <summary>ACT child: Calendar can be read.</summary>
    public const string ReadCalendar = "readCalendar";

    /// <summary>ACT child: Contacts can be read.</summary>
    public const string ReadContacts = "readContacts";

    /// <summary>ACT child: Tasks can be read.</summary>
    public const string ReadTasks = "readTasks";

    /// <summary>ACT child: the organization ownership marker allows (or was updated to allow) this organization.</summary>
    public const string OrganizationOwnership = "organizationOwnership";
}
