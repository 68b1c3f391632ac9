#if EXSYNC_POSTGRESQL
using System.Diagnostics;
using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Several ExSync processes on one PostgreSQL database, as an operator runs them: they share the work, hold each server profile's
/// connection limit together, take over what a dead one held within seconds, run singleton duties one at a time, split into API and
/// worker roles, and migrate a new database once however many start together. Real processes, killed the hard way.
/// </summary>
public sealed class MultiInstanceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task ThreeInstancesShareALargeJobWithinTheConnectionLimitAndTakeOverAKilledOneWithinTenSeconds()
    {
        const int MailboxCount = 2000;
        const int ConnectionLimit = 8;
        var addresses = Enumerable.Range(1, MailboxCount).Select(i => $"multi{i:D4}@contoso.local").ToList();
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(addresses, latencyMilliseconds: 10), Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-multi-").FullName;
        var database = TestDatabase.ForDirectory(directory);
        // The job alone: the streaming connections of synchronization are held apart from maxConcurrentConnections (each instance has
        // its own limit of hanging connections), and the simulator's peak would count them.
        var instances = await StartAsync(directory, 3, new Dictionary<string, string>(database.Settings) { ["Sync:Enabled"] = "false" });
        try
        {
            using var http = instances[0].CreateClient();
            var profile = SimulatedExchange.Profile(simulator);
            profile.Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = ConnectionLimit };
            await new ServerProfilesClient(http).CreateServerProfileAsync(profile, Ct);
            var mailboxIds = await CreateMailboxesAsync(instances, addresses);
            var mailboxes = new MailboxesClient(http);
            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = mailboxIds }, Ct);
            simulator.Requests.Reset();
            var jobId = (await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct)).Id;

            // Well into the job, kill the instance holding the most items, with tests in flight.
            var monitor = new JobsClient(http);
            await EventuallyAsync(async () => Processed(await monitor.GetJobAsync(jobId, Ct)) >= MailboxCount / 4, TimeSpan.FromMinutes(3));
            var victim = await BusiestAsync(database, instances);
            var victimOwner = await LeaseOwnerOfAsync(database, victim);
            Assert.True(await database.CountAsync("JobItems", $"\"LeaseOwner\" = '{victimOwner}'", Ct) > 0, "The victim held no items when it was killed.");
            victim.Kill();
            var killedAt = Stopwatch.StartNew();
            var jobs = new JobsClient(instances.First(i => i != victim).CreateClient());

            // Its items go back to the others without waiting for their 60-second leases to expire.
            await EventuallyAsync(async () => await database.CountAsync("JobItems", $"\"LeaseOwner\" = '{victimOwner}'", Ct) == 0, TimeSpan.FromSeconds(30));
            var released = killedAt.Elapsed;
            Assert.True(released <= TimeSpan.FromSeconds(10), $"The killed instance's items were released {released.TotalSeconds:F1} s after its death.");

            var finished = await jobs.WaitForCompletionAsync(jobId, Poll, cancellationToken: Ct);
            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal(MailboxCount, finished.Counts.Succeeded);

            // Exactly one result and one alert per mailbox, whoever tested it and however often.
            var results = await AllResultsAsync(jobs, jobId);
            Assert.Equal(mailboxIds.Order(), results.Select(r => r.MailboxId!.Value).Order());
            var enabledAlerts = await database.QueryAsync("SELECT \"MailboxId\" FROM \"Alerts\" WHERE \"Code\" = 'MailboxEnabled'", Ct);
            Assert.Equal(mailboxIds.Order(), enabledAlerts.Select(row => (Guid)row[0]!).Order());
            Assert.Equal(0, await database.CountAsync("Alerts", "\"Code\" = 'MajorFailures'", Ct));

            // The limit held across the three instances, counting every request they made; and it was used.
            Assert.InRange(simulator.Requests.PeakConcurrentRequests, 2, ConnectionLimit);
            Assert.True(simulator.Requests.Total >= 3 * MailboxCount, $"Only {simulator.Requests.Total} EWS requests for {MailboxCount} mailboxes.");
        }
        finally
        {
            await StopAsync(instances, directory);
        }
    }

    [Fact]
    public async Task SingletonDutiesRunOnOneInstanceAndMoveToAnotherWhenItDies()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-singleton-").FullName;
        var database = TestDatabase.ForDirectory(directory);
        var instances = await StartAsync(directory, 2, new Dictionary<string, string>(database.Settings) { ["Jobs:SchedulerInterval"] = "00:00:00.500" });
        try
        {
            // retest-scheduler, retention, sync-reconciler, sync-notifications
            await EventuallyAsync(async () => (await DutyOwnersAsync(database)).Count == 4, TimeSpan.FromSeconds(20));
            var owners = await DutyOwnersAsync(database);
            var live = await database.QueryAsync("SELECT \"Id\" FROM \"Instances\"", Ct);
            Assert.All(owners.Values, owner => Assert.Contains(owner, live.Select(row => (Guid)row[0]!)));

            var holder = await InstanceOfAsync(database, instances, owners["retest-scheduler"]);
            var survivor = instances.Single(i => i != holder);
            holder.Kill();
            var killedAt = Stopwatch.StartNew();

            var survivorId = await InstanceIdAsync(database, survivor);
            await EventuallyAsync(async () => (await DutyOwnersAsync(database)).Values.All(owner => owner == survivorId), TimeSpan.FromSeconds(30));
            Assert.True(killedAt.Elapsed <= TimeSpan.FromSeconds(10), $"The duties moved {killedAt.Elapsed.TotalSeconds:F1} s after their holder died.");
        }
        finally
        {
            await StopAsync(instances, directory);
        }
    }

    [Fact]
    public async Task AnApiInstanceServesAndAWorkerInstanceProcessesTheJobs()
    {
        var addresses = new[] { "roles1@contoso.local", "roles2@contoso.local" };
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(addresses), Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-roles-").FullName;
        var settings = new Dictionary<string, string>(TestDatabase.ForDirectory(directory).Settings);
        var api = await ApiProcess.StartAsync(directory, new Dictionary<string, string>(settings) { ["Roles"] = "Api" }, Ct);
        ApiProcess? worker = null;
        try
        {
            using var http = api.CreateClient();
            await new ServerProfilesClient(http).CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
            var mailboxes = new MailboxesClient(http);
            var ids = new List<Guid>();
            foreach (var address in addresses)
            {
                ids.Add((await mailboxes.CreateMailboxAsync(TestData.Mailbox(address), Ct)).Id);
            }

            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids }, Ct);
            var jobId = (await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct)).Id;

            // The API instance accepts the job but runs nothing in the background.
            await Task.Delay(TimeSpan.FromSeconds(3), Ct);
            var jobs = new JobsClient(http);
            Assert.Equal(JobStatus.NotStarted, (await jobs.GetJobAsync(jobId, Ct)).Status);
            Assert.Equal(0, simulator.Requests.Total);

            // A worker instance serves health probes only, and runs the job.
            worker = await ApiProcess.StartAsync(directory, new Dictionary<string, string>(settings) { ["Roles"] = "Worker" }, Ct);
            using var workerHttp = worker.CreateClient();
            Assert.Equal(HttpStatusCode.NotFound, (await workerHttp.GetAsync("api/v1/server-profiles", Ct)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await workerHttp.GetAsync("health/ready", Ct)).StatusCode);
            var finished = await jobs.WaitForCompletionAsync(jobId, Poll, cancellationToken: Ct);
            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal(2, finished.Counts.Succeeded);
        }
        finally
        {
            await StopAsync(worker is null ? [api] : [api, worker], directory);
        }
    }

    [Fact]
    public async Task InstancesStartingTogetherOnANewDatabaseMigrateItOnce()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-new-database-").FullName;
        var database = TestDatabase.EmptyForDirectory(directory);
        var instances = await StartAsync(directory, 3, new Dictionary<string, string>(database.Settings));
        try
        {
            var migrations = await database.QueryAsync("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\"", Ct);
            Assert.NotEmpty(migrations);
            Assert.Equal(migrations.Count, migrations.Select(row => (string)row[0]!).Distinct().Count());
            Assert.Equal(1, await database.CountAsync("OrganizationEmailSettings", "TRUE", Ct));

            // One key ring for all of them: a secret one instance stores, another decrypts (its connection test reaches Exchange's
            // authentication step with the password, and fails there only because nothing listens at the address).
            Assert.Equal(1, await database.CountAsync("DataProtectionKeys", "TRUE", Ct));
            foreach (var instance in instances)
            {
                using var http = instance.CreateClient();
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("api/v1/organization/email-settings", Ct)).StatusCode);
            }

            using var first = instances[0].CreateClient();
            var profileId = (await new ServerProfilesClient(first).CreateServerProfileAsync(TestData.Profile(), Ct)).Id;
            using var second = instances[1].CreateClient();
            var job = await new ServerProfilesClient(second).TestServerProfileConnectionAsync(profileId, new TestConnectionInput { EmailAddress = "someone@contoso.com" }, cancellationToken: Ct);
            var finished = await new JobsClient(second).WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);
            var result = Assert.Single((await new JobsClient(second).ListJobResultsAsync(finished.Id, cancellationToken: Ct)).Value);
            Assert.NotEqual("InternalError", result.Error?.Code);
        }
        finally
        {
            await StopAsync(instances, directory);
        }
    }

    private static async Task<List<ApiProcess>> StartAsync(string directory, int count, Dictionary<string, string> settings) =>
        [.. await Task.WhenAll(Enumerable.Range(0, count).Select(_ => ApiProcess.StartAsync(directory, settings, Ct)))];

    private static async Task StopAsync(IEnumerable<ApiProcess> instances, string directory)
    {
        foreach (var instance in instances)
        {
            await instance.DisposeAsync();
        }

        await TestDatabase.DropAsync(directory);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>Creates the mailboxes through every instance's API at once.</summary>
    private static async Task<List<Guid>> CreateMailboxesAsync(IReadOnlyList<ApiProcess> instances, IReadOnlyList<string> addresses)
    {
        var clients = instances.Select(i => new MailboxesClient(i.CreateClient())).ToList();
        var ids = new Guid[addresses.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, addresses.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Ct },
            async (i, cancellationToken) => ids[i] = (await clients[i % clients.Count].CreateMailboxAsync(TestData.Mailbox(addresses[i]), cancellationToken)).Id);
        return [.. ids];
    }

    private static async Task<List<JobResult>> AllResultsAsync(JobsClient jobs, Guid jobId)
    {
        var all = new List<JobResult>();
        string? continuation = null;
        do
        {
            var page = await jobs.ListJobResultsAsync(jobId, pageSize: 1000, continuationToken: continuation, cancellationToken: Ct);
            all.AddRange(page.Value);
            continuation = JobTesting.ContinuationToken(page.NextLink);
        }
        while (continuation is not null);

        return all;
    }

    private static int Processed(Job job) => job.Counts.Succeeded + job.Counts.Failed + job.Counts.RetryScheduled + job.Counts.Skipped + job.Counts.Canceled;

    /// <summary>The instance that holds the most job items now.</summary>
    private static async Task<ApiProcess> BusiestAsync(TestDatabase database, IReadOnlyList<ApiProcess> instances)
    {
        var rows = await database.QueryAsync(
            "SELECT \"LeaseOwner\", COUNT(*) FROM \"JobItems\" WHERE \"State\" = 'Leased' GROUP BY \"LeaseOwner\" ORDER BY COUNT(*) DESC", Ct);
        foreach (var row in rows)
        {
            if (instances.FirstOrDefault(i => LeaseOwnerOfAsync(database, i).GetAwaiter().GetResult() == (string)row[0]!) is { } busiest)
            {
                return busiest;
            }
        }

        return instances[1];
    }

    private static async Task<string> LeaseOwnerOfAsync(TestDatabase database, ApiProcess instance) => (await InstanceIdAsync(database, instance)).ToString("N");

    private static async Task<Guid> InstanceIdAsync(TestDatabase database, ApiProcess instance)
    {
        var rows = await database.QueryAsync($"SELECT \"Id\" FROM \"Instances\" WHERE \"Name\" LIKE '%/{instance.ProcessId}'", Ct);
        return (Guid)Assert.Single(rows)[0]!;
    }

    private static async Task<ApiProcess> InstanceOfAsync(TestDatabase database, IReadOnlyList<ApiProcess> instances, Guid instanceId)
    {
        foreach (var instance in instances)
        {
            if (await InstanceIdAsync(database, instance) == instanceId)
            {
                return instance;
            }
        }

        throw new InvalidOperationException($"No running instance has id {instanceId}.");
    }

    private static async Task<Dictionary<string, Guid>> DutyOwnersAsync(TestDatabase database) =>
        (await database.QueryAsync("SELECT \"Name\", \"OwnerId\" FROM \"SingletonLeases\"", Ct)).ToDictionary(row => (string)row[0]!, row => (Guid)row[1]!);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            if (elapsed.Elapsed > timeout)
            {
                Assert.Fail($"The condition did not hold within {timeout}.");
            }

            await Task.Delay(Poll, Ct);
        }
    }
}
#endif
