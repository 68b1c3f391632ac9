using System.Net;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Requests racing for the same resource or the same unique value. A unique value goes to one of them (409 for the others); a
/// conditional update goes to one of them (412 for the others); unconditional updates and bulk actions all succeed, each applied
/// to the state the previous one left. Never a 500, and never the 409 of a lost race.
/// </summary>
public sealed class ConcurrencyTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const int Racers = 12;

    // A lost race depends on timing: several rounds make each test likely to meet one.
    private const int Rounds = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RacingCreatesWithOneAddressMakeOneMailboxAndConflictsForTheRest()
    {
        var address = $"{Guid.NewGuid():N}@contoso.com";
        var body = $$"""{"name":"Race","emailAddress":"{{address}}","owner":{"type":"Queue","id":"q"},"incomingDeliveryMethod":"None","outgoingDeliveryMethod":"None","actDeliveryMethod":"None"}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", body)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.AssertProblem(HttpStatusCode.Conflict, "MailboxEmailAddressConflict"));
        var listed = await app.Mailboxes().ListMailboxesAsync(search: address, cancellationToken: Ct);
        Assert.Single(listed.Value);
    }

    [Fact]
    public async Task RacingCreatesWithOneNameMakeOneProfileAndConflictsForTheRest()
    {
        var name = TestData.Unique("Race");
        var body = System.Text.Json.JsonSerializer.Serialize(TestData.Profile(name), ServerProfilesTests.ClientJsonOptions);

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(_ => app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", body)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.Created), r => r.AssertProblem(HttpStatusCode.Conflict, "ServerProfileNameConflict"));
    }

    [Fact]
    public async Task RacingUpdatesWithoutIfMatchAllSucceedAndTheLastAppliedValuesWin()
    {
        for (var round = 0; round < Rounds; round++)
        {
            var created = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);

            // Half the writers rename the profile, half change its description: merge patches of different fields must not undo each other.
            var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i => app.CreateClient().SendAsync(
                HttpMethod.Patch,
                $"/api/v1/server-profiles/{created.Id}",
                i % 2 == 0 ? $$"""{"name":"{{created.Name}}-{{i}}"}""" : $$"""{"description":"Writer {{i}}"}""",
                RawHttp.MergePatch)));

            Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.OK, $"{(int)r.Status}: {r.Body}"));
            Assert.Equal(Racers, responses.Select(r => r.ETag).Distinct().Count());
            var final = await app.ServerProfiles().GetServerProfileAsync(created.Id, Ct);
            Assert.Equal($"\"{1 + Racers}\"", final.Etag);
            Assert.Equal(LastApplied(responses, i => i % 2 == 0, "name"), final.Name);
            Assert.Equal(LastApplied(responses, i => i % 2 == 1, "description"), final.Description);
        }
    }

    [Theory]
    [InlineData("server-profiles")]
    [InlineData("mailboxes")]
    public async Task RacingConditionalUpdatesWithOneETagLetExactlyOneThroughAndRefuseTheRestWith412(string resource)
    {
        for (var round = 0; round < Rounds; round++)
        {
            var (id, etag) = resource == "mailboxes" ? await CreateMailboxAsync() : await CreateProfileAsync();

            var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i =>
                app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/{resource}/{id}", $$"""{"name":"Writer {{i}} {{id}}"}""", RawHttp.MergePatch, ifMatch: etag)));

            Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
            Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed"));
        }
    }

    [Fact]
    public async Task BulkApprovalsRacingUpdatesOfTheirMailboxesSucceedAsAWhole()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add((await CreateMailboxAsync()).Id);
        }

        var mailboxes = app.Mailboxes();
        for (var round = 0; round < Rounds; round++)
        {
            var action = round % 2 == 0 ? "approve-email" : "reject-email";
            var bulk = app.CreateClient().SendAsync(HttpMethod.Post, $"/api/v1/mailboxes/{action}", JsonSerializer.Serialize(new { mailboxIds = ids }));
            var updates = ids.Select(id => app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{id}", $$"""{"name":"Round {{round}}"}""", RawHttp.MergePatch));

            var responses = await Task.WhenAll(updates.Prepend(bulk));

            Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.OK, $"{(int)r.Status}: {r.Body}"));
            Assert.Equal(ids.Count, responses[0].Json!["changed"]!.GetValue<int>());
            var expected = round % 2 == 0 ? EmailApprovalStatus.Approved : EmailApprovalStatus.Rejected;
            foreach (var id in ids)
            {
                var mailbox = await mailboxes.GetMailboxAsync(id, Ct);
                Assert.Equal((expected, $"Round {round}"), (mailbox.ApprovalStatus, mailbox.Name));
            }
        }
    }

    private async Task<(Guid Id, string Etag)> CreateProfileAsync()
    {
        var created = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
        return (created.Id, created.Etag);
    }

    private async Task<(Guid Id, string Etag)> CreateMailboxAsync()
    {
        var created = await app.Mailboxes().CreateMailboxAsync(TestData.MailboxWithoutSync(), Ct);
        return (created.Id, created.Etag);
    }

    // The value of a field in the response with the highest ETag (revision) among the writers that set it.
    private static string LastApplied(RawResponse[] responses, Func<int, bool> writer, string field) => responses
        .Where((_, i) => writer(i))
        .MaxBy(r => long.Parse(r.ETag!.Trim('"'), System.Globalization.CultureInfo.InvariantCulture))!
        .Json![field]!.GetValue<string>();
}
