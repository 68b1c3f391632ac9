using System.Diagnostics;
using System.Net;
using ExSync.Api.Infrastructure.Telemetry;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine;
using ExSync.Engine.Instances;
using ExSync.Exchange.Telemetry;
using ExSync.ExchangeSimulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ExSync.Api.Tests;

/// <summary>
/// Meters and activity sources are process-wide, and the engine's counters carry no tag that names one test's job: this class runs
/// alone, so that every job, item and Exchange request its pipelines see is its own.
/// </summary>
[CollectionDefinition(nameof(TelemetryTests), DisableParallelization = true)]
public sealed class TelemetryTestsCollection;

/// <summary>OpenTelemetry: the spans, metric values and log records one Test &amp; Enable job leaves, and the Prometheus endpoint.</summary>
[Collection(nameof(TelemetryTests))]
public sealed class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OneJobLeavesSpansOfItsRequestItsExchangeRequestsAndTheDatabaseAndCountsItsItems()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        var alice = simulator.AddExchangeMailbox("alice");
        var carol = simulator.AddExchangeMailbox("carol");
        var bob = simulator.AddExchangeMailbox("bob");

        // Carol's server asks for a back-off; with no retries in tests her test ends there, and the pause only holds her own profile.
        simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = carol, Kind = SimulatedFaultKind.ServerBusy, Times = 1, BackOffMilliseconds = 600 });
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);

        // The spans of one job only: the mailboxes it enables do not start synchronizing.
        app.Settings["Sync:Enabled"] = "false";
        var telemetry = InMemoryTelemetry.PlugInto(app);

        var profile = await app.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(simulator), Ct);
        var busyProfile = await app.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(simulator), Ct);
        var restricted = await app.ServerProfiles().CreateServerProfileAsync(
            JobTesting.Profile(simulator, userName: SimulatedDeployment.RestrictedAccount, password: SimulatedDeployment.RestrictedAccountPassword), Ct);
        var aliceMailbox = await app.CreateMailboxAsync(alice, m => m.ServerProfileId = profile.Id);
        var bobMailbox = await app.CreateMailboxAsync(bob, m => m.ServerProfileId = restricted.Id);
        var carolMailbox = await app.CreateMailboxAsync(carol, m => m.ServerProfileId = busyProfile.Id);
        var mailboxes = new Dictionary<Guid, string> { [aliceMailbox.Id] = alice, [bobMailbox.Id] = bob, [carolMailbox.Id] = carol };

        // EF Core asks whether anyone listens to its commands at most once a second (its logging cache time), and it first asked while
        // the host migrated the database, before the tracer provider started: from a second after that on, every command is traced.
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);

        var traceId = ActivityTraceId.CreateRandom();
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        var accepted = await new MailboxesClient(http).TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [.. mailboxes.Keys] }, cancellationToken: Ct);
        var job = await app.WaitAsync(accepted);
        Assert.Equal(JobStatus.Succeeded, job.Status);

        var spans = telemetry.Spans.Snapshot();

        // The request that started the job, continuing the caller's trace, and the database commands it ran.
        var post = Assert.Single(spans, s => s.Kind == ActivityKind.Server && s.TraceId == traceId);
        Assert.Equal("POST", post.GetTagItem("http.request.method"));
        Assert.Equal("/api/v1/mailboxes/test-and-enable", post.GetTagItem("http.route"));
        Assert.Equal(202, post.GetTagItem("http.response.status_code"));
        var database = spans.Where(s => s.Kind == ActivityKind.Client && s.TraceId == traceId).ToList();
        Assert.NotEmpty(database);
        Assert.All(database, s => Assert.Equal(TestDatabase.IsPostgreSql ? "postgresql" : "sqlite", s.GetTagItem("db.system")));

        // One span per tested mailbox, parent of its Exchange requests, each naming the operation, profile and mailbox by id.
        var tests = spans.Where(s => s.Source.Name == EngineTracing.SourceName && Equals(s.GetTagItem(EngineTracing.JobIdTag), job.Id.ToString())).ToList();
        Assert.Equal(mailboxes.Keys.Select(id => id.ToString()).Order(), tests.Select(s => (string)s.GetTagItem(ExchangeTelemetry.MailboxTag)!).Order());
        var exchange = spans.Where(s => s.Source.Name == ExchangeTelemetry.Name && tests.Any(t => t.SpanId == s.ParentSpanId)).ToList();
        Assert.All(exchange, s =>
        {
            Assert.Equal(ActivityKind.Client, s.Kind);
            Assert.Equal($"Exchange {s.GetTagItem(ExchangeTelemetry.OperationTag)}", s.DisplayName);
            var test = tests.Single(t => t.SpanId == s.ParentSpanId);
            Assert.Equal(test.GetTagItem(ExchangeTelemetry.MailboxTag), s.GetTagItem(ExchangeTelemetry.MailboxTag));
            Assert.Equal(test.GetTagItem(EngineMetrics.ServerProfileTag), s.GetTagItem(ExchangeTelemetry.ServerProfileTag));
        });
        Assert.Equal(
            [("GetFolder", "Success", "NoError"), ("CreateItem", "Success", "NoError"), ("DeleteItem", "Success", "NoError")],
            ExchangeCalls(exchange, aliceMailbox.Id));
        Assert.Equal([("GetFolder", "ImpersonationDenied", "ErrorImpersonateUserDenied")], ExchangeCalls(exchange, bobMailbox.Id));
        Assert.Equal([("GetFolder", "ServerBusy", "ErrorServerBusy")], ExchangeCalls(exchange, carolMailbox.Id));
        Assert.All(exchange.Where(s => !Equals(s.GetTagItem(ExchangeTelemetry.OutcomeTag), ExchangeTelemetry.Success)), s => Assert.Equal(ActivityStatusCode.Error, s.Status));

        // Spans name mailboxes and profiles by id only: no address, no account, no password, whatever the span.
        List<string> secrets =
        [
            .. mailboxes.Values,
            SimulatedExchange.ServiceAccount, SimulatedExchange.ServiceAccountPassword,
            SimulatedDeployment.RestrictedAccount, SimulatedDeployment.RestrictedAccountPassword,
        ];
        Assert.All(spans, span => Assert.All(secrets, secret =>
        {
            Assert.DoesNotContain(secret, span.DisplayName, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(secret, span.StatusDescription ?? "", StringComparison.OrdinalIgnoreCase);
            Assert.All(span.TagObjects, tag => Assert.DoesNotContain(secret, $"{tag.Key}={tag.Value}", StringComparison.OrdinalIgnoreCase));
        }));

        var metrics = telemetry.CollectMetrics();
        Assert.Equal(1, Sum(metrics, "exsync.jobs.finished", ("exsync.job.kind", "TestAndEnableMailboxes"), ("exsync.job.status", "Succeeded")));
        Assert.Equal(1, Sum(metrics, "exsync.jobs.finished"));
        Assert.Equal(
            new (string?, string?, string?, long)[]
            {
                (profile.Id.ToString(), "Succeeded", null, 1L),
                (restricted.Id.ToString(), "Failed", "ImpersonationDenied", 1L),
                (busyProfile.Id.ToString(), "RetryScheduled", "ServerBusy", 1L),
            }.Order(),
            metrics.PointsOf("exsync.job_items.completed")
                .Select(p => (p.Tags.Tag(EngineMetrics.ServerProfileTag), p.Tags.Tag(EngineMetrics.ItemOutcomeTag), p.Tags.Tag(EngineMetrics.ErrorCodeTag), p.Point.GetSumLong()))
                .Order());

        var durations = metrics.PointsOf(ExchangeTelemetry.RequestDurationMetric).Where(p => p.Tags.Tag(ExchangeTelemetry.ServerProfileTag) == profile.Id.ToString()).ToList();
        Assert.Equal(["CreateItem", "DeleteItem", "GetFolder"], durations.Select(p => p.Tags.Tag(ExchangeTelemetry.OperationTag)).Order());
        Assert.All(durations, p =>
        {
            Assert.Equal(ExchangeTelemetry.Success, p.Tags.Tag(ExchangeTelemetry.OutcomeTag));
            Assert.Equal(1, p.Point.GetHistogramCount());
            Assert.True(p.Point.GetHistogramSum() > 0);
        });
        Assert.Equal(1, Sum(metrics, ExchangeTelemetry.ThrottledMetric, (ExchangeTelemetry.ServerProfileTag, busyProfile.Id.ToString())));
        Assert.Equal(0, Sum(metrics, ExchangeTelemetry.ThrottledMetric, (ExchangeTelemetry.ServerProfileTag, profile.Id.ToString())));
        Assert.Equal(3, metrics.PointsOf(ExchangeTelemetry.SlotWaitMetric).Where(p => p.Tags.Tag(ExchangeTelemetry.ServerProfileTag) == profile.Id.ToString()).Sum(p => p.Point.GetHistogramCount()));

        Assert.All(metrics.SelectMany(m => m.MetricPoints), point =>
        {
            foreach (var tag in point.Tags)
            {
                Assert.All(secrets, secret => Assert.DoesNotContain(secret, $"{tag.Value}", StringComparison.OrdinalIgnoreCase));
            }
        });
    }

    [Fact]
    public async Task MetricsAreNotServedByDefaultAndNothingIsCollected()
    {
        await using var app = new ExSyncApplication();

        // Like any other unknown route, it needs a token before it can be found missing.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateAnonymousClient().GetAsync(TelemetrySetup.PrometheusPath, Ct)).StatusCode);
        using var response = await app.CreateClient().GetAsync(TelemetrySetup.PrometheusPath, Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("\"RouteNotFound\"", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task WhenEnabledMetricsAreServedToAScraperWithoutATokenInPrometheusTextAndStayOutOfTheContract()
    {
        await using var app = new ExSyncApplication();
        app.Settings[TelemetrySetup.PrometheusEnabledKey] = "true";
        var scraper = app.CreateAnonymousClient();

        // The job worker counts the queue on its first round, soon after start.
        string text;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            using var response = await scraper.GetAsync(TelemetrySetup.PrometheusPath, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            text = await response.Content.ReadAsStringAsync(Ct);
        }
        while (!text.Contains("\nexsync_jobs_queue_depth{", StringComparison.Ordinal) && DateTime.UtcNow < deadline && await Delay());

        Assert.Contains("\nexsync_jobs_queue_depth{otel_scope_name=\"ExSync.Engine\"", text, StringComparison.Ordinal);
        Assert.Contains("service_name=\"exsync\"", text, StringComparison.Ordinal);
        Assert.Contains($"service_instance_id=\"{app.Services.GetRequiredService<InstanceIdentity>().Id}\"", text, StringComparison.Ordinal);
        Assert.Contains("exsync_instance_roles=\"Api,Worker\"", text, StringComparison.Ordinal);

        var contract = await app.CreateClient().GetStringAsync("/openapi/v1.json", Ct);
        Assert.DoesNotContain("/metrics", contract, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALogRecordWrittenInARequestCarriesTheRequestsTraceId()
    {
        await using var app = new ExSyncApplication();
        app.Settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        var telemetry = InMemoryTelemetry.PlugInto(app);
        var traceId = ActivityTraceId.CreateRandom();
        using var http = app.CreateAnonymousClient();
        http.DefaultRequestHeaders.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        (await http.GetAsync("/health/live", Ct)).EnsureSuccessStatusCode();

        Assert.Contains(telemetry.Logs.Snapshot(), log => log.CategoryName == "Microsoft.AspNetCore.Hosting.Diagnostics" && log.TraceId == traceId);
    }

    [Fact]
    public async Task AConsoleLineShowsTheTraceAndSpanIdOfItsActivityAndNoOtherScope()
    {
        await using var app = new ExSyncApplication();
        var options = app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(TraceIdConsoleFormatter.FormatterName, options.FormatterName);
        var formatter = app.Services.GetServices<ConsoleFormatter>().Single(f => f.Name == options.FormatterName);
        var scopes = new LoggerExternalScopeProvider();
        using var requestScope = scopes.Push("RequestPath:/api/v1/jobs");

        using (var activity = new Activity("request").Start())
        {
            var inside = Write(formatter, scopes);
            Assert.Contains($"TraceId:{activity.TraceId} SpanId:{activity.SpanId}", inside, StringComparison.Ordinal);
            Assert.DoesNotContain("RequestPath", inside, StringComparison.Ordinal);
            Assert.Contains("Job finished", inside, StringComparison.Ordinal);
        }

        var outside = Write(formatter, scopes);
        Assert.DoesNotContain("TraceId", outside, StringComparison.Ordinal);
        Assert.Contains("Job finished", outside, StringComparison.Ordinal);
    }

    private static string Write(ConsoleFormatter formatter, IExternalScopeProvider scopes)
    {
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Information, "ExSync.Tests", default, "Job finished", null, (state, _) => state), scopes, writer);
        return writer.ToString();
    }

    private static List<(string?, string?, string?)> ExchangeCalls(IEnumerable<Activity> spans, Guid mailboxId) =>
        spans.Where(s => Equals(s.GetTagItem(ExchangeTelemetry.MailboxTag), mailboxId.ToString()))
            .OrderBy(s => s.StartTimeUtc)
            .Select(s => ((string?)s.GetTagItem(ExchangeTelemetry.OperationTag), (string?)s.GetTagItem(ExchangeTelemetry.OutcomeTag), (string?)s.GetTagItem(ExchangeTelemetry.ResponseCodeTag)))
            .ToList();

    private static long Sum(IEnumerable<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        metrics.PointsOf(name).Where(p => tags.All(t => p.Tags.Tag(t.Key) == t.Value)).Sum(p => p.Point.GetSumLong());

    private static async Task<bool> Delay()
    {
        await Task.Delay(100, Ct);
        return true;
    }
}
