using System.Diagnostics;
using ExSync.Engine.TestAndEnable;
using ExSync.Exchange.Telemetry;

namespace ExSync.Engine;

/// <summary>
/// The engine's spans (activity source <see cref="SourceName"/>): one per tested item, parent of that item's Exchange requests, so a
/// mailbox's test is one trace, and the lines logged while it runs carry its trace id. Never the mailbox's address.
/// </summary>
public static class EngineTracing
{
    /// <summary>The activity source's name.</summary>
    public const string SourceName = "ExSync.Engine";

    /// <summary>Tag: the job the item belongs to.</summary>
    public const string JobIdTag = "exsync.job.id";

    private static readonly ActivitySource Source = new(SourceName, typeof(EngineTracing).Assembly.GetName().Version?.ToString());

    /// <summary>Starts the span of one item's Exchange test; null when nobody listens.</summary>
    /// <param name="name">What is tested: "Test mailbox", or "Test connection" (an address, which is not recorded).</param>
    /// <param name="work">The item.</param>
    /// <param name="mailboxId">The ExSync mailbox, when the item is one.</param>
    internal static Activity? StartTest(string name, TestWork work, Guid? mailboxId)
    {
        var activity = Source.StartActivity(name);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag(JobIdTag, work.Job.Id.ToString());
            activity.SetTag(EngineMetrics.JobKindTag, work.Job.Kind.ToString());
            activity.SetTag(EngineMetrics.ServerProfileTag, work.Profile?.Id.ToString());
            activity.SetTag(ExchangeTelemetry.MailboxTag, mailboxId?.ToString());
        }

        return activity;
    }
}
