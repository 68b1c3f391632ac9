using ExSync.Domain.Sync;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync;

/// <summary>Settings of mailbox synchronization, bound from the <c>Sync</c> configuration section (documented in the README).</summary>
public sealed class SyncOptions
{
    public const string Section = "Sync";

    /// <summary>
    /// Whether this instance synchronizes mailboxes (workers, reconciliation, notifications). Off, a Worker instance runs jobs only: for
    /// deployments that keep synchronization on other workers, or that test and enable mailboxes before synchronizing any.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often a worker looks for due workloads it was not told about (due by schedule, or asked for through another instance).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Mailboxes one instance synchronizes at the same time (each profile's maxConcurrentConnections also applies).</summary>
    public int MaxConcurrentMailboxes { get; set; } = 64;

    /// <summary>How long a worker holds a claimed workload before another may take it over; renewed while the cycle runs.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The wait after a cycle that found mail.</summary>
    public TimeSpan ActiveInterval { get; set; } = SyncCadence.Default.ActiveInterval;

    /// <summary>The longest wait between polls of an idle mailbox (notifications bring runs forward when mail arrives).</summary>
    public TimeSpan IdleInterval { get; set; } = SyncCadence.Default.IdleInterval;

    /// <summary>The first wait after a transient error; doubled at each further error up to <see cref="RetryIntervalCap"/>.</summary>
    public TimeSpan RetryInterval { get; set; } = SyncCadence.Default.RetryInterval;

    /// <summary>The longest wait between retries after transient errors.</summary>
    public TimeSpan RetryIntervalCap { get; set; } = SyncCadence.Default.RetryIntervalCap;

    /// <summary>The first wait after a permanent error; doubled at each further error up to <see cref="ProbeIntervalCap"/>.</summary>
    public TimeSpan ProbeInterval { get; set; } = SyncCadence.Default.ProbeInterval;

    /// <summary>The longest wait between probes of a failing mailbox. Probing never stops.</summary>
    public TimeSpan ProbeIntervalCap { get; set; } = SyncCadence.Default.ProbeIntervalCap;

    /// <summary>Transient errors in a row after which the direction counts as failing (status Failure, alert) while retries go on.</summary>
    public int TransientErrorsBeforeFailure { get; set; } = SyncCadence.Default.TransientErrorsBeforeFailure;

    /// <summary>Failed attempts after which an item is given up and marked Undeliverable in Exchange (Dynamics: 5).</summary>
    public int MaxItemAttempts { get; set; } = 5;

    /// <summary>How long item outcomes (sync-events) are kept.</summary>
    public TimeSpan ItemEventRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How long after a notification a mailbox runs: Exchange sends several events for one message, and one run takes them all.</summary>
    public TimeSpan NotificationDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the workloads are matched against the mailboxes (created for newly enabled ones, paused for disabled ones).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Pages of items (up to 512 messages with their bodies and attachments) one instance takes in at the same time, whatever the number of
    /// mailboxes synchronizing: each holds its messages in memory, and beyond the cores' count more pages only cost memory.
    /// </summary>
    public int MaxConcurrentPages { get; set; } = Math.Max(2, 2 * Environment.ProcessorCount);

    /// <summary>Most items one cycle handles; the rest of a backlog continues in the next cycle, at once, so one huge mailbox cannot hold a worker for long.</summary>
    public int MaxItemsPerCycle { get; set; } = 2_000;

    /// <summary>The scheduling policy these settings describe.</summary>
    public SyncCadence Cadence => new(ActiveInterval, IdleInterval, RetryInterval, RetryIntervalCap, ProbeInterval, ProbeIntervalCap, TransientErrorsBeforeFailure);
}

/// <summary>Rejects synchronization settings that cannot work, at start rather than at the first cycle.</summary>
public sealed class SyncOptionsValidator : IValidateOptions<SyncOptions>
{
    public ValidateOptionsResult Validate(string? name, SyncOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new[]
                 {
                     ("PollInterval", options.PollInterval), ("LeaseDuration", options.LeaseDuration), ("ActiveInterval", options.ActiveInterval),
                     ("IdleInterval", options.IdleInterval), ("RetryInterval", options.RetryInterval), ("RetryIntervalCap", options.RetryIntervalCap),
                     ("ProbeInterval", options.ProbeInterval), ("ProbeIntervalCap", options.ProbeIntervalCap), ("ItemEventRetention", options.ItemEventRetention),
                     ("ReconcileInterval", options.ReconcileInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Sync:{setting} must be positive.");
            }
        }

        if (options.NotificationDelay < TimeSpan.Zero || options.NotificationDelay > TimeSpan.FromMinutes(1))
        {
            failures.Add("Sync:NotificationDelay must be between 0 and 1 minute.");
        }

        if (options.LeaseDuration < TimeSpan.FromSeconds(10))
        {
            failures.Add("Sync:LeaseDuration must be at least 10 seconds: it is renewed while a cycle runs, and a short lease would be lost between renewals.");
        }

        if (options.IdleInterval < options.ActiveInterval || options.RetryIntervalCap < options.RetryInterval || options.ProbeIntervalCap < options.ProbeInterval)
        {
            failures.Add("Sync:IdleInterval, RetryIntervalCap and ProbeIntervalCap must not be shorter than ActiveInterval, RetryInterval and ProbeInterval.");
        }

        if (options.MaxConcurrentMailboxes is < 1 or > 10_000 || options.MaxItemAttempts is < 1 or > 100 || options.TransientErrorsBeforeFailure < 1 || options.MaxItemsPerCycle < 1 || options.MaxConcurrentPages is < 1 or > 1_000)
        {
            failures.Add("Sync:MaxConcurrentMailboxes (1-10000), MaxItemAttempts (1-100), MaxConcurrentPages (1-1000), TransientErrorsBeforeFailure and MaxItemsPerCycle must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
