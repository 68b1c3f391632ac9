using ExSync.Engine;
using ExSync.Engine.Instances;
using ExSync.Exchange.Telemetry;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ExSync.Api.Infrastructure.Telemetry;

/// <summary>The OpenTelemetry signals ExSync produces.</summary>
[Flags]
public enum TelemetrySignals
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary>Spans of HTTP requests, Exchange requests and database commands.</summary>
    Traces = 1,

    /// <summary>ExSync's metrics, with ASP.NET Core's and the runtime's.</summary>
    Metrics = 2,

    /// <summary>Log records, with the trace and span id of the activity they were written in.</summary>
    Logs = 4,

    /// <summary>All three.</summary>
    All = Traces | Metrics | Logs,
}

/// <summary>
/// OpenTelemetry, exported over OTLP when the standard <c>OTEL_EXPORTER_OTLP_*</c> variables name a collector, and scraped from
/// <c>/metrics</c> when <c>Telemetry:Prometheus:Enabled</c> is on. A signal nobody exports is not collected at all: an instance nobody
/// observes pays nothing for spans on every request and database command.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The service name, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "exsync";

    /// <summary>The resource attribute naming the roles of the instance (Api, Worker).</summary>
    public const string RolesAttribute = "exsync.instance.roles";

    /// <summary>Turns on the Prometheus scrape endpoint.</summary>
    public const string PrometheusEnabledKey = "Telemetry:Prometheus:Enabled";

    /// <summary>Where a Prometheus server scrapes the metrics.</summary>
    public const string PrometheusPath = "/metrics";

    /// <summary>
    /// Console lines carry the trace id of the request or Exchange call they were written in; traces, metrics and logs go to an OTLP
    /// collector when one is configured, metrics to Prometheus when asked for. Nothing is collected while the build generates openapi.json.
    /// </summary>
    public static WebApplicationBuilder AddTelemetry(this WebApplicationBuilder builder)
    {
        builder.Logging.AddTraceIdConsole();
        if (builder.Environment.IsBuild())
        {
            return builder;
        }

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var prometheus = builder.Configuration.GetValue<bool>(PrometheusEnabledKey);
        var signals = (otlp ? TelemetrySignals.All : TelemetrySignals.None) | (prometheus ? TelemetrySignals.Metrics : TelemetrySignals.None);
        if (signals == TelemetrySignals.None)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry().AddExSyncSignals(signals);
        if (prometheus)
        {
            telemetry.WithMetrics(metrics => metrics.AddPrometheusExporter());
        }

        if (otlp)
        {
            // Protocol, headers, timeouts and per-signal endpoints come from the other OTEL_EXPORTER_OTLP_* variables.
            telemetry.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Collects the given signals with ExSync's resource (service name, version, instance id and roles), for whatever exporters the
    /// host adds: <see cref="AddTelemetry"/> adds OTLP and Prometheus, tests add in-memory ones.
    /// </summary>
    public static OpenTelemetryBuilder AddExSyncSignals(this OpenTelemetryBuilder telemetry, TelemetrySignals signals)
    {
        telemetry.ConfigureResource(resource => resource.AddDetector(services =>
            new InstanceDetector(services.GetRequiredService<InstanceIdentity>(), services.GetRequiredService<IConfiguration>())));

        if (signals.HasFlag(TelemetrySignals.Traces))
        {
            telemetry.Services.AddOptions<AspNetCoreTraceInstrumentationOptions>().Configure<InstanceIdentity>((options, instance) =>
                options.Filter = context => IsTraced(context, instance));
            telemetry.WithTracing(tracing => tracing
                .AddSource(EngineTracing.SourceName, ExchangeTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddEntityFrameworkCoreInstrumentation());
        }

        if (signals.HasFlag(TelemetrySignals.Metrics))
        {
            telemetry.WithMetrics(metrics => metrics
                .AddMeter(ExchangeTelemetry.Name, EngineMetrics.MeterName, "System.Runtime")
                .AddAspNetCoreInstrumentation());
        }

        if (signals.HasFlag(TelemetrySignals.Logs))
        {
            // The formatted message too: a collector's log view shows the body, which otherwise is only the message template.
            telemetry.WithLogging(_ => { }, options => options.IncludeFormattedMessage = true);
        }

        return telemetry;
    }

    /// <summary>
    /// Serves <c>/metrics</c> when <c>Telemetry:Prometheus:Enabled</c> is on. Scrapers send no token, so the endpoint is anonymous: it is
    /// off by default, and belongs on a network only the scraper reaches.
    /// </summary>
    public static WebApplication MapPrometheusMetrics(this WebApplication app)
    {
        if (app.Environment.IsBuild() || !app.Configuration.GetValue<bool>(PrometheusEnabledKey))
        {
            return app;
        }

        // Not part of the API contract, and its own scrapes would only add noise to the request metrics.
        app.MapPrometheusScrapingEndpoint(PrometheusPath).AllowAnonymous().ExcludeFromDescription().DisableHttpMetrics();
        return app;
    }

    /// <summary>
    /// Requests to this application, except probes and scrapes, which come every few seconds and say nothing. In-process servers (the
    /// demo's Exchange simulator, other applications in a test run) share the ASP.NET Core activity source, so they are told apart by
    /// their services.
    /// </summary>
    private static bool IsTraced(HttpContext context, InstanceIdentity instance) =>
        ReferenceEquals(context.RequestServices?.GetService<InstanceIdentity>(), instance) &&
        !context.Request.Path.StartsWithSegments("/health") &&
        !context.Request.Path.StartsWithSegments(PrometheusPath);

    private static void AddTraceIdConsole(this ILoggingBuilder logging)
    {
        // Scopes for log providers that show them (the JSON console, OTLP); the parent id adds nothing a trace does not show.
        logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        logging.AddConsoleFormatter<TraceIdConsoleFormatter, ConsoleFormatterOptions>();
        logging.Services.Configure<SimpleConsoleFormatterOptions>(TraceIdConsoleFormatter.ShowScopes);
        logging.Services.Configure<ConsoleLoggerOptions>(options => options.FormatterName ??= TraceIdConsoleFormatter.FormatterName);
    }

    /// <summary>
    /// The service name (unless <c>OTEL_SERVICE_NAME</c> gives one, which the SDK reads itself), the version, and the instance id (a
    /// new one at each start) and roles, which tell apart the instances sharing a database.
    /// </summary>
    private sealed class InstanceDetector(InstanceIdentity instance, IConfiguration configuration) : IResourceDetector
    {
        public Resource Detect()
        {
            var attributes = new Dictionary<string, object>
            {
                ["service.instance.id"] = instance.Id.ToString(),
                [RolesAttribute] = string.Join(',', new[] { InstanceRoles.Api, InstanceRoles.Worker }.Where(role => instance.Roles.HasFlag(role))),
            };
            if (string.IsNullOrWhiteSpace(configuration["OTEL_SERVICE_NAME"]))
            {
                attributes["service.name"] = ServiceName;
            }

            if (typeof(TelemetrySetup).Assembly.GetName().Version is { } version)
            {
                attributes["service.version"] = version.ToString();
            }

            return new Resource(attributes);
        }
    }
}
