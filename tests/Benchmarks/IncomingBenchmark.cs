using System.Diagnostics;
using System.Globalization;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;
using MimeKit;

namespace ExSync.Benchmarks;

/// <summary>
/// Incoming email synchronization against the simulator (issue 10's targets): a backlog of 100 mailboxes × 100 messages, then
/// <c>--mailboxes</c> idle mailboxes polled on a short idle interval, and the latency from delivery to the change feed while they idle.
/// Each part tests and enables its mailboxes in an ExSync process with synchronization off, then measures a fresh process with it on,
/// so the figures are synchronization's own.
/// </summary>
internal static class IncomingBenchmark
{
    private const int BacklogMailboxes = 100;
    private const int MessagesPerMailbox = 100;
    private const int LatencySamples = 50;
    private static readonly TimeSpan IdleInterval = TimeSpan.FromSeconds(30);

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"ExSync benchmark, incoming email on {options.Database}: {options.LatencyMilliseconds} ms per EWS request, maxConcurrentConnections {options.Concurrency}, {Environment.ProcessorCount} cores");
        var rows = new List<(string Measure, string Value, string Target, bool Met)>();
        if (options.Only is null or "backlog")
        {
            rows.AddRange(await BacklogAsync(options));
        }

        if (options.Only is null or "idle")
        {
            rows.AddRange(await IdleAndLatencyAsync(options));
        }

        return Measurements.Report(rows);
    }

    private static async Task<List<(string, string, string, bool)>> BacklogAsync(BenchmarkOptions options)
    {
        var addresses = Enumerable.Range(1, BacklogMailboxes).Select(i => $"backlog{i:D4}@contoso.bench").ToList();
        await using var simulator = await BenchmarkDeployment.StartSimulatorAsync(options.LatencyMilliseconds, addresses.Select(a => new ScenarioMailbox
        {
            SmtpAddress = a,
            GeneratedMessages = new ScenarioGeneratedMessages { Count = MessagesPerMailbox, BodySizeBytes = 20 * 1024, AttachmentEvery = 10, AttachmentSizeBytes = 200 * 1024 },
        }));
        await using var run = await EnabledDeploymentAsync(options, simulator, addresses);
        var expected = BacklogMailboxes * MessagesPerMailbox;

        var requestsBefore = simulator.Requests.Total;
        var cpuBefore = Measurements.CpuTime(run.Api.ProcessId);
        var clock = Stopwatch.StartNew();
        var feed = new FeedReader(run.Http, run.Cursor);
        while (feed.EmailsCreated < expected)
        {
            Measurements.Check(clock.Elapsed < TimeSpan.FromMinutes(10), $"{feed.EmailsCreated} of {expected} emails after 10 minutes");
            await feed.ReadAsync();
            await Task.Delay(200);
        }

        var elapsed = clock.Elapsed;
        var cpu = Measurements.CpuTime(run.Api.ProcessId) - cpuBefore;
        var requestsPerEmail = (double)(simulator.Requests.Total - requestsBefore) / expected;
        var emailsPerSecond = expected / elapsed.TotalSeconds;
        var peak = Measurements.PeakWorkingSetBytes(run.Api.ProcessId) / 1024.0 / 1024.0;
        Console.WriteLine($"Backlog: {expected:N0} emails in {elapsed.TotalSeconds:F1} s");
        return
        [
            ($"Backlog {BacklogMailboxes} × {MessagesPerMailbox} (20 KB, 1 in 10 with 200 KB): wall time", $"{elapsed.TotalSeconds:F1} s", "", true),
            ("Backlog: emails per second", emailsPerSecond.ToString("F0", CultureInfo.InvariantCulture), "≥ 500", emailsPerSecond >= 500),
            ("Backlog: EWS requests per email", requestsPerEmail.ToString("F3", CultureInfo.InvariantCulture), "≤ 0.2", requestsPerEmail <= 0.2),
            ("Backlog: ExSync CPU per email", $"{cpu.TotalMilliseconds / expected:F2} ms", "", true),
            ("Backlog: peak working set of ExSync", $"{peak:F0} MB", "< 300 MB", peak < 300),
        ];
    }

    private static async Task<List<(string, string, string, bool)>> IdleAndLatencyAsync(BenchmarkOptions options)
    {
        var addresses = Enumerable.Range(1, options.Mailboxes).Select(i => $"idle{i:D6}@contoso.bench").ToList();
        var idleWindow = TimeSpan.FromSeconds(options.IdleWindowSeconds);
        await using var simulator = await BenchmarkDeployment.StartSimulatorAsync(options.LatencyMilliseconds, addresses.Select(a => new ScenarioMailbox { SmtpAddress = a }));
        await using var run = await EnabledDeploymentAsync(options, simulator, addresses, new Dictionary<string, string>
        {
            ["Sync:ActiveInterval"] = IdleInterval.ToString("c"),
            ["Sync:IdleInterval"] = IdleInterval.ToString("c"),
        });

        // Every mailbox has had its first cycle and its subscription before the window opens.
        var settle = Stopwatch.StartNew();
        while (simulator.Requests.Count("SyncFolderItems") < addresses.Count || simulator.State.GetSubscriptions().Count < addresses.Count)
        {
            Measurements.Check(settle.Elapsed < TimeSpan.FromMinutes(5), $"{simulator.Requests.Count("SyncFolderItems")} first cycles and {simulator.State.GetSubscriptions().Count} subscriptions of {addresses.Count} after 5 minutes");
            await Task.Delay(500);
        }

        Console.WriteLine($"Idle: {addresses.Count:N0} mailboxes synchronized and subscribed {settle.Elapsed.TotalSeconds:F1} s after start; measuring {idleWindow.TotalSeconds:F0} s");
        var cyclesBefore = simulator.Requests.Count("SyncFolderItems");
        var requestsBefore = simulator.Requests.Total;
        var cpuBefore = Measurements.CpuTime(run.Api.ProcessId);
        // The working set moves by tens of megabytes between two garbage collections: the first and last thirds of the window are
        // compared by their means, sampled every second, rather than two single readings.
        var samples = new List<long>();
        var window = Stopwatch.StartNew();
        while (window.Elapsed < idleWindow)
        {
            samples.Add(Measurements.WorkingSetBytes(run.Api.ProcessId));
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        var cycles = simulator.Requests.Count("SyncFolderItems") - cyclesBefore;
        var requestsPerCycle = (double)(simulator.Requests.Total - requestsBefore) / Math.Max(1, cycles);
        var cpuPerCycle = (Measurements.CpuTime(run.Api.ProcessId) - cpuBefore).TotalMilliseconds / Math.Max(1, cycles);
        var third = Math.Max(1, samples.Count / 3);
        var memoryBefore = samples.Take(third).Average();
        var memoryAfter = samples.TakeLast(third).Average();
        var growth = (memoryAfter - memoryBefore) / 1024.0 / 1024.0;

        var latencies = await LatencyAsync(run, simulator, addresses);
        var p95 = latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        return
        [
            ($"Idle: mailbox-cycles in {idleWindow.TotalSeconds:F0} s ({addresses.Count:N0} mailboxes, idle interval {IdleInterval.TotalSeconds:F0} s)", cycles.ToString("N0", CultureInfo.InvariantCulture), "", cycles > 0),
            ("Idle: EWS requests per mailbox-cycle", requestsPerCycle.ToString("F2", CultureInfo.InvariantCulture), "≤ 1", requestsPerCycle <= 1),
            ("Idle: ExSync CPU per mailbox-cycle", $"{cpuPerCycle:F3} ms", "≤ 0.2 ms", cpuPerCycle <= 0.2),
            ("Idle: working set, mean of the window's first third → last third (min–max)", $"{memoryBefore / 1024.0 / 1024.0:F0} → {memoryAfter / 1024.0 / 1024.0:F0} MB ({samples.Min() / 1024.0 / 1024.0:F0}–{samples.Max() / 1024.0 / 1024.0:F0})", "flat (< 10 % growth)", growth < memoryBefore / 1024.0 / 1024.0 * 0.1),
            ($"Latency, delivery to change feed, {LatencySamples} messages while idle: p50 / p95 / max", $"{latencies[latencies.Count / 2]:F2} / {p95:F2} / {latencies[^1]:F2} s", "p95 ≤ 10 s", p95 <= 10),
        ];
    }

    /// <summary>Delivers messages to random idle mailboxes, five a second, and times each one until its activity is in the change feed.</summary>
    private static async Task<List<double>> LatencyAsync(EnabledDeployment run, ExchangeSimulatorHost simulator, IReadOnlyList<string> addresses)
    {
        var random = new Random(7);
        var sent = new Dictionary<string, long>(StringComparer.Ordinal);
        var latencies = new List<double>();
        var feed = new FeedReader(run.Http, (await new ChangesClient(run.Http).ListChangesAsync("latest")).DeltaLink is { } link ? FeedReader.CursorOf(link) : throw new InvalidOperationException("no deltaLink"));
        var emails = new EmailsClient(run.Http);
        var deadline = Stopwatch.StartNew();
        for (var i = 0; latencies.Count < LatencySamples; i++)
        {
            Measurements.Check(deadline.Elapsed < TimeSpan.FromMinutes(3), $"{latencies.Count} of {LatencySamples} messages seen after 3 minutes");
            if (i < LatencySamples)
            {
                var message = new MimeMessage();
                message.From.Add(MailboxAddress.Parse("someone@fabrikam.example"));
                message.To.Add(MailboxAddress.Parse(addresses[random.Next(addresses.Count)]));
                message.Subject = $"Latency probe {i}";
                message.MessageId = $"latency-{i}-{Guid.NewGuid():N}@fabrikam.example";
                message.Body = new TextPart("plain") { Text = "Hello." };
                sent[$"<{message.MessageId}>"] = Stopwatch.GetTimestamp();
                simulator.DeliverMessage(message);
            }

            foreach (var id in await feed.ReadAsync())
            {
                var email = await emails.GetEmailAsync(id);
                if (email.InternetMessageId is { } messageId && sent.TryGetValue(messageId, out var at))
                {
                    latencies.Add(Stopwatch.GetElapsedTime(at).TotalSeconds);
                }
            }

            await Task.Delay(200);
        }

        latencies.Sort();
        return latencies;
    }

    /// <summary>
    /// A deployment whose mailboxes Test &amp; Enable has enabled (with AllEmailMessages, so every message is tracked), running a fresh
    /// ExSync process with synchronization on; the change feed cursor was taken before that process started.
    /// </summary>
    private static async Task<EnabledDeployment> EnabledDeploymentAsync(BenchmarkOptions options, ExchangeSimulatorHost simulator, IReadOnlyList<string> addresses, IReadOnlyDictionary<string, string>? syncSettings = null)
    {
        var directory = Directory.CreateTempSubdirectory("exsync-bench-").FullName;
        var database = await BenchmarkDatabase.CreateAsync(options, directory);
        var settings = options.ApiProcessSettings(database);
        var setupSettings = new Dictionary<string, string>(settings) { ["Sync:Enabled"] = "false" };
        string cursor;
        await using (var setup = await ApiProcess.StartAsync(directory, setupSettings, CancellationToken.None, configuration: "Release"))
        {
            using var http = setup.CreateClient();
            http.Timeout = TimeSpan.FromMinutes(10);
            await BenchmarkDeployment.CreateProfileAsync(http, simulator, options.Concurrency);
            var mailboxes = new MailboxesClient(http);
            var ids = await BenchmarkDeployment.CreateMailboxesAsync(mailboxes, addresses, input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages);
            foreach (var chunk in ids.Chunk(10_000))
            {
                await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = chunk });
                var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = chunk });
                var done = await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(200));
                Measurements.Check(done.Counts.Succeeded == chunk.Length, $"Test & Enable {done.Status}, {done.Counts.Succeeded} of {chunk.Length} succeeded");
            }

            cursor = FeedReader.CursorOf((await new ChangesClient(http).ListChangesAsync("latest")).DeltaLink!);
        }

        foreach (var (key, value) in syncSettings ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        var api = await ApiProcess.StartAsync(directory, settings, CancellationToken.None, configuration: "Release");
        var client = api.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(2);
        return new EnabledDeployment(api, client, cursor, database, directory);
    }

    private sealed record EnabledDeployment(ApiProcess Api, HttpClient Http, string Cursor, BenchmarkDatabase Database, string Directory) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Api.DisposeAsync();
            await Database.DisposeAsync();
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    /// <summary>Reads the change feed onwards from a cursor, counting the emails created.</summary>
    private sealed class FeedReader(HttpClient http, string cursor)
    {
        private readonly ChangesClient changes = new(http);
        private string cursor = cursor;

        public int EmailsCreated { get; private set; }

        /// <summary>The ids of the emails created since the last read.</summary>
        public async Task<List<Guid>> ReadAsync()
        {
            var created = new List<Guid>();
            while (true)
            {
                var page = await changes.ListChangesAsync(cursor, limit: 1000);
                created.AddRange(page.Value.Where(c => c.ObjectType == "Email" && c.Operation == ChangeOperation.Created).Select(c => Guid.Parse(c.ObjectId)));
                cursor = CursorOf(page.NextLink ?? page.DeltaLink!);
                if (page.NextLink is null)
                {
                    EmailsCreated += created.Count;
                    return created;
                }
            }
        }

        public static string CursorOf(string link) => System.Web.HttpUtility.ParseQueryString(link[link.IndexOf('?', StringComparison.Ordinal)..])["cursor"]!;
    }
}
