using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Jobs started from a server profile: Test &amp; Enable of every mailbox that uses it (dynamics-reference.md §4a, entry point 2), and
/// the connection test, a diagnostic that enables nothing.
/// </summary>
public sealed class ServerProfileActionTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    private ExchangeSimulatorHost Simulator => deployment.Simulator;

    [Fact]
    public async Task TestAndEnableOfAProfileCoversItsMailboxesIncludingThoseWithoutAProfileWhenItIsTheDefault()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);

        // Created while the organization had no default profile, so it has none of its own (and nothing that needs one).
        var withoutProfile = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("no-profile"), m => m.Directions(IncomingEmailDeliveryMethod.None, DeliveryMethod.None, DeliveryMethod.None));
        Assert.Null(withoutProfile.ServerProfileId);
        var defaultProfile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var otherProfile = await app.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(simulator), Ct);
        var ofDefault = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("of-default"));
        var ofOther = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("of-other"), m => m.ServerProfileId = otherProfile.Id);
        Assert.Equal(defaultProfile.Id, ofDefault.ServerProfileId);

        var accepted = await app.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(defaultProfile.Id, cancellationToken: Ct);
        var job = await app.WaitAsync(accepted);

        Assert.Equal(JobKind.TestAndEnableServerProfileMailboxes, job.Kind);
        Assert.Equal(defaultProfile.Id, job.ServerProfileId);
        Assert.Equal((2, 1, 1), (job.Counts.Total, job.Counts.Succeeded, job.Counts.Skipped));
        var results = await app.AllResultsAsync(job.Id);
        Assert.Equal(JobItemOutcome.Succeeded, Assert.Single(results, r => r.MailboxId == ofDefault.Id).Outcome);
        Assert.Equal("NothingToTest", Assert.Single(results, r => r.MailboxId == withoutProfile.Id).Error!.Code);
        Assert.Equal(0, simulator.Requests.CountForMailbox(ofOther.EmailAddress));
        Assert.Equal(SyncStatus.NotRun, (await app.Mailboxes().GetMailboxAsync(ofOther.Id, Ct)).IncomingEmailStatus);

        var other = await app.WaitAsync(await app.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(otherProfile.Id, cancellationToken: Ct));
        Assert.Equal(ofOther.Id, Assert.Single(await app.AllResultsAsync(other.Id)).MailboxId);
        Assert.Equal(1, other.Counts.Succeeded);
    }

    [Fact]
    public async Task TestAndEnableOfAProfileWithoutMailboxesFinishesAtOnce()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);

        var job = await App.WaitAsync(await App.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: Ct));

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal((0, 100), (job.Counts.Total, job.PercentComplete));
        Assert.Empty(await App.AllResultsAsync(job.Id));
    }

    [Fact]
    public async Task TestAndEnableOfAnInactiveOrUnknownProfileIsRefused()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        var mailbox = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("inactive-profile"), m => m.ServerProfileId = profile.Id);
        await App.ServerProfiles().UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { State = RecordState.Inactive }, cancellationToken: Ct);

        var inactive = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => App.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: Ct));
        var unknown = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => App.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(Guid.NewGuid(), cancellationToken: Ct));

        Assert.Equal((409, "ServerProfileInactive"), (inactive.StatusCode, inactive.Result.Code));
        Assert.Equal((404, "ServerProfileNotFound"), (unknown.StatusCode, unknown.Result.Code));
        Assert.Equal(0, Simulator.Requests.CountForMailbox(mailbox.EmailAddress));
    }

    [Fact]
    public async Task AConnectionTestReportsEveryStepAndEnablesNothing()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        var address = Simulator.AddExchangeMailbox("connection");
        var mailbox = await App.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id);

        var accepted = await App.ServerProfiles().TestServerProfileConnectionAsync(profile.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct);
        var job = await App.WaitAsync(accepted);

        Assert.Equal(JobKind.TestConnection, job.Kind);
        Assert.Equal(profile.Id, job.ServerProfileId);
        Assert.Equal(address, job.TargetEmailAddress);
        Assert.Equal((1, 1), (job.Counts.Total, job.Counts.Succeeded));
        var result = Assert.Single(await App.AllResultsAsync(job.Id));
        Assert.Null(result.MailboxId);
        Assert.Equal(address, result.EmailAddress);
        Assert.Equal(JobItemOutcome.Succeeded, result.Outcome);
        Assert.Null(result.Error);
        Assert.Equal("Exchange2019", result.Server!.Product);
        Assert.True(result.Server.Supported);
        Assert.Equal(
            ["resolveServerLocation", "connect", "authenticate", "serverVersion", "impersonate", "incoming", "outgoing", "appointmentsContactsAndTasks"],
            result.Steps.Select(s => s.Id));
        Assert.All(result.Steps.Flatten(), s => Assert.Equal("Passed", s.Outcome));

        var after = await App.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.Equal(mailbox.Etag, after.Etag);
        Assert.Equal(SyncStatus.NotRun, after.IncomingEmailStatus);
        Assert.False(after.EnabledForIncomingEmail);
        Assert.Empty(await App.AlertsAsync(serverProfileId: profile.Id));
    }

    [Fact]
    public async Task AConnectionTestWithAWrongPasswordFailsAtAuthenticationAndSkipsTheRest()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator, password: "Wrong-Password-1"), Ct);
        var address = Simulator.AddExchangeMailbox("connection");

        var job = await App.WaitAsync(await App.ServerProfiles().TestServerProfileConnectionAsync(profile.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct));

        Assert.Equal(JobStatus.Succeeded, job.Status);
        Assert.Equal(1, job.Counts.Failed);
        var result = Assert.Single(await App.AllResultsAsync(job.Id));
        Assert.Equal(JobItemOutcome.Failed, result.Outcome);
        Assert.Equal("AuthenticationFailed", result.Error!.Code);
        var steps = result.Steps.ToDictionary(s => s.Id);
        Assert.Equal("Passed", steps["resolveServerLocation"].Outcome);
        Assert.Equal("Passed", steps["connect"].Outcome);
        Assert.Equal("Failed", steps["authenticate"].Outcome);
        Assert.Equal("AuthenticationFailed", steps["authenticate"].ErrorCode);
        Assert.Equal(result.Error.Message, steps["authenticate"].Detail);
        Assert.False(string.IsNullOrWhiteSpace(steps["authenticate"].Remediation));
        Assert.All(
            new[] { "serverVersion", "impersonate", "incoming", "outgoing", "appointmentsContactsAndTasks" },
            id => Assert.Equal("Skipped", steps[id].Outcome));
        Assert.Empty(await App.AlertsAsync(serverProfileId: profile.Id));
        Assert.Equal(0, Simulator.Requests.CountForMailbox(address));
    }

    [Fact]
    public async Task AConnectionTestWorksForAnInactiveProfileAndClaimsNoMailbox()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        await App.ServerProfiles().UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { State = RecordState.Inactive }, cancellationToken: Ct);
        var address = Simulator.AddExchangeMailbox("claimed", ownerOrganizationId: "another-organization");

        var job = await App.WaitAsync(await App.ServerProfiles().TestServerProfileConnectionAsync(profile.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct));

        // Every step ran; only the ownership check failed, and the mailbox still belongs to the other organization.
        var result = Assert.Single(await App.AllResultsAsync(job.Id));
        Assert.Equal(JobItemOutcome.Failed, result.Outcome);
        Assert.Equal("MailboxOwnedByAnotherOrganization", result.Error!.Code);
        Assert.Equal("Passed", result.Directions!.IncomingEmail.Outcome);
        Assert.Equal("Passed", result.Directions.OutgoingEmail.Outcome);
        Assert.Equal("MailboxOwnedByAnotherOrganization", result.Directions.AppointmentsContactsAndTasks.ErrorCode);
        Assert.Equal("another-organization", Simulator.State.GetOwnerOrganizationId(address));
        Assert.Equal(0, Simulator.Requests.Count("UpdateFolder", address));
        Assert.Empty(await App.AlertsAsync(serverProfileId: profile.Id));
    }

    [Fact]
    public async Task AConnectionTestNeedsAKnownProfileAndAnEmailAddress()
    {
        var unknown = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => App.ServerProfiles().TestServerProfileConnectionAsync(Guid.NewGuid(), new TestConnectionInput { EmailAddress = "someone@contoso.local" }, cancellationToken: Ct));
        var invalid = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => App.ServerProfiles().TestServerProfileConnectionAsync(deployment.DefaultProfile.Id, new TestConnectionInput { EmailAddress = "not an address" }, cancellationToken: Ct));

        Assert.Equal((404, "ServerProfileNotFound"), (unknown.StatusCode, unknown.Result.Code));
        Assert.Equal(400, invalid.StatusCode);
        Assert.Contains(invalid.Result.Details, d => d.Target == "emailAddress" && d.Code == "InvalidEmailAddress");
    }
}
