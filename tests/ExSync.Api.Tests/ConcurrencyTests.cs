using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>Requests racing for the same resource or the same unique value get a 409 or succeed, never a 500.</summary>
public sealed class ConcurrencyTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const int Racers = 8;

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
    public async Task RacingUpdatesOfOneMailboxEachSucceedOrConflictAndEveryAcceptedChangeGetsItsOwnETag()
    {
        var input = TestData.Mailbox();
        input.IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None;
        input.OutgoingDeliveryMethod = DeliveryMethod.None;
        input.ActDeliveryMethod = DeliveryMethod.None;
        var created = await app.Mailboxes().CreateMailboxAsync(input, Ct);

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i =>
            app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{created.Id}", $$"""{"name":"Writer {{i}}"}""", RawHttp.MergePatch)));

        var accepted = responses.Where(r => r.Status == HttpStatusCode.OK).ToList();
        Assert.NotEmpty(accepted);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertProblem(HttpStatusCode.Conflict, "ConcurrentModification"));
        Assert.Equal(accepted.Count, accepted.Select(r => r.ETag).Distinct().Count());

        var final = await app.Mailboxes().GetMailboxAsync(created.Id, Ct);
        Assert.Equal($"\"{1 + accepted.Count}\"", final.Etag);
        Assert.Contains(final.Name, accepted.Select(r => r.Json!["name"]!.GetValue<string>()));
    }

    [Fact]
    public async Task RacingConditionalUpdatesWithOneETagLetExactlyOneThrough()
    {
        var created = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);

        var responses = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i =>
            app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", $$"""{"description":"Writer {{i}}"}""", RawHttp.MergePatch, ifMatch: created.Etag)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.All(
            responses.Where(r => r.Status != HttpStatusCode.OK),
            r => Assert.True(
                r.Status is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && r.MediaType == "application/problem+json",
                $"{(int)r.Status}: {r.Body}"));
    }
}
