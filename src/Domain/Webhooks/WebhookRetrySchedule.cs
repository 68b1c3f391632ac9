namespace ExSync.Domain.Webhooks;

/// <summary>
/// When a failed delivery is tried again: after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h (the first attempt is immediate),
/// each delay spread by up to ±10 % so that a receiver that comes back is not hit by every retry at once. Ten attempts over about 3 days
/// and 4 hours; after the last, the delivery is Failed. A receiver's Retry-After is honoured when it asks for longer than the schedule,
/// up to the next step's delay after it.
/// </summary>
public static class WebhookRetrySchedule
{
    /// <summary>The delay before each retry: entry <c>n</c> is the wait after attempt <c>n + 1</c> failed.</summary>
    public static IReadOnlyList<TimeSpan> Delays { get; } =
    [
        TimeSpan.FromSeconds(5),
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2),
        TimeSpan.FromHours(5),
        TimeSpan.FromHours(10),
        TimeSpan.FromHours(14),
        TimeSpan.FromHours(20),
        TimeSpan.FromHours(24),
    ];

    /// <summary>Attempts in all, the first included.</summary>
    public static int MaxAttempts => Delays.Count + 1;

    /// <summary>How much a delay is spread, either way.</summary>
    public const double Jitter = 0.1;

    /// <summary>
    /// When to try again after <paramref name="attempts"/> attempts have failed, or null when none is left.
    /// <paramref name="random"/> is a number in [0, 1) that picks the jitter; <paramref name="retryAfter"/> is the receiver's wish.
    /// </summary>
    public static DateTimeOffset? NextAttempt(int attempts, DateTimeOffset now, double random, TimeSpan? retryAfter = null)
    {
        if (attempts < 1 || attempts >= MaxAttempts)
        {
            return null;
        }

        var scheduled = Delays[attempts - 1];
        var delay = scheduled * (1 - Jitter + (2 * Jitter * random));
        if (retryAfter is { } asked && asked > delay)
        {
            // A receiver may ask for a pause, not for the schedule to be skipped: capped at the step after this one.
            var cap = attempts < Delays.Count ? Delays[attempts] : scheduled;
            delay = asked < cap ? asked : cap;
        }

        return now + delay;
    }
}
