using System.Collections.Concurrent;
using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;
using Microsoft.Extensions.Logging;

namespace ExSync.Api.Tests;

/// <summary>
/// Incoming synchronization by real ExSync processes on one database (SQLite file, or PostgreSQL in that run of the suite): killed the
/// hard way in the middle of a backlog and restarted, and two of them sharing the mailboxes. Every delivered message ends as exactly one
/// activity, whatever happened in between.
/// </summary>
public sealed class IncomingSyncReliabilityTests
{
    private const string Sender = "sender@elsewhere.example";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ABacklogIngestedByAProcessKilledThreeTimesEndsAsExactlyOneActivityPerMessage()
    {
        const int PerMailbox = 100;
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-crash-").FullName;
        var database = TestDatabase.ForDirectory(directory);

        // Pages of 25 (the cycle's budget), so a backlog is many pages and each kill lands between or inside them.
        var settings = new Dictionary<string, string>(database.Settings)
        {
            ["Sync:MaxItemsPerCycle"] = "25",
            ["Instances:HeartbeatInterval"] = "00:00:00.500",
            ["Instances:DeadAfter"] = "00:00:01.500",
        };
        var api = await ApiProcess.StartAsync(directory, settings, Ct);
        try
        {
            var mailboxes = await EnabledMailboxesAsync(api, simulator, 3, "crash");

            // Each mailbox gets its backlog; every tenth message also goes to the next mailbox, which joins its activity.
            var expected = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
            for (var i = 0; i < PerMailbox; i++)
            {
                for (var m = 0; m < mailboxes.Count; m++)
                {
                    var to = i % 10 == 0 ? new[] { mailboxes[m], mailboxes[(m + 1) % mailboxes.Count] } : [mailboxes[m]];
                    var message = IncomingMail.Message(Sender, to.Select(x => x.EmailAddress), $"Backlog {m}-{i}");
                    simulator.DeliverMessage(message);
                    expected[$"<{message.MessageId}>"] = [.. to.Select(x => x.Id)];
                }
            }

            var copies = expected.Values.Sum(v => v.Count);

            // Every EWS call takes 40 ms, so a page (SyncFolderItems, GetItem, commit, UpdateItem) is in flight most of the time.
            simulator.State.LatencyMilliseconds = 40;
            await RunNowAsync(api, mailboxes);
            foreach (var killAt in new[] { 1, copies / 3, 2 * copies / 3 })
            {
                await EventuallyAsync(async () => await TrackedItemsAsync(database) >= killAt, TimeSpan.FromSeconds(60));
                api.Kill();
                api = await ApiProcess.StartAsync(directory, settings, Ct);
                await RunNowAsync(api, mailboxes);
            }

            // Lost messages never arrive: past the deadline, the count below says how many are missing.
            var caughtUp = Stopwatch.StartNew();
            while (caughtUp.Elapsed < TimeSpan.FromSeconds(60)
                   && (await TrackedItemsAsync(database) < copies || await database.CountAsync("ExchangeItemLinks", "\"StampPending\" = TRUE", Ct) > 0))
            {
                await Task.Delay(Poll, Ct);
            }

            await AssertExactlyOnceAsync(database, expected);

            // Every item was marked in Exchange once, whichever process wrote the mark.
            foreach (var mailbox in mailboxes)
            {
                var inbox = simulator.Inbox(mailbox.EmailAddress);
                Assert.Equal(expected.Values.Count(v => v.Contains(mailbox.Id)), inbox.Count);
                Assert.All(inbox, item => Assert.Single(item.Categories, c => c == "Tracked to CRM"));
            }
        }
        finally
        {
            await api.DisposeAsync();
            await TestDatabase.DropAsync(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TwoInstancesNeverSynchronizeTheSameMailboxAtTheSameTime()
    {
        const int MailboxCount = 8;
        const int LatencyMilliseconds = 60;
        var requests = new EwsRequestLog();
        await using var simulator = await ExchangeSimulatorHost.StartAsync(
            SimulatedDeployment.Scenario(), new ExchangeSimulatorHostOptions { ConfigureLogging = logging => logging.AddProvider(requests).SetMinimumLevel(LogLevel.Debug) }, Ct);
        var directory = Directory.CreateTempSubdirectory("exsync-two-").FullName;
        var database = TestDatabase.ForDirectory(directory);
        var settings = new Dictionary<string, string>(database.Settings);
        var instances = new[] { await ApiProcess.StartAsync(directory, settings, Ct), await ApiProcess.StartAsync(directory, settings, Ct) };
        try
        {
            var mailboxes = await EnabledMailboxesAsync(instances[0], simulator, MailboxCount, "two");
            simulator.State.LatencyMilliseconds = LatencyMilliseconds;
            requests.Clear();

            // Waves of mail, each followed by both instances asking for every mailbox to run now: they compete for the same workloads.
            var expected = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
            var owners = new HashSet<string>(StringComparer.Ordinal);
            // Three waves, and more (up to eight) until both instances have been seen holding workloads: leases are sampled, not logged.
            for (var wave = 0; wave < 3 || (owners.Count < 2 && wave < 8); wave++)
            {
                foreach (var mailbox in mailboxes)
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var message = IncomingMail.Message(Sender, [mailbox.EmailAddress], $"Wave {wave} {i}");
                        simulator.DeliverMessage(message);
                        expected[$"<{message.MessageId}>"] = [mailbox.Id];
                    }
                }

                await Task.WhenAll(instances.Select(instance => RunNowAsync(instance, mailboxes)));
                await EventuallyAsync(async () =>
                {
                    foreach (var row in await database.QueryAsync("SELECT DISTINCT \"LeaseOwner\" FROM \"SyncWorkloads\" WHERE \"LeaseOwner\" IS NOT NULL", Ct))
                    {
                        owners.Add((string)row[0]!);
                    }

                    return await TrackedItemsAsync(database) >= expected.Count;
                }, TimeSpan.FromSeconds(60));
            }

            Assert.True(owners.Count == 2, $"Cycles ran on {owners.Count} instance(s); the test needs both to compete.");
            await AssertExactlyOnceAsync(database, expected);

            // Every EWS call of a cycle takes at least the latency, and a cycle makes them one after another: two calls for one mailbox
            // that finished closer together than that were in flight at the same time, so two cycles of the mailbox overlapped.
            var overlaps = requests.Completed
                .Where(r => r.Operation is "SyncFolderItems" or "GetItem" or "UpdateItem" or "GetAttachment")
                .GroupBy(r => r.Mailbox, StringComparer.OrdinalIgnoreCase)
                .SelectMany(g => g.OrderBy(r => r.At).Zip(g.OrderBy(r => r.At).Skip(1)))
                .Where(pair => (pair.Second.At - pair.First.At).TotalMilliseconds < LatencyMilliseconds * 0.8)
                .ToList();
            // At least one cycle (SyncFolderItems, GetItem, UpdateItem) per mailbox and wave; a cycle may take two waves' mail at once.
            Assert.True(requests.Completed.Count >= MailboxCount * 3 * 2, $"Only {requests.Completed.Count} EWS calls were seen.");
            Assert.True(overlaps.Count == 0, "Overlapping calls for one mailbox: " + string.Join("; ", overlaps.Take(5).Select(p => $"{p.First.Mailbox} {p.First.Operation} then {p.Second.Operation} {(p.Second.At - p.First.At).TotalMilliseconds:F0} ms apart")));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }

            await TestDatabase.DropAsync(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Creates mailboxes that track all their mail, enabled by Test &amp; Enable through <paramref name="api"/>.</summary>
    private static async Task<List<Mailbox>> EnabledMailboxesAsync(ApiProcess api, ExchangeSimulatorHost simulator, int count, string prefix)
    {
        using var http = api.CreateClient();
        await new ServerProfilesClient(http).CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var client = new MailboxesClient(http);
        var mailboxes = new List<Mailbox>();
        for (var i = 0; i < count; i++)
        {
            var input = TestData.Mailbox(simulator.AddExchangeMailbox(prefix));
            input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages;
            mailboxes.Add(await client.CreateMailboxAsync(input, Ct));
        }

        var ids = mailboxes.Select(m => m.Id).ToList();
        await client.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids }, Ct);
        var job = await client.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: Ct);
        var finished = await new JobsClient(http).WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);
        Assert.Equal(count, finished.Counts.Succeeded);
        return mailboxes;
    }

    private static async Task RunNowAsync(ApiProcess api, IEnumerable<Mailbox> mailboxes)
    {
        using var http = api.CreateClient();
        var client = new MailboxesClient(http);
        foreach (var mailbox in mailboxes)
        {
            await client.SyncMailboxAsync(mailbox.Id, cancellationToken: Ct);
        }
    }

    private static Task<long> TrackedItemsAsync(TestDatabase database) => database.CountAsync("ExchangeItemLinks", "\"State\" = 'Tracked'", Ct);

    /// <summary>
    /// Each delivered Message-ID is one activity, received by exactly the mailboxes it was delivered to, created once in the change feed;
    /// each Exchange item is linked and reported tracked once.
    /// </summary>
    private static async Task AssertExactlyOnceAsync(TestDatabase database, Dictionary<string, HashSet<Guid>> expected)
    {
        var emails = await database.QueryAsync("SELECT \"Id\", \"InternetMessageId\" FROM \"Emails\"", Ct);
        var byMessageId = emails.GroupBy(row => (string)row[1]!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var duplicates = byMessageId.Where(p => p.Value > 1).Select(p => p.Key).ToList();
        var missing = expected.Keys.Where(id => !byMessageId.ContainsKey(id)).ToList();
        Assert.True(duplicates.Count == 0 && missing.Count == 0 && emails.Count == expected.Count,
            $"{emails.Count} activities for {expected.Count} messages: {duplicates.Count} duplicated, {missing.Count} missing (first missing: {missing.FirstOrDefault()}).");

        var idOf = emails.ToDictionary(row => (string)row[1]!, row => GuidOf(row[0]), StringComparer.Ordinal);
        var receiving = (await database.QueryAsync("SELECT \"EmailId\", \"MailboxId\" FROM \"EmailMailboxes\" WHERE \"Receiving\" = TRUE", Ct))
            .ToLookup(row => GuidOf(row[0]), row => GuidOf(row[1]));
        Assert.All(expected, pair => Assert.Equal(pair.Value.Order(), receiving[idOf[pair.Key]].Order()));

        var copies = expected.Values.Sum(v => v.Count);
        Assert.Equal(copies, await database.CountAsync("ExchangeItemLinks", "\"State\" = 'Tracked'", Ct));
        Assert.Equal(copies, await database.CountAsync("ExchangeItemLinks", "TRUE", Ct));
        var trackedEvents = await database.QueryAsync("SELECT \"ItemId\" FROM \"SyncItemEvents\" WHERE \"Outcome\" = 'Tracked'", Ct);
        Assert.Equal(copies, trackedEvents.Count);
        Assert.Equal(copies, trackedEvents.Select(row => (string)row[0]!).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Count, await database.CountAsync("Changes", "\"ObjectType\" = 'Email' AND \"Operation\" = 'Created'", Ct));
    }

    private static Guid GuidOf(object? value) => value is Guid guid ? guid : Guid.Parse((string)value!);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var elapsed = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(elapsed.Elapsed < timeout, $"The condition did not hold within {timeout}.");
            await Task.Delay(Poll, Ct);
        }
    }

    /// <summary>When the simulator finished answering each EWS call, by operation and mailbox (its Debug line per answered request).</summary>
    private sealed class EwsRequestLog : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Operation, string Mailbox, TimeSpan At)> completed = new();
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public IReadOnlyList<(string Operation, string Mailbox, TimeSpan At)> Completed => [.. completed];

        public void Clear() => completed.Clear();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(EwsRequestLog log) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Debug;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (eventId.Id == 1 && state is IReadOnlyList<KeyValuePair<string, object?>> values)
                {
                    var operation = values.FirstOrDefault(v => v.Key == "Operation").Value as string;
                    var mailbox = values.FirstOrDefault(v => v.Key == "Mailbox").Value as string;
                    if (operation is not null && mailbox is not null)
                    {
                        log.completed.Enqueue((operation, mailbox, log.clock.Elapsed));
                    }
                }
            }
        }
    }
}
