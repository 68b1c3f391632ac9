using System.Diagnostics;
using System.Globalization;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Benchmarks;

/// <summary>
/// Outgoing email against the simulator (issue 11's targets): 10,000 emails waiting to be sent from 100 mailboxes, handed to Exchange by
/// an ExSync process warmed by the first <c>--warmup</c> emails of the same backlog (2,000 by default; 0 measures a fresh process), then the latency from <c>send</c> to Exchange accepting the message on the idle system. The emails are written
/// and sent through the API by a process with synchronization off, so the figures are the sending engine's own.
/// </summary>
internal static class SendBenchmark
{
    private const int Senders = 100;
    private const int EmailsPerSender = 100;
    private const int LatencySamples = 100;
    private const string Recipient = "customer@fabrikam.bench";

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"ExSync benchmark, outgoing email on {options.Database}: {options.LatencyMilliseconds} ms per EWS request, maxConcurrentConnections {options.Concurrency}, {Environment.ProcessorCount} cores");
        var addresses = Enumerable.Range(1, Senders).Select(i => $"sender{i:D3}@contoso.bench").ToList();
        await using var simulator = await BenchmarkDeployment.StartSimulatorAsync(options.LatencyMilliseconds, addresses.Select(a => new ScenarioMailbox { SmtpAddress = a }));
        var directory = Directory.CreateTempSubdirectory("exsync-bench-").FullName;
        await using var database = await BenchmarkDatabase.CreateAsync(options, directory);
        var settings = options.ApiProcessSettings(database);
        var warmUp = options.WarmUp;
        var expected = Senders * EmailsPerSender + warmUp;
        Guid[] mailboxIds;
        await using (var setup = await ApiProcess.StartAsync(directory, new Dictionary<string, string>(settings) { ["Sync:Enabled"] = "false" }, CancellationToken.None, configuration: "Release"))
        {
            using var http = setup.CreateClient();
            http.Timeout = TimeSpan.FromMinutes(10);
            mailboxIds = await EnableSendersAsync(http, simulator, addresses, options.Concurrency);
            var emails = new EmailsClient(http);
            var written = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, expected), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, token) =>
            {
                var draft = await emails.CreateEmailAsync(Draft(mailboxIds[i % Senders], $"Invoice {i}"), cancellationToken: token);
                await emails.SendEmailAsync(draft.Id, cancellationToken: token);
            });
            Console.WriteLine($"{expected:N0} emails written and sent through the API in {written.Elapsed.TotalSeconds:F1} s (engine off)");
        }

        var rows = new List<(string Measure, string Value, string Target, bool Met)>();
        var requestsBefore = simulator.Requests.Total;
        await using (var api = await ApiProcess.StartAsync(directory, settings, CancellationToken.None, configuration: "Release"))
        {
            rows.AddRange(await BacklogAsync(api, simulator, expected, warmUp, requestsBefore, options));
            rows.AddRange(await LatencyAsync(api, simulator, mailboxIds));
        }

        Directory.Delete(directory, recursive: true);
        return Measurements.Report(rows);
    }

    /// <summary>
    /// From the first CreateItem to the last one answered, with every email Sent in the database. The first <c>--warmup</c> emails warm
    /// the process (its just-in-time compilation, pools and caches); the target is measured over the 10,000 after them, while every
    /// mailbox still has mail waiting, from the Exchange acceptance of the last warm-up email to that of the last email.
    /// </summary>
    private static async Task<List<(string, string, string, bool)>> BacklogAsync(ApiProcess api, ExchangeSimulatorHost simulator, int total, int warmUp, long requestsBefore, BenchmarkOptions options)
    {
        var measured = total - warmUp;
        var cpuBefore = Measurements.CpuTime(api.ProcessId);
        var simulatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var wait = Stopwatch.StartNew();
        while (simulator.Requests.Count("CreateItem") == 0)
        {
            Measurements.Check(wait.Elapsed < TimeSpan.FromMinutes(2), "no email sent 2 minutes after the start");
            await Task.Delay(5);
        }

        var firstRequestAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var (cpuWarm, simulatorCpuWarm) = (cpuBefore, simulatorCpuBefore);
        var warmed = warmUp == 0;
        int sent;
        while ((sent = simulator.Outbox.Sent.Count) < total)
        {
            Measurements.Check(clock.Elapsed < TimeSpan.FromMinutes(10), $"{sent} of {total} emails sent after 10 minutes");
            if (!warmed && sent >= warmUp)
            {
                (cpuWarm, simulatorCpuWarm, warmed) = (Measurements.CpuTime(api.ProcessId), Process.GetCurrentProcess().TotalProcessorTime, true);
            }

            await Task.Delay(warmed ? 20 : 2);
        }

        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime - simulatorCpuWarm;
        var cpuAtLast = Measurements.CpuTime(api.ProcessId);
        using var http = api.CreateClient();
        var stillSending = await CountNotSentAsync(http, total);
        while (stillSending > 0)
        {
            Measurements.Check(clock.Elapsed < TimeSpan.FromMinutes(11), $"{stillSending} emails not recorded Sent");
            await Task.Delay(50);
            stillSending = await CountNotSentAsync(http, total);
        }

        var recorded = clock.Elapsed;
        var accepted = simulator.Outbox.Sent.Select(m => m.SubmittedAt).Order().ToList();
        var cold = accepted[^1] - firstRequestAt;
        if (options.Timeline)
        {
            Console.WriteLine(string.Join(" ", accepted.GroupBy(a => (int)((a - firstRequestAt).TotalMilliseconds / 500)).OrderBy(g => g.Key).Select(g => $"{g.Key / 2.0:F1}s:{g.Count()}")));
        }

        var elapsed = warmUp == 0 ? cold : accepted[^1] - accepted[warmUp - 1];
        var cpu = cpuAtLast - cpuWarm;
        var requestsPerEmail = (double)(simulator.Requests.Total - requestsBefore) / total;
        var bound = TimeSpan.FromMilliseconds((double)measured * options.LatencyMilliseconds / options.Concurrency);
        var coldBound = TimeSpan.FromMilliseconds((double)total * options.LatencyMilliseconds / options.Concurrency);
        var efficiency = bound / elapsed;
        var duplicates = simulator.Outbox.Sent.GroupBy(m => m.MessageId).Count(g => g.Count() > 1);
        Measurements.Check(duplicates == 0, $"{duplicates} emails sent more than once");
        var after = warmUp == 0 ? "a fresh process" : $"{warmUp:N0} warm-up emails";
        List<(string, string, string, bool)> rows =
        [
            ($"Backlog {Senders} × {EmailsPerSender} after {after}: wall time to the last CreateItem", $"{elapsed.TotalSeconds:F2} s", "", true),
            ($"Backlog: efficiency (bound {bound.TotalSeconds:F2} s ÷ wall time)", efficiency.ToString("F2", CultureInfo.InvariantCulture), "≥ 0.85", efficiency >= 0.85),
            ("Backlog: EWS requests per email", requestsPerEmail.ToString("F3", CultureInfo.InvariantCulture), "1", requestsPerEmail <= 1.0),
            ("Backlog: ExSync CPU per email", $"{cpu.TotalMilliseconds / measured:F2} ms", "", true),
            ("Backlog: CPU per email of the simulator (and this benchmark's polling), on the same cores", $"{simulatorCpu.TotalMilliseconds / measured:F2} ms", "", true),
        ];
        if (warmUp > 0)
        {
            rows.Add(($"Cold: all {total:N0} from a fresh process, wall time to the last CreateItem (efficiency, bound {coldBound.TotalSeconds:F2} s)", $"{cold.TotalSeconds:F2} s ({(coldBound / cold).ToString("F2", CultureInfo.InvariantCulture)})", "", true));
            rows.Add(("Cold: ExSync CPU per email, warm-up included", $"{(cpuAtLast - cpuBefore).TotalMilliseconds / total:F2} ms", "", true));
        }

        rows.Add(($"All {total:N0} recorded Sent in ExSync", $"{recorded.TotalSeconds:F2} s after the first CreateItem", "", true));
        rows.Add(("Backlog: peak working set of ExSync", $"{Measurements.PeakWorkingSetBytes(api.ProcessId) / 1024.0 / 1024.0:F0} MB", "", true));
        return rows;
    }

    /// <summary>One email every 200 ms from a random mailbox, timed from the send request to Exchange accepting it.</summary>
    private static async Task<List<(string, string, string, bool)>> LatencyAsync(ApiProcess api, ExchangeSimulatorHost simulator, Guid[] mailboxIds)
    {
        using var http = api.CreateClient();
        var emails = new EmailsClient(http);
        var random = new Random(11);
        var latencies = new List<double>();
        for (var i = 0; i < LatencySamples; i++)
        {
            var draft = await emails.CreateEmailAsync(Draft(mailboxIds[random.Next(mailboxIds.Length)], $"Latency probe {i}"));
            var asked = DateTimeOffset.UtcNow;
            var pending = await emails.SendEmailAsync(draft.Id);
            var wait = Stopwatch.StartNew();
            SentMessage? sent;
            while ((sent = simulator.Outbox.Sent.LastOrDefault(m => m.MessageId == pending.InternetMessageId || $"<{m.MessageId}>" == pending.InternetMessageId)) is null)
            {
                Measurements.Check(wait.Elapsed < TimeSpan.FromSeconds(30), $"latency probe {i} not sent after 30 s");
                await Task.Delay(5);
            }

            latencies.Add((sent.SubmittedAt - asked).TotalSeconds);
            await Task.Delay(200);
        }

        latencies.Sort();
        var p95 = latencies[(int)Math.Ceiling(latencies.Count * 0.95) - 1];
        return
        [
            ($"Latency, send to Exchange accepting it, {LatencySamples} emails on the idle system: p50 / p95 / max", $"{latencies[latencies.Count / 2]:F3} / {p95:F3} / {latencies[^1]:F3} s", "p95 ≤ 2 s", p95 <= 2),
        ];
    }

    private static async Task<int> CountNotSentAsync(HttpClient http, int expected)
    {
        var emails = new EmailsClient(http);
        var sent = 0;
        string? continuation = null;
        do
        {
            var page = await emails.ListEmailsAsync(direction: EmailDirection.Outgoing, pageSize: 1000, continuationToken: continuation);
            sent += page.Value.Count(e => e.Status == EmailStatus.Sent);
            continuation = page.NextLink is { } next ? System.Web.HttpUtility.ParseQueryString(next[next.IndexOf('?', StringComparison.Ordinal)..])["continuationToken"] : null;
        }
        while (continuation is not null);
        return expected - sent;
    }

    private static EmailInput Draft(Guid mailboxId, string subject) => new()
    {
        MailboxId = mailboxId,
        Subject = subject,
        Body = new EmailBodyInput { ContentType = EmailBodyContentType.Text, Content = "Please find your invoice below. Thank you for your order." },
        To = [new EmailRecipientInput { EmailAddress = Recipient }],
    };

    private static async Task<Guid[]> EnableSendersAsync(HttpClient http, ExchangeSimulatorHost simulator, IReadOnlyList<string> addresses, int concurrency)
    {
        await BenchmarkDeployment.CreateProfileAsync(http, simulator, concurrency);
        var mailboxes = new MailboxesClient(http);
        var ids = await BenchmarkDeployment.CreateMailboxesAsync(mailboxes, addresses, input =>
        {
            input.IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None;
            input.OutgoingDeliveryMethod = DeliveryMethod.ServerSideSynchronization;
        });
        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = ids });
        var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids });
        var done = await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(200));
        Measurements.Check(done.Counts.Succeeded == ids.Length, $"Test & Enable {done.Status}, {done.Counts.Succeeded} of {ids.Length} succeeded");
        return ids;
    }
}
