using System.Reflection;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;

namespace ExSync.Domain.Tests;

/// <summary>Valid domain inputs that tests vary one field at a time.</summary>
internal static class Builders
{
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);

    public static readonly Uri MailServer = new("https://mail.contoso.com/EWS/Exchange.asmx");

    public static readonly Uri SmtpServer = new("https://smtp.contoso.com/EWS/Exchange.asmx");

    public static EncryptedSecret Secret(string ciphertext = "ciphertext") => new(ciphertext);

    public static ProfileAuthentication Impersonation(string password = "ciphertext") =>
        ProfileAuthentication.ForImpersonation(new ImpersonationAccount("svc-exsync@contoso.com", Secret(password)));

    public static ProfileAuthentication HybridModernAuth() =>
        ProfileAuthentication.ForHybridModernAuth(new HybridModernAuthApplication(
            "contoso.onmicrosoft.com",
            "0b7bd0a6-1e44-4c7a-9b0e-52d2c9d8b1a0",
            new Uri("https://mail.contoso.com"),
            new Uri("https://login.microsoftonline.com"),
            Secret("client-secret-ciphertext")));

    public static ServerConnection Connection(Uri? location, AuthenticationProtocol protocol = AuthenticationProtocol.Basic) => new(location, null, protocol);

    public static ServerProfileSettings ProfileSettings(string name = "Contoso Exchange") => new()
    {
        Name = name,
        Owner = new ProfileOwner("admin-1", "admin@contoso.com"),
        Authentication = Impersonation(),
        Incoming = Connection(MailServer),
    };

    public static ServerProfile Profile(ServerProfileSettings? settings = null) =>
        ServerProfile.Create(Guid.NewGuid(), settings ?? ProfileSettings(), Now);

    public static ServerProfile InactiveProfile() => Profile(ProfileSettings() with { State = RecordState.Inactive });

    /// <summary>Mailbox settings that need no server profile: nothing is delivered by server-side synchronization.</summary>
    public static MailboxSettings MailboxSettings(string emailAddress = "alice@contoso.com") => new()
    {
        Name = "Alice Example",
        EmailAddress = emailAddress,
        Owner = new MailboxOwner(MailboxOwnerType.User, "user-1", "Alice Example"),
        IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None,
        OutgoingDeliveryMethod = DeliveryMethod.None,
        ActDeliveryMethod = DeliveryMethod.None,
    };

    /// <summary>Mailbox settings that use server-side synchronization in every direction with the given profile.</summary>
    public static MailboxSettings SyncedMailboxSettings(ServerProfile? profile, string emailAddress = "alice@contoso.com") => MailboxSettings(emailAddress) with
    {
        ServerProfileId = profile?.Id,
        IncomingDeliveryMethod = IncomingEmailDeliveryMethod.ServerSideSynchronization,
        OutgoingDeliveryMethod = DeliveryMethod.ServerSideSynchronization,
        ActDeliveryMethod = DeliveryMethod.ServerSideSynchronization,
    };

    public static DomainError Rejected(Action action) => Assert.Throws<DomainException>(action).Error;

    /// <summary>
    /// Puts an entity into a state that only ExSync's own processes reach (a passed Test &amp; Enable, an approved address).
    /// Those processes are not part of the domain yet, so the tests arrange the state directly; each use names the property
    /// with nameof, so a rename breaks the build rather than the test.
    /// </summary>
    public static void Arrange<T>(T entity, string property, object? value)
        where T : class
    {
        var info = typeof(T).GetProperty(property, BindingFlags.Public | BindingFlags.Instance)
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no property {property}.");
        info.SetValue(entity, value);
    }
}
