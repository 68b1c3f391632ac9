using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Owner access: any signed-in user reads the mailboxes they own and the alerts addressed to them; Mailbox.Read reads every mailbox
/// and ExSync.Administrator every alert. A mailbox that is not theirs answers 403 whether or not it exists.
/// </summary>
public sealed class OwnerAccessTests(SimulatedDeployment deployment) : IClassFixture<SimulatedDeployment>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ExSyncApplication App => deployment.App;

    [Fact]
    public async Task AUserWithoutMailboxReadListsOnlyTheMailboxesTheyOwn()
    {
        var (alice, bob) = (NewUser("alice"), NewUser("bob"));
        var aliceMailboxes = new[] { await CreateOwnedAsync(alice), await CreateOwnedAsync(alice) };
        var bobMailbox = await CreateOwnedAsync(bob);

        var listed = await ListAllAsync(Client(alice));
        Assert.Equal(aliceMailboxes.Select(m => m.Id).Order(), listed.Select(m => m.Id).Order());

        // Filters narrow the caller's own mailboxes; they never widen to someone else's.
        var search = (await Client(alice).ListMailboxesAsync(search: bobMailbox.EmailAddress, cancellationToken: Ct)).Value;
        Assert.Empty(search);

        // Paging keeps the restriction on every page.
        var firstPage = await Client(alice).ListMailboxesAsync(pageSize: 1, cancellationToken: Ct);
        Assert.Single(firstPage.Value);
        var secondPage = await Client(alice).ListMailboxesAsync(pageSize: 1, continuationToken: JobTesting.ContinuationToken(firstPage.NextLink), cancellationToken: Ct);
        Assert.Equal(aliceMailboxes.Select(m => m.Id).Order(), firstPage.Value.Concat(secondPage.Value).Select(m => m.Id).Order());
        Assert.Null(secondPage.NextLink);

        // The control: with Mailbox.Read the same user sees everyone's.
        var all = await ListAllAsync(Client(alice, "Mailbox.Read"));
        Assert.Contains(all, m => m.Id == bobMailbox.Id);
        Assert.Superset(aliceMailboxes.Select(m => m.Id).ToHashSet(), all.Select(m => m.Id).ToHashSet());
    }

    [Fact]
    public async Task AUserReadsTheirOwnMailboxAndGets403ForAnothersAndForAnUnknownIdAlike()
    {
        var (alice, bob) = (NewUser("alice"), NewUser("bob"));
        var own = await CreateOwnedAsync(alice);
        var others = await CreateOwnedAsync(bob);
        var http = RawClient(alice);

        var read = await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{own.Id}");
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(own.Id.ToString(), read.Json!["id"]!.GetValue<string>());

        var another = (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{others.Id}")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        var unknownId = Guid.NewGuid();
        var unknown = (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{unknownId}")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");

        // Existence does not leak: both refusals are the same apart from the trace id and the instance (the caller's own URL).
        Assert.Equal(Anonymized(another), Anonymized(unknown));
        Assert.Equal(["Mailbox.Read"], another.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));

        // With Mailbox.Read the other mailbox is readable and the unknown one is an honest 404.
        var reader = RawClient(alice, "Mailbox.Read");
        Assert.Equal(HttpStatusCode.OK, (await reader.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{others.Id}")).Status);
        (await reader.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{unknownId}")).AssertProblem(HttpStatusCode.NotFound, "MailboxNotFound");
    }

    [Fact]
    public async Task ANonAdministratorSeesOnlyAlertsAddressedToThemAndGets403AskingForAnothers()
    {
        var (alice, bob) = (NewUser("alice"), NewUser("bob"));
        var (aliceMailbox, bobMailbox) = await FailingMailboxesAsync(alice, bob);

        // Each test of a failing mailbox alerts its owner and the profile owner.
        var everyone = await App.AlertsAsync(mailboxId: aliceMailbox.Id);
        Assert.Contains(everyone, a => a.RecipientId == alice);
        Assert.Contains(everyone, a => a.RecipientId == "profile-owner");

        var aliceAlerts = await AllAlertsAsync(Alerts(alice));
        Assert.NotEmpty(aliceAlerts);
        Assert.All(aliceAlerts, a => Assert.Equal(alice, a.RecipientId));
        Assert.Contains(aliceAlerts, a => a.MailboxId == aliceMailbox.Id);

        // Asking for her own alerts explicitly is the same; asking for someone else's is refused, naming the privilege.
        Assert.Equal(aliceAlerts.Select(a => a.Id), (await AllAlertsAsync(Alerts(alice), alice)).Select(a => a.Id));
        foreach (var other in new[] { bob, "profile-owner" })
        {
            var refused = await RawClient(alice).SendAsync(HttpMethod.Get, $"/api/v1/alerts?recipientId={other}");
            refused.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
            Assert.Equal(["ExSync.Administrator"], refused.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));
        }

        // A filter on bob's mailbox finds nothing of bob's for alice.
        Assert.Empty((await Alerts(alice).ListAlertsAsync(mailboxId: bobMailbox.Id, cancellationToken: Ct)).Value);

        // Mailbox.Read does not widen alerts; ExSync.Administrator does.
        Assert.All(await AllAlertsAsync(Alerts(alice, "Mailbox.Read", "Mailbox.Write", "Email.Approve")), a => Assert.Equal(alice, a.RecipientId));
        var administrator = await AllAlertsAsync(Alerts("some-admin", "ExSync.Administrator"), bob);
        Assert.Contains(administrator, a => a.MailboxId == bobMailbox.Id);
    }

    [Fact]
    public async Task AMailboxsAlertsFollowBothTheMailboxAndTheAlertRules()
    {
        var (alice, bob) = (NewUser("alice"), NewUser("bob"));
        var (aliceMailbox, bobMailbox) = await FailingMailboxesAsync(alice, bob);

        // Her own mailbox: only the alerts addressed to her, not the profile owner's alert about the same mailbox.
        var own = (await Client(alice).ListMailboxAlertsAsync(aliceMailbox.Id, pageSize: 1000, cancellationToken: Ct)).Value;
        Assert.NotEmpty(own);
        Assert.All(own, a => Assert.Equal((alice, aliceMailbox.Id), (a.RecipientId, a.MailboxId!.Value)));
        var http = RawClient(alice);
        (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{aliceMailbox.Id}/alerts?recipientId=profile-owner")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");

        // Someone else's mailbox, or one that does not exist: 403 alike.
        var another = (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{bobMailbox.Id}/alerts")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        var unknown = (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{Guid.NewGuid()}/alerts")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(Anonymized(another), Anonymized(unknown));

        // The profile owner has alerts about alice's mailbox, but without Mailbox.Read may not open the mailbox to read them there.
        (await RawClient("profile-owner").SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{aliceMailbox.Id}/alerts")).AssertProblem(HttpStatusCode.Forbidden, "Forbidden");

        // With Mailbox.Read the mailbox opens, but the alert rule still applies: only the profile owner's own alerts.
        var profileOwners = (await Client("profile-owner", "Mailbox.Read").ListMailboxAlertsAsync(aliceMailbox.Id, pageSize: 1000, cancellationToken: Ct)).Value;
        Assert.NotEmpty(profileOwners);
        Assert.All(profileOwners, a => Assert.Equal("profile-owner", a.RecipientId));

        // An administrator with Mailbox.Read sees every alert of the mailbox.
        var all = (await Client("some-admin", "ExSync.Administrator", "Mailbox.Read").ListMailboxAlertsAsync(aliceMailbox.Id, pageSize: 1000, cancellationToken: Ct)).Value;
        Assert.Equal(own.Count + profileOwners.Count, all.Count);
    }

    private static string NewUser(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    private async Task<Mailbox> CreateOwnedAsync(string ownerId, string? address = null) =>
        await App.CreateMailboxAsync(address ?? JobTesting.UniqueAddress("owned"), input => input.Owner!.Id = ownerId, approve: false);

    /// <summary>A mailbox for each user that is not in Exchange, tested once: the failure alerts each owner and the profile owner.</summary>
    private async Task<(Mailbox, Mailbox)> FailingMailboxesAsync(string first, string second)
    {
        var a = await App.CreateMailboxAsync(JobTesting.UniqueAddress("missing"), input => input.Owner!.Id = first);
        var b = await App.CreateMailboxAsync(JobTesting.UniqueAddress("missing"), input => input.Owner!.Id = second);
        var job = await App.TestAndEnableAsync(a.Id, b.Id);
        Assert.Equal(2, job.Counts.Failed);
        return (a, b);
    }

    private MailboxesClient Client(string userId, params string[] roles) => new(App.CreateClient(userId, roles));

    private AlertsClient Alerts(string userId, params string[] roles) => new(App.CreateClient(userId, roles));

    private HttpClient RawClient(string userId, params string[] roles) => App.CreateClient(userId, roles);

    private async Task<List<Mailbox>> ListAllAsync(MailboxesClient client)
    {
        var all = new List<Mailbox>();
        string? token = null;
        do
        {
            var page = await client.ListMailboxesAsync(pageSize: 1000, continuationToken: token, cancellationToken: Ct);
            all.AddRange(page.Value);
            token = JobTesting.ContinuationToken(page.NextLink);
        }
        while (token is not null);

        return all;
    }

    private static async Task<List<Alert>> AllAlertsAsync(AlertsClient client, string? recipientId = null)
    {
        var all = new List<Alert>();
        string? token = null;
        do
        {
            var page = await client.ListAlertsAsync(recipientId: recipientId, pageSize: 1000, continuationToken: token, cancellationToken: Ct);
            all.AddRange(page.Value);
            token = JobTesting.ContinuationToken(page.NextLink);
        }
        while (token is not null);

        return all;
    }

    /// <summary>A problem without the members that differ per request: the trace id, and the instance (the URL the caller sent).</summary>
    private static string Anonymized(RawResponse problem)
    {
        var copy = System.Text.Json.Nodes.JsonNode.Parse(problem.Body)!.AsObject();
        Assert.True(copy.Remove("traceId") && copy.Remove("instance"), problem.Body);
        return copy.ToJsonString();
    }
}
