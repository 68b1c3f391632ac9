using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>Test &amp; Enable end to end: generated client → API → job engine → EWS client → simulator over loopback HTTPS.</summary>
public sealed class TestAndEnableTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task ApprovedMailboxesAreTestedAndEnabledAndFailuresAreDisabledWithAlerts()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(["alice@contoso.local"], ["bob@contoso.local"]), Ct);
        await using var app = new ExSyncApplication();
        var profile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var alice = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox("alice@contoso.local"), Ct);
        var bob = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox("bob@contoso.local"), Ct);
        await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [alice.Id, bob.Id] }, Ct);

        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [alice.Id, bob.Id] }, cancellationToken: Ct);
        var finished = await app.Jobs().WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);

        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.Equal(2, finished.Counts.Total);
        Assert.Equal(1, finished.Counts.Succeeded);
        Assert.Equal(1, finished.Counts.Failed);
        Assert.Equal(100, finished.PercentComplete);

        var enabled = await app.Mailboxes().GetMailboxAsync(alice.Id, Ct);
        Assert.Equal(SyncStatus.Success, enabled.IncomingEmailStatus);
        Assert.Equal(SyncStatus.Success, enabled.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.Success, enabled.ActStatus);
        Assert.True(enabled.EnabledForIncomingEmail && enabled.EnabledForOutgoingEmail && enabled.EnabledForAct);
        Assert.Equal(simulator.EwsUrl.ToString(), enabled.EwsUrl);
        Assert.Null(enabled.LastError);

        var disabled = await app.Mailboxes().GetMailboxAsync(bob.Id, Ct);
        Assert.Equal(SyncStatus.Failure, disabled.IncomingEmailStatus);
        Assert.False(disabled.EnabledForIncomingEmail || disabled.EnabledForOutgoingEmail || disabled.EnabledForAct);
        Assert.False(disabled.TestScheduled);
        Assert.NotNull(disabled.LastError);

        var results = await app.Jobs().ListJobResultsAsync(job.Id, cancellationToken: Ct);
        var bobResult = results.Value.Single(r => r.MailboxId == bob.Id);
        Assert.Equal(JobItemOutcome.Failed, bobResult.Outcome);
        Assert.False(bobResult.Error!.Transient);
        Assert.Contains(bobResult.Steps, s => s.Outcome == "Failed");
        var aliceResult = results.Value.Single(r => r.MailboxId == alice.Id);
        Assert.Equal(JobItemOutcome.Succeeded, aliceResult.Outcome);
        Assert.Equal("Exchange2019", aliceResult.Server!.Product);
        Assert.All(aliceResult.Steps, s => Assert.Equal("Passed", s.Outcome));

        var bobAlerts = await app.Mailboxes().ListMailboxAlertsAsync(bob.Id, cancellationToken: Ct);
        Assert.Contains(bobAlerts.Value, a => a.Severity == AlertSeverity.Error && a.RecipientRole == AlertRecipientRole.MailboxOwner);
        Assert.Contains(bobAlerts.Value, a => a.Severity == AlertSeverity.Error && a.RecipientRole == AlertRecipientRole.ServerProfileOwner && a.RecipientId == "profile-owner");
        var aliceAlerts = await app.Mailboxes().ListMailboxAlertsAsync(alice.Id, cancellationToken: Ct);
        Assert.Equal("MailboxEnabled", Assert.Single(aliceAlerts.Value).Code);
        Assert.Equal(profile.Id, aliceAlerts.Value.Single().ServerProfileId);
    }
}
