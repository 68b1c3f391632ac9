using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;
using static ExSync.Domain.Tests.Builders;

namespace ExSync.Domain.Tests;

public sealed class ServerProfileTests
{
    [Fact]
    public void WithAutodiscoverOffTheIncomingServerLocationIsRequired()
    {
        var settings = ProfileSettings() with { Incoming = Connection(null) };

        var error = Rejected(() => ServerProfile.Create(Guid.NewGuid(), settings, Now));

        Assert.Equal(ServerProfileErrors.ServerLocationRequired, error.Code);
        Assert.Equal("incoming.serverLocation", error.Target);
        Assert.Equal(DomainErrorKind.Invalid, error.Kind);
    }

    [Fact]
    public void WithAutodiscoverOffAndSeparateOutgoingSettingsTheOutgoingServerLocationIsRequired()
    {
        var settings = ProfileSettings() with { UseSameSettingsForOutgoing = false, Outgoing = Connection(null) };

        var error = Rejected(() => ServerProfile.Create(Guid.NewGuid(), settings, Now));

        Assert.Equal(ServerProfileErrors.ServerLocationRequired, error.Code);
        Assert.Equal("outgoing.serverLocation", error.Target);
    }

    [Fact]
    public void WithAutodiscoverOnNoServerLocationIsRequiredInEitherDirection()
    {
        var settings = ProfileSettings() with
        {
            AutoDiscoverServerLocation = true,
            Incoming = Connection(null),
            UseSameSettingsForOutgoing = false,
            Outgoing = Connection(null),
        };

        var profile = ServerProfile.Create(Guid.NewGuid(), settings, Now);

        Assert.True(profile.AutoDiscoverServerLocation);
        Assert.Null(profile.Incoming.ServerLocation);
        Assert.Null(profile.Outgoing.ServerLocation);
    }

    [Fact]
    public void WhileMirroringOutgoingEqualsIncomingAndOutgoingSettingsSentAlongAreIgnored()
    {
        var settings = ProfileSettings() with { UseSameSettingsForOutgoing = true, Outgoing = Connection(SmtpServer, AuthenticationProtocol.Ntlm) };

        var profile = ServerProfile.Create(Guid.NewGuid(), settings, Now);

        Assert.Equal(profile.Incoming, profile.Outgoing);
        Assert.Equal(MailServer, profile.Outgoing.ServerLocation);
    }

    [Fact]
    public void WhileMirroringOutgoingFollowsALaterChangeOfIncoming()
    {
        var profile = Profile();
        var moved = Connection(new Uri("https://exchange2019.contoso.com/EWS/Exchange.asmx"), AuthenticationProtocol.Ntlm);

        profile.Update(ProfileSettings() with { Incoming = moved }, isOrganizationDefault: false, Now.AddMinutes(1));

        Assert.Equal(moved, profile.Incoming);
        Assert.Equal(moved, profile.Outgoing);
    }

    [Fact]
    public void SeparateOutgoingSettingsAreKeptWhenNotMirroringAndDroppedWhenMirroringIsTurnedOn()
    {
        var separate = ProfileSettings() with { UseSameSettingsForOutgoing = false, Outgoing = Connection(SmtpServer, AuthenticationProtocol.Ntlm) };
        var profile = Profile(separate);
        Assert.Equal(SmtpServer, profile.Outgoing.ServerLocation);
        Assert.Equal(AuthenticationProtocol.Ntlm, profile.Outgoing.AuthenticationProtocol);
        Assert.Equal(MailServer, profile.Incoming.ServerLocation);

        profile.Update(separate with { UseSameSettingsForOutgoing = true }, isOrganizationDefault: false, Now);

        Assert.True(profile.UseSameSettingsForOutgoing);
        Assert.Equal(profile.Incoming, profile.Outgoing);
    }

    [Fact]
    public void TurningMirroringOffWithoutOutgoingSettingsStartsFromACopyOfIncoming()
    {
        var profile = Profile(ProfileSettings() with { UseSameSettingsForOutgoing = false, Outgoing = null });

        Assert.False(profile.UseSameSettingsForOutgoing);
        Assert.Equal(profile.Incoming, profile.Outgoing);
    }

    [Fact]
    public void ImpersonationWithoutItsAccountIsRejected()
    {
        var settings = ProfileSettings() with { Authentication = ProfileAuthentication.Rehydrate(ProfileAuthenticationType.Impersonation, null, HybridModernAuth().HybridModernAuth) };

        var error = Rejected(() => ServerProfile.Create(Guid.NewGuid(), settings, Now));

        Assert.Equal(ServerProfileErrors.AuthenticationSettingsRequired, error.Code);
        Assert.Equal("authentication", error.Target);
    }

    [Fact]
    public void HybridModernAuthWithoutItsApplicationIsRejected()
    {
        var settings = ProfileSettings() with { Authentication = ProfileAuthentication.Rehydrate(ProfileAuthenticationType.HybridModernAuth, Impersonation().Impersonation, null) };

        var error = Rejected(() => ServerProfile.Create(Guid.NewGuid(), settings, Now));

        Assert.Equal(ServerProfileErrors.AuthenticationSettingsRequired, error.Code);
        Assert.Equal("authentication", error.Target);
    }

    [Fact]
    public void AnUnknownAuthenticationTypeIsRejected()
    {
        var settings = ProfileSettings() with { Authentication = ProfileAuthentication.Rehydrate((ProfileAuthenticationType)99, Impersonation().Impersonation, null) };

        Assert.Equal(ServerProfileErrors.AuthenticationSettingsRequired, Rejected(() => ServerProfile.Create(Guid.NewGuid(), settings, Now)).Code);
    }

    [Fact]
    public void TheImpersonationAccountNeedsAPassword()
    {
        var error = Rejected(() => ProfileAuthentication.ForImpersonation(new ImpersonationAccount("svc@contoso.com", null)));

        Assert.Equal(ServerProfileErrors.PasswordRequired, error.Code);
        Assert.Equal("authentication.impersonation.password", error.Target);
    }

    [Fact]
    public void HybridModernAuthNeedsAClientSecret()
    {
        var application = new HybridModernAuthApplication("contoso.onmicrosoft.com", "client", new Uri("https://mail.contoso.com"), new Uri("https://login.microsoftonline.com"), null);

        var error = Rejected(() => ProfileAuthentication.ForHybridModernAuth(application));

        Assert.Equal(ServerProfileErrors.ClientSecretRequired, error.Code);
        Assert.Equal("authentication.hybridModernAuth.clientSecret", error.Target);
    }

    [Fact]
    public void EachAuthenticationFactoryKeepsOnlyItsOwnSettings()
    {
        var impersonation = Impersonation();
        var hybrid = HybridModernAuth();

        Assert.Equal(ProfileAuthenticationType.Impersonation, impersonation.Type);
        Assert.NotNull(impersonation.Impersonation);
        Assert.Null(impersonation.HybridModernAuth);
        Assert.Equal(ProfileAuthenticationType.HybridModernAuth, hybrid.Type);
        Assert.NotNull(hybrid.HybridModernAuth);
        Assert.Null(hybrid.Impersonation);
    }

    [Fact]
    public void TheOrganizationDefaultCannotBeDeactivatedAndIsLeftUnchanged()
    {
        var profile = Profile();

        var error = Rejected(() => profile.Update(ProfileSettings() with { State = RecordState.Inactive, Description = "changed" }, isOrganizationDefault: true, Now.AddHours(1)));

        Assert.Equal(ServerProfileErrors.DefaultServerProfileCannotBeDeactivated, error.Code);
        Assert.Equal("state", error.Target);
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.True(profile.IsActive);
        Assert.Null(profile.Description);
        Assert.Equal(1, profile.Revision);
    }

    [Fact]
    public void TheOrganizationDefaultCanBeChangedWhileItStaysActive()
    {
        var profile = Profile();

        profile.Update(ProfileSettings() with { Description = "changed" }, isOrganizationDefault: true, Now);

        Assert.Equal("changed", profile.Description);
    }

    [Fact]
    public void AProfileThatIsNotTheDefaultCanBeDeactivated()
    {
        var profile = Profile();

        profile.Update(ProfileSettings() with { State = RecordState.Inactive }, isOrganizationDefault: false, Now);

        Assert.False(profile.IsActive);
        Assert.Equal(RecordState.Inactive, profile.State);
    }

    [Fact]
    public void AProfileNothingUsesCanBeDeleted()
    {
        var profile = Profile();

        profile.EnsureCanBeDeleted(mailboxCount: 0, isOrganizationDefault: false);
    }

    [Fact]
    public void DeletingTheOrganizationDefaultIsRefusedAndTheMessageSaysSo()
    {
        var profile = Profile(ProfileSettings("Head office"));

        var error = Rejected(() => profile.EnsureCanBeDeleted(mailboxCount: 0, isOrganizationDefault: true));

        Assert.Equal(ServerProfileErrors.ServerProfileInUse, error.Code);
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Contains("'Head office'", error.Message);
        Assert.Contains("default profile for new mailboxes", error.Message);
        Assert.DoesNotContain("mailbox uses", error.Message);
        Assert.DoesNotContain("mailboxes use", error.Message);
    }

    [Theory]
    [InlineData(1, "1 mailbox uses it")]
    [InlineData(2, "2 mailboxes use it")]
    [InlineData(37, "37 mailboxes use it")]
    public void DeletingAProfileInUseIsRefusedWithTheMailboxCount(int mailboxCount, string expected)
    {
        var profile = Profile();

        var error = Rejected(() => profile.EnsureCanBeDeleted(mailboxCount, isOrganizationDefault: false));

        Assert.Equal(ServerProfileErrors.ServerProfileInUse, error.Code);
        Assert.Equal(DomainErrorKind.Conflict, error.Kind);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("default", error.Message);
    }

    [Fact]
    public void DeletingADefaultProfileInUseNamesBothReasons()
    {
        var profile = Profile();

        var error = Rejected(() => profile.EnsureCanBeDeleted(mailboxCount: 4, isOrganizationDefault: true));

        Assert.Contains("default profile for new mailboxes", error.Message);
        Assert.Contains("4 mailboxes use it", error.Message);
    }

    [Fact]
    public void CreateStartsAtRevisionOneAndEveryUpdateIncrementsIt()
    {
        var created = Now;
        var profile = ServerProfile.Create(Guid.NewGuid(), ProfileSettings(), created);
        Assert.Equal(1, profile.Revision);
        Assert.Equal(created, profile.CreatedAt);
        Assert.Equal(created, profile.ModifiedAt);

        profile.Update(ProfileSettings(), isOrganizationDefault: false, created.AddMinutes(5));
        profile.Update(ProfileSettings(), isOrganizationDefault: false, created.AddMinutes(9));

        Assert.Equal(3, profile.Revision);
        Assert.Equal(created, profile.CreatedAt);
        Assert.Equal(created.AddMinutes(9), profile.ModifiedAt);
    }

    [Fact]
    public void ARejectedUpdateChangesNothing()
    {
        var profile = Profile(ProfileSettings("Before"));

        Rejected(() => profile.Update(ProfileSettings("After") with { Incoming = Connection(null) }, isOrganizationDefault: false, Now.AddHours(1)));

        Assert.Equal("Before", profile.Name);
        Assert.Equal(MailServer, profile.Incoming.ServerLocation);
        Assert.Equal(1, profile.Revision);
        Assert.Equal(Now, profile.ModifiedAt);
    }

    [Fact]
    public void NameIsTrimmedAndNormalizedForTheCaseInsensitiveUniquenessRule()
    {
        var profile = Profile(ProfileSettings("  Contoso Exchange  "));

        Assert.Equal("Contoso Exchange", profile.Name);
        Assert.Equal("CONTOSO EXCHANGE", profile.NormalizedName);
        Assert.Equal(ServerProfile.NormalizeName("contoso exchange "), profile.NormalizedName);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void ABlankDescriptionIsStoredAsNone(string? description)
    {
        var profile = Profile(ProfileSettings() with { Description = description });

        Assert.Null(profile.Description);
    }

    [Fact]
    public void APortOverridesThePortOfTheServerLocation()
    {
        var connection = new ServerConnection(MailServer, 8443, AuthenticationProtocol.Basic);

        Assert.Equal(new Uri("https://mail.contoso.com:8443/EWS/Exchange.asmx"), connection.EffectiveServerLocation);
        Assert.Equal(MailServer, Connection(MailServer).EffectiveServerLocation);
        Assert.Null(new ServerConnection(null, 8443, AuthenticationProtocol.Basic).EffectiveServerLocation);
    }

    [Fact]
    public void SecretsNeverShowInTheirTextForm()
    {
        var secret = Secret("the-real-ciphertext");

        Assert.Equal("***", secret.ToString());
        Assert.DoesNotContain("the-real-ciphertext", new ImpersonationAccount("svc@contoso.com", secret).ToString());
    }
}
