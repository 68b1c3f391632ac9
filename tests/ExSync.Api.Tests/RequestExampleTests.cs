using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// The request-body examples of openapi.json are what Swagger UI prefills, so each must work as it is; and the fields the schema marks
/// required must really be required, so leaving one out of an example is refused, naming it.
/// </summary>
public sealed class RequestExampleTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Examples() => OpenApiExamples.Keys();

    [Fact]
    public void EveryRequestBodyHasAnExample()
    {
        var bodies = OpenApiExamples.All.Select(e => $"{e.Method} {e.Path}").Distinct().Count();

        // Seventeen operations take a body with required fields or a merge patch (rotate-secret's body is all optional); a body without an
        // example would be missing here, and Swagger UI would prefill placeholders.
        Assert.Equal(17, bodies);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task EachRequestBodyExampleSentAsItIsToAFreshServiceIsAccepted(string key)
    {
        var example = OpenApiExamples.Find(key);
        await using var fresh = new ExSyncApplication();

        var response = await fresh.CreateClient().SendAsync(example.Method, await UrlAsync(fresh, example.Path), (await BodyAsync(fresh, example)).ToJsonString(), example.MediaType);

        Assert.True((int)response.Status is >= 200 and < 300, $"{key}: {(int)response.Status} {response.Body}");
    }

    [Fact]
    public void MergePatchBodiesRequireNothingAndOtherBodiesMarkWhatTheyRequire()
    {
        Assert.All(OpenApiExamples.All, example =>
        {
            var required = OpenApiExamples.RequiredPaths(example.Schema).ToList();
            if (example.Method == HttpMethod.Patch)
            {
                Assert.True(required.Count == 0, $"{example.Key} is a merge patch, in which every field is optional, but {example.Schema} requires {string.Join(", ", required)}");
            }
            else
            {
                Assert.True(required.Count > 0, $"{example.Key}: {example.Schema} marks no required field");
            }
        });
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task LeavingARequiredFieldOutOfAnExampleIsRefusedNamingTheField(string key)
    {
        var example = OpenApiExamples.Find(key);
        var url = await UrlAsync(app, example.Path);

        foreach (var path in OpenApiExamples.RequiredPaths(example.Schema, example.Body))
        {
            var response = await app.CreateClient().SendAsync(example.Method, url, OpenApiExamples.Without(example.Body, path).ToJsonString(), example.MediaType);

            Assert.True(response.Status == HttpStatusCode.BadRequest, $"{key} without {path}: {(int)response.Status} {response.Body}");
            Assert.Contains(path, response.Details.Select(d => d.Target));
        }
    }

    /// <summary>
    /// The example's body, with what it refers to made to exist in <paramref name="service"/>: a new email's sender mailbox (whose id the
    /// service chooses, so the example's is replaced) and the directory entry of its recipient.
    /// </summary>
    private static async Task<System.Text.Json.Nodes.JsonObject> BodyAsync(ExSyncApplication service, RequestExample example)
    {
        var body = (System.Text.Json.Nodes.JsonObject)example.Body.DeepClone();
        if (example.Method == HttpMethod.Post && example.Path == "/api/v1/emails")
        {
            var sender = await service.SenderAsync();
            body["mailboxId"] = sender.Id.ToString();
            foreach (var record in body["to"]?.AsArray().Select(r => r?["record"]).OfType<System.Text.Json.Nodes.JsonNode>() ?? [])
            {
                var id = record["recordId"]!.GetValue<string>();
                await service.DirectoryEntries().PutDirectoryEntryAsync(id, new DirectoryEntryInput
                {
                    RecordType = Enum.Parse<DirectoryRecordType>(record["recordType"]!.GetValue<string>()), RecordId = id, DisplayName = id, EmailAddresses = [$"{id}@fabrikam.example"],
                }, cancellationToken: Ct);
            }
        }

        return body;
    }

    /// <summary>
    /// The operation's URL in <paramref name="service"/>, which gets what the examples take for granted: a default server profile
    /// (mailboxes use the organization defaults) and the profile, mailbox or email the path names; a new directory entry id.
    /// </summary>
    internal static async Task<string> UrlAsync(ExSyncApplication service, string path)
    {
        var profile = await service.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        if (path.StartsWith("/api/v1/mailboxes/{id}", StringComparison.Ordinal))
        {
            var mailbox = await service.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
            return path.Replace("{id}", mailbox.Id.ToString(), StringComparison.Ordinal);
        }

        if (path.StartsWith("/api/v1/emails/{id}", StringComparison.Ordinal))
        {
            var email = await service.CreateEmailAsync();
            return path.Replace("{id}", email.Id.ToString(), StringComparison.Ordinal);
        }

        if (path.StartsWith("/api/v1/webhook-subscriptions/{id}", StringComparison.Ordinal))
        {
            var subscription = await new WebhooksClient(service.CreateClient()).CreateWebhookSubscriptionAsync(
                new WebhookSubscriptionInput { Url = "https://crm.contoso.com/exsync/webhooks", EventTypes = ["job.completed"] }, Ct);
            return path.Replace("{id}", subscription.Id.ToString(), StringComparison.Ordinal);
        }

        if (path.StartsWith("/api/v1/directory-entries/{id}", StringComparison.Ordinal))
        {
            return path.Replace("{id}", "example-" + Guid.NewGuid().ToString("N"), StringComparison.Ordinal);
        }

        return path.Replace("{id}", profile.Id.ToString(), StringComparison.Ordinal);
    }
}
