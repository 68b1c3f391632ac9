using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// The long-running-operation contract of jobs (style guide, Azure LRO): 202 with Operation-Location and Retry-After, the status
/// monitor, paged results, cancellation, idempotent creation, bulk validation, and the per-profile connection limit.
/// </summary>
public sealed class JobContractTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    private ExchangeSimulatorHost Simulator => deployment.Simulator;

    public static TheoryData<string> JobStartingRoutes => ["test-and-enable", "apply-default-settings", "test-and-enable-mailboxes", "test-connection"];

    [Theory]
    [MemberData(nameof(JobStartingRoutes))]
    public async Task StartingAJobAnswers202WithTheMonitorsAbsoluteUrlAndRetryAfter(string route)
    {
        var http = App.CreateClient();
        var address = Simulator.AddExchangeMailbox("accepted");
        var mailbox = await App.CreateMailboxAsync(address);
        var (url, body) = route switch
        {
            "test-and-enable" => ("/api/v1/mailboxes/test-and-enable", $$"""{"mailboxIds":["{{mailbox.Id}}"]}"""),
            "apply-default-settings" => ("/api/v1/mailboxes/apply-default-settings", $$"""{"mailboxIds":["{{mailbox.Id}}"]}"""),
            "test-and-enable-mailboxes" => ($"/api/v1/server-profiles/{await NewProfileWithMailboxAsync()}/test-and-enable-mailboxes", null),
            _ => ($"/api/v1/server-profiles/{deployment.DefaultProfile.Id}/test-connection", $$"""{"emailAddress":"{{address}}"}"""),
        };

        var accepted = await http.SendJsonAsync(HttpMethod.Post, url, body);

        Assert.True(accepted.Status == HttpStatusCode.Accepted, accepted.Body);
        var jobId = accepted.JobId;
        Assert.Equal(new Uri(http.BaseAddress!, $"/api/v1/jobs/{jobId}").ToString(), accepted.OperationLocation);
        Assert.True(Uri.IsWellFormedUriString(accepted.OperationLocation, UriKind.Absolute));
        Assert.NotNull(accepted.RetryAfter?.Delta);
        Assert.True(accepted.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));

        // The header leads to the monitor, which says Retry-After only until the job has finished.
        await App.Jobs().WaitForCompletionAsync(jobId, JobTesting.Poll, cancellationToken: Ct);
        var monitor = await http.GetJsonAsync(accepted.OperationLocation!);
        Assert.Equal(HttpStatusCode.OK, monitor.Status);
        Assert.Equal(jobId, monitor.JobId);
        Assert.Equal("Succeeded", monitor.JobStatus);
        Assert.Null(monitor.RetryAfter);
    }

    [Fact]
    public async Task TheMonitorOfAnUnfinishedJobCarriesRetryAfter()
    {
        var http = App.CreateClient();
        var address = Simulator.AddExchangeMailbox("hangs");
        Simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = address, Kind = SimulatedFaultKind.Hang });
        var mailbox = await App.CreateMailboxAsync(address);
        var job = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct);
        await Eventually(() => Simulator.Requests.CountForMailbox(address) > 0);

        var running = await http.GetJsonAsync($"/api/v1/jobs/{job.Id}");

        Assert.Equal("Running", running.JobStatus);
        Assert.NotNull(running.RetryAfter?.Delta);
        Assert.True(running.RetryAfter!.Delta >= TimeSpan.FromSeconds(1));

        await App.Jobs().CancelJobAsync(job.Id, Ct);
        var canceled = await App.WaitAsync(job);
        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Null((await http.GetJsonAsync($"/api/v1/jobs/{job.Id}")).RetryAfter);
    }

    [Fact]
    public async Task TheStatusMonitorDescribesTheJobAndItsProgress()
    {
        var (ids, _) = await FourKindsOfMailboxAsync();
        var before = App.Time.GetUtcNow();

        var accepted = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct);

        Assert.Equal(JobStatus.NotStarted, accepted.Status);
        Assert.Equal(JobKind.TestAndEnableMailboxes, accepted.Kind);
        Assert.Equal(0, accepted.PercentComplete);
        Assert.Equal(4, accepted.Counts.Total);
        Assert.Null(accepted.StartedAt);
        Assert.Null(accepted.CompletedAt);

        var job = await App.WaitAsync(accepted);

        Assert.Equal(accepted.Id, job.Id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(JobKind.TestAndEnableMailboxes, job.Kind);
        Assert.Equal(100, job.PercentComplete);
        Assert.Equal((4, 1, 1, 2, 0, 0), (job.Counts.Total, job.Counts.Succeeded, job.Counts.Failed, job.Counts.Skipped, job.Counts.RetryScheduled, job.Counts.Canceled));
        Assert.Equal(ExSyncApplication.AdministratorId, job.CreatedBy);

        // Times come from the application's clock (a fake one here, which nobody advanced).
        Assert.Equal(before, job.CreatedAt);
        Assert.Equal(before, job.StartedAt);
        Assert.Equal(before, job.CompletedAt);
        Assert.False(job.CancelRequested);
        Assert.Null(job.Error);
        Assert.Equal(new Uri(App.CreateClient().BaseAddress!, $"/api/v1/jobs/{job.Id}/results").ToString(), job.ResultsLink);

        var listed = await App.Jobs().ListJobsAsync(JobStatus.Succeeded, JobKind.TestAndEnableMailboxes, pageSize: 1000, cancellationToken: Ct);
        Assert.Contains(listed.Value, j => j.Id == job.Id);
        var running = await App.Jobs().ListJobsAsync(JobStatus.Running, pageSize: 1000, cancellationToken: Ct);
        Assert.DoesNotContain(running.Value, j => j.Id == job.Id);
    }

    [Fact]
    public async Task ResultsComeOnePerMailboxInRequestOrderAcrossPagesAndCanBeFilteredByOutcome()
    {
        var (ids, unknown) = await FourKindsOfMailboxAsync();
        var job = await App.TestAndEnableAsync(ids);

        var first = await App.Jobs().ListJobResultsAsync(job.Id, pageSize: 1, cancellationToken: Ct);
        Assert.Single(first.Value);
        Assert.NotNull(first.NextLink);
        var all = await App.AllResultsAsync(job.Id, pageSize: 1);

        Assert.Equal(ids, all.Select(r => r.MailboxId!.Value));
        Assert.Equal(all.Select(r => r.ItemId).Order(), all.Select(r => r.ItemId));
        Assert.Equal(
            [JobItemOutcome.Succeeded, JobItemOutcome.Failed, JobItemOutcome.Skipped, JobItemOutcome.Skipped],
            all.Select(r => r.Outcome));
        var missing = all.Single(r => r.MailboxId == unknown);
        Assert.Equal("UnknownMailbox", missing.Error!.Code);
        Assert.Empty(missing.Steps);

        // The filter survives paging: nextLink keeps it.
        var skipped = await App.AllResultsAsync(job.Id, JobItemOutcome.Skipped, pageSize: 1);
        Assert.Equal([ids[2], ids[3]], skipped.Select(r => r.MailboxId!.Value));
        Assert.Equal(["NothingToTest", "UnknownMailbox"], skipped.Select(r => r.Error!.Code));
        Assert.Empty(await App.AllResultsAsync(job.Id, JobItemOutcome.Canceled));
    }

    [Fact]
    public async Task AnUnknownJobIsNotFound()
    {
        var http = App.CreateClient();
        var id = Guid.NewGuid();

        foreach (var (method, url) in new[] { (HttpMethod.Get, $"/api/v1/jobs/{id}"), (HttpMethod.Get, $"/api/v1/jobs/{id}/results"), (HttpMethod.Post, $"/api/v1/jobs/{id}/cancel") })
        {
            var response = await http.SendJsonAsync(method, url);
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{method} {url}: {response.Body}");
            Assert.Equal("JobNotFound", response.Code);
        }

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => App.Jobs().WaitForCompletionAsync(id, JobTesting.Poll, cancellationToken: Ct));
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("JobNotFound", error.Result.Code);
    }

    [Fact]
    public async Task AFinishedJobCannotBeCanceled()
    {
        var mailbox = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("finished"));
        var job = await App.TestAndEnableAsync(mailbox.Id);

        var response = await App.CreateClient().SendJsonAsync(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("JobAlreadyFinished", response.Code);
        var after = await App.Jobs().GetJobAsync(job.Id, Ct);
        Assert.Equal(JobStatus.Succeeded, after.Status);
        Assert.False(after.CancelRequested);
    }

    [Fact]
    public async Task CancelingARunningJobCancelsTheRemainingItemsAndKeepsTheTestedOnes()
    {
        var http = App.CreateClient();
        var first = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("tested"));
        var hangingAddress = Simulator.AddExchangeMailbox("hanging");
        Simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = hangingAddress, Kind = SimulatedFaultKind.Hang });
        var hanging = await App.CreateMailboxAsync(hangingAddress);
        var last = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("tested"));
        var job = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [first.Id, hanging.Id, last.Id] }, cancellationToken: Ct);
        await Eventually(async () => (await App.AllResultsAsync(job.Id)).Count == 2 && Simulator.Requests.CountForMailbox(hangingAddress) > 0);

        var cancel = await http.SendJsonAsync(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel");

        Assert.True(cancel.Status == HttpStatusCode.Accepted, cancel.Body);
        Assert.True(cancel.Json!["cancelRequested"]!.GetValue<bool>());
        Assert.Equal(new Uri(http.BaseAddress!, $"/api/v1/jobs/{job.Id}").ToString(), cancel.OperationLocation);
        var canceled = await App.WaitAsync(job);
        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Equal((3, 2, 1), (canceled.Counts.Total, canceled.Counts.Succeeded, canceled.Counts.Canceled));
        Assert.NotNull(canceled.CompletedAt);

        var results = await App.AllResultsAsync(job.Id);
        Assert.Equal([JobItemOutcome.Succeeded, JobItemOutcome.Canceled, JobItemOutcome.Succeeded], results.Select(r => r.Outcome));
        Assert.Equal("Canceled", results[1].Error!.Code);
        Assert.True((await App.Mailboxes().GetMailboxAsync(first.Id, Ct)).EnabledForIncomingEmail);
        Assert.True((await App.Mailboxes().GetMailboxAsync(last.Id, Ct)).EnabledForIncomingEmail);
        var untouched = await App.Mailboxes().GetMailboxAsync(hanging.Id, Ct);
        Assert.Equal(hanging.Etag, untouched.Etag);
        Assert.Equal(SyncStatus.NotRun, untouched.IncomingEmailStatus);
        Assert.Empty(await App.AlertsOfAsync(hanging.Id));

        // Canceling again changes nothing and says so with 200.
        var again = await http.SendJsonAsync(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel");
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("Canceled", again.JobStatus);
    }

    [Fact]
    public async Task CancelingAJobThatHasNotStartedCancelsEveryItemWithoutContactingExchange()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);

        // One job at a time, and the first one hangs: the second stays NotStarted.
        app.Settings["Jobs:MaxConcurrentJobs"] = "1";
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var hangingAddress = simulator.AddExchangeMailbox("hanging");
        simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = hangingAddress, Kind = SimulatedFaultKind.Hang });
        var blocker = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [(await app.CreateMailboxAsync(hangingAddress)).Id] }, cancellationToken: Ct);
        await Eventually(() => simulator.Requests.CountForMailbox(hangingAddress) > 0);
        var waitingAddresses = new[] { simulator.AddExchangeMailbox("waiting"), simulator.AddExchangeMailbox("waiting") };
        var waiting = new List<Mailbox>();
        foreach (var address in waitingAddresses)
        {
            waiting.Add(await app.CreateMailboxAsync(address));
        }

        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [.. waiting.Select(m => m.Id)] }, cancellationToken: Ct);
        Assert.Equal(JobStatus.NotStarted, (await app.Jobs().GetJobAsync(job.Id, Ct)).Status);

        var cancel = await app.CreateClient().SendJsonAsync(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel");

        Assert.True(cancel.Status == HttpStatusCode.Accepted, cancel.Body);
        Assert.Equal("Canceled", cancel.JobStatus);
        var canceled = await app.Jobs().GetJobAsync(job.Id, Ct);
        Assert.Equal(JobStatus.Canceled, canceled.Status);
        Assert.Equal((2, 2, 100), (canceled.Counts.Total, canceled.Counts.Canceled, canceled.PercentComplete));
        var results = await app.AllResultsAsync(job.Id);
        Assert.Equal(waiting.Select(m => m.Id), results.Select(r => r.MailboxId!.Value));
        Assert.All(results, r => Assert.Equal(JobItemOutcome.Canceled, r.Outcome));
        Assert.All(waitingAddresses, a => Assert.Equal(0, simulator.Requests.CountForMailbox(a)));

        await app.Jobs().CancelJobAsync(blocker.Id, Ct);
        Assert.Equal(JobStatus.Canceled, (await app.WaitAsync(blocker)).Status);
    }

    [Fact]
    public async Task AConnectionTestWhoseProfileWasDeletedBeforeItRanFailsAsAWholeWithTheReason()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);

        // One job at a time, and the first one hangs: the connection test stays NotStarted while its profile is deleted.
        app.Settings["Jobs:MaxConcurrentJobs"] = "1";
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var hangingAddress = simulator.AddExchangeMailbox("hanging");
        simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = hangingAddress, Kind = SimulatedFaultKind.Hang });
        var blocker = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [(await app.CreateMailboxAsync(hangingAddress)).Id] }, cancellationToken: Ct);
        await Eventually(() => simulator.Requests.CountForMailbox(hangingAddress) > 0);

        var doomed = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator, setAsDefault: false), Ct);
        var address = simulator.AddExchangeMailbox("untested");
        var job = await app.ServerProfiles().TestServerProfileConnectionAsync(doomed.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct);
        Assert.Equal(JobStatus.NotStarted, (await app.Jobs().GetJobAsync(job.Id, Ct)).Status);
        await app.ServerProfiles().DeleteServerProfileAsync(doomed.Id, cancellationToken: Ct);
        await app.Jobs().CancelJobAsync(blocker.Id, Ct);

        var failed = await app.WaitAsync(job);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal("ServerProfileNotFound", failed.Error!.Code);
        Assert.Contains(doomed.Id.ToString(), failed.Error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal((1, 1, 100), (failed.Counts.Total, failed.Counts.Canceled, failed.PercentComplete));
        var result = Assert.Single(await app.AllResultsAsync(job.Id));
        Assert.Equal((JobItemOutcome.Canceled, "Canceled"), (result.Outcome, result.Error!.Code));
        Assert.Equal(0, simulator.Requests.CountForMailbox(address));

        // A failed job is finished: there is nothing left to cancel.
        var cancel = await app.CreateClient().SendJsonAsync(HttpMethod.Post, $"/api/v1/jobs/{job.Id}/cancel");
        Assert.Equal(HttpStatusCode.Conflict, cancel.Status);
    }

    [Fact]
    public async Task StoppingTheHostDoesNotWaitForAnExchangeCallThatHangs()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var address = simulator.AddExchangeMailbox("hanging");
        simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = address, Kind = SimulatedFaultKind.Hang });
        await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [(await app.CreateMailboxAsync(address)).Id] }, cancellationToken: Ct);
        await Eventually(() => simulator.Requests.CountForMailbox(address) > 0);

        // The EWS client times out on the application's clock, which is fake here: only canceling the call lets the host stop.
        var stopping = app.DisposeAsync().AsTask();
        var stopped = await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(20), Ct)) == stopping;

        Assert.True(stopped, "The host did not stop within 20 s while an Exchange call hung.");
        await stopping;
        var errors = app.Logs.Where(line => line.StartsWith("Error ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors.Concat(app.Logs.Where(line => line.StartsWith("Warning ", StringComparison.Ordinal)))));
    }

    [Fact]
    public async Task TheSameRepeatabilityRequestIdAndBodyReturnTheSameJob()
    {
        var http = App.CreateClient();
        var mailbox = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("repeat"));
        var other = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("repeat"));
        var requestId = Guid.NewGuid().ToString();
        var body = $$"""{"mailboxIds":["{{mailbox.Id}}"]}""";

        var first = await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/test-and-enable", body, requestId);
        await App.Jobs().WaitForCompletionAsync(first.JobId, JobTesting.Poll, cancellationToken: Ct);
        var retry = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, requestId, Ct);

        Assert.Equal(HttpStatusCode.Accepted, first.Status);
        Assert.Equal(first.JobId, retry.Id);
        Assert.Equal(JobStatus.Succeeded, retry.Status);
        Assert.Equal(1, Simulator.Requests.Count("GetFolder", mailbox.EmailAddress));

        // Without the header, the same body is a new job.
        var fresh = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct);
        Assert.NotEqual(first.JobId, fresh.Id);
        await App.WaitAsync(fresh);

        // The same id for a different request is refused, on the same route and on another.
        var different = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [other.Id] }, requestId, Ct));
        Assert.Equal(409, different.StatusCode);
        Assert.Equal("RepeatabilityRequestIdReused", different.Result.Code);
        var elsewhere = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => App.ServerProfiles().TestServerProfileConnectionAsync(deployment.DefaultProfile.Id, new TestConnectionInput { EmailAddress = mailbox.EmailAddress }, requestId, Ct));
        Assert.Equal("RepeatabilityRequestIdReused", elsewhere.Result.Code);
        Assert.Equal(0, Simulator.Requests.CountForMailbox(other.EmailAddress));

        // Keys belong to their caller: another administrator's request with the same key is a request of its own.
        var colleague = new MailboxesClient(App.CreateClient("another-admin", TestTokens.AllPrivileges));
        var theirs = await colleague.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [other.Id] }, requestId, Ct);
        Assert.NotEqual(first.JobId, theirs.Id);
        Assert.Equal("another-admin", theirs.CreatedBy);
        Assert.Equal(JobItemOutcome.Succeeded, (await App.ResultOfAsync((await App.WaitAsync(theirs)).Id, other.Id)).Outcome);
    }

    public static TheoryData<string> BulkRoutes => ["test-and-enable", "approve-email", "reject-email", "apply-default-settings"];

    [Theory]
    [MemberData(nameof(BulkRoutes))]
    public async Task BulkRequestsNeedOneToTenThousandDistinctMailboxIds(string route)
    {
        var http = App.CreateClient();
        var url = $"/api/v1/mailboxes/{route}";
        var id = Guid.NewGuid();
        var tooMany = JsonSerializer.Serialize(new { mailboxIds = Enumerable.Range(0, 10_001).Select(_ => Guid.NewGuid()) });
        var jobsBefore = await CountJobsAsync();

        foreach (var (body, code) in new[]
                 {
                     ("""{"mailboxIds":[]}""", "Required"),
                     ("{}", "Required"),
                     ($$"""{"mailboxIds":["{{id}}","{{Guid.NewGuid()}}","{{id}}"]}""", "Duplicate"),
                     (tooMany, "TooMany"),
                 })
        {
            var response = await http.SendAsync(HttpMethod.Post, url, body);
            response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
            Assert.Equal([(code, "mailboxIds")], response.Details);
        }

        Assert.Equal(jobsBefore, await CountJobsAsync());

        // Exactly 10,000 is allowed (not tried on test-and-enable, where it would start a 10,000-item job).
        if (route != "test-and-enable")
        {
            var limit = JsonSerializer.Serialize(new { mailboxIds = Enumerable.Range(0, 10_000).Select(_ => Guid.NewGuid()) });
            var accepted = await http.SendAsync(HttpMethod.Post, url, limit);
            Assert.True(accepted.Status == HttpStatusCode.OK, accepted.Body);
            Assert.Equal(10_000, accepted.Json!["notFound"]!.GetValue<int>());
        }

        Assert.Equal(jobsBefore, await CountJobsAsync());
    }

    [Fact]
    public async Task AJobCannotBeFasterThanItsProfilesConnectionLimitAllows()
    {
        const int Mailboxes = 16;
        const int LatencyMilliseconds = 150;
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(LatencyMilliseconds), Ct);

        var (narrowElapsed, narrowRequests) = await TimeIncomingOnlyJobAsync(simulator, maxConcurrentConnections: 2, Mailboxes);
        var wideElapsed = (await TimeIncomingOnlyJobAsync(simulator, maxConcurrentConnections: 100, Mailboxes)).Elapsed;

        // One GetFolder per incoming-only mailbox; with two connections at a time the requests take at least this long. A lower
        // bound cannot fail because the machine is slow; the 5% margin covers timer granularity. (The exact limit is checked by
        // the test above, which sees the connections themselves.)
        Assert.Equal(Mailboxes, narrowRequests);
        var bound = TimeSpan.FromMilliseconds(narrowRequests * LatencyMilliseconds / 2.0);
        Assert.True(narrowElapsed >= bound * 0.95, $"{narrowElapsed.TotalMilliseconds} ms < {bound.TotalMilliseconds} ms: more than 2 connections were open at once");

        // With room for every mailbox at once the same job beats that bound (generously: one round trip would do).
        Assert.True(wideElapsed < bound, $"{wideElapsed.TotalMilliseconds} ms with 100 connections, bound for 2 is {bound.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task NoMoreThanTheProfilesConnectionLimitAreOpenAtOnceAndOtherProfilesAreNotHeldUp()
    {
        // Every request hangs, so the mailboxes being tested are exactly those Exchange has heard from.
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        simulator.State.AddFault(new ScenarioFault { Operation = "*", Kind = SimulatedFaultKind.Hang });
        var (narrow, narrowAddresses) = await HangingJobAsync(simulator, maxConcurrentConnections: 2, mailboxes: 5);
        await Eventually(() => Contacted(simulator, narrowAddresses) == 2);

        // Another profile has connections of its own.
        var (other, otherAddresses) = await HangingJobAsync(simulator, maxConcurrentConnections: 2, mailboxes: 2);
        await Eventually(() => Contacted(simulator, otherAddresses) == 2);

        // A third connection of the first profile would have been opened by now.
        await Task.Delay(500, Ct);
        Assert.Equal(2, Contacted(simulator, narrowAddresses));

        foreach (var job in new[] { narrow, other })
        {
            await App.Jobs().CancelJobAsync(job.Id, Ct);
            Assert.Equal(JobStatus.Canceled, (await App.WaitAsync(job)).Status);
        }

        Assert.Equal(2, Contacted(simulator, narrowAddresses));
    }

    private async Task<(Job Job, string[] Addresses)> HangingJobAsync(ExchangeSimulatorHost simulator, int maxConcurrentConnections, int mailboxes)
    {
        var input = JobTesting.Profile(simulator);
        input.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = maxConcurrentConnections };
        var profile = await App.ServerProfiles().CreateServerProfileAsync(input, Ct);
        var addresses = Enumerable.Range(0, mailboxes).Select(_ => simulator.AddExchangeMailbox("limited")).ToArray();
        var ids = new List<Guid>();
        foreach (var address in addresses)
        {
            ids.Add((await App.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id)).Id);
        }

        return (await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct), addresses);
    }

    private static int Contacted(ExchangeSimulatorHost simulator, IEnumerable<string> addresses) =>
        addresses.Count(a => simulator.Requests.CountForMailbox(a) > 0);

    private async Task<(TimeSpan Elapsed, long Requests)> TimeIncomingOnlyJobAsync(ExchangeSimulatorHost simulator, int maxConcurrentConnections, int count)
    {
        var input = JobTesting.Profile(simulator);
        input.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = maxConcurrentConnections };
        var profile = await App.ServerProfiles().CreateServerProfileAsync(input, Ct);
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var mailbox = await App.CreateMailboxAsync(simulator.AddExchangeMailbox("timed"), m =>
            {
                m.ServerProfileId = profile.Id;
                m.Directions(IncomingEmailDeliveryMethod.ServerSideSynchronization, DeliveryMethod.None, DeliveryMethod.None);
            });
            ids.Add(mailbox.Id);
        }

        var requestsBefore = simulator.Requests.Total;
        var stopwatch = Stopwatch.StartNew();
        var job = await App.TestAndEnableAsync([.. ids]);
        stopwatch.Stop();
        Assert.Equal(count, job.Counts.Succeeded);
        return (stopwatch.Elapsed, simulator.Requests.Total - requestsBefore);
    }

    /// <summary>A profile (not the default) with one mailbox.</summary>
    private async Task<Guid> NewProfileWithMailboxAsync()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("of-profile"), m => m.ServerProfileId = profile.Id);
        return profile.Id;
    }

    /// <summary>Ids that end Succeeded, Failed (no such mailbox in Exchange), Skipped (nothing to test) and Skipped (unknown id), in that order.</summary>
    private async Task<(Guid[] Ids, Guid Unknown)> FourKindsOfMailboxAsync()
    {
        var succeeds = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("ok"));
        var fails = await App.CreateMailboxAsync(JobTesting.UniqueAddress("missing"));
        var skipped = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("none"), m => m.Directions(IncomingEmailDeliveryMethod.None, DeliveryMethod.None, DeliveryMethod.None));
        var unknown = Guid.NewGuid();
        return ([succeeds.Id, fails.Id, skipped.Id, unknown], unknown);
    }

    private async Task<int> CountJobsAsync()
    {
        var count = 0;
        string? token = null;
        do
        {
            var page = await App.Jobs().ListJobsAsync(pageSize: 1000, continuationToken: token, cancellationToken: Ct);
            count += page.Value.Count;
            token = JobTesting.ContinuationToken(page.NextLink);
        }
        while (token is not null);

        return count;
    }

    private static Task Eventually(Func<bool> condition) => Eventually(() => Task.FromResult(condition()));

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "The condition did not become true within 30 s.");
            await Task.Delay(10, Ct);
        }
    }
}
