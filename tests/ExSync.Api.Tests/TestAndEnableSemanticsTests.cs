using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// The semantic rules of Test &amp; Enable (issue 4; dynamics-reference.md §4), end to end through the generated client against the
/// Exchange simulator: checks that need no Exchange call, which directions are tested, success, permanent failure, and the
/// organization ownership marker.
/// </summary>
public sealed class TestAndEnableSemanticsTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    private ExchangeSimulatorHost Simulator => deployment.Simulator;

    [Fact]
    public async Task AnInactiveMailboxFailsWithoutAnyRequestToExchange()
    {
        var address = Simulator.AddExchangeMailbox("inactive");
        var mailbox = await App.CreateMailboxAsync(address, m => m.State = RecordState.Inactive);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        await AssertFailedFastAsync(job, mailbox, address, "MailboxInactive", deployment.DefaultProfile);
    }

    [Theory]
    [InlineData(MailboxOwnerType.User)]
    [InlineData(MailboxOwnerType.Queue)]
    public async Task AnUnapprovedMailboxFailsWithoutAnyRequestToExchangeWhileTheOrganizationRequiresApproval(MailboxOwnerType ownerType)
    {
        var address = Simulator.AddExchangeMailbox("unapproved");
        var mailbox = await App.CreateMailboxAsync(address, m => m.Owner!.Type = ownerType, approve: false);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        await AssertFailedFastAsync(job, mailbox, address, "EmailNotApproved", deployment.DefaultProfile);
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal(EmailApprovalStatus.PendingApproval, after.ApprovalStatus);
        var ownerAlert = Assert.Single(await App.AlertsOfAsync(mailbox.Id), a => a.RecipientRole == AlertRecipientRole.MailboxOwner);

        // A queue has no user to notify by id alone: the alert carries the queue's address.
        Assert.Equal(ownerType == MailboxOwnerType.Queue ? address : null, ownerAlert.RecipientEmailAddress);
    }

    [Fact]
    public async Task AMailboxWithoutServerSideSynchronizationIsSkippedAndLeftUnchanged()
    {
        var address = Simulator.AddExchangeMailbox("nothing");
        var mailbox = await App.CreateMailboxAsync(address, m => m.Directions(IncomingEmailDeliveryMethod.None, DeliveryMethod.EmailRouter, DeliveryMethod.None));

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Counts.Skipped);
        Assert.Equal(0, job.Counts.Failed + job.Counts.Succeeded);
        var result = await App.ResultOfAsync(job.Id, mailbox.Id);
        Assert.Equal(JobItemOutcome.Skipped, result.Outcome);
        Assert.Equal("NothingToTest", result.Error!.Code);
        Assert.Equal(0, Simulator.Requests.CountForMailbox(address));

        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal(mailbox.Etag, after.Etag);
        Assert.Equal([SyncStatus.NotRun, SyncStatus.NotRun, SyncStatus.NotRun], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.Null(after.LastError);
        Assert.Null(after.LastTestCompletedAt);
        Assert.Empty(await App.AlertsOfAsync(mailbox.Id));
    }

    public static TheoryData<IncomingEmailDeliveryMethod, DeliveryMethod, DeliveryMethod, int> SingleDirections => new()
    {
        // Incoming reads the Inbox: one GetFolder.
        { IncomingEmailDeliveryMethod.ServerSideSynchronization, DeliveryMethod.EmailRouter, DeliveryMethod.None, 1 },

        // Outgoing reads Drafts and Sent Items, then creates and deletes a draft.
        { IncomingEmailDeliveryMethod.EmailRouter, DeliveryMethod.ServerSideSynchronization, DeliveryMethod.Outlook, 3 },

        // Appointments, contacts and tasks read their folders and the ownership marker in the same GetFolder.
        { IncomingEmailDeliveryMethod.None, DeliveryMethod.None, DeliveryMethod.ServerSideSynchronization, 1 },
    };

    [Theory]
    [MemberData(nameof(SingleDirections))]
    public async Task OnlyDirectionsThatUseServerSideSynchronizationAreTestedAndEnabled(
        IncomingEmailDeliveryMethod incoming, DeliveryMethod outgoing, DeliveryMethod act, int expectedRequests)
    {
        var address = Simulator.AddExchangeMailbox("one-direction");
        var mailbox = await App.CreateMailboxAsync(address, m => m.Directions(incoming, outgoing, act));

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(1, job.Counts.Succeeded);
        Assert.Equal(expectedRequests, Simulator.Requests.CountForMailbox(address));
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        var tested = new[]
        {
            incoming == IncomingEmailDeliveryMethod.ServerSideSynchronization,
            outgoing == DeliveryMethod.ServerSideSynchronization,
            act == DeliveryMethod.ServerSideSynchronization,
        };
        Assert.Equal(tested.Select(t => t ? SyncStatus.Success : SyncStatus.NotRun), [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.Equal(tested, new[] { after.EnabledForIncomingEmail, after.EnabledForOutgoingEmail, after.EnabledForAct });

        var result = await App.ResultOfAsync(job.Id, mailbox.Id);
        var directions = result.Directions!;
        Assert.Equal(
            tested.Select(t => t ? "Passed" : "NotTested"),
            [directions.IncomingEmail.Outcome, directions.OutgoingEmail.Outcome, directions.AppointmentsContactsAndTasks.Outcome]);
    }

    [Fact]
    public async Task ASuccessfulTestEnablesEveryDirectionAndInformsOnlyTheMailboxOwner()
    {
        var address = Simulator.AddExchangeMailbox("success");
        var mailbox = await App.CreateMailboxAsync(address);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(1, job.Counts.Succeeded);
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal([SyncStatus.Success, SyncStatus.Success, SyncStatus.Success], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.True(after.EnabledForIncomingEmail && after.EnabledForOutgoingEmail && after.EnabledForAct);
        Assert.False(after.TestScheduled);
        Assert.Null(after.LastError);
        Assert.Equal(App.Time.GetUtcNow(), after.LastTestCompletedAt);
        Assert.Equal(Simulator.EwsUrl.ToString(), after.EwsUrl);

        // The benchmark budget: at most three EWS requests for a mailbox with all three directions.
        Assert.InRange(Simulator.Requests.CountForMailbox(address), 1, 3);

        var alert = Assert.Single(await App.AlertsOfAsync(mailbox.Id));
        Assert.Equal(AlertSeverity.Information, alert.Severity);
        Assert.Equal("MailboxEnabled", alert.Code);
        Assert.Equal(AlertRecipientRole.MailboxOwner, alert.RecipientRole);
        Assert.Equal(mailbox.Owner.Id, alert.RecipientId);
        Assert.Equal(job.Id, alert.JobId);
        Assert.Equal(deployment.DefaultProfile.Id, alert.ServerProfileId);
        Assert.Contains(address, alert.Message, StringComparison.OrdinalIgnoreCase);
    }

    public enum PermanentCause
    {
        NotImpersonable,
        NoSuchMailbox,
        WrongPassword,
    }

    [Theory]
    [InlineData(PermanentCause.NotImpersonable, "ImpersonationDenied", "impersonate")]
    [InlineData(PermanentCause.NoSuchMailbox, "MailboxNotFound", "impersonate")]
    [InlineData(PermanentCause.WrongPassword, "AuthenticationFailed", "authenticate")]
    public async Task APermanentFailureDisablesTheMailboxAndAlertsBothOwnersWithTheFailingStep(PermanentCause cause, string code, string failingStepId)
    {
        var profileInput = cause switch
        {
            PermanentCause.NotImpersonable => JobTesting.Profile(Simulator, userName: SimulatedDeployment.RestrictedAccount, password: SimulatedDeployment.RestrictedAccountPassword),
            PermanentCause.WrongPassword => JobTesting.Profile(Simulator, password: "Not-The-Password-1"),
            _ => JobTesting.Profile(Simulator),
        };
        var profile = await App.ServerProfiles().CreateServerProfileAsync(profileInput, Ct);
        var address = cause == PermanentCause.NoSuchMailbox ? JobTesting.UniqueAddress("missing") : Simulator.AddExchangeMailbox("permanent");
        var mailbox = await App.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Counts.Failed);
        Assert.Equal(0, job.Counts.RetryScheduled);

        var result = await App.ResultOfAsync(job.Id, mailbox.Id);
        Assert.Equal(JobItemOutcome.Failed, result.Outcome);
        Assert.Equal(code, result.Error!.Code);
        Assert.False(result.Error.Transient);
        Assert.Null(result.NextTestAt);
        var steps = result.Steps.Flatten().ToList();
        var failed = Assert.Single(steps, s => s.Outcome == "Failed" && s.Children is null);
        Assert.Equal(failingStepId, failed.Id);
        Assert.Equal(code, failed.ErrorCode);
        Assert.Equal(result.Error.Message, failed.Detail);
        Assert.False(string.IsNullOrWhiteSpace(failed.Remediation));

        // Nothing after the failing step ran: every direction was skipped.
        Assert.All(steps.Where(s => s.Id is "incoming" or "outgoing" or "appointmentsContactsAndTasks"), s => Assert.Equal("Skipped", s.Outcome));
        Assert.Equal(["Failed", "Failed", "Failed"], [result.Directions!.IncomingEmail.Outcome, result.Directions.OutgoingEmail.Outcome, result.Directions.AppointmentsContactsAndTasks.Outcome]);

        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal([SyncStatus.Failure, SyncStatus.Failure, SyncStatus.Failure], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.False(after.EnabledForIncomingEmail || after.EnabledForOutgoingEmail || after.EnabledForAct);
        Assert.False(after.TestScheduled);
        Assert.Null(after.NextTestAt);
        Assert.Equal(code, after.LastError!.Code);

        var alerts = await App.AlertsOfAsync(mailbox.Id);
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a =>
        {
            Assert.Equal(AlertSeverity.Error, a.Severity);
            Assert.Equal(code, a.Code);
            Assert.Equal(job.Id, a.JobId);
            Assert.Equal(profile.Id, a.ServerProfileId);
            Assert.Contains(failed.Detail!, a.Message, StringComparison.Ordinal);
            Assert.Equal(failed.Remediation, a.Remediation);
        });
        Assert.Equal(mailbox.Owner.Id, Assert.Single(alerts, a => a.RecipientRole == AlertRecipientRole.MailboxOwner).RecipientId);
        Assert.Equal(profile.Owner.Id, Assert.Single(alerts, a => a.RecipientRole == AlertRecipientRole.ServerProfileOwner).RecipientId);
    }

    [Fact]
    public async Task AMailboxClaimedByAnotherOrganizationFailsOnlyItsAppointmentsContactsAndTasksWhenNotTakingOwnership()
    {
        var address = Simulator.AddExchangeMailbox("owned", ownerOrganizationId: "another-organization");
        var mailbox = await App.CreateMailboxAsync(address, m => m.SyncOnlyFromThisOrganization = false);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(1, job.Counts.Failed);
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal([SyncStatus.Success, SyncStatus.Success, SyncStatus.Failure], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.Equal([true, true, false], [after.EnabledForIncomingEmail, after.EnabledForOutgoingEmail, after.EnabledForAct]);
        Assert.Equal("MailboxOwnedByAnotherOrganization", after.LastError!.Code);

        var result = await App.ResultOfAsync(job.Id, mailbox.Id);
        Assert.Equal("Passed", result.Directions!.IncomingEmail.Outcome);
        Assert.Equal("Passed", result.Directions.OutgoingEmail.Outcome);
        Assert.Equal("MailboxOwnedByAnotherOrganization", result.Directions.AppointmentsContactsAndTasks.ErrorCode);
        Assert.Equal("MailboxOwnedByAnotherOrganization", result.Error!.Code);
        Assert.All(await App.AlertsOfAsync(mailbox.Id), a => Assert.Equal("MailboxOwnedByAnotherOrganization", a.Code));

        // Not taking ownership means not writing the marker.
        Assert.Equal("another-organization", Simulator.State.GetOwnerOrganizationId(address));
    }

    [Fact]
    public async Task AMailboxClaimedByAnotherOrganizationIsTakenOverWhenSyncingFromThisOrganizationOnly()
    {
        var address = Simulator.AddExchangeMailbox("takeover", ownerOrganizationId: "another-organization");
        var mailbox = await App.CreateMailboxAsync(address, m => m.SyncOnlyFromThisOrganization = true);

        var job = await App.TestAndEnableAsync(mailbox.Id);

        Assert.Equal(1, job.Counts.Succeeded);
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal([SyncStatus.Success, SyncStatus.Success, SyncStatus.Success], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.True(after.EnabledForAct);

        var organization = await App.Organization().GetOrganizationEmailSettingsAsync(Ct);
        Assert.Equal(organization.OrganizationId, Guid.Parse(Simulator.State.GetOwnerOrganizationId(address)!));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AResultForAMailboxThatChangedOrWentAwayDuringItsTestIsNotApplied(bool delete)
    {
        // Exchange answers slowly enough for the administrator to change the mailbox meanwhile.
        var address = Simulator.AddExchangeMailbox("changing");
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = address, Kind = SimulatedFaultKind.Hang, DelayMilliseconds = 2000 });
        var mailbox = await App.CreateMailboxAsync(address);
        var accepted = await App.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct);
        while (Simulator.Requests.CountForMailbox(address) == 0)
        {
            await Task.Delay(10, Ct);
        }

        if (delete)
        {
            await App.Mailboxes().DeleteMailboxAsync(mailbox.Id, cancellationToken: Ct);
        }
        else
        {
            await App.Mailboxes().UpdateMailboxAsync(mailbox.Id, new MailboxPatch { OutgoingDeliveryMethod = DeliveryMethod.None }, cancellationToken: Ct);
        }

        var job = await App.WaitAsync(accepted);

        Assert.Equal(1, job.Counts.Skipped);
        var result = await App.ResultOfAsync(job.Id, mailbox.Id);
        Assert.Equal(JobItemOutcome.Skipped, result.Outcome);
        Assert.Equal(delete ? "UnknownMailbox" : "MailboxChangedDuringTest", result.Error!.Code);
        Assert.Empty(await App.AlertsAsync(mailboxId: mailbox.Id));
        if (!delete)
        {
            var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
            Assert.Equal([SyncStatus.NotRun, SyncStatus.NotRun, SyncStatus.NotRun], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
            Assert.False(after.EnabledForIncomingEmail);
            Assert.Null(after.LastTestCompletedAt);
        }
    }

    [Fact]
    public async Task AMailboxOnAnInactiveProfileFailsWithoutAnyRequestToExchange()
    {
        // The default profile cannot be inactive, so this needs an organization whose default is another profile.
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var profile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var address = simulator.AddExchangeMailbox("inactive-profile");
        var mailbox = await app.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator, setAsDefault: true), Ct);
        await app.ServerProfiles().UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { State = RecordState.Inactive }, cancellationToken: Ct);

        var job = await app.TestAndEnableAsync(mailbox.Id);

        await AssertFailedFastAsync(app, simulator, job, mailbox, address, "ServerProfileInactive", profile);
    }

    [Fact]
    public async Task AnUnapprovedQueueIsTestedWhenTheOrganizationDoesNotRequireApprovalForQueues()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { ProcessEmailsOnlyForApprovedQueues = false }, cancellationToken: Ct);
        var queueAddress = simulator.AddExchangeMailbox("queue");
        var queue = await app.CreateMailboxAsync(queueAddress, m => m.Owner!.Type = MailboxOwnerType.Queue, approve: false);
        var userAddress = simulator.AddExchangeMailbox("user");
        var user = await app.CreateMailboxAsync(userAddress, approve: false);

        var job = await app.TestAndEnableAsync(queue.Id, user.Id);

        Assert.Equal(JobItemOutcome.Succeeded, (await app.ResultOfAsync(job.Id, queue.Id)).Outcome);
        var enabledQueue = await app.Mailboxes().GetMailboxAsync(queue.Id, Ct);
        Assert.True(enabledQueue.EnabledForIncomingEmail && enabledQueue.EnabledForOutgoingEmail && enabledQueue.EnabledForAct);
        Assert.Equal(EmailApprovalStatus.PendingApproval, enabledQueue.ApprovalStatus);
        Assert.True(simulator.Requests.CountForMailbox(queueAddress) > 0);

        // Users still need approval.
        Assert.Equal("EmailNotApproved", (await app.ResultOfAsync(job.Id, user.Id)).Error!.Code);
        Assert.Equal(0, simulator.Requests.CountForMailbox(userAddress));
    }

    private Task AssertFailedFastAsync(Job job, Mailbox mailbox, string address, string code, ServerProfile profile) =>
        AssertFailedFastAsync(App, Simulator, job, mailbox, address, code, profile);

    /// <summary>A failure found before contacting Exchange: no request for the mailbox, every direction failed and disabled, both owners alerted.</summary>
    private static async Task AssertFailedFastAsync(ExSyncApplication app, ExchangeSimulatorHost simulator, Job job, Mailbox mailbox, string address, string code, ServerProfile profile)
    {
        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Counts.Failed);
        Assert.Equal(0, simulator.Requests.CountForMailbox(address));

        var result = await app.ResultOfAsync(job.Id, mailbox.Id);
        Assert.Equal(JobItemOutcome.Failed, result.Outcome);
        Assert.Equal(code, result.Error!.Code);
        Assert.False(result.Error.Transient);
        var step = Assert.Single(result.Steps);
        Assert.Equal("preconditions", step.Id);
        Assert.Equal("Failed", step.Outcome);
        Assert.Equal(code, step.ErrorCode);
        Assert.Equal(result.Error.Remediation, step.Remediation);

        var after = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal([SyncStatus.Failure, SyncStatus.Failure, SyncStatus.Failure], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.False(after.EnabledForIncomingEmail || after.EnabledForOutgoingEmail || after.EnabledForAct);
        Assert.Equal(code, after.LastError!.Code);

        var alerts = await app.AlertsOfAsync(mailbox.Id);
        Assert.Equal(2, alerts.Count);
        Assert.All(alerts, a =>
        {
            Assert.Equal(AlertSeverity.Error, a.Severity);
            Assert.Equal(code, a.Code);
            Assert.Equal(result.Error.Remediation, a.Remediation);
            Assert.Contains(result.Error.Message, a.Message, StringComparison.Ordinal);
        });
        Assert.Equal(mailbox.Owner.Id, Assert.Single(alerts, a => a.RecipientRole == AlertRecipientRole.MailboxOwner).RecipientId);
        Assert.Equal(profile.Owner.Id, Assert.Single(alerts, a => a.RecipientRole == AlertRecipientRole.ServerProfileOwner).RecipientId);
    }
}
