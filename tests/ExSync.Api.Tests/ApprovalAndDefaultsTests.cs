using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>Approving and rejecting email addresses, and applying the organization's default settings (dynamics-reference.md §3b, §4a).</summary>
public sealed class ApprovalAndDefaultsTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    private ExchangeSimulatorHost Simulator => deployment.Simulator;

    [Fact]
    public async Task ApprovingReportsChangedUnchangedAndNotFoundInRequestOrder()
    {
        var pending = await App.CreateMailboxAsync(JobTesting.UniqueAddress("pending"), approve: false);
        var approved = await App.CreateMailboxAsync(JobTesting.UniqueAddress("approved"));
        var queue = await App.CreateMailboxAsync(JobTesting.UniqueAddress("queue"), m => m.Owner!.Type = MailboxOwnerType.Queue, approve: false);
        var unknown = Guid.NewGuid();

        var result = await App.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [pending.Id, unknown, approved.Id, queue.Id] }, Ct);

        Assert.Equal([pending.Id, unknown, approved.Id, queue.Id], result.Mailboxes.Select(m => m.MailboxId));
        Assert.Equal(
            [MailboxActionOutcome.Changed, MailboxActionOutcome.NotFound, MailboxActionOutcome.Unchanged, MailboxActionOutcome.Changed],
            result.Mailboxes.Select(m => m.Outcome));
        Assert.Equal((2, 1, 1), (result.Changed, result.Unchanged, result.NotFound));
        Assert.Equal(EmailApprovalStatus.Approved, (await App.Mailboxes().GetMailboxAsync(pending.Id, Ct)).ApprovalStatus);
        Assert.Equal(EmailApprovalStatus.Approved, (await App.Mailboxes().GetMailboxAsync(queue.Id, Ct)).ApprovalStatus);
        Assert.Equal(approved.Etag, (await App.Mailboxes().GetMailboxAsync(approved.Id, Ct)).Etag);
    }

    [Fact]
    public async Task RejectingDisablesTheMailboxAndDropsItsScheduledRetest()
    {
        var enabled = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("enabled"));
        var retryingAddress = Simulator.AddExchangeMailbox("retrying");
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = retryingAddress, Kind = SimulatedFaultKind.MailboxStoreUnavailable });
        var retrying = await App.CreateMailboxAsync(retryingAddress);
        var rejected = await App.CreateMailboxAsync(JobTesting.UniqueAddress("rejected"));
        await App.Mailboxes().RejectEmailAsync(new MailboxIdsInput { MailboxIds = [rejected.Id] }, Ct);
        var job = await App.TestAndEnableAsync(enabled.Id, retrying.Id);
        Assert.Equal((1, 1), (job.Counts.Succeeded, job.Counts.RetryScheduled));
        var scheduled = await App.Mailboxes().GetMailboxAsync(retrying.Id, Ct);
        Assert.True(scheduled.TestScheduled);
        Assert.NotNull(scheduled.NextTestAt);
        var unknown = Guid.NewGuid();

        var result = await App.Mailboxes().RejectEmailAsync(new MailboxIdsInput { MailboxIds = [enabled.Id, retrying.Id, rejected.Id, unknown] }, Ct);

        Assert.Equal(
            [MailboxActionOutcome.Changed, MailboxActionOutcome.Changed, MailboxActionOutcome.Unchanged, MailboxActionOutcome.NotFound],
            result.Mailboxes.Select(m => m.Outcome));
        Assert.Equal((2, 1, 1), (result.Changed, result.Unchanged, result.NotFound));
        foreach (var id in new[] { enabled.Id, retrying.Id })
        {
            var mailbox = await App.Mailboxes().GetMailboxAsync(id, Ct);
            Assert.Equal(EmailApprovalStatus.Rejected, mailbox.ApprovalStatus);
            Assert.False(mailbox.EnabledForIncomingEmail || mailbox.EnabledForOutgoingEmail || mailbox.EnabledForAct);
            Assert.False(mailbox.TestScheduled);
            Assert.Null(mailbox.NextTestAt);
        }

        // A rejected address is not approved: testing it again fails before Exchange is contacted.
        var requests = Simulator.Requests.CountForMailbox(enabled.EmailAddress);
        var again = await App.TestAndEnableAsync(enabled.Id);
        Assert.Equal("EmailNotApproved", (await App.ResultOfAsync(again.Id, enabled.Id)).Error!.Code);
        Assert.Equal(requests, Simulator.Requests.CountForMailbox(enabled.EmailAddress));
    }

    [Fact]
    public async Task ADryRunReportsWhatApplyingTheDefaultsWouldChangeAndChangesNothing()
    {
        var (mailbox, other) = await MailboxOffTheDefaultsAsync();
        var jobs = (await App.Jobs().ListJobsAsync(pageSize: 1000, cancellationToken: Ct)).Value.Count;
        var unknown = Guid.NewGuid();

        var response = await App.CreateClient().SendJsonAsync(
            HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", $$"""{"mailboxIds":["{{mailbox.Id}}","{{unknown}}"],"dryRun":true}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.OperationLocation);
        var report = await App.Mailboxes().ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id, unknown], DryRun = true }, cancellationToken: Ct);
        Assert.True(report.DryRun);
        Assert.Null(report.Job);
        Assert.Equal((1, 0, 1), (report.Changed, report.Unchanged, report.NotFound));
        Assert.Equal([MailboxActionOutcome.Changed, MailboxActionOutcome.NotFound], report.Mailboxes.Select(m => m.Outcome));
        Assert.Equal(
            [
                ("serverProfileId", other.ToString(), deployment.DefaultProfile.Id.ToString()),
                ("incomingDeliveryMethod", "None", "ServerSideSynchronization"),
                ("outgoingDeliveryMethod", "EmailRouter", "ServerSideSynchronization"),
            ],
            report.Mailboxes[0].Changes!.Select(c => (c.Field, c.From, c.To)));

        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal(mailbox.Etag, after.Etag);
        Assert.Equal(other, after.ServerProfileId);
        Assert.Equal(SyncStatus.Success, after.ActStatus);
        Assert.Equal(jobs, (await App.Jobs().ListJobsAsync(pageSize: 1000, cancellationToken: Ct)).Value.Count);
    }

    [Fact]
    public async Task ApplyingTheDefaultsWithoutATestChangesTheMailboxAndResetsItsStatus()
    {
        var (mailbox, _) = await MailboxOffTheDefaultsAsync();

        var response = await App.CreateClient().SendJsonAsync(
            HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", $$"""{"mailboxIds":["{{mailbox.Id}}"],"testAndEnable":false}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Null(response.Json!["job"]);
        Assert.Equal("Changed", response.Json["mailboxes"]![0]!["outcome"]!.GetValue<string>());
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.NotEqual(mailbox.Etag, after.Etag);
        Assert.Equal(deployment.DefaultProfile.Id, after.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.ServerSideSynchronization, after.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.ServerSideSynchronization, after.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.ServerSideSynchronization, after.ActDeliveryMethod);

        // A new profile and new delivery methods invalidate the old test: everything is untested and disabled again.
        Assert.Equal([SyncStatus.NotRun, SyncStatus.NotRun, SyncStatus.NotRun], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.False(after.EnabledForIncomingEmail || after.EnabledForOutgoingEmail || after.EnabledForAct);
        Assert.Null(after.EwsUrl);

        // Applying them again changes nothing.
        var again = await App.Mailboxes().ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id], TestAndEnable = false }, cancellationToken: Ct);
        Assert.Equal(MailboxActionOutcome.Unchanged, Assert.Single(again.Mailboxes).Outcome);
        Assert.Empty(again.Mailboxes[0].Changes ?? []);
        Assert.Equal(after.Etag, (await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).Etag);
    }

    [Fact]
    public async Task ApplyingTheDefaultsTestsAndEnablesTheMailboxesByDefault()
    {
        var (mailbox, _) = await MailboxOffTheDefaultsAsync();
        var http = App.CreateClient();

        var response = await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", $$"""{"mailboxIds":["{{mailbox.Id}}"]}""");

        Assert.True(response.Status == HttpStatusCode.Accepted, response.Body);
        Assert.False(response.Json!["dryRun"]!.GetValue<bool>());
        Assert.Equal(1, response.Json["changed"]!.GetValue<int>());
        var jobId = response.JobId;
        Assert.Equal(new Uri(http.BaseAddress!, $"/api/v1/jobs/{jobId}").ToString(), response.OperationLocation);
        Assert.NotNull(response.RetryAfter);
        var job = await App.Jobs().WaitForCompletionAsync(jobId, JobTesting.Poll, cancellationToken: Ct);
        Assert.Equal((1, 1), (job.Counts.Total, job.Counts.Succeeded));

        // The test used the new settings: the default profile and every direction.
        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal(deployment.DefaultProfile.Id, (await App.ResultOfAsync(jobId, mailbox.Id)).ServerProfileId);
        Assert.Equal([SyncStatus.Success, SyncStatus.Success, SyncStatus.Success], [after.IncomingEmailStatus, after.OutgoingEmailStatus, after.ActStatus]);
        Assert.True(after.EnabledForIncomingEmail && after.EnabledForOutgoingEmail && after.EnabledForAct);
    }

    [Fact]
    public async Task DefaultsThatUseServerSideSynchronizationCannotBeAppliedWithoutADefaultProfile()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        var profile = await app.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(simulator), Ct);
        var mailbox = await app.CreateMailboxAsync(JobTesting.UniqueAddress("no-default"), m => m.ServerProfileId = profile.Id);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => app.Mailboxes().ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("NoDefaultServerProfile", error.Result.Code);
        Assert.Equal(mailbox.Etag, (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).Etag);
        Assert.Empty((await app.Jobs().ListJobsAsync(cancellationToken: Ct)).Value);

        // Defaults without server-side synchronization need no profile: the mailbox leaves its profile.
        await app.Organization().UpdateOrganizationEmailSettingsAsync(
            new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.EmailRouter, OutgoingEmail = DefaultDeliveryMethod.EmailRouter, AppointmentsContactsAndTasks = DefaultDeliveryMethod.None },
            cancellationToken: Ct);
        var report = await app.Mailboxes().ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id], TestAndEnable = false }, cancellationToken: Ct);
        Assert.Equal(MailboxActionOutcome.Changed, Assert.Single(report.Mailboxes).Outcome);
        var after = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Null(after.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.EmailRouter, after.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, after.ActDeliveryMethod);
    }

    /// <summary>
    /// A mailbox on a profile other than the default, incoming None and outgoing by Email Router (only its appointments, contacts and
    /// tasks use server-side synchronization, like the defaults), tested successfully.
    /// </summary>
    private async Task<(Mailbox Mailbox, Guid Profile)> MailboxOffTheDefaultsAsync()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        var created = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("off-defaults"), m =>
        {
            m.ServerProfileId = profile.Id;
            m.Directions(IncomingEmailDeliveryMethod.None, DeliveryMethod.EmailRouter, DeliveryMethod.ServerSideSynchronization);
        });
        var job = await App.TestAndEnableAsync(created.Id);
        Assert.Equal(1, job.Counts.Succeeded);
        var mailbox = await App.Mailboxes().GetMailboxAsync(created.Id, Ct);
        Assert.Equal(SyncStatus.Success, mailbox.ActStatus);
        return (mailbox, profile.Id);
    }
}
