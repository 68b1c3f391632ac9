using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>The job engine's guarantees: nothing lost on a crash, each mailbox one final result, retries on schedule, prompt cancel.</summary>
public sealed class JobEngineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task AJobKilledMidwayIsResumedAfterARestartAndEveryMailboxGetsExactlyOneResult()
    {
        var addresses = Enumerable.Range(1, 40).Select(i => $"user{i:D2}@contoso.local").ToList();
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(addresses, latencyMilliseconds: 60), Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-crash-").FullName;
        var settings = new Dictionary<string, string>(TestDatabase.ForDirectory(directory).Settings) { ["Jobs:LeaseDuration"] = "00:00:02", ["Jobs:PollInterval"] = "00:00:00.250" };

        Guid jobId;
        List<Guid> mailboxIds;
        await using (var first = await ApiProcess.StartAsync(directory, settings, Ct))
        {
            using var http = first.CreateClient();
            var profileInput = SimulatedExchange.Profile(simulator);
            profileInput.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 2 };
            await new ServerProfilesClient(http).CreateServerProfileAsync(profileInput, Ct);
            var mailboxes = new MailboxesClient(http);
            mailboxIds = [];
            foreach (var address in addresses)
            {
                mailboxIds.Add((await mailboxes.CreateMailboxAsync(TestData.Mailbox(address), Ct)).Id);
            }

            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = mailboxIds }, Ct);
            jobId = (await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct)).Id;

            // Let it get some way in, with tests in flight, then pull the plug.
            var jobs = new JobsClient(http);
            while ((await jobs.GetJobAsync(jobId, Ct)).Counts.Succeeded < 5)
            {
                await Task.Delay(50, Ct);
            }

            first.Kill();
        }

        var doneBeforeCrash = await CompletedItemsAsync(directory, jobId);
        Assert.InRange(doneBeforeCrash, 1, addresses.Count - 1);

        await using (var second = await ApiProcess.StartAsync(directory, settings, Ct))
        {
            using var http = second.CreateClient();
            var finished = await new JobsClient(http).WaitForCompletionAsync(jobId, Poll, cancellationToken: Ct);

            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal(addresses.Count, finished.Counts.Total);
            Assert.Equal(addresses.Count, finished.Counts.Succeeded);

            var results = await new JobsClient(http).ListJobResultsAsync(jobId, pageSize: 1000, cancellationToken: Ct);
            Assert.Equal(addresses.Count, results.Value.Count);
            Assert.Equal(mailboxIds.Order(), results.Value.Select(r => r.MailboxId!.Value).Order());

            // Exactly one final effect per mailbox: one success alert each, even for mailboxes that were being tested at the crash.
            var alerts = await new AlertsClient(http).ListAlertsAsync(severity: AlertSeverity.Information, pageSize: 1000, cancellationToken: Ct);
            Assert.Equal(mailboxIds.Order(), alerts.Value.Where(a => a.Code == "MailboxEnabled").Select(a => a.MailboxId!.Value).Order());
            foreach (var id in mailboxIds)
            {
                Assert.True((await new MailboxesClient(http).GetMailboxAsync(id, Ct)).EnabledForIncomingEmail);
            }
        }

        Assert.Equal(addresses.Count, await CompletedItemsAsync(directory, jobId));
        await TestDatabase.DropAsync(directory);
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task AJobInterruptedByAGracefulShutdownResumesAtOnceOnTheNextStart()
    {
        var addresses = Enumerable.Range(1, 30).Select(i => $"graceful{i:D2}@contoso.local").ToList();
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(addresses, latencyMilliseconds: 50), Ct);
        await using var app = new ExSyncApplication();
        var profileInput = SimulatedExchange.Profile(simulator);
        profileInput.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 2 };
        await app.ServerProfiles().CreateServerProfileAsync(profileInput, Ct);
        var ids = new List<Guid>();
        foreach (var address in addresses)
        {
            ids.Add((await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(address), Ct)).Id);
        }

        await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids }, Ct);
        var jobId = (await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct)).Id;
        while ((await app.Jobs().GetJobAsync(jobId, Ct)).Counts.Succeeded < 3)
        {
            await Task.Delay(20, Ct);
        }

        // The restarted instance shares the files; it starts its host on first use, after the first one stopped.
        await using var restarted = app.Restarted();

        // Stops the host the normal way: items in progress are given back rather than left leased.
        await app.DisposeAsync();

        // Leases last a minute by default: finishing well within that proves the items were released, not taken over.
        var watch = Stopwatch.StartNew();
        var finished = await restarted.Jobs().WaitForCompletionAsync(jobId, Poll, cancellationToken: Ct);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(45), $"The job took {watch.Elapsed} to finish after the restart.");
        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.Equal(addresses.Count, finished.Counts.Succeeded);
        var results = await restarted.Jobs().ListJobResultsAsync(jobId, pageSize: 1000, cancellationToken: Ct);
        Assert.Equal(ids.Order(), results.Value.Select(r => r.MailboxId!.Value).Order());
    }

    [Fact]
    public async Task ATransientFailureIsRetestedOnScheduleAndBecomesPermanentAfterTheLastRetry()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(["flaky@contoso.local"]), Ct);
        simulator.State.AddFault(new ScenarioFault { Mailbox = "flaky@contoso.local", Kind = SimulatedFaultKind.Http503, Times = 0 });
        await using var app = RetryingApplication();
        var (profile, mailbox) = await PrepareAsync(app, simulator, "flaky@contoso.local");
        var start = app.Time.GetUtcNow();

        var first = await RunTestAndEnableAsync(app, mailbox.Id);
        Assert.Equal(1, first.Counts.RetryScheduled);
        var scheduled = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.True(scheduled.TestScheduled);
        Assert.Equal(1, scheduled.TestRetryCount);
        Assert.Equal(start + TimeSpan.FromMinutes(5), scheduled.NextTestAt);
        Assert.Equal(SyncStatus.Failure, scheduled.IncomingEmailStatus);
        var warning = Assert.Single((await app.Mailboxes().ListMailboxAlertsAsync(mailbox.Id, cancellationToken: Ct)).Value);
        Assert.Equal(AlertSeverity.Warning, warning.Severity);
        Assert.Equal("TestRetryScheduled", warning.Code);

        // Not due yet: nothing happens.
        app.Time.Advance(TimeSpan.FromMinutes(4));
        await Task.Delay(300, Ct);
        Assert.Empty((await app.Jobs().ListJobsAsync(kind: JobKind.RetestScheduledMailboxes, cancellationToken: Ct)).Value);

        // Due: the scheduler retests on its own.
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await WaitForRetestJobsAsync(app, 1);
        var retried = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.True(retried.TestScheduled);
        Assert.Equal(2, retried.TestRetryCount);
        Assert.Equal(app.Time.GetUtcNow() + TimeSpan.FromMinutes(5), retried.NextTestAt);

        // The last retry fails too: now it is permanent.
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await WaitForRetestJobsAsync(app, 2);
        var disabled = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.False(disabled.TestScheduled);
        Assert.Null(disabled.NextTestAt);
        Assert.Equal(SyncStatus.Failure, disabled.IncomingEmailStatus);
        Assert.False(disabled.EnabledForIncomingEmail);
        Assert.Contains("after 2 retries", disabled.LastError!.Message);
        var errors = (await app.Mailboxes().ListMailboxAlertsAsync(mailbox.Id, severity: AlertSeverity.Error, cancellationToken: Ct)).Value;
        Assert.Contains(errors, a => a.RecipientRole == AlertRecipientRole.MailboxOwner);
        Assert.Contains(errors, a => a.RecipientRole == AlertRecipientRole.ServerProfileOwner && a.ServerProfileId == profile.Id);

        // Nothing more is scheduled.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await Task.Delay(300, Ct);
        Assert.Equal(2, (await app.Jobs().ListJobsAsync(kind: JobKind.RetestScheduledMailboxes, cancellationToken: Ct)).Value.Count);
    }

    [Fact]
    public async Task AMailboxWhoseTransientFailureClearsIsEnabledByTheScheduledRetest()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(["recovering@contoso.local"]), Ct);
        simulator.State.AddFault(new ScenarioFault { Mailbox = "recovering@contoso.local", Kind = SimulatedFaultKind.MailboxStoreUnavailable, Times = 0 });
        await using var app = RetryingApplication();
        var (_, mailbox) = await PrepareAsync(app, simulator, "recovering@contoso.local");

        Assert.Equal(1, (await RunTestAndEnableAsync(app, mailbox.Id)).Counts.RetryScheduled);

        simulator.State.ClearFaults();
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await WaitForRetestJobsAsync(app, 1);

        var enabled = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.True(enabled.EnabledForIncomingEmail && enabled.EnabledForOutgoingEmail && enabled.EnabledForAct);
        Assert.False(enabled.TestScheduled);
        Assert.Equal(0, enabled.TestRetryCount);
        Assert.Null(enabled.LastError);
    }

    [Fact]
    public async Task CancelStopsPromptlyAndCancelsTheRemainingItems()
    {
        var addresses = Enumerable.Range(1, 30).Select(i => $"slow{i:D2}@contoso.local").ToList();
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(addresses, latencyMilliseconds: 250), Ct);
        await using var app = new ExSyncApplication();
        var profileInput = SimulatedExchange.Profile(simulator);
        profileInput.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 1 };
        await app.ServerProfiles().CreateServerProfileAsync(profileInput, Ct);
        var ids = new List<Guid>();
        foreach (var address in addresses)
        {
            ids.Add((await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(address), Ct)).Id);
        }

        await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids }, Ct);
        var jobId = (await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct)).Id;
        while ((await app.Jobs().GetJobAsync(jobId, Ct)).Counts.Succeeded < 1)
        {
            await Task.Delay(20, Ct);
        }

        // Uncanceled, the job needs about 30 mailboxes × 3 requests × 250 ms ≈ 22 s with one connection.
        var watch = Stopwatch.StartNew();
        await app.Jobs().CancelJobAsync(jobId, Ct);
        var canceled = await app.Jobs().WaitForCompletionAsync(jobId, Poll, cancellationToken: Ct);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"Cancellation took {watch.Elapsed}.");

        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.True(canceled.CancelRequested);
        Assert.True(canceled.Counts.Canceled >= addresses.Count / 2, $"Only {canceled.Counts.Canceled} items were canceled.");
        Assert.Equal(addresses.Count, canceled.Counts.Succeeded + canceled.Counts.Canceled);

        var results = await app.Jobs().ListJobResultsAsync(jobId, pageSize: 1000, cancellationToken: Ct);
        var untested = results.Value.Where(r => r.Outcome == JobItemOutcome.Canceled).Select(r => r.MailboxId!.Value).ToList();
        Assert.Equal(canceled.Counts.Canceled, untested.Count);
        foreach (var id in untested.Take(5))
        {
            var mailbox = await app.Mailboxes().GetMailboxAsync(id, Ct);
            Assert.Equal(SyncStatus.NotRun, mailbox.IncomingEmailStatus);
            Assert.False(mailbox.EnabledForIncomingEmail);
        }

        var conflict = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => app.Jobs().CancelJobAsync(Guid.NewGuid(), Ct));
        Assert.Equal("JobNotFound", conflict.Result.Code);
    }

    /// <summary>An application where transient failures are not retried within the call (the EWS client shares the fake clock) and two retests are allowed.</summary>
    private static ExSyncApplication RetryingApplication()
    {
        var app = new ExSyncApplication();
        app.Settings["Exchange:MaxRetryAttempts"] = "0";
        app.Settings["Jobs:MaxRetries"] = "2";
        return app;
    }

    private static async Task<(ServerProfile Profile, Mailbox Mailbox)> PrepareAsync(ExSyncApplication app, ExchangeSimulatorHost simulator, string address)
    {
        var profile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var mailbox = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(address), Ct);
        await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);
        return (profile, mailbox);
    }

    private static async Task<Job> RunTestAndEnableAsync(ExSyncApplication app, Guid mailboxId)
    {
        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailboxId] }, cancellationToken: Ct);
        return await app.Jobs().WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);
    }

    private static async Task WaitForRetestJobsAsync(ExSyncApplication app, int count)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(30))
        {
            var retests = (await app.Jobs().ListJobsAsync(kind: JobKind.RetestScheduledMailboxes, cancellationToken: Ct)).Value;
            if (retests.Count >= count && retests.All(j => j.Status == JobStatus.Succeeded))
            {
                Assert.Equal(count, retests.Count);
                Assert.All(retests, j => Assert.Equal("system", j.CreatedBy));
                return;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"The scheduler did not run retest number {count}.");
    }

    private static async Task<long> CompletedItemsAsync(string directory, Guid jobId)
    {
        var database = TestDatabase.ForDirectory(directory);
        return await database.CountAsync("JobItems", $"\"JobId\" = {database.GuidLiteral(jobId)} AND \"State\" = 'Completed'", Ct);
    }
}
