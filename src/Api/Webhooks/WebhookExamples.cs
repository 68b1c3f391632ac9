namespace ExSync.Api.Webhooks;

/// <summary>
/// Realistic request bodies for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends each to a fresh service and
/// expects success, so they stay valid as the rules change.
/// </summary>
internal static class WebhookExamples
{
    public static WebhookSubscriptionInput Create { get; } = new()
    {
        Url = "https://crm.contoso.com/exsync/webhooks",
        EventTypes = ["email.received", "email.sent", "email.send_failed", "profile.credentials_rejected"],
        Description = "Contoso CRM: track email and tell administrators about rejected credentials",
    };

    public static WebhookSubscriptionSettings Patch { get; } = new()
    {
        EventTypes = ["email.received", "email.sent", "email.send_failed", "mailbox.sync_failed", "mailbox.sync_recovered"],
    };

    public static WebhookReplayInput Replay { get; } = new()
    {
        From = new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero),
        To = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
    };
}
