using System.Net;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Privileges that depend on what a request does (dynamics-reference §3b): a mailbox's server profile and delivery methods need
/// ExSync.Administrator besides Mailbox.Write; approving or rejecting email addresses needs ExSync.Administrator and Email.Approve.
/// </summary>
public sealed class ConditionalPrivilegeTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ExSyncApplication app = new();

    private ServerProfile defaultProfile = null!;

    private ServerProfile otherProfile = null!;

    public async ValueTask InitializeAsync()
    {
        defaultProfile = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        otherProfile = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();

    /// <summary>The fields that decide how a mailbox connects to Exchange, each with a value an administrator could set.</summary>
    public static TheoryData<string> ConnectionFields => ["serverProfileId", "incomingDeliveryMethod", "outgoingDeliveryMethod", "actDeliveryMethod"];

    [Fact]
    public async Task MailboxWriteAloneCreatesAMailboxThatTakesTheDefaults()
    {
        var writer = app.CreateClient("writer", "Mailbox.Write");
        var input = TestData.Mailbox();

        var created = await writer.SendAsync(HttpMethod.Post, "/api/v1/mailboxes", Json(input));

        Assert.True(created.Status == HttpStatusCode.Created, created.Body);
        Assert.Equal(defaultProfile.Id.ToString(), created.Json!["serverProfileId"]!.GetValue<string>());
        Assert.Equal("ServerSideSynchronization", created.Json["incomingDeliveryMethod"]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ConnectionFields))]
    public async Task SettingAConnectionFieldOnCreateNeedsAdministratorToo(string field)
    {
        var input = JsonSerializer.SerializeToNode(TestData.Mailbox(), ServerProfilesTests.ClientJsonOptions)!.AsObject();
        input[field] = ValueFor(field);
        var address = input["emailAddress"]!.GetValue<string>();

        var refused = await app.CreateClient("writer", "Mailbox.Write").SendAsync(HttpMethod.Post, "/api/v1/mailboxes", input.ToJsonString());

        refused.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(["ExSync.Administrator"], refused.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Contains("ExSync.Administrator", refused.Json["detail"]!.GetValue<string>());
        Assert.Empty((await app.Mailboxes().ListMailboxesAsync(search: address, cancellationToken: Ct)).Value);

        // Administrator without Mailbox.Write is refused too, naming the other privilege.
        var administratorOnly = await app.CreateClient("admin-only", "ExSync.Administrator").SendAsync(HttpMethod.Post, "/api/v1/mailboxes", input.ToJsonString());
        administratorOnly.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
        Assert.Equal(["Mailbox.Write"], administratorOnly.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));

        // Both together: created, with the value asked for.
        var both = await app.CreateClient("admin-writer", "ExSync.Administrator", "Mailbox.Write").SendAsync(HttpMethod.Post, "/api/v1/mailboxes", input.ToJsonString());
        Assert.True(both.Status == HttpStatusCode.Created, both.Body);
        Assert.Equal(input[field]!.GetValue<string>(), both.Json![field]!.GetValue<string>());
    }

    [Theory]
    [MemberData(nameof(ConnectionFields))]
    public async Task SettingOrResettingAConnectionFieldInAPatchNeedsAdministratorToo(string field)
    {
        var mailbox = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        var writer = app.CreateClient("writer", "Mailbox.Write");

        // Other fields: Mailbox.Write is enough.
        var renamed = await writer.SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", """{"name":"Renamed"}""", RawHttp.MergePatch);
        Assert.True(renamed.Status == HttpStatusCode.OK, renamed.Body);

        foreach (var value in new[] { ValueFor(field).ToJsonString(), "null" })
        {
            var before = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
            var patch = $$"""{"{{field}}":{{value}}}""";

            var refused = await writer.SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", patch, RawHttp.MergePatch);

            refused.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
            Assert.Equal(["ExSync.Administrator"], refused.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()));
            Assert.Equal(before.Etag, (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).Etag);

            var allowed = await app.CreateClient("admin-writer", "ExSync.Administrator", "Mailbox.Write")
                .SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", patch, RawHttp.MergePatch);
            Assert.True(allowed.Status == HttpStatusCode.OK, $"{patch}: {allowed.Body}");
        }
    }

    [Fact]
    public async Task AConnectionFieldSpelledDifferentlyInAPatchIsNotAWayAroundTheAdministratorRequirement()
    {
        var mailbox = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        var writer = app.CreateClient("writer", "Mailbox.Write");

        // An escaped name is the same name once parsed: refused for the missing privilege.
        var escaped = await writer.SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", $$"""{"serverProfileId":"{{otherProfile.Id}}"}""", RawHttp.MergePatch);
        escaped.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");

        // Another casing is not the field at all: refused as unknown, never applied.
        var pascal = await writer.SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{mailbox.Id}", $$"""{"ServerProfileId":"{{otherProfile.Id}}"}""", RawHttp.MergePatch);
        Assert.True(pascal.Status is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden, pascal.Body);

        Assert.Equal(mailbox.Etag, (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).Etag);
    }

    [Theory]
    [InlineData("approve-email")]
    [InlineData("reject-email")]
    public async Task ApprovingOrRejectingNeedsAdministratorAndEmailApprove(string action)
    {
        var mailbox = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        var body = JsonSerializer.Serialize(new { mailboxIds = new[] { mailbox.Id } });

        foreach (var (roles, missing) in new (string[], string[])[]
                 {
                     (["ExSync.Administrator", "Mailbox.Read", "Mailbox.Write"], ["Email.Approve"]),
                     (["Email.Approve", "Mailbox.Read", "Mailbox.Write"], ["ExSync.Administrator"]),
                     ([], ["Email.Approve", "ExSync.Administrator"]),
                 })
        {
            var refused = await app.CreateClient("approver", roles).SendAsync(HttpMethod.Post, $"/api/v1/mailboxes/{action}", body);
            refused.AssertProblem(HttpStatusCode.Forbidden, "Forbidden");
            Assert.Equal(missing, refused.Json!["missingPrivileges"]!.AsArray().Select(p => p!.GetValue<string>()).Order());
            Assert.Equal(EmailApprovalStatus.PendingApproval, (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).ApprovalStatus);
        }

        var done = await app.CreateClient("approver", "ExSync.Administrator", "Email.Approve").SendAsync(HttpMethod.Post, $"/api/v1/mailboxes/{action}", body);
        Assert.True(done.Status == HttpStatusCode.OK, done.Body);
        Assert.Equal(1, done.Json!["changed"]!.GetValue<int>());
        Assert.Equal(
            action == "approve-email" ? EmailApprovalStatus.Approved : EmailApprovalStatus.Rejected,
            (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).ApprovalStatus);
    }

    private System.Text.Json.Nodes.JsonNode ValueFor(string field) => field switch
    {
        "serverProfileId" => System.Text.Json.Nodes.JsonValue.Create(otherProfile.Id.ToString())!,
        "incomingDeliveryMethod" => System.Text.Json.Nodes.JsonValue.Create("None")!,
        _ => System.Text.Json.Nodes.JsonValue.Create("None")!,
    };

    private static string Json(MailboxInput input) => JsonSerializer.Serialize(input, ServerProfilesTests.ClientJsonOptions);
}
