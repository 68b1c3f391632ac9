using ExSync.Domain.Mailboxes;
using ExSync.Domain.TestAndEnable;
using ExSync.Engine.Exchange;
using ExSync.Exchange;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Telemetry;

namespace ExSync.Engine.TestAndEnable;

/// <summary>
/// Tests one item over EWS: a mailbox for Test &amp; Enable (preconditions first, then Exchange), or an address for a connection test.
/// Every Exchange request goes through the shared connection policy, so the profile's connection limit holds however many jobs run.
/// </summary>
public sealed class MailboxTester(IMailboxConnectivityTester tester, ExchangeConnections connections)
{
    /// <summary>Tests a mailbox of a Test &amp; Enable job.</summary>
    public async Task<TestWorkResult> TestMailboxAsync(TestWork work, CancellationToken cancellationToken)
    {
        if (work.Mailbox is not { } mailbox)
        {
            // Deleted after the job was accepted; recorded as skipped.
            return new TestWorkResult(work);
        }

        if (TestAndEnablePreconditions.Check(mailbox, work.Profile, work.Organization) is { } precondition)
        {
            return new TestWorkResult(work) { Precondition = precondition, Fingerprint = mailbox.ConnectionFingerprint };
        }

        using var span = EngineTracing.StartTest("Test mailbox", work, mailbox.Id);
        using var scope = ExchangeCallScope.ForMailbox(mailbox.Id.ToString());
        var report = await TestAsync(work, mailbox.EmailAddress, Directions(mailbox), takeOwnership: mailbox.SyncOnlyFromThisOrganization, cancellationToken);
        return new TestWorkResult(work) { Report = report, Test = ToDomain(report), Fingerprint = mailbox.ConnectionFingerprint };
    }

    /// <summary>Tests the address of a connection test.</summary>
    public async Task<TestWorkResult> TestAddressAsync(TestWork work, CancellationToken cancellationToken)
    {
        using var span = EngineTracing.StartTest("Test connection", work, mailboxId: null);
        using var scope = ExchangeCallScope.ForMailbox(null);

        // A connection test is a diagnostic: it must not take a mailbox over from another organization.
        var report = await TestAsync(work, work.Item.EmailAddress!, MailboxDirections.All, takeOwnership: false, cancellationToken);
        return new TestWorkResult(work) { Report = report, Test = ToDomain(report) };
    }

    private Task<MailboxConnectivityReport> TestAsync(TestWork work, string emailAddress, MailboxDirections directions, bool takeOwnership, CancellationToken cancellationToken)
    {
        var settings = connections.For(work.Profile!);
        return tester.TestAsync(
            new MailboxConnectivityRequest
            {
                MailboxSmtpAddress = emailAddress,
                Directions = directions,
                Incoming = settings.Incoming,
                Outgoing = settings.Outgoing,
                OrganizationId = work.Organization.OrganizationId.ToString(),
                TakeOwnership = takeOwnership,
                SendTestMessage = work.Job.SendTestMessage,
            },
            cancellationToken);
    }

    private static MailboxDirections Directions(Mailbox mailbox) => mailbox.ServerSideSynchronizationDirections.Aggregate(
        MailboxDirections.None,
        (all, direction) => all | direction switch
        {
            SyncDirection.IncomingEmail => MailboxDirections.Incoming,
            SyncDirection.OutgoingEmail => MailboxDirections.Outgoing,
            _ => MailboxDirections.AppointmentsContactsAndTasks,
        });

    private static MailboxTestResult ToDomain(MailboxConnectivityReport report) => new(
        [
            ToDomain(SyncDirection.IncomingEmail, report.Incoming),
            ToDomain(SyncDirection.OutgoingEmail, report.Outgoing),
            ToDomain(SyncDirection.AppointmentsContactsAndTasks, report.AppointmentsContactsAndTasks),
        ],
        report.EwsUrl?.ToString());

    private static DirectionTestResult ToDomain(SyncDirection direction, DirectionResult result) => new(
        direction,
        result.Outcome switch
        {
            DirectionOutcome.Passed => DirectionTestOutcome.Passed,
            DirectionOutcome.Failed => DirectionTestOutcome.Failed,
            _ => DirectionTestOutcome.NotTested,
        },
        result.Error is { } error ? ToFailure(error) : null);

    /// <summary>An Exchange error as the domain sees a test failure.</summary>
    public static TestFailure ToFailure(ExchangeError error) => new(error.Code, error.Message, error.Remediation, error.IsTransient);
}
