using System.Collections.ObjectModel;
using System.Diagnostics;
using ExSync.Api.Infrastructure.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// ExSync's telemetry as the application collects it (<see cref="TelemetrySetup.AddExSyncSignals"/>), exported to memory instead of a
/// collector. Activity sources and meters are process-wide: an application's pipeline also sees what other applications of the test
/// run emit at the same time, so tests filter what they read by their own ids (or run alone).
/// </summary>
public sealed class InMemoryTelemetry
{
    private readonly ExSyncApplication app;

    private InMemoryTelemetry(ExSyncApplication app) => this.app = app;

    /// <summary>Ended spans, as they end.</summary>
    public LockedList<Activity> Spans { get; } = new();

    /// <summary>Log records, as they are written.</summary>
    public LockedList<LogRecord> Logs { get; } = new();

    private LockedList<MetricSnapshot> Metrics { get; } = new();

    /// <summary>Adds the pipelines to an application that has not started yet.</summary>
    public static InMemoryTelemetry PlugInto(ExSyncApplication app)
    {
        var telemetry = new InMemoryTelemetry(app);
        app.AddedServices.Add(services => services.AddOpenTelemetry()
            .AddExSyncSignals(TelemetrySignals.All)
            .WithTracing(tracing => tracing.AddInMemoryExporter(telemetry.Spans))
            .WithMetrics(metrics => metrics.AddInMemoryExporter(telemetry.Metrics))
            .WithLogging(logging => logging.AddInMemoryExporter(telemetry.Logs)));
        return telemetry;
    }

    /// <summary>Every metric's current (cumulative) values, collected now.</summary>
    public IReadOnlyList<MetricSnapshot> CollectMetrics()
    {
        Metrics.Clear();
        Assert.True(app.Services.GetRequiredService<MeterProvider>().ForceFlush(10_000));
        return Metrics.Snapshot();
    }

    /// <summary>A collection exporters may add to while a test reads a snapshot of it.</summary>
    public sealed class LockedList<T> : Collection<T>
    {
        private readonly Lock gate = new();

        public List<T> Snapshot()
        {
            lock (gate)
            {
                return [.. Items];
            }
        }

        protected override void InsertItem(int index, T item)
        {
            lock (gate)
            {
                base.InsertItem(index, item);
            }
        }

        protected override void ClearItems()
        {
            lock (gate)
            {
                base.ClearItems();
            }
        }
    }
}

/// <summary>Reading metric points.</summary>
public static class MetricPoints
{
    /// <summary>The points of a metric, with their tags as a dictionary.</summary>
    public static IEnumerable<(Dictionary<string, object?> Tags, MetricPoint Point)> PointsOf(this IEnumerable<MetricSnapshot> metrics, string name)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (var point in metric.MetricPoints)
            {
                var tags = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                yield return (tags, point);
            }
        }
    }

    /// <summary>The value of a tag as a string, or null when the point has no such tag.</summary>
    public static string? Tag(this Dictionary<string, object?> tags, string key) => tags.TryGetValue(key, out var value) ? value?.ToString() : null;
}
