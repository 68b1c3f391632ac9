using System.Diagnostics;
using System.Net;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>
/// The audit trail: every successful change is recorded with its actor (the token's subject), time, operation, target and changed
/// fields, secrets only as "(changed)"; a refused change records nothing. Each test acts as users of its own and reads the trail
/// filtered by them, so the tests can share one application.
/// </summary>
public sealed class AuditTrailTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private const string PlantedPassword = "Audit-Planted-Pa55-91be4f";
    private const string SecondPassword = "Audit-Second-Pa55-5c0d7a";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    [Fact]
    public async Task ServerProfileCreateUpdateAndDeleteAreRecordedAndPasswordsOnlyAsChanged()
    {
        var actor = NewActor();
        var profiles = new ServerProfilesClient(AsUser(actor));
        var input = TestData.Profile();
        input.Authentication!.Impersonation!.Password = PlantedPassword;

        var before = App.Time.GetUtcNow();
        var profile = await profiles.CreateServerProfileAsync(input, Ct);
        await profiles.UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { Description = "Moved to the new data centre" }, cancellationToken: Ct);
        await profiles.UpdateServerProfileAsync(
            profile.Id,
            new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = SecondPassword } } },
            cancellationToken: Ct);
        await profiles.DeleteServerProfileAsync(profile.Id, cancellationToken: Ct);

        var events = await TrailAsync(target: profile.Id.ToString());
        Assert.Equal(["ServerProfile.Created", "ServerProfile.Updated", "ServerProfile.Updated", "ServerProfile.Deleted"], events.Select(e => e.Operation));
        Assert.All(events, e =>
        {
            Assert.Equal(actor, e.ActorId);
            Assert.Equal("ServerProfile", e.TargetType);
            Assert.Equal(profile.Id.ToString(), e.TargetId);
            Assert.InRange(e.OccurredAt, before, App.Time.GetUtcNow());
        });

        var created = events[0];
        AssertChange(created, "name", null, input.Name);
        AssertChange(created, "incoming.serverLocation", null, input.Incoming!.ServerLocation);
        AssertChange(created, "authentication.impersonation.password", null, "(changed)");

        var described = events[1];
        Assert.Equal(["description"], described.Changes.Select(c => c.Field));
        AssertChange(described, "description", input.Description, "Moved to the new data centre");

        var passwordChanged = events[2];
        Assert.Equal(["authentication.impersonation.password"], passwordChanged.Changes.Select(c => c.Field));
        AssertChange(passwordChanged, "authentication.impersonation.password", null, "(changed)");

        AssertChange(events[3], "name", input.Name, null);

        // Neither password appears anywhere in the trail as served.
        var raw = await AsUser("auditor", "ExSync.Administrator").GetStringAsync($"/api/v1/audit-events?target={profile.Id}", Ct);
        Assert.DoesNotContain(PlantedPassword, raw);
        Assert.DoesNotContain(SecondPassword, raw);
        Assert.Contains("(changed)", raw);
    }

    [Fact]
    public async Task MailboxCreateUpdateAndDeleteAreRecorded()
    {
        var actor = NewActor();
        var mailboxes = new MailboxesClient(AsUser(actor));
        var input = TestData.Mailbox(JobTesting.UniqueAddress("audited"));

        var mailbox = await mailboxes.CreateMailboxAsync(input, Ct);
        await mailboxes.UpdateMailboxAsync(mailbox.Id, new MailboxPatch { Name = "Alice Renamed" }, cancellationToken: Ct);
        await mailboxes.DeleteMailboxAsync(mailbox.Id, cancellationToken: Ct);

        var events = await TrailAsync(target: mailbox.Id.ToString());
        Assert.Equal(["Mailbox.Created", "Mailbox.Updated", "Mailbox.Deleted"], events.Select(e => e.Operation));
        Assert.All(events, e => Assert.Equal((actor, "Mailbox"), (e.ActorId, e.TargetType)));
        AssertChange(events[0], "emailAddress", null, input.EmailAddress);
        AssertChange(events[0], "serverProfileId", null, deployment.DefaultProfile.Id.ToString());
        Assert.Equal(["name"], events[1].Changes.Select(c => c.Field));
        AssertChange(events[1], "name", "Alice Example", "Alice Renamed");
        AssertChange(events[2], "emailAddress", input.EmailAddress, null);
    }

    [Fact]
    public async Task OrganizationSettingsUpdateIsRecorded()
    {
        var actor = NewActor();
        var organization = new OrganizationClient(AsUser(actor));
        var current = await organization.GetOrganizationEmailSettingsAsync(Ct);
        var flipped = !current.Alerts.Information;

        await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { Alerts = new AlertLevelSettingsInput { Information = flipped } }, cancellationToken: Ct);
        await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { Alerts = new AlertLevelSettingsInput { Information = !flipped } }, cancellationToken: Ct);

        var events = await TrailAsync(actor: actor);
        Assert.Equal(["OrganizationEmailSettings.Updated", "OrganizationEmailSettings.Updated"], events.Select(e => e.Operation));
        Assert.Equal(current.OrganizationId.ToString(), events[0].TargetId);
        Assert.Equal("OrganizationEmailSettings", events[0].TargetType);
        Assert.Equal(["alerts.information"], events[0].Changes.Select(c => c.Field));
        AssertChange(events[0], "alerts.information", Bool(!flipped), Bool(flipped));
        AssertChange(events[1], "alerts.information", Bool(flipped), Bool(!flipped));
    }

    [Fact]
    public async Task ApproveRejectAndApplyDefaultsAreRecordedPerMailboxThatChanged()
    {
        var actor = NewActor();
        var mailboxes = new MailboxesClient(AsUser(actor));
        var other = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(deployment.Simulator), Ct);
        var mailbox = await App.CreateMailboxAsync(JobTesting.UniqueAddress("approval"), input => input.ServerProfileId = other.Id, approve: false);

        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);
        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct); // unchanged: nothing to record
        await mailboxes.RejectEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);
        var dryRun = await mailboxes.ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id], DryRun = true }, cancellationToken: Ct);
        Assert.Equal(1, dryRun.Changed); // would change, but a dry run records nothing
        await mailboxes.ApplyDefaultSettingsAsync(new ApplyDefaultSettingsInput { MailboxIds = [mailbox.Id], TestAndEnable = false }, cancellationToken: Ct);

        var events = await TrailAsync(actor: actor);
        Assert.Equal(["Mailbox.EmailApproved", "Mailbox.EmailRejected", "Mailbox.DefaultSettingsApplied"], events.Select(e => e.Operation));
        Assert.All(events, e => Assert.Equal((mailbox.Id.ToString(), "Mailbox"), (e.TargetId, e.TargetType)));
        AssertChange(events[0], "approvalStatus", "PendingApproval", "Approved");
        AssertChange(events[1], "approvalStatus", "Approved", "Rejected");
        AssertChange(events[2], "serverProfileId", other.Id.ToString(), deployment.DefaultProfile.Id.ToString());
    }

    [Fact]
    public async Task JobStartAndCancelAreRecordedWithTheirCaller()
    {
        var (starter, canceler) = (NewActor(), NewActor());
        var address = deployment.Simulator.AddExchangeMailbox("hanging");
        deployment.Simulator.State.AddFault(new ScenarioFault { Operation = "*", Mailbox = address, Kind = SimulatedFaultKind.Hang });
        var mailbox = await App.CreateMailboxAsync(address);

        var job = await new MailboxesClient(AsUser(starter)).TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct);
        while (deployment.Simulator.Requests.CountForMailbox(address) == 0)
        {
            await Task.Delay(10, Ct);
        }

        await new JobsClient(AsUser(canceler)).CancelJobAsync(job.Id, Ct);
        Assert.Equal(JobStatus.Canceled, (await App.WaitAsync(job)).Status);

        var events = await TrailAsync(target: job.Id.ToString());
        Assert.Equal(["Job.Started", "Job.Canceled"], events.Select(e => e.Operation));
        Assert.Equal([starter, canceler], events.Select(e => e.ActorId));
        Assert.All(events, e => Assert.Equal("Job", e.TargetType));
        AssertChange(events[0], "kind", null, "TestAndEnableMailboxes");
        AssertChange(events[0], "total", null, "1");
        AssertChange(events[1], "cancelRequested", "false", "true");

        // Canceling it again changes nothing and records nothing.
        await new JobsClient(AsUser(canceler)).CancelJobAsync(job.Id, Ct);
        Assert.Equal(2, (await TrailAsync(target: job.Id.ToString())).Count);
    }

    [Fact]
    public async Task FiltersNarrowByActorTargetOperationAndTimeAndPagesKeepThem()
    {
        var actor = NewActor();
        var mailboxes = new MailboxesClient(AsUser(actor));
        var first = await mailboxes.CreateMailboxAsync(TestData.Mailbox(), Ct);
        App.Time.Advance(TimeSpan.FromMinutes(1));
        var since = App.Time.GetUtcNow();
        var second = await mailboxes.CreateMailboxAsync(TestData.Mailbox(), Ct);
        await mailboxes.UpdateMailboxAsync(second.Id, new MailboxPatch { Name = "Second" }, cancellationToken: Ct);

        Assert.Equal(3, (await TrailAsync(actor: actor)).Count);
        Assert.Equal([first.Id.ToString(), second.Id.ToString()], (await TrailAsync(actor: actor, operation: "Mailbox.Created")).Select(e => e.TargetId));
        Assert.Equal(["Mailbox.Created", "Mailbox.Updated"], (await TrailAsync(target: second.Id.ToString())).Select(e => e.Operation));
        Assert.Equal(["Mailbox.Created"], (await TrailAsync(target: first.Id.ToString())).Select(e => e.Operation));
        var recent = await TrailAsync(actor: actor, since: since);
        Assert.Equal([second.Id.ToString(), second.Id.ToString()], recent.Select(e => e.TargetId));

        // The same instant written with another offset, and a target id in upper case, filter alike.
        Assert.Equal(recent.Select(e => e.Id), (await TrailAsync(actor: actor, since: since.ToOffset(TimeSpan.FromHours(5)))).Select(e => e.Id));
        Assert.Equal(2, (await TrailAsync(target: second.Id.ToString().ToUpperInvariant())).Count);
        Assert.Empty(await TrailAsync(actor: actor, since: App.Time.GetUtcNow().AddSeconds(1)));
        Assert.Empty(await TrailAsync(actor: actor, operation: "Mailbox.Deleted"));
        Assert.Empty(await TrailAsync(actor: "nobody-" + Guid.NewGuid()));

        // One event per page; every page keeps the filter, and the last one has no nextLink.
        var audit = new AuditClient(AsUser("auditor", "ExSync.Administrator"));
        var seen = new List<AuditEvent>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await audit.ListAuditEventsAsync(actor: actor, pageSize: 1, continuationToken: token, cancellationToken: Ct);
            pages++;
            seen.AddRange(page.Value);
            Assert.True(page.Value.Count == 1, $"page {pages} has {page.Value.Count} events");
            token = JobTesting.ContinuationToken(page.NextLink);
            if (token is not null)
            {
                Assert.Contains($"actor={actor}", page.NextLink);
            }
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal((await TrailAsync(actor: actor)).Select(e => e.Id), seen.Select(e => e.Id));
        Assert.All(seen, e => Assert.Equal(actor, e.ActorId));
    }

    [Fact]
    public async Task OnlyAnAdministratorReadsTheTrail()
    {
        var everythingElse = AsUser(NewActor(), "Mailbox.Read", "Mailbox.Write", "Email.Approve");

        var refused = await everythingElse.SendAsync(HttpMethod.Get, "/api/v1/audit-events");

        refused.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(["ExSync.Administrator"], refused.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, (await AsUser(NewActor(), "ExSync.Administrator").SendAsync(HttpMethod.Get, "/api/v1/audit-events?pageSize=1")).Status);
    }

    [Fact]
    public async Task ARefusedChangeRecordsNothing()
    {
        var actor = NewActor();
        var http = AsUser(actor);
        var profile = await App.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
        var mailbox = await App.CreateMailboxAsync(JobTesting.UniqueAddress("refused"), approve: false);
        var finishedJob = await App.TestAndEnableAsync(mailbox.Id);
        var requestId = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/test-and-enable", Ids(mailbox.Id), requestId)).Status);
        var defaultsRequestId = Guid.NewGuid().ToString();
        var applied = await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", Ids(mailbox.Id), defaultsRequestId);
        Assert.True(applied.Status is HttpStatusCode.OK or HttpStatusCode.Accepted, applied.Body);
        var before = (await TrailAsync(actor: actor)).Count;
        var other = await App.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(deployment.Simulator), Ct);
        var another = await App.CreateMailboxAsync(JobTesting.UniqueAddress("refused"), input => input.ServerProfileId = other.Id, approve: false);

        var attempts = new (string What, Func<Task<HttpStatusCode>> Send, HttpStatusCode Expected)[]
        {
            ("invalid profile", () => Status(http, HttpMethod.Post, "/api/v1/server-profiles", """{"name":""}"""), HttpStatusCode.BadRequest),
            ("duplicate profile name", () => Status(http, HttpMethod.Post, "/api/v1/server-profiles", JsonSerializer.Serialize(TestData.Profile(profile.Name), ServerProfilesTests.ClientJsonOptions)), HttpStatusCode.Conflict),
            ("invalid profile patch", () => Status(http, HttpMethod.Patch, $"/api/v1/server-profiles/{profile.Id}", """{"name":""}""", RawHttp.MergePatch), HttpStatusCode.BadRequest),
            ("stale profile patch", () => Status(http, HttpMethod.Patch, $"/api/v1/server-profiles/{profile.Id}", """{"description":"x"}""", RawHttp.MergePatch, "\"stale\""), HttpStatusCode.PreconditionFailed),
            ("delete the default profile", () => Status(http, HttpMethod.Delete, $"/api/v1/server-profiles/{deployment.DefaultProfile.Id}"), HttpStatusCode.Conflict),
            ("duplicate mailbox address", () => Status(http, HttpMethod.Post, "/api/v1/mailboxes", JsonSerializer.Serialize(TestData.Mailbox(mailbox.EmailAddress), ServerProfilesTests.ClientJsonOptions)), HttpStatusCode.Conflict),
            ("invalid mailbox patch", () => Status(http, HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", """{"emailAddress":"not an address"}""", RawHttp.MergePatch), HttpStatusCode.BadRequest),
            ("invalid organization patch", () => Status(http, HttpMethod.Patch, "/api/v1/organization/email-settings", """{"incomingEmail":null}""", RawHttp.MergePatch), HttpStatusCode.BadRequest),
            ("approve nothing", () => Status(http, HttpMethod.Post, "/api/v1/mailboxes/approve-email", """{"mailboxIds":[]}"""), HttpStatusCode.BadRequest),
            ("cancel a finished job", () => Status(http, HttpMethod.Post, $"/api/v1/jobs/{finishedJob.Id}/cancel"), HttpStatusCode.Conflict),
            ("reuse a request id for another job", async () => (await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/test-and-enable", Ids(another.Id), requestId)).Status, HttpStatusCode.Conflict),
            ("reuse a request id for other defaults", async () => (await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", Ids(another.Id), defaultsRequestId)).Status, HttpStatusCode.Conflict),
            ("defaults with an overlong request id", async () => (await http.SendJsonAsync(HttpMethod.Post, "/api/v1/mailboxes/apply-default-settings", Ids(another.Id), new string('r', 201))).Status, HttpStatusCode.BadRequest),
            ("set a profile without Administrator", () => Status(AsUser(actor, "Mailbox.Write"), HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", $$"""{"serverProfileId":"{{other.Id}}"}""", RawHttp.MergePatch), HttpStatusCode.Forbidden),
        };

        var failures = new List<string>();
        foreach (var (what, send, expected) in attempts)
        {
            var status = await send();
            var recorded = (await TrailAsync(actor: actor)).Skip(before).ToList();
            if (status != expected || recorded.Count > 0)
            {
                failures.Add($"{what}: answered {(int)status} (expected {(int)expected}) and recorded [{string.Join(", ", recorded.Select(e => $"{e.Operation} {e.TargetId}"))}]");
                before += recorded.Count;
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));

        // And nothing was changed by the refusals either.
        Assert.Equal(other.Id, (await App.Mailboxes().GetMailboxAsync(another.Id, Ct)).ServerProfileId);
    }

    [Fact]
    public async Task AScheduledRetestIsRecordedAsStartedBySystem()
    {
        // Its own application and simulator: the test moves the clock to make the retest due.
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(["flaky@contoso.local"]), Ct);
        simulator.State.AddFault(new ScenarioFault { Mailbox = "flaky@contoso.local", Kind = SimulatedFaultKind.Http503, Times = 0 });
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var mailbox = await app.CreateMailboxAsync("flaky@contoso.local");
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.RetryScheduled);

        app.Time.Advance(TimeSpan.FromMinutes(5));
        var audit = new AuditClient(app.CreateClient());
        var watch = Stopwatch.StartNew();
        List<AuditEvent> system;
        do
        {
            await Task.Delay(50, Ct);
            system = [.. (await audit.ListAuditEventsAsync(actor: "system", cancellationToken: Ct)).Value];
        }
        while (system.Count == 0 && watch.Elapsed < TimeSpan.FromSeconds(30));

        var started = Assert.Single(system);
        Assert.Equal("Job.Started", started.Operation);
        Assert.Equal("Job", started.TargetType);
        AssertChange(started, "kind", null, "RetestScheduledMailboxes");
        var job = await app.Jobs().GetJobAsync(Guid.Parse(started.TargetId), Ct);
        Assert.Equal("system", job.CreatedBy);
    }

    private static string NewActor() => "actor-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>A client for <paramref name="userId"/> holding every privilege, unless roles are given.</summary>
    private HttpClient AsUser(string userId, params string[] roles) =>
        App.CreateClient(userId, roles.Length == 0 ? TestTokens.AllPrivileges : roles);

    private async Task<List<AuditEvent>> TrailAsync(string? actor = null, string? target = null, string? operation = null, DateTimeOffset? since = null)
    {
        var page = await new AuditClient(AsUser("auditor", "ExSync.Administrator")).ListAuditEventsAsync(actor, target, operation, since, 1000, cancellationToken: Ct);
        Assert.Null(page.NextLink);
        return [.. page.Value];
    }

    private static void AssertChange(AuditEvent e, string field, string? from, string? to)
    {
        var change = e.Changes.SingleOrDefault(c => c.Field == field)
            ?? throw new Xunit.Sdk.XunitException($"{e.Operation} has no change of {field}: {string.Join(", ", e.Changes.Select(c => c.Field))}");
        Assert.Equal((from, to), (change.From, change.To));
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static string Ids(params Guid[] ids) => JsonSerializer.Serialize(new { mailboxIds = ids });

    private static async Task<HttpStatusCode> Status(HttpClient http, HttpMethod method, string url, string? body = null, string contentType = RawHttp.Json, string? ifMatch = null) =>
        (await http.SendAsync(method, url, body, contentType, ifMatch)).Status;
}
