using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// Alerts (dynamics-reference.md §4c–§4d): the more-than-half rule for profile owners, the organization's alert levels, and the
/// alert list filters.
/// </summary>
public sealed class AlertTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    private ExchangeSimulatorHost Simulator => deployment.Simulator;

    [Fact]
    public async Task TheProfileOwnerGetsOneAlertAnHourWhenMostOfItsMailboxesFail()
    {
        var (profile, mailboxes) = await ProfileWithMailboxesAsync(majorFailureAlerts: true, working: 1, failing: 2);

        var first = await App.WaitAsync(await App.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: Ct));

        Assert.Equal(2, first.Counts.Failed);
        var alert = Assert.Single(await MajorFailureAlertsAsync(profile.Id));
        Assert.Equal(AlertSeverity.Error, alert.Severity);
        Assert.Equal(AlertRecipientRole.ServerProfileOwner, alert.RecipientRole);
        Assert.Equal(profile.Owner.Id, alert.RecipientId);
        Assert.Equal(profile.Owner.EmailAddress, alert.RecipientEmailAddress);
        Assert.Null(alert.MailboxId);
        Assert.Equal(first.Id, alert.JobId);
        Assert.Contains("2 of the 3", alert.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(alert.Remediation));

        // Within the hour: no second alert, however many more failures.
        App.Time.Advance(TimeSpan.FromMinutes(30));
        await App.TestAndEnableAsync([.. mailboxes]);
        Assert.Single(await MajorFailureAlertsAsync(profile.Id));

        // The next hour is a new window.
        App.Time.Advance(TimeSpan.FromMinutes(31));
        var later = await App.TestAndEnableAsync([.. mailboxes]);
        var alerts = await MajorFailureAlertsAsync(profile.Id);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(later.Id, alerts[1].JobId);
    }

    [Fact]
    public async Task FailuresCountTowardsTheMajorityAcrossJobsWithinTheHourOnly()
    {
        var (profile, mailboxes) = await ProfileWithMailboxesAsync(majorFailureAlerts: true, working: 1, failing: 2);
        var (first, second) = (mailboxes[1], mailboxes[2]);

        // One failure an hour and a minute ago, one now: never more than half within an hour.
        await App.TestAndEnableAsync(first);
        App.Time.Advance(TimeSpan.FromMinutes(61));
        await App.TestAndEnableAsync(second);
        Assert.Empty(await MajorFailureAlertsAsync(profile.Id));

        // Another failure of the first mailbox, in a job of its own: two of three within the hour.
        var job = await App.TestAndEnableAsync(first);
        Assert.Equal(job.Id, Assert.Single(await MajorFailureAlertsAsync(profile.Id)).JobId);
    }

    [Theory]
    [InlineData(false, 1, 2)]
    [InlineData(true, 2, 1)]
    [InlineData(true, 1, 1)]
    public async Task NoMajorFailureAlertUnlessTheProfileAsksAndMoreThanHalfFail(bool majorFailureAlerts, int working, int failing)
    {
        var (profile, _) = await ProfileWithMailboxesAsync(majorFailureAlerts, working, failing);

        var job = await App.WaitAsync(await App.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: Ct));

        Assert.Equal(failing, job.Counts.Failed);
        Assert.Empty(await MajorFailureAlertsAsync(profile.Id));

        // The failures themselves are reported to the profile owner all the same.
        Assert.Equal(failing, (await App.AlertsAsync(serverProfileId: profile.Id, recipientId: profile.Owner.Id)).Count);
    }

    [Fact]
    public async Task TheOrganizationsAlertLevelsDecideWhichAlertsAreWritten()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);

        foreach (var (errors, warnings, information) in new[] { (true, false, false), (false, true, false), (false, false, true), (false, false, false), (true, true, true) })
        {
            await app.Organization().UpdateOrganizationEmailSettingsAsync(
                new OrganizationEmailSettingsInput { Alerts = new AlertLevelSettingsInput { Errors = errors, Warnings = warnings, Information = information } },
                cancellationToken: Ct);

            // One mailbox each that succeeds, fails permanently and fails transiently, on a profile that wants major-failure alerts.
            var input = JobTesting.Profile(simulator);
            input.Advanced = new ServerProfileAdvancedOptionsInput { SendAlertToOwnerOnMajorFailures = true };
            var profile = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);
            var transient = simulator.AddExchangeMailbox("transient");
            simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Mailbox = transient, Kind = SimulatedFaultKind.MailboxStoreUnavailable });
            foreach (var address in new[] { simulator.AddExchangeMailbox("works"), JobTesting.UniqueAddress("missing"), transient })
            {
                await app.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id);
            }

            var job = await app.WaitAsync(await app.ServerProfiles().TestAndEnableServerProfileMailboxesAsync(profile.Id, cancellationToken: Ct));
            Assert.Equal((1, 1, 1), (job.Counts.Succeeded, job.Counts.Failed, job.Counts.RetryScheduled));

            var codes = (await app.AlertsAsync(serverProfileId: profile.Id)).Select(a => (a.Severity, a.Code)).Order().ToList();
            var expected = new List<(AlertSeverity, string)>();
            if (errors)
            {
                // The permanent failure to the mailbox owner and to the profile owner, and two of three mailboxes failing.
                expected.AddRange([(AlertSeverity.Error, "MailboxNotFound"), (AlertSeverity.Error, "MailboxNotFound"), (AlertSeverity.Error, "MajorFailures")]);
            }

            if (warnings)
            {
                expected.Add((AlertSeverity.Warning, "TestRetryScheduled"));
            }

            if (information)
            {
                expected.Add((AlertSeverity.Information, "MailboxEnabled"));
            }

            Assert.True(expected.Order().SequenceEqual(codes), $"errors={errors} warnings={warnings} information={information}: got {string.Join(", ", codes)}");
        }
    }

    [Fact]
    public async Task AlertsCanBeFilteredByMailboxProfileRecipientSeverityAndTime()
    {
        var profile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        var otherProfile = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(Simulator), Ct);
        var failing = await App.CreateMailboxAsync(JobTesting.UniqueAddress("missing"), m => m.ServerProfileId = profile.Id);
        var working = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("works"), m => m.ServerProfileId = profile.Id);
        var elsewhere = await App.CreateMailboxAsync(JobTesting.UniqueAddress("missing"), m => m.ServerProfileId = otherProfile.Id);
        await App.TestAndEnableAsync(failing.Id, working.Id, elsewhere.Id);
        App.Time.Advance(TimeSpan.FromMinutes(10));
        var since = App.Time.GetUtcNow();
        var late = await App.CreateMailboxAsync(Simulator.AddExchangeMailbox("late"), m => m.ServerProfileId = profile.Id);
        await App.TestAndEnableAsync(late.Id);

        var ofFailing = await App.AlertsAsync(mailboxId: failing.Id);
        Assert.Equal(2, ofFailing.Count);
        Assert.All(ofFailing, a => Assert.Equal(failing.Id, a.MailboxId));
        Assert.Equal(ofFailing.Select(a => a.Id), (await App.AlertsOfAsync(failing.Id)).Select(a => a.Id));

        var ofProfile = await App.AlertsAsync(serverProfileId: profile.Id);
        Assert.Equal(4, ofProfile.Count);
        Assert.All(ofProfile, a => Assert.Equal(profile.Id, a.ServerProfileId));
        Assert.Equal(ofProfile.OrderBy(a => a.CreatedAt).Select(a => a.Id), ofProfile.Select(a => a.Id));

        var toProfileOwner = await App.AlertsAsync(recipientId: profile.Owner.Id);
        Assert.Equal(failing.Id, Assert.Single(toProfileOwner).MailboxId);
        var toMailboxOwner = await App.AlertsAsync(recipientId: working.Owner.Id);
        Assert.Equal("MailboxEnabled", Assert.Single(toMailboxOwner).Code);

        var information = await App.AlertsAsync(serverProfileId: profile.Id, severity: AlertSeverity.Information);
        Assert.Equal([working.Id, late.Id], information.Select(a => a.MailboxId!.Value));
        Assert.Equal(2, (await App.AlertsAsync(serverProfileId: profile.Id, severity: AlertSeverity.Error)).Count);
        Assert.Empty(await App.AlertsAsync(serverProfileId: profile.Id, severity: AlertSeverity.Warning));

        var recent = await App.AlertsAsync(serverProfileId: profile.Id, since: since);
        Assert.Equal(late.Id, Assert.Single(recent).MailboxId);
        Assert.Equal(2, (await App.AlertsAsync(serverProfileId: otherProfile.Id, since: since.AddMinutes(-10))).Count);
        Assert.Empty(await App.AlertsAsync(serverProfileId: otherProfile.Id, since: since));

        // An instant is an instant, whatever offset the caller writes it in.
        foreach (var offset in new[] { TimeSpan.FromHours(5), TimeSpan.FromHours(-7) })
        {
            Assert.Equal(late.Id, Assert.Single(await App.AlertsAsync(serverProfileId: profile.Id, since: since.ToOffset(offset))).MailboxId);
        }

        // Paging keeps the filters.
        var firstPage = await App.Alerts().ListAlertsAsync(serverProfileId: profile.Id, pageSize: 1, cancellationToken: Ct);
        var paged = new List<Alert>(firstPage.Value);
        for (var token = JobTesting.ContinuationToken(firstPage.NextLink); token is not null;)
        {
            var page = await App.Alerts().ListAlertsAsync(serverProfileId: profile.Id, pageSize: 1, continuationToken: token, cancellationToken: Ct);
            Assert.Single(page.Value);
            paged.AddRange(page.Value);
            token = JobTesting.ContinuationToken(page.NextLink);
        }

        Assert.Equal(ofProfile.Select(a => a.Id), paged.Select(a => a.Id));
    }

    [Fact]
    public async Task TheAlertsOfAnUnknownMailboxAreNotFound()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => App.Mailboxes().ListMailboxAlertsAsync(Guid.NewGuid(), cancellationToken: Ct));

        Assert.Equal((404, "MailboxNotFound"), (error.StatusCode, error.Result.Code));
    }

    /// <summary>A profile (not the default, owned by a user of its own) with mailboxes that pass and mailboxes missing from Exchange.</summary>
    private async Task<(ServerProfile Profile, List<Guid> Mailboxes)> ProfileWithMailboxesAsync(bool majorFailureAlerts, int working, int failing)
    {
        var input = JobTesting.Profile(Simulator);
        input.Advanced = new ServerProfileAdvancedOptionsInput { SendAlertToOwnerOnMajorFailures = majorFailureAlerts };
        var profile = await App.ServerProfiles().CreateServerProfileAsync(input, Ct);
        Assert.Equal(majorFailureAlerts, profile.Advanced.SendAlertToOwnerOnMajorFailures);
        var addresses = Enumerable.Range(0, working).Select(_ => Simulator.AddExchangeMailbox("works"))
            .Concat(Enumerable.Range(0, failing).Select(_ => JobTesting.UniqueAddress("missing")));
        var ids = new List<Guid>();
        foreach (var address in addresses)
        {
            ids.Add((await App.CreateMailboxAsync(address, m => m.ServerProfileId = profile.Id)).Id);
        }

        return (profile, ids);
    }

    private async Task<List<Alert>> MajorFailureAlertsAsync(Guid profileId) =>
        [.. (await App.AlertsAsync(serverProfileId: profileId)).Where(a => a.Code == "MajorFailures")];
}
