namespace ExSync.Domain.Webhooks;

/// <summary>What an attempt's outcome means for the delivery.</summary>
public enum WebhookAttemptVerdict
{
    /// <summary>2xx: delivered.</summary>
    Delivered,

    /// <summary>410 Gone: the receiver wants no more; the subscription is disabled.</summary>
    Gone,

    /// <summary>Anything else (other 3xx, 4xx, 5xx, a timeout, no connection): try again per the schedule.</summary>
    Retry,
}

/// <summary>How a receiver's answer is read. Redirects are not followed: the URL is the one the CRM registered, and a redirect is a failure.</summary>
public static class WebhookResponses
{
    /// <summary>The verdict of an answer with <paramref name="statusCode"/>; null means no answer (a timeout or a connection failure).</summary>
    public static WebhookAttemptVerdict Judge(int? statusCode) => statusCode switch
    {
        >= 200 and < 300 => WebhookAttemptVerdict.Delivered,
        410 => WebhookAttemptVerdict.Gone,
        _ => WebhookAttemptVerdict.Retry,
    };
}
