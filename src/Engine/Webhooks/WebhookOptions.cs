using Microsoft.Extensions.Options;

namespace ExSync.Engine.Webhooks;

/// <summary>Webhook delivery settings (section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Webhooks";

    /// <summary>Whether this instance delivers webhooks (a Worker-role instance only).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long one attempt may take, connection included, before it counts as a timeout and is retried.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Most deliveries in flight at once in this instance.</summary>
    public int MaxConcurrentDeliveries { get; set; } = 64;

    /// <summary>Most events fanned out, or deliveries claimed, in one database round trip.</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>
    /// How often the outbox is looked at when nothing woke the dispatcher: events committed by this instance wake it at once, so the poll
    /// only matters for events another instance committed, and for retries coming due.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a claimed delivery is held beyond its attempt's timeout before another instance may take it over.</summary>
    public TimeSpan LeaseMargin { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the previous secret keeps signing after a rotation, unless the rotation says otherwise.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long events and their deliveries are kept (the delivery log, and how far back replay reaches).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long a claimed delivery is held.</summary>
    public TimeSpan LeaseDuration => Timeout + LeaseMargin;
}

/// <summary>Checks <see cref="WebhookOptions"/> at start.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Timeout < TimeSpan.FromSeconds(1) || options.Timeout > TimeSpan.FromMinutes(5))
        {
            failures.Add("Webhooks:Timeout must be between 1 second and 5 minutes.");
        }

        if (options.MaxConcurrentDeliveries is < 1 or > 1000)
        {
            failures.Add("Webhooks:MaxConcurrentDeliveries must be between 1 and 1000.");
        }

        if (options.BatchSize is < 1 or > 5000)
        {
            failures.Add("Webhooks:BatchSize must be between 1 and 5000.");
        }

        if (options.Retention < TimeSpan.FromDays(4))
        {
            failures.Add("Webhooks:Retention must be at least 4 days: the retry schedule runs for more than 3.");
        }

        foreach (var (setting, value) in new[] { ("PollInterval", options.PollInterval), ("LeaseMargin", options.LeaseMargin) })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Webhooks:{setting} must be positive.");
            }
        }

        if (options.SecretRotationOverlap < TimeSpan.Zero || options.SecretRotationOverlap > TimeSpan.FromDays(7))
        {
            failures.Add("Webhooks:SecretRotationOverlap must be between 0 and 7 days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
