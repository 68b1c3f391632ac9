using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// How outgoing email is sent and retried (configuration section <c>Sync:Outgoing</c>). A transient failure (throttling, Exchange
/// unavailable, a timeout) is retried after <see cref="FirstRetryDelay"/>, doubling up to <see cref="RetryDelayCap"/>, until
/// <see cref="MaxAttempts"/> attempts were made or <see cref="RetryFor"/> has passed since the email was sent, whichever comes first;
/// then it fails with the last error. Exchange's own back-off request is never cut short.
/// </summary>
public sealed class OutgoingEmailOptions
{
    public const string Section = "Sync:Outgoing";

    /// <summary>Attempts before an email fails: 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait before the first retry: 30 seconds.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest wait between retries: 30 minutes.</summary>
    public TimeSpan RetryDelayCap { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How long after <c>send</c> retries go on at most: 24 hours.</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Emails of one mailbox moved to Sending together, in one transaction. Smaller batches show Sending closer to the moment Exchange
    /// receives each email; larger ones write less.
    /// </summary>
    public int ClaimBatchSize { get; set; } = 100;

    /// <summary>Most emails one cycle of a mailbox sends; the rest continue in its next cycle, at once.</summary>
    public int MaxEmailsPerCycle { get; set; } = 500;

    /// <summary>
    /// The longest wait between two cycles of a mailbox with nothing to send: 1 hour. <c>send</c> runs the mailbox at once, retries run
    /// when they fall due, and <see cref="SweepInterval"/> catches email whose signal was lost, so this poll is only a last safety net.
    /// </summary>
    public TimeSpan IdleInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often one instance looks, for all mailboxes in one statement, for email due to be sent whose mailbox is not due to run (its
    /// <c>send</c> committed, then the instance stopped before it ran the mailbox): 30 seconds.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long email may wait in a mailbox that stopped being able to send after the CRM asked (disabled, unapproved, its profile
    /// deactivated) before it fails with that reason: 15 minutes, so that a mailbox being tested again or switched back keeps its email.
    /// </summary>
    public TimeSpan UnsendableAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The delay before retry <paramref name="attempt"/> (1 for the first retry).</summary>
    public TimeSpan RetryDelay(int attempt)
    {
        var factor = Math.Pow(2, Math.Clamp(attempt - 1, 0, 30));
        var delay = FirstRetryDelay.TotalMilliseconds * factor;
        return delay >= RetryDelayCap.TotalMilliseconds ? RetryDelayCap : TimeSpan.FromMilliseconds(delay);
    }
}

/// <summary>Rejects outgoing settings that cannot work, at start.</summary>
public sealed class OutgoingEmailOptionsValidator : IValidateOptions<OutgoingEmailOptions>
{
    public ValidateOptionsResult Validate(string? name, OutgoingEmailOptions options)
    {
        var failures = new List<string>();
        if (options.MaxAttempts is < 1 or > 1_000)
        {
            failures.Add("Sync:Outgoing:MaxAttempts must be between 1 and 1000.");
        }

        if (options.FirstRetryDelay <= TimeSpan.Zero || options.RetryDelayCap < options.FirstRetryDelay)
        {
            failures.Add("Sync:Outgoing:FirstRetryDelay must be positive and RetryDelayCap not shorter than it.");
        }

        if (options.RetryFor <= TimeSpan.Zero)
        {
            failures.Add("Sync:Outgoing:RetryFor must be positive.");
        }

        if (options.IdleInterval <= TimeSpan.Zero || options.SweepInterval <= TimeSpan.Zero || options.UnsendableAfter < TimeSpan.Zero)
        {
            failures.Add("Sync:Outgoing:IdleInterval and SweepInterval must be positive, UnsendableAfter not negative.");
        }

        if (options.ClaimBatchSize is < 1 or > 1_000 || options.MaxEmailsPerCycle < options.ClaimBatchSize)
        {
            failures.Add("Sync:Outgoing:ClaimBatchSize must be between 1 and 1000, and MaxEmailsPerCycle not smaller than it.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
