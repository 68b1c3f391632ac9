using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using static ExSync.Domain.Tests.Builders;

namespace ExSync.Domain.Tests;

public sealed class OrganizationEmailSettingsTests
{
    private static readonly Guid OrganizationId = Guid.Parse("5b0f3c8e-2a41-4d6e-9c1f-7e2b8d4a6c01");

    [Fact]
    public void ANewDeploymentUsesServerSideSynchronizationRequiresApprovalAndRecordsEveryAlert()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);

        Assert.Equal(OrganizationEmailSettings.SingletonId, settings.Id);
        Assert.Equal(OrganizationId, settings.OrganizationId);
        Assert.Null(settings.DefaultServerProfileId);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.IncomingEmail);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.OutgoingEmail);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.AppointmentsContactsAndTasks);
        Assert.True(settings.ProcessEmailsOnlyForApprovedUsers);
        Assert.True(settings.ProcessEmailsOnlyForApprovedQueues);
        Assert.Equal(new AlertLevels(Errors: true, Warnings: true, Information: true), settings.Alerts);
        Assert.Equal(1, settings.Revision);
    }

    [Theory]
    [InlineData(DefaultDeliveryMethod.ServerSideSynchronization, IncomingEmailDeliveryMethod.ServerSideSynchronization, DeliveryMethod.ServerSideSynchronization)]
    [InlineData(DefaultDeliveryMethod.EmailRouter, IncomingEmailDeliveryMethod.EmailRouter, DeliveryMethod.EmailRouter)]
    [InlineData(DefaultDeliveryMethod.None, IncomingEmailDeliveryMethod.None, DeliveryMethod.None)]
    public void EachDefaultDeliveryMethodStandsForTheSameMethodInEveryDirection(DefaultDeliveryMethod method, IncomingEmailDeliveryMethod incoming, DeliveryMethod other)
    {
        Assert.Equal(incoming, OrganizationEmailSettings.ToIncoming(method));
        Assert.Equal(other, OrganizationEmailSettings.ToDeliveryMethod(method));
    }

    [Fact]
    public void ApplyDefaultsFillsEachUnsetDirectionFromItsOwnDefault()
    {
        var profileId = Guid.NewGuid();
        var settings = Settings(new OrganizationEmailSettingsChange
        {
            DefaultServerProfileId = profileId,
            IncomingEmail = DefaultDeliveryMethod.EmailRouter,
            OutgoingEmail = DefaultDeliveryMethod.None,
            AppointmentsContactsAndTasks = DefaultDeliveryMethod.ServerSideSynchronization,
        }, ProfileWithId(profileId));

        var mailbox = settings.ApplyDefaults(Draft());

        Assert.Equal(profileId, mailbox.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.EmailRouter, mailbox.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, mailbox.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.ServerSideSynchronization, mailbox.ActDeliveryMethod);
    }

    [Fact]
    public void ApplyDefaultsKeepsWhatTheRequestSet()
    {
        var defaultProfileId = Guid.NewGuid();
        var ownProfileId = Guid.NewGuid();
        var settings = Settings(new OrganizationEmailSettingsChange { DefaultServerProfileId = defaultProfileId }, ProfileWithId(defaultProfileId));
        var after = Now.AddDays(-30);
        var draft = Draft() with
        {
            ServerProfileId = ownProfileId,
            IncomingDeliveryMethod = IncomingEmailDeliveryMethod.ForwardMailbox,
            OutgoingDeliveryMethod = DeliveryMethod.Outlook,
            ActDeliveryMethod = DeliveryMethod.None,
            SyncOnlyFromThisOrganization = true,
            ProcessEmailsReceivedAfter = after,
            State = RecordState.Inactive,
        };

        var mailbox = settings.ApplyDefaults(draft);

        Assert.Equal(ownProfileId, mailbox.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.ForwardMailbox, mailbox.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.Outlook, mailbox.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, mailbox.ActDeliveryMethod);
        Assert.True(mailbox.SyncOnlyFromThisOrganization);
        Assert.Equal(after, mailbox.ProcessEmailsReceivedAfter);
        Assert.Equal(RecordState.Inactive, mailbox.State);
        Assert.Equal(draft.Name, mailbox.Name);
        Assert.Equal(draft.EmailAddress, mailbox.EmailAddress);
        Assert.Equal(draft.Owner, mailbox.Owner);
    }

    [Fact]
    public void ApplyDefaultsLeavesTheProfileUnsetWhenTheOrganizationHasNoDefault()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);

        Assert.Null(settings.ApplyDefaults(Draft()).ServerProfileId);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public void ApprovalIsRequiredPerOwnerTypeAsConfigured(bool users, bool queues)
    {
        var settings = Settings(new OrganizationEmailSettingsChange { ProcessEmailsOnlyForApprovedUsers = users, ProcessEmailsOnlyForApprovedQueues = queues });

        Assert.Equal(users, settings.RequiresApprovalFor(MailboxOwnerType.User));
        Assert.Equal(queues, settings.RequiresApprovalFor(MailboxOwnerType.Queue));
    }

    [Fact]
    public void AnActiveProfileCanBecomeTheDefault()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var profile = Profile();

        var changed = settings.SetDefaultServerProfile(profile, isDefault: true, Now.AddMinutes(1));

        Assert.True(changed);
        Assert.Equal(profile.Id, settings.DefaultServerProfileId);
        Assert.Equal(2, settings.Revision);
        Assert.Equal(Now.AddMinutes(1), settings.ModifiedAt);
    }

    [Fact]
    public void MakingTheDefaultProfileTheDefaultAgainChangesNothing()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var profile = Profile();
        settings.SetDefaultServerProfile(profile, isDefault: true, Now);

        var changed = settings.SetDefaultServerProfile(profile, isDefault: true, Now.AddMinutes(1));

        Assert.False(changed);
        Assert.Equal(2, settings.Revision);
    }

    [Fact]
    public void ANewDefaultReplacesThePreviousOne()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var first = Profile();
        var second = Profile();
        settings.SetDefaultServerProfile(first, isDefault: true, Now);

        settings.SetDefaultServerProfile(second, isDefault: true, Now);

        Assert.Equal(second.Id, settings.DefaultServerProfileId);
    }

    [Fact]
    public void AnInactiveProfileCannotBecomeTheDefault()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);

        var error = Rejected(() => settings.SetDefaultServerProfile(InactiveProfile(), isDefault: true, Now));

        Assert.Equal(ServerProfileErrors.ServerProfileInactive, error.Code);
        Assert.Equal("setAsDefaultForNewMailboxes", error.Target);
        Assert.Null(settings.DefaultServerProfileId);
        Assert.Equal(1, settings.Revision);
    }

    [Fact]
    public void TheDefaultProfileCanStopBeingTheDefault()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var profile = Profile();
        settings.SetDefaultServerProfile(profile, isDefault: true, Now);

        var changed = settings.SetDefaultServerProfile(profile, isDefault: false, Now);

        Assert.True(changed);
        Assert.Null(settings.DefaultServerProfileId);
        Assert.Equal(3, settings.Revision);
    }

    [Fact]
    public void UnsettingAProfileThatIsNotTheDefaultLeavesTheDefaultAlone()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var theDefault = Profile();
        settings.SetDefaultServerProfile(theDefault, isDefault: true, Now);

        var changed = settings.SetDefaultServerProfile(Profile(), isDefault: false, Now);

        Assert.False(changed);
        Assert.Equal(theDefault.Id, settings.DefaultServerProfileId);
        Assert.Equal(2, settings.Revision);
    }

    [Fact]
    public void UpdateReplacesEverySetting()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var profile = Profile();
        var change = new OrganizationEmailSettingsChange
        {
            DefaultServerProfileId = profile.Id,
            IncomingEmail = DefaultDeliveryMethod.None,
            OutgoingEmail = DefaultDeliveryMethod.EmailRouter,
            AppointmentsContactsAndTasks = DefaultDeliveryMethod.None,
            ProcessEmailsOnlyForApprovedUsers = false,
            ProcessEmailsOnlyForApprovedQueues = false,
            Alerts = new AlertLevels(Errors: true, Warnings: false, Information: false),
        };

        settings.Update(change, profile, Now.AddHours(2));

        Assert.Equal(change, settings.ToChange());
        Assert.Equal(OrganizationId, settings.OrganizationId);
        Assert.Equal(2, settings.Revision);
        Assert.Equal(Now.AddHours(2), settings.ModifiedAt);
    }

    [Fact]
    public void UpdateWithAnUnknownDefaultProfileIsRejectedAndChangesNothing()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var change = settings.ToChange() with { DefaultServerProfileId = Guid.NewGuid(), IncomingEmail = DefaultDeliveryMethod.None };

        var error = Rejected(() => settings.Update(change, defaultProfile: null, Now));

        Assert.Equal(ServerProfileErrors.UnknownServerProfile, error.Code);
        Assert.Equal("defaultServerProfileId", error.Target);
        Assert.Null(settings.DefaultServerProfileId);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.IncomingEmail);
        Assert.Equal(1, settings.Revision);
    }

    [Fact]
    public void UpdateWithAProfileOtherThanTheOneNamedIsRejected()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);

        var error = Rejected(() => settings.Update(settings.ToChange() with { DefaultServerProfileId = Guid.NewGuid() }, Profile(), Now));

        Assert.Equal(ServerProfileErrors.UnknownServerProfile, error.Code);
    }

    [Fact]
    public void UpdateWithAnInactiveDefaultProfileIsRejected()
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        var inactive = InactiveProfile();

        var error = Rejected(() => settings.Update(settings.ToChange() with { DefaultServerProfileId = inactive.Id }, inactive, Now));

        Assert.Equal(ServerProfileErrors.ServerProfileInactive, error.Code);
        Assert.Equal("defaultServerProfileId", error.Target);
        Assert.Null(settings.DefaultServerProfileId);
    }

    [Fact]
    public void UpdateThatKeepsTheCurrentDefaultDoesNotNeedToLookItUpAgain()
    {
        var profile = Profile();
        var settings = Settings(new OrganizationEmailSettingsChange { DefaultServerProfileId = profile.Id }, profile);

        settings.Update(settings.ToChange() with { ProcessEmailsOnlyForApprovedQueues = false }, defaultProfile: null, Now);

        Assert.Equal(profile.Id, settings.DefaultServerProfileId);
        Assert.False(settings.ProcessEmailsOnlyForApprovedQueues);
    }

    [Fact]
    public void UpdateWithoutADefaultProfileClearsIt()
    {
        var profile = Profile();
        var settings = Settings(new OrganizationEmailSettingsChange { DefaultServerProfileId = profile.Id }, profile);

        settings.Update(settings.ToChange() with { DefaultServerProfileId = null }, defaultProfile: null, Now);

        Assert.Null(settings.DefaultServerProfileId);
    }

    private static OrganizationEmailSettings Settings(OrganizationEmailSettingsChange change, ServerProfile? profile = null)
    {
        var settings = OrganizationEmailSettings.CreateDefault(OrganizationId, Now);
        settings.Update(change, profile, Now);
        return settings;
    }

    private static ServerProfile ProfileWithId(Guid id) => ServerProfile.Create(id, ProfileSettings(), Now);

    private static MailboxDraft Draft() => new()
    {
        Name = "Support",
        EmailAddress = "support@contoso.com",
        Owner = new MailboxOwner(MailboxOwnerType.Queue, "queue-1", "Support"),
    };
}
