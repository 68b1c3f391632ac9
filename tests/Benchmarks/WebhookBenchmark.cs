using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ExSync.Benchmarks;

/// <summary>
/// Webhook delivery (issue 11's targets: at least 1,000 deliveries per second, p95 from change to delivery at most 1 s) from an ExSync process
/// to a receiver on loopback in this process. Two runs of 10,000 events (pings, each committed by its own API request):
/// <list type="bullet">
/// <item>live: events are committed as fast as 16 concurrent API callers can, the receiver answers at once; the latency of each event is
/// its delivery time minus the timestamp ExSync gave it when the change committed;</item>
/// <item>drain: the receiver holds every request until all 10,000 events are committed, then answers at once; deliveries per second is
/// how fast the backlog is delivered from then on.</item>
/// </list>
/// </summary>
internal static class WebhookBenchmark
{
    public const string Scenario = "webhooks";
    private const int Events = 10_000;
    private const int Producers = 16;

    public static async Task<int> RunAsync(BenchmarkOptions options)
    {
        Console.WriteLine($"ExSync benchmark, webhooks on {options.Database}: {Events:N0} events, {Environment.ProcessorCount} cores");
        await using var receiver = await Receiver.StartAsync();
        var directory = Directory.CreateTempSubdirectory("exsync-bench-").FullName;
        await using var database = await BenchmarkDatabase.CreateAsync(options, directory);
        var settings = options.ApiProcessSettings(database);

        // The drain run holds up to MaxConcurrentDeliveries requests until every event is committed.
        settings.TryAdd("Webhooks:Timeout", "00:02:00");
        await using var api = await ApiProcess.StartAsync(directory, settings, CancellationToken.None);
        using var http = api.CreateClient();
        var webhooks = new WebhooksClient(http);
        var subscription = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] });

        // Warm-up: connections, JIT, the pools.
        await ProduceAsync(webhooks, subscription.Id, 500);
        await receiver.WaitForAsync(500);
        receiver.Reset();

        var cpuBefore = Measurements.CpuTime(api.ProcessId);
        var live = Stopwatch.StartNew();
        await ProduceAsync(webhooks, subscription.Id, Events);
        var produced = live.Elapsed;
        await receiver.WaitForAsync(Events);
        var liveElapsed = live.Elapsed;
        var latencies = receiver.Latencies();
        var liveCpu = Measurements.CpuTime(api.ProcessId) - cpuBefore;
        receiver.Reset();

        receiver.Hold();
        await ProduceAsync(webhooks, subscription.Id, Events);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var drain = Stopwatch.StartNew();
        receiver.Release();
        await receiver.WaitForAsync(Events);
        var drainElapsed = drain.Elapsed;

        var p50 = Percentile(latencies, 0.50);
        var p95 = Percentile(latencies, 0.95);
        var liveRate = Events / liveElapsed.TotalSeconds;
        var drainRate = Events / drainElapsed.TotalSeconds;
        var rows = new List<(string Measure, string Value, string Target, bool Met)>
        {
            ("Live: events committed per second (16 API callers)", (Events / produced.TotalSeconds).ToString("N0", CultureInfo.InvariantCulture), "", true),
            ("Live: deliveries per second, first commit to last delivery", liveRate.ToString("N0", CultureInfo.InvariantCulture), "", true),
            ("Live: latency from change to delivery, p50", $"{p50.TotalMilliseconds:N0} ms", "", true),
            ("Live: latency from change to delivery, p95", $"{p95.TotalMilliseconds:N0} ms", "≤ 1,000 ms", p95 <= TimeSpan.FromSeconds(1)),
            ("Live: ExSync CPU per delivery (API requests included)", $"{liveCpu.TotalMilliseconds / Events:F2} ms", "", true),
            ("Drain: deliveries per second of a 10,000-event backlog", drainRate.ToString("N0", CultureInfo.InvariantCulture), "≥ 1,000", drainRate >= 1000),
        };

        return Measurements.Report(rows);
    }

    private static async Task ProduceAsync(WebhooksClient webhooks, Guid subscriptionId, int count)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                await webhooks.PingWebhookSubscriptionAsync(subscriptionId);
            }
        }));
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[(int)Math.Ceiling(sorted.Count * p) - 1];

    /// <summary>The receiver: records when each event arrived and the timestamp in its body, and can hold requests.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentDictionary<string, (DateTimeOffset ReceivedAt, string Body)> received = new();
        private TaskCompletionSource gate = Open();

        private Receiver(WebApplication app) => this.app = app;

        public string Url => app.Urls.First() + "/hooks";

        public static async Task<Receiver> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            var receiver = new Receiver(app);
            app.MapPost("/hooks", async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                await receiver.gate.Task;
                receiver.received.TryAdd(context.Request.Headers["webhook-id"].ToString(), (DateTimeOffset.UtcNow, body));
                return Results.Ok();
            });
            await app.StartAsync();
            return receiver;
        }

        public void Hold() => gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => gate.TrySetResult();

        public void Reset() => received.Clear();

        public async Task WaitForAsync(int count)
        {
            var watch = Stopwatch.StartNew();
            while (received.Count < count)
            {
                Measurements.Check(watch.Elapsed < TimeSpan.FromMinutes(5), $"{received.Count} of {count} events delivered after 5 minutes");
                await Task.Delay(10);
            }
        }

        public List<TimeSpan> Latencies() => received.Values
            .Select(r => r.ReceivedAt - JsonDocument.Parse(r.Body).RootElement.GetProperty("timestamp").GetDateTimeOffset())
            .Order()
            .ToList();

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        private static TaskCompletionSource Open()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }
}
