using Microsoft.Extensions.Options;

namespace ExSync.Persistence;

/// <summary>Settings of the change feed, bound from the <c>ChangeFeed</c> configuration section (documented in the README).</summary>
public sealed class ChangeFeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ChangeFeed";

    /// <summary>The shortest retention: CRMs are promised a week to come back for changes.</summary>
    public static readonly TimeSpan MinRetention = TimeSpan.FromDays(7);

    /// <summary>How long changes are kept; a cursor older than that answers 410 CursorExpired. At least 7 days.</summary>
    public TimeSpan Retention { get; set; } = MinRetention;
}

/// <summary>Refuses change feed settings that break the feed's promise, at start.</summary>
public sealed class ChangeFeedOptionsValidator : IValidateOptions<ChangeFeedOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ChangeFeedOptions options) =>
        options.Retention < ChangeFeedOptions.MinRetention || options.Retention > TimeSpan.FromDays(3650)
            ? ValidateOptionsResult.Fail($"ChangeFeed:Retention must be between 7 days (7.00:00:00) and 10 years; it is {options.Retention}.")
            : ValidateOptionsResult.Success;
}
