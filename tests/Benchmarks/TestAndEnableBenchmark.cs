using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Benchmarks;

/// <summary>
/// Test &amp; Enable of many mailboxes against the Exchange simulator, plus the bulk actions; see the README for how to read the figures.
/// </summary>
internal static class TestAndEnableBenchmark
{
    private const int MaxIdsPerRequest = 10_000; // the API's limit on ids per bulk request

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        var cancellation = CancellationToken.None;
        Console.WriteLine($"ExSync benchmark, Test & Enable on {options.Database}: {options.Mailboxes:N0} mailboxes, {options.LatencyMilliseconds} ms per EWS request, maxConcurrentConnections {options.Concurrency}, {Environment.ProcessorCount} cores");

        var addresses = Enumerable.Range(1, options.Mailboxes).Select(i => $"user{i:D6}@contoso.bench").ToList();

        // Warm-up mailboxes: a first, unmeasured Test & Enable in the same process, as a service that has been running for a while.
        var warmUpAddresses = Enumerable.Range(1, options.WarmUp).Select(i => $"warmup{i:D6}@contoso.bench").ToList();
        await using var simulator = await BenchmarkDeployment.StartSimulatorAsync(
            options.LatencyMilliseconds, addresses.Concat(warmUpAddresses).Select(a => new ScenarioMailbox { SmtpAddress = a }));

        var directory = Directory.CreateTempSubdirectory("exsync-bench-").FullName;
        await using var database = await BenchmarkDatabase.CreateAsync(options, directory);
        var apiSettings = options.ApiProcessSettings(database);

        var api = await ApiProcess.StartAsync(directory, apiSettings, cancellation, configuration: "Release");
        var http = api.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(10);
        var mailboxes = new MailboxesClient(http);
        var jobs = new JobsClient(http);

        var profile = await BenchmarkDeployment.CreateProfileAsync(http, simulator, options.Concurrency);

        // Mailboxes start without server-side synchronization for outgoing email, so that applying the defaults has work to do.
        var setup = Stopwatch.StartNew();
        var ids = await BenchmarkDeployment.CreateMailboxesAsync(mailboxes, addresses);
        var warmUpIds = await BenchmarkDeployment.CreateMailboxesAsync(mailboxes, warmUpAddresses);
        Console.WriteLine($"Setup: {addresses.Count + warmUpAddresses.Count:N0} mailboxes created through the API in {setup.Elapsed.TotalSeconds:F1} s");

        // Bulk requests carry at most 10,000 ids (the API's limit), so larger runs send several; the targets are per request of 10,000.
        var (approved, approvePerRequest) = await InRequestsOfTenThousandAsync(ids, async chunk =>
            (await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = chunk }, cancellation)).Changed);
        Measurements.Check(approved == ids.Length, $"approve changed {approved}");

        var (applied, applyPerRequest) = await InRequestsOfTenThousandAsync(ids, async chunk =>
            (await mailboxes.ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = chunk, TestAndEnable = false }, cancellationToken: cancellation)).Changed);
        Measurements.Check(applied == ids.Length, $"apply-default-settings changed {applied}");

        var bulkPeakWorkingSet = Measurements.PeakWorkingSetBytes(api.ProcessId);
        if (options.BulkOnly)
        {
            Console.WriteLine($"| Bulk approve-email, per request of up to 10,000 mailboxes | {approvePerRequest.TotalSeconds:F2} s | < 2 s |");
            Console.WriteLine($"| Bulk apply-default-settings, per request of up to 10,000 mailboxes | {applyPerRequest.TotalSeconds:F2} s | < 2 s |");
            return 0;
        }

        // Test & Enable runs in a fresh process on the same database, so its peak working set is its own, not the bulk actions'.
        http.Dispose();
        await api.DisposeAsync();
        api = await ApiProcess.StartAsync(directory, apiSettings, cancellation, configuration: "Release");
        http = api.CreateClient();
        http.Timeout = TimeSpan.FromMinutes(10);
        mailboxes = new MailboxesClient(http);
        jobs = new JobsClient(http);

        if (warmUpIds.Length > 0)
        {
            // The same path as the measured mailboxes: approved, defaults applied, so every test makes the same three EWS requests.
            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = warmUpIds }, cancellation);
            await mailboxes.ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = warmUpIds, TestAndEnable = false }, cancellationToken: cancellation);
            var warmUp = Stopwatch.StartNew();
            var warmUpJob = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = warmUpIds }, cancellationToken: cancellation);
            var warmedUp = await jobs.WaitForCompletionAsync(warmUpJob.Id, TimeSpan.FromMilliseconds(200), cancellationToken: cancellation);
            Measurements.Check(warmedUp.Counts.Succeeded == warmUpIds.Length, $"warm-up job {warmedUp.Status}, {warmedUp.Counts.Succeeded} succeeded");
            Console.WriteLine($"Warm-up: Test & Enable of {warmUpIds.Length:N0} other mailboxes in the same process took {warmUp.Elapsed.TotalSeconds:F1} s ({warmUpIds.Length / warmUp.Elapsed.TotalSeconds:F0} per second)");
        }

        if (options.Pause)
        {
            // Time to attach a profiler (dotnet-trace collect -p <pid>) to the process that runs Test & Enable.
            Console.WriteLine($"ExSync process {api.ProcessId}; starting Test & Enable in 8 s");
            await Task.Delay(TimeSpan.FromSeconds(8));
        }

        var requestsBefore = simulator.Requests.Total;
        var apiCpuBefore = Measurements.CpuTime(api.ProcessId);
        var simulatorCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var testAndEnable = Stopwatch.StartNew();
        // Beyond 10,000 mailboxes one job takes every mailbox of the profile (the warm-up mailboxes too, if any: figures are per tested mailbox).
        var job = ids.Length <= MaxIdsPerRequest
            ? await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = ids }, cancellationToken: cancellation)
            : await new ServerProfilesClient(http).TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: cancellation);
        if (options.Progress)
        {
            // Throughput over time: shows a slow start, a steady rate and a tail apart.
            var last = 0;
            while ((await jobs.GetJobAsync(job.Id, cancellation)) is { Status: JobStatus.NotStarted or JobStatus.Running } running)
            {
                var done = running.Counts.Succeeded + running.Counts.Failed + running.Counts.RetryScheduled + running.Counts.Skipped;
                Console.WriteLine($"  {testAndEnable.Elapsed.TotalSeconds,5:F1} s  {done,6:N0} done  {done - last,5} in the last second");
                last = done;
                await Task.Delay(1000);
            }
        }

        var finished = await jobs.WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(200), cancellationToken: cancellation);
        testAndEnable.Stop();
        Console.WriteLine($"Job timeline: accepted → started {(finished.StartedAt - finished.CreatedAt)?.TotalSeconds:F2} s, started → completed {(finished.CompletedAt - finished.StartedAt)?.TotalSeconds:F2} s");
        var tested = finished.Counts.Total;
        Measurements.Check(finished.Status == JobStatus.Succeeded && finished.Counts.Succeeded == tested && tested >= ids.Length, $"job {finished.Status}, {finished.Counts.Succeeded} of {tested} succeeded");

        var apiCpu = Measurements.CpuTime(api.ProcessId) - apiCpuBefore;
        var simulatorCpu = Process.GetCurrentProcess().TotalProcessorTime - simulatorCpuBefore;
        var requests = simulator.Requests.Total - requestsBefore;
        var requestsPerMailbox = (double)requests / tested;
        var bound = TimeSpan.FromMilliseconds(requests * (double)options.LatencyMilliseconds / options.Concurrency);
        var efficiency = bound / testAndEnable.Elapsed;
        var peakWorkingSet = Measurements.PeakWorkingSetBytes(api.ProcessId);

        Console.WriteLine();
        Console.WriteLine("| Measure | Value | Target |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| Bulk approve-email, per request of {Math.Min(ids.Length, MaxIdsPerRequest):N0} mailboxes | {approvePerRequest.TotalSeconds:F2} s | < 2 s |");
        Console.WriteLine($"| Bulk apply-default-settings (no test), per request of {Math.Min(ids.Length, MaxIdsPerRequest):N0} mailboxes | {applyPerRequest.TotalSeconds:F2} s | < 2 s |");
        Console.WriteLine($"| Test & Enable wall time, {tested:N0} mailboxes | {testAndEnable.Elapsed.TotalSeconds:F1} s | |");
        Console.WriteLine($"| Mailboxes per second | {tested / testAndEnable.Elapsed.TotalSeconds:F0} | |");
        Console.WriteLine($"| EWS requests per mailbox | {requestsPerMailbox:F2} | ≤ 3 |");
        Console.WriteLine($"| Lower bound (requests × latency ÷ concurrency) | {bound.TotalSeconds:F1} s | |");
        Console.WriteLine($"| Efficiency (bound ÷ wall time) | {efficiency:F2} | ≥ 0.85 |");
        Console.WriteLine($"| CPU of ExSync / of the simulator (benchmark process), per mailbox | {apiCpu.TotalMilliseconds / tested:F2} ms / {simulatorCpu.TotalMilliseconds / tested:F2} ms | |");
        Console.WriteLine($"| CPU used during Test & Enable, both processes | {(apiCpu + simulatorCpu) / testAndEnable.Elapsed:F2} of {Environment.ProcessorCount} cores | |");
        Console.WriteLine($"| Peak working set of the ExSync process during Test & Enable | {peakWorkingSet / 1024.0 / 1024.0:F0} MB | < 300 MB |");
        Console.WriteLine($"| Peak working set of the ExSync process during setup and bulk actions | {bulkPeakWorkingSet / 1024.0 / 1024.0:F0} MB | |");

        var met = approvePerRequest < TimeSpan.FromSeconds(2) && applyPerRequest < TimeSpan.FromSeconds(2) && requestsPerMailbox <= 3 && efficiency >= 0.85 && peakWorkingSet < 300L * 1024 * 1024;
        Console.WriteLine(met ? "All targets met." : "Some targets were NOT met.");
        http.Dispose();
        await api.DisposeAsync();
        Directory.Delete(directory, recursive: true);
        return met ? 0 : 1;
    }

    // Sends a bulk action in requests of at most 10,000 ids; returns how many mailboxes changed and the mean time per request.
    private static async Task<(int Changed, TimeSpan PerRequest)> InRequestsOfTenThousandAsync(Guid[] ids, Func<Guid[], Task<int>> send)
    {
        var chunks = ids.Chunk(MaxIdsPerRequest).ToList();
        var elapsed = Stopwatch.StartNew();
        var changed = 0;
        foreach (var chunk in chunks)
        {
            changed += await send(chunk);
        }

        return (changed, elapsed.Elapsed / Math.Max(1, chunks.Count));
    }
}
