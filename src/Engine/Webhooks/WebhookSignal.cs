using ExSync.Persistence;

namespace ExSync.Engine.Webhooks;

/// <summary>Wakes the webhook worker of this process: an event committed, a delivery was queued again, or a sending slot came free.</summary>
public sealed class WebhookSignal : WakeSignal, IWebhookOutboxObserver
{
    /// <inheritdoc />
    public void EventsCommitted() => Wake();
}
