using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Demo mode as a newcomer meets it: ExSync started with only Demo:Enabled=true, as a real process, prints a token and the
/// request body to try; following the printed steps enables the working mailboxes and fails the others with their own codes.
/// </summary>
public sealed partial class DemoModeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Demo mode keeps its sample data apart from the normal database; here in the test's own directory.
    private static Dictionary<string, string> Demo(string directory) => new()
    {
        ["Demo:Enabled"] = "true",
        ["Demo:ConnectionString"] = $"Data Source={Path.Combine(directory, "exsync-demo.db")}",

        // Demo processes of both test runs start at the same time; the default SMTP port would be taken by one of them.
        ["Demo:SmtpPort"] = "0",
    };

    [Fact]
    public async Task TheStepsDemoModePrintsWorkWithTheTokenItPrintsAndTheTokenDiesWithTheProcess()
    {
        var directory = Directory.CreateTempSubdirectory("exsync-demo-").FullName;
        string firstToken;
        await using (var api = await ApiProcess.StartAsync(directory, Demo(directory), Ct, trustTestTokens: false))
        {
            var (token, mailboxIds) = await ReadBannerAsync(api);
            firstToken = token;
            using var anonymous = new HttpClient { BaseAddress = api.BaseAddress };
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("api/v1/mailboxes", Ct)).StatusCode);

            using var http = WithToken(api, token);
            var mailboxes = new MailboxesClient(http);
            await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = mailboxIds }, Ct);
            var job = await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct);
            var finished = await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(100), cancellationToken: Ct);

            Assert.Equal(JobStatus.Succeeded, finished.Status);
            Assert.Equal("demo-admin", finished.CreatedBy);
            var results = (await new JobsClient(http).ListJobResultsAsync(job.Id, cancellationToken: Ct)).Value;
            Assert.Equal(
                [
                    ("alice@contoso.demo", JobItemOutcome.Succeeded, (string?)null),
                    ("bob@contoso.demo", JobItemOutcome.Failed, "ImpersonationDenied"),
                    ("carol@contoso.demo", JobItemOutcome.Succeeded, null),
                    ("dave@contoso.demo", JobItemOutcome.Failed, "MailboxNotFound"),
                ],
                results.Select(r => (r.EmailAddress, r.Outcome, r.Error?.Code)));

            // The demo administrator owns the demo profile, so the failures reach them as profile owner.
            var alerts = (await new AlertsClient(http).ListAlertsAsync(recipientId: "demo-admin", cancellationToken: Ct)).Value;
            Assert.Equal(["ImpersonationDenied", "MailboxNotFound"], alerts.Select(a => a.Code).Order().ToArray());
        }

        await using (var restarted = await ApiProcess.StartAsync(directory, Demo(directory), Ct, trustTestTokens: false))
        {
            var (token, mailboxIds) = await ReadBannerAsync(restarted);

            // A new key at every start: yesterday's printed token opens nothing.
            using (var old = WithToken(restarted, firstToken))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, (await old.GetAsync("api/v1/mailboxes", Ct)).StatusCode);
            }

            // Same sample data, not a second copy, and the profile follows the simulator to its new port.
            using var http = WithToken(restarted, token);
            var listed = await new MailboxesClient(http).ListMailboxesAsync(cancellationToken: Ct);
            Assert.Equal(mailboxIds.Order(), listed.Value.Select(m => m.Id).Order());
            var job = await new MailboxesClient(http).TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailboxIds[0]] }, cancellationToken: Ct);
            Assert.Equal(1, (await new JobsClient(http).WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(100), cancellationToken: Ct)).Counts.Succeeded);
        }
    }

    [Fact]
    public async Task WithAConfiguredSigningKeyDemoModeStillPrintsAWorkingTokenAndTrustsTheConfiguredKeyToo()
    {
        // As after `dotnet user-jwts create` anywhere on the machine: user secrets are per machine, so a key is configured.
        var directory = Directory.CreateTempSubdirectory("exsync-demo-").FullName;
        await using var api = await ApiProcess.StartAsync(directory, Demo(directory), Ct);

        var (token, mailboxIds) = await ReadBannerAsync(api);
        using (var demo = WithToken(api, token))
        {
            Assert.Equal(mailboxIds.Order(), (await new MailboxesClient(demo).ListMailboxesAsync(cancellationToken: Ct)).Value.Select(m => m.Id).Order());
        }

        using var configured = api.CreateClient();
        Assert.Equal(4, (await new MailboxesClient(configured).ListMailboxesAsync(cancellationToken: Ct)).Value.Count);
    }

    private static async Task<(string Token, List<Guid> MailboxIds)> ReadBannerAsync(ApiProcess api)
    {
        var output = await WaitForOutputAsync(api, "POST /api/v1/mailboxes/approve-email");
        var token = TokenPattern().Match(output);
        Assert.True(token.Success, $"No token in the demo banner:{Environment.NewLine}{output}");
        var body = BodyPattern().Matches(output)[^1].Value;
        var mailboxIds = JsonDocument.Parse(body).RootElement.GetProperty("mailboxIds").EnumerateArray().Select(e => e.GetGuid()).ToList();
        Assert.Equal(4, mailboxIds.Count);
        return (TokenPattern().Matches(output)[^1].Value, mailboxIds);
    }

    private static async Task<string> WaitForOutputAsync(ApiProcess api, string text)
    {
        // The banner is logged before Kestrel listens, so it is normally there once the process is ready.
        for (var i = 0; i < 100 && !api.Output.Contains(text, StringComparison.Ordinal); i++)
        {
            await Task.Delay(100, Ct);
        }

        return api.Output;
    }

    private static HttpClient WithToken(ApiProcess api, string token)
    {
        var client = new HttpClient { BaseAddress = api.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [GeneratedRegex(@"eyJ[\w-]+\.[\w-]+\.[\w-]+")]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"\{""mailboxIds"":\[[^\]]*\]\}")]
    private static partial Regex BodyPattern();
}
