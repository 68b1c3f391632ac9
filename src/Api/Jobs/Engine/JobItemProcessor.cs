using ExSync.Api.Exchange;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.TestAndEnable;
using ExSync.Exchange;
using ExSync.Exchange.Connectivity;

namespace ExSync.Api.Jobs.Engine;

/// <summary>
/// Tests one item: a mailbox for Test &amp; Enable (preconditions first, then Exchange), or an address for a connection test.
/// Never throws for a failing mailbox: every outcome, including ExSync's own failures, becomes an <see cref="ItemResult"/>.
/// </summary>
public sealed partial class JobItemProcessor(
    IMailboxConnectivityTester tester,
    ExchangeConnections connections,
    ExchangeConcurrencyLimiter limiter,
    ILogger<JobItemProcessor> logger)
{
    public async Task<ItemResult> ProcessAsync(WorkItem work, CancellationToken jobCanceled, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
        {
            return new ItemResult { Work = work, Release = true };
        }

        if (jobCanceled.IsCancellationRequested)
        {
            return new ItemResult { Work = work, Canceled = true };
        }

        try
        {
            // Stopping aborts the Exchange calls in flight as well, so the item is given back at once instead of holding up
            // shutdown until Exchange answers (or the connection timeout expires).
            using var canceledOrStopping = CancellationTokenSource.CreateLinkedTokenSource(jobCanceled, stopping);
            return work.Job.Kind == Domain.Jobs.JobKind.TestConnection
                ? await TestAddressAsync(work, canceledOrStopping.Token)
                : await TestMailboxAsync(work, canceledOrStopping.Token);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return new ItemResult { Work = work, Release = true };
        }
        catch (OperationCanceledException) when (jobCanceled.IsCancellationRequested)
        {
            return new ItemResult { Work = work, Canceled = true };
        }
        catch (Exception ex)
        {
            LogCrash(logger, ex, work.Item.Id, work.Job.Id);
            return new ItemResult { Work = work, Crashed = true };
        }
    }

    private async Task<ItemResult> TestMailboxAsync(WorkItem work, CancellationToken cancellationToken)
    {
        if (work.Mailbox is not { } mailbox)
        {
            // Deleted after the job was accepted; the writer records it as skipped.
            return new ItemResult { Work = work };
        }

        if (TestAndEnablePreconditions.Check(mailbox, work.Profile, work.Organization) is { } precondition)
        {
            return new ItemResult { Work = work, Precondition = precondition, Fingerprint = mailbox.ConnectionFingerprint };
        }

        var report = await TestAsync(work, mailbox.EmailAddress, Directions(mailbox), takeOwnership: mailbox.SyncOnlyFromThisOrganization, cancellationToken);
        return new ItemResult { Work = work, Report = report, Test = ToDomain(report), Fingerprint = mailbox.ConnectionFingerprint };
    }

    private async Task<ItemResult> TestAddressAsync(WorkItem work, CancellationToken cancellationToken)
    {
        if (work.Profile is null)
        {
            return new ItemResult { Work = work, Crashed = true };
        }

        // A connection test is a diagnostic: it must not take a mailbox over from another organization.
        var report = await TestAsync(work, work.Item.EmailAddress!, MailboxDirections.All, takeOwnership: false, cancellationToken);
        return new ItemResult { Work = work, Report = report, Test = ToDomain(report) };
    }

    private async Task<MailboxConnectivityReport> TestAsync(WorkItem work, string emailAddress, MailboxDirections directions, bool takeOwnership, CancellationToken cancellationToken)
    {
        var profile = work.Profile!;
        var settings = connections.For(profile);
        using var lease = await limiter.AcquireAsync(profile.Id, profile.Advanced.MaxConcurrentConnections, cancellationToken);
        return await tester.TestAsync(
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

    private static DirectionTestResult ToDomain(SyncDirection direction, ExSync.Exchange.Connectivity.DirectionResult result) => new(
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure while processing item {ItemId} of job {JobId}; the mailbox is left unchanged")]
    private static partial void LogCrash(ILogger logger, Exception exception, long itemId, Guid jobId);
}
