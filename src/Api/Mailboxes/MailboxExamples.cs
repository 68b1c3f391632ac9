using ExSync.Domain.Mailboxes;

namespace ExSync.Api.Mailboxes;

/// <summary>
/// Realistic request bodies for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends each one to a fresh
/// service (with a default server profile) and expects success, so they stay valid as the rules change.
/// </summary>
internal static class MailboxExamples
{
    private static readonly Guid[] Ids = [new("01a24fb7-dcab-7000-bfe0-ea6a216b29d1"), new("01a24fb7-dcab-7001-8c2e-5b9d04f7a3e6")];

    public static MailboxInput Create { get; } = new()
    {
        Name = "Alice Jones",
        EmailAddress = "alice@contoso.com",
        Owner = new MailboxOwnerInput { Type = MailboxOwnerType.User, Id = "alice@contoso.com", Name = "Alice Jones" },
    };

    public static MailboxInput Patch { get; } = new()
    {
        Name = "Alice Jones (Sales)",
        ProcessEmailsReceivedAfter = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero),
    };

    public static MailboxIdsInput MailboxIds { get; } = new() { MailboxIds = Ids };

    public static ApplyDefaultSettingsInput ApplyDefaultSettings { get; } = new() { MailboxIds = Ids, TestAndEnable = true };

    public static TestAndEnableInput TestAndEnable { get; } = new() { MailboxIds = Ids, SendTestMessage = false };
}
