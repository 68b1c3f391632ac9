using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using static ExSync.Domain.Tests.Builders;

namespace ExSync.Domain.Tests;

public sealed class MailboxTests
{
    [Fact]
    public void ANewMailboxIsPendingApprovalUntestedAndDisabled()
    {
        var profile = Profile();

        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, organizationDefaultProfileId: null, Now);

        Assert.Equal(EmailApprovalStatus.PendingApproval, mailbox.ApprovalStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.IncomingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.ActStatus);
        Assert.False(mailbox.EnabledForIncomingEmail);
        Assert.False(mailbox.EnabledForOutgoingEmail);
        Assert.False(mailbox.EnabledForAct);
        Assert.False(mailbox.TestScheduled);
        Assert.Null(mailbox.LastError);
        Assert.Equal(1, mailbox.Revision);
        Assert.Equal(Now, mailbox.CreatedAt);
    }

    [Theory]
    [InlineData(IncomingEmailDeliveryMethod.ServerSideSynchronization, DeliveryMethod.None, DeliveryMethod.None)]
    [InlineData(IncomingEmailDeliveryMethod.None, DeliveryMethod.ServerSideSynchronization, DeliveryMethod.None)]
    [InlineData(IncomingEmailDeliveryMethod.None, DeliveryMethod.None, DeliveryMethod.ServerSideSynchronization)]
    public void ServerSideSynchronizationInAnyDirectionNeedsAProfileWhenThereIsNoOrganizationDefault(
        IncomingEmailDeliveryMethod incoming, DeliveryMethod outgoing, DeliveryMethod act)
    {
        var settings = MailboxSettings() with { IncomingDeliveryMethod = incoming, OutgoingDeliveryMethod = outgoing, ActDeliveryMethod = act };

        var error = Rejected(() => Mailbox.Create(Guid.NewGuid(), settings, assignedProfile: null, organizationDefaultProfileId: null, Now));

        Assert.Equal(MailboxErrors.ServerProfileRequired, error.Code);
        Assert.Equal("serverProfileId", error.Target);
    }

    [Fact]
    public void ServerSideSynchronizationWithoutAnOwnProfileIsAllowedWhenTheOrganizationHasADefault()
    {
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile: null), assignedProfile: null, organizationDefaultProfileId: Guid.NewGuid(), Now);

        Assert.Null(mailbox.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.ServerSideSynchronization, mailbox.IncomingDeliveryMethod);
    }

    [Fact]
    public void ServerSideSynchronizationWithAnOwnProfileNeedsNoOrganizationDefault()
    {
        var profile = Profile();

        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, organizationDefaultProfileId: null, Now);

        Assert.Equal(profile.Id, mailbox.ServerProfileId);
    }

    [Theory]
    [InlineData(IncomingEmailDeliveryMethod.None, DeliveryMethod.None, DeliveryMethod.None)]
    [InlineData(IncomingEmailDeliveryMethod.Outlook, DeliveryMethod.Outlook, DeliveryMethod.Outlook)]
    [InlineData(IncomingEmailDeliveryMethod.EmailRouter, DeliveryMethod.EmailRouter, DeliveryMethod.None)]
    [InlineData(IncomingEmailDeliveryMethod.ForwardMailbox, DeliveryMethod.None, DeliveryMethod.Outlook)]
    public void WithoutServerSideSynchronizationNoProfileIsNeeded(IncomingEmailDeliveryMethod incoming, DeliveryMethod outgoing, DeliveryMethod act)
    {
        var settings = MailboxSettings() with { IncomingDeliveryMethod = incoming, OutgoingDeliveryMethod = outgoing, ActDeliveryMethod = act };

        var mailbox = Mailbox.Create(Guid.NewGuid(), settings, assignedProfile: null, organizationDefaultProfileId: null, Now);

        Assert.Null(mailbox.ServerProfileId);
        Assert.Equal(incoming, mailbox.IncomingDeliveryMethod);
        Assert.Equal(outgoing, mailbox.OutgoingDeliveryMethod);
        Assert.Equal(act, mailbox.ActDeliveryMethod);
    }

    [Fact]
    public void AProfileThatDoesNotExistCannotBeAssigned()
    {
        var settings = MailboxSettings() with { ServerProfileId = Guid.NewGuid() };

        var error = Rejected(() => Mailbox.Create(Guid.NewGuid(), settings, assignedProfile: null, organizationDefaultProfileId: null, Now));

        Assert.Equal(ServerProfileErrors.UnknownServerProfile, error.Code);
        Assert.Equal("serverProfileId", error.Target);
        Assert.Contains(settings.ServerProfileId.ToString()!, error.Message);
    }

    [Fact]
    public void AProfileOtherThanTheOneNamedDoesNotSatisfyTheReference()
    {
        var settings = MailboxSettings() with { ServerProfileId = Guid.NewGuid() };

        var error = Rejected(() => Mailbox.Create(Guid.NewGuid(), settings, Profile(), organizationDefaultProfileId: null, Now));

        Assert.Equal(ServerProfileErrors.UnknownServerProfile, error.Code);
    }

    [Fact]
    public void AnInactiveProfileCannotBeAssignedToANewMailbox()
    {
        var inactive = InactiveProfile();

        var error = Rejected(() => Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(inactive), inactive, organizationDefaultProfileId: null, Now));

        Assert.Equal(ServerProfileErrors.ServerProfileInactive, error.Code);
        Assert.Equal("serverProfileId", error.Target);
    }

    [Fact]
    public void AnInactiveProfileCannotBeAssignedToAnExistingMailbox()
    {
        var active = Profile();
        var inactive = InactiveProfile();
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(active), active, organizationDefaultProfileId: null, Now);

        var error = Rejected(() => mailbox.Update(SyncedMailboxSettings(inactive), inactive, organizationDefaultProfileId: null, Now));

        Assert.Equal(ServerProfileErrors.ServerProfileInactive, error.Code);
        Assert.Equal(active.Id, mailbox.ServerProfileId);
        Assert.Equal(1, mailbox.Revision);
    }

    [Fact]
    public void AnAssignedProfileThatLaterBecameInactiveDoesNotBlockOtherEdits()
    {
        var profile = Profile();
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, organizationDefaultProfileId: null, Now);
        profile.Update(ProfileSettings() with { State = RecordState.Inactive }, isOrganizationDefault: false, Now);

        mailbox.Update(SyncedMailboxSettings(profile) with { Name = "Alice Renamed" }, profile, organizationDefaultProfileId: null, Now.AddMinutes(1));

        Assert.Equal("Alice Renamed", mailbox.Name);
        Assert.Equal(profile.Id, mailbox.ServerProfileId);
        Assert.Equal(2, mailbox.Revision);
    }

    [Fact]
    public void AnAssignedProfileThatLaterBecameInactiveMustStillExist()
    {
        var profile = Profile();
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, organizationDefaultProfileId: null, Now);

        var error = Rejected(() => mailbox.Update(SyncedMailboxSettings(profile) with { Name = "Alice Renamed" }, assignedProfile: null, organizationDefaultProfileId: null, Now));

        Assert.Equal(ServerProfileErrors.UnknownServerProfile, error.Code);
    }

    [Fact]
    public void ChangingTheAddressWithdrawsTheApprovalAndResetsTheTestResults()
    {
        var profile = Profile();
        var mailbox = TestedAndApproved(profile);

        mailbox.Update(SyncedMailboxSettings(profile, "alice.new@contoso.com"), profile, organizationDefaultProfileId: null, Now.AddDays(1));

        Assert.Equal("alice.new@contoso.com", mailbox.EmailAddress);
        Assert.Equal(EmailApprovalStatus.PendingApproval, mailbox.ApprovalStatus);
        AssertUntestedAndDisabled(mailbox);
    }

    [Fact]
    public void ChangingOnlyTheCaseOfTheAddressKeepsTheApprovalAndTheTestResults()
    {
        var profile = Profile();
        var mailbox = TestedAndApproved(profile);

        mailbox.Update(SyncedMailboxSettings(profile, "ALICE@Contoso.com"), profile, organizationDefaultProfileId: null, Now.AddDays(1));

        Assert.Equal("ALICE@Contoso.com", mailbox.EmailAddress);
        Assert.Equal(EmailApprovalStatus.Approved, mailbox.ApprovalStatus);
        Assert.Equal(SyncStatus.Success, mailbox.IncomingEmailStatus);
        Assert.True(mailbox.EnabledForIncomingEmail);
    }

    [Fact]
    public void ChangingTheProfileResetsTheTestResultsButKeepsTheApproval()
    {
        var profile = Profile();
        var other = Profile();
        var mailbox = TestedAndApproved(profile);

        mailbox.Update(SyncedMailboxSettings(other), other, organizationDefaultProfileId: null, Now.AddDays(1));

        Assert.Equal(other.Id, mailbox.ServerProfileId);
        Assert.Equal(EmailApprovalStatus.Approved, mailbox.ApprovalStatus);
        AssertUntestedAndDisabled(mailbox);
    }

    [Theory]
    [InlineData("incoming")]
    [InlineData("outgoing")]
    [InlineData("act")]
    public void ChangingADeliveryMethodResetsTheTestResultsButKeepsTheApproval(string direction)
    {
        var profile = Profile();
        var mailbox = TestedAndApproved(profile);
        var settings = SyncedMailboxSettings(profile);
        settings = direction switch
        {
            "incoming" => settings with { IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None },
            "outgoing" => settings with { OutgoingDeliveryMethod = DeliveryMethod.None },
            _ => settings with { ActDeliveryMethod = DeliveryMethod.None },
        };

        mailbox.Update(settings, profile, organizationDefaultProfileId: null, Now.AddDays(1));

        Assert.Equal(EmailApprovalStatus.Approved, mailbox.ApprovalStatus);
        AssertUntestedAndDisabled(mailbox);
    }

    [Fact]
    public void ChangingOnlyTheNameKeepsTheApprovalAndTheTestResults()
    {
        var profile = Profile();
        var mailbox = TestedAndApproved(profile);

        mailbox.Update(SyncedMailboxSettings(profile) with { Name = "Alice B. Example", SyncOnlyFromThisOrganization = true }, profile, organizationDefaultProfileId: null, Now.AddDays(1));

        Assert.Equal("Alice B. Example", mailbox.Name);
        Assert.True(mailbox.SyncOnlyFromThisOrganization);
        Assert.Equal(EmailApprovalStatus.Approved, mailbox.ApprovalStatus);
        Assert.Equal(SyncStatus.Success, mailbox.IncomingEmailStatus);
        Assert.Equal(SyncStatus.Success, mailbox.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.Success, mailbox.ActStatus);
        Assert.True(mailbox.EnabledForIncomingEmail);
        Assert.True(mailbox.EnabledForOutgoingEmail);
        Assert.True(mailbox.EnabledForAct);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", mailbox.EwsUrl);
    }

    [Fact]
    public void EveryUpdateIncrementsTheRevisionAndKeepsTheCreationTime()
    {
        var mailbox = Mailbox.Create(Guid.NewGuid(), MailboxSettings(), null, null, Now);

        mailbox.Update(MailboxSettings() with { Name = "B" }, null, null, Now.AddMinutes(1));
        mailbox.Update(MailboxSettings() with { Name = "C" }, null, null, Now.AddMinutes(2));

        Assert.Equal(3, mailbox.Revision);
        Assert.Equal(Now, mailbox.CreatedAt);
        Assert.Equal(Now.AddMinutes(2), mailbox.ModifiedAt);
    }

    [Fact]
    public void NameAndAddressAreTrimmedAndTheAddressIsNormalizedForTheUniquenessRule()
    {
        var mailbox = Mailbox.Create(Guid.NewGuid(), MailboxSettings(" Alice@Contoso.com ") with { Name = "  Alice  " }, null, null, Now);

        Assert.Equal("Alice", mailbox.Name);
        Assert.Equal("Alice@Contoso.com", mailbox.EmailAddress);
        Assert.Equal("ALICE@CONTOSO.COM", mailbox.NormalizedEmailAddress);
        Assert.Equal(Mailbox.NormalizeEmailAddress("alice@contoso.COM"), mailbox.NormalizedEmailAddress);
    }

    /// <summary>A mailbox whose address is approved and whose last Test &amp; Enable passed in every direction.</summary>
    private static Mailbox TestedAndApproved(ServerProfile profile)
    {
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, organizationDefaultProfileId: null, Now);
        Arrange(mailbox, nameof(Mailbox.ApprovalStatus), EmailApprovalStatus.Approved);
        Arrange(mailbox, nameof(Mailbox.IncomingEmailStatus), SyncStatus.Success);
        Arrange(mailbox, nameof(Mailbox.OutgoingEmailStatus), SyncStatus.Success);
        Arrange(mailbox, nameof(Mailbox.ActStatus), SyncStatus.Success);
        Arrange(mailbox, nameof(Mailbox.EnabledForIncomingEmail), true);
        Arrange(mailbox, nameof(Mailbox.EnabledForOutgoingEmail), true);
        Arrange(mailbox, nameof(Mailbox.EnabledForAct), true);
        Arrange(mailbox, nameof(Mailbox.TestScheduled), true);
        Arrange(mailbox, nameof(Mailbox.TestRetryCount), 2);
        Arrange(mailbox, nameof(Mailbox.NextTestAt), (DateTimeOffset?)Now.AddHours(1));
        Arrange(mailbox, nameof(Mailbox.EwsUrl), "https://mail.contoso.com/EWS/Exchange.asmx");
        Arrange(mailbox, nameof(Mailbox.LastError), new MailboxError("Transient", "Exchange was busy.", Now));
        return mailbox;
    }

    private static void AssertUntestedAndDisabled(Mailbox mailbox)
    {
        Assert.Equal(SyncStatus.NotRun, mailbox.IncomingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.ActStatus);
        Assert.False(mailbox.EnabledForIncomingEmail);
        Assert.False(mailbox.EnabledForOutgoingEmail);
        Assert.False(mailbox.EnabledForAct);
        Assert.False(mailbox.TestScheduled);
        Assert.Equal(0, mailbox.TestRetryCount);
        Assert.Null(mailbox.NextTestAt);
        Assert.Null(mailbox.EwsUrl);
        Assert.Null(mailbox.LastError);
    }
}
