using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Client;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Valid inputs that tests vary; names are unique so tests can share an application.</summary>
public static class TestData
{
    public const string Password = "Correct-Horse-Battery-Staple-1";

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    public static ServerProfileInput Profile(string? name = null, bool setAsDefault = false) => new()
    {
        Name = name ?? Unique("Profile"),
        Description = "Contoso on-premises Exchange",
        Owner = new ServerProfileOwnerInput { Id = "admin-1", EmailAddress = "admin@contoso.com" },
        Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.Impersonation,
            Impersonation = new ServerProfileImpersonationInput { UserName = "svc-exsync@contoso.com", Password = Password },
        },
        Incoming = new ServerProfileConnectionInput { ServerLocation = "https://mail.contoso.com/EWS/Exchange.asmx", AuthenticationProtocol = AuthenticationProtocol.Basic },
        SetAsDefaultForNewMailboxes = setAsDefault ? true : null,
    };

    public static MailboxInput Mailbox(string? emailAddress = null, MailboxOwnerType ownerType = MailboxOwnerType.User) => new()
    {
        Name = "Alice Example",
        EmailAddress = emailAddress ?? $"{Guid.NewGuid():N}@contoso.com",
        Owner = new MailboxOwnerInput { Type = ownerType, Id = "user-" + Guid.NewGuid().ToString("N")[..8], Name = "Alice Example" },
    };

    /// <summary>A mailbox that needs no server profile (no direction uses server-side synchronization), so any service accepts it.</summary>
    public static MailboxInput MailboxWithoutSync()
    {
        var mailbox = Mailbox();
        mailbox.IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None;
        mailbox.OutgoingDeliveryMethod = DeliveryMethod.None;
        mailbox.ActDeliveryMethod = DeliveryMethod.None;
        return mailbox;
    }

    /// <summary>A request body as the generated client would send it, to be changed in ways the client cannot.</summary>
    public static JsonObject ToJson(object input) =>
        JsonNode.Parse(JsonSerializer.Serialize(input, input.GetType(), ServerProfilesTests.ClientJsonOptions))!.AsObject();
}
