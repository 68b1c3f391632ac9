using Microsoft.Extensions.Options;

namespace ExSync.Engine.Instances;

/// <summary>How instances sharing a database watch each other, bound from the <c>Instances</c> configuration section.</summary>
public sealed class InstanceOptions
{
    public const string Section = "Instances";

    /// <summary>How often an instance beats.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An instance whose heartbeat has not moved for this long, as seen by another instance's own clock, is gone: its job items, its
    /// singleton duties and its share of each server's connections are taken over at once.
    /// </summary>
    public TimeSpan DeadAfter { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>Rejects heartbeat settings that would declare live instances dead.</summary>
public sealed class InstanceOptionsValidator : IValidateOptions<InstanceOptions>
{
    public ValidateOptionsResult Validate(string? name, InstanceOptions options)
    {
        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HeartbeatInterval > TimeSpan.FromMinutes(1))
        {
            return ValidateOptionsResult.Fail("Instances:HeartbeatInterval must be between 100 ms and 1 minute.");
        }

        return options.DeadAfter < options.HeartbeatInterval * 3
            ? ValidateOptionsResult.Fail("Instances:DeadAfter must be at least three heartbeat intervals, or a slow beat would declare a live instance dead.")
            : ValidateOptionsResult.Success;
    }
}
