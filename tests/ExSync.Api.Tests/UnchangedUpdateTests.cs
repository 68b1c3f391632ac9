using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// A PATCH that changes nothing is no change: the resource keeps its ETag and modification time, and the audit trail records
/// nothing, so clients that re-send what they read (or retry) neither invalidate other clients' ETags nor fill the trail.
/// Secrets are the exception: they are write-only, so sending one always counts as a change.
/// </summary>
public sealed class UnchangedUpdateTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PatchingAServerProfileWithItsCurrentValuesKeepsItsETagAndModificationTimeAndRecordsNothing()
    {
        var profiles = app.ServerProfiles();
        var created = await profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var eventsBefore = await AuditEventCountAsync(created.Id);
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var empty = await profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch(), cancellationToken: Ct);
        var same = await profiles.UpdateServerProfileAsync(created.Id, CurrentValues(created), created.Etag, Ct);

        Assert.All([empty, same, await profiles.GetServerProfileAsync(created.Id, Ct)], profile =>
        {
            Assert.Equal(created.Etag, profile.Etag);
            Assert.Equal(created.ModifiedAt, profile.ModifiedAt);
        });
        Assert.Equal(eventsBefore, await AuditEventCountAsync(created.Id));
    }

    [Fact]
    public async Task ResendingTheStoredPasswordCountsAsAChangeBecauseItIsWriteOnly()
    {
        var profiles = app.ServerProfiles();
        var created = await profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var eventsBefore = await AuditEventCountAsync(created.Id);
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var patch = new ServerProfilePatch
        {
            Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = TestData.Password } },
        };
        var updated = await profiles.UpdateServerProfileAsync(created.Id, patch, created.Etag, Ct);

        Assert.NotEqual(created.Etag, updated.Etag);
        Assert.True(updated.ModifiedAt > created.ModifiedAt);
        var events = await AuditEventsAsync(created.Id);
        Assert.Equal(eventsBefore + 1, events.Count);
        var change = Assert.Single(events[^1].Changes);
        Assert.Equal(("authentication.impersonation.password", "(changed)"), (change.Field, change.To));
    }

    [Fact]
    public async Task PatchingAMailboxWithItsCurrentValuesKeepsItsETagModificationTimeAndStatusesAndRecordsNothing()
    {
        var mailboxes = app.Mailboxes();
        var created = await mailboxes.CreateMailboxAsync(TestData.MailboxWithoutSync(), Ct);
        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [created.Id] }, Ct);
        var approved = await mailboxes.GetMailboxAsync(created.Id, Ct);
        var eventsBefore = await AuditEventCountAsync(created.Id);
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var current = new MailboxPatch
        {
            Name = approved.Name,
            EmailAddress = approved.EmailAddress,
            Owner = new MailboxOwnerPatch { Type = approved.Owner.Type, Id = approved.Owner.Id, Name = approved.Owner.Name },
            ServerProfileId = approved.ServerProfileId,
            IncomingDeliveryMethod = approved.IncomingDeliveryMethod,
            OutgoingDeliveryMethod = approved.OutgoingDeliveryMethod,
            ActDeliveryMethod = approved.ActDeliveryMethod,
            SyncOnlyFromThisOrganization = approved.SyncOnlyFromThisOrganization,
            State = approved.State,
        };
        var same = await mailboxes.UpdateMailboxAsync(created.Id, current, approved.Etag, Ct);
        var empty = await mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch(), cancellationToken: Ct);

        Assert.All([same, empty, await mailboxes.GetMailboxAsync(created.Id, Ct)], mailbox =>
        {
            Assert.Equal(approved.Etag, mailbox.Etag);
            Assert.Equal(approved.ModifiedAt, mailbox.ModifiedAt);
            Assert.Equal(EmailApprovalStatus.Approved, mailbox.ApprovalStatus);
        });
        Assert.Equal(eventsBefore, await AuditEventCountAsync(created.Id));
    }

    [Fact]
    public async Task PatchingTheOrganizationSettingsWithTheirCurrentValuesKeepsTheirETagAndModificationTimeAndRecordsNothing()
    {
        var organization = app.Organization();
        var settings = await organization.GetOrganizationEmailSettingsAsync(Ct);
        var eventsBefore = await AuditEventCountAsync(settings.OrganizationId);
        app.Time.Advance(TimeSpan.FromMinutes(5));

        var current = new OrganizationEmailSettingsInput
        {
            IncomingEmail = settings.IncomingEmail,
            OutgoingEmail = settings.OutgoingEmail,
            AppointmentsContactsAndTasks = settings.AppointmentsContactsAndTasks,
            ProcessEmailsOnlyForApprovedUsers = settings.ProcessEmailsOnlyForApprovedUsers,
            ProcessEmailsOnlyForApprovedQueues = settings.ProcessEmailsOnlyForApprovedQueues,
            Alerts = new AlertLevelSettingsInput { Errors = settings.Alerts.Errors, Warnings = settings.Alerts.Warnings, Information = settings.Alerts.Information },
        };
        var same = await organization.UpdateOrganizationEmailSettingsAsync(current, settings.Etag, Ct);

        Assert.Equal((settings.Etag, settings.ModifiedAt), (same.Etag, same.ModifiedAt));
        var reread = await organization.GetOrganizationEmailSettingsAsync(Ct);
        Assert.Equal((settings.Etag, settings.ModifiedAt), (reread.Etag, reread.ModifiedAt));
        Assert.Equal(eventsBefore, await AuditEventCountAsync(settings.OrganizationId));
    }

    // Every writable field of the profile as GET returned it (the password is write-only, so it is not among them).
    private static ServerProfilePatch CurrentValues(ServerProfile profile) => new()
    {
        Name = profile.Name,
        Description = profile.Description,
        ServerType = profile.ServerType,
        Owner = new ServerProfileOwnerPatch { Id = profile.Owner.Id, EmailAddress = profile.Owner.EmailAddress },
        Authentication = new ServerProfileAuthenticationPatch
        {
            Type = profile.Authentication.Type,
            Impersonation = new ServerProfileImpersonationPatch { UserName = profile.Authentication.Impersonation!.UserName },
        },
        AutoDiscoverServerLocation = profile.AutoDiscoverServerLocation,
        Incoming = new ServerProfileConnectionInput
        {
            ServerLocation = profile.Incoming.ServerLocation,
            Port = profile.Incoming.Port,
            AuthenticationProtocol = profile.Incoming.AuthenticationProtocol,
        },
        UseSameSettingsForOutgoing = profile.UseSameSettingsForOutgoing,
        Advanced = new ServerProfileAdvancedOptionsInput
        {
            MinPollingIntervalMinutes = profile.Advanced.MinPollingIntervalMinutes,
            MaxConcurrentConnections = profile.Advanced.MaxConcurrentConnections,
            MoveFailedEmailsToUndeliverableFolder = profile.Advanced.MoveFailedEmailsToUndeliverableFolder,
            SendAlertToOwnerOnMajorFailures = profile.Advanced.SendAlertToOwnerOnMajorFailures,
            ConnectionTimeoutSeconds = profile.Advanced.ConnectionTimeoutSeconds,
        },
        State = profile.State,
        SetAsDefaultForNewMailboxes = profile.IsDefaultForNewMailboxes,
    };

    private async Task<int> AuditEventCountAsync(Guid target) => (await AuditEventsAsync(target)).Count;

    private async Task<IList<AuditEvent>> AuditEventsAsync(Guid target) =>
        (await new AuditClient(app.CreateClient()).ListAuditEventsAsync(target: target.ToString(), pageSize: 1000, cancellationToken: Ct)).Value;
}
