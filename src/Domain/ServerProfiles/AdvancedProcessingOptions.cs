namespace ExSync.Domain.ServerProfiles;

/// <summary>Processing options of a profile, with the ranges and defaults of Dynamics 365.</summary>
public sealed record AdvancedProcessingOptions
{
    /// <summary>Smallest polling interval, in minutes.</summary>
    public const int MinPollingIntervalMinutesLowest = 0;

    /// <summary>Largest polling interval, in minutes (one day).</summary>
    public const int MinPollingIntervalMinutesHighest = 1440;

    /// <summary>Fewest concurrent connections.</summary>
    public const int MaxConcurrentConnectionsLowest = 1;

    /// <summary>Most concurrent connections.</summary>
    public const int MaxConcurrentConnectionsHighest = 300;

    /// <summary>Shortest connection timeout, in seconds.</summary>
    public const int ConnectionTimeoutSecondsLowest = 1;

    /// <summary>Longest connection timeout, in seconds.</summary>
    public const int ConnectionTimeoutSecondsHighest = 100;

    /// <summary>Only email received after this instant is processed; null processes all email.</summary>
    public DateTimeOffset? ProcessEmailsReceivedAfter { get; init; }

    /// <summary>How often mailboxes are polled, in minutes (0–1440).</summary>
    public int MinPollingIntervalMinutes { get; init; }

    /// <summary>Most connections ExSync opens to Exchange at once for this profile (1–300).</summary>
    public int MaxConcurrentConnections { get; init; } = 10;

    /// <summary>Move email that cannot be processed to an Undeliverable folder in Exchange.</summary>
    public bool MoveFailedEmailsToUndeliverableFolder { get; init; }

    /// <summary>Alert the profile owner when more than half of the profile's mailboxes fail within one hour.</summary>
    public bool SendAlertToOwnerOnMajorFailures { get; init; }

    /// <summary>How long one call to Exchange may take, in seconds (1–100), retries included.</summary>
    public int ConnectionTimeoutSeconds { get; init; } = 100;
}
