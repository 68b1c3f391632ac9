using System.Text;
using ExSync.Persistence;
using ExSync.Engine.Secrets;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>Passwords and client secrets are write-only: never returned, never logged, never stored in clear.</summary>
public sealed class SecretTests
{
    private const string PlantedPassword = "Planted-Pa55word-7f3a9c";
    private const string PlantedSecret = "Planted-ClientSecret-c41d2e";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SecretsAppearInNoResponseNoLogAndNoDatabaseFileAndSurviveARestart()
    {
        await using var app = new ExSyncApplication();
        var http = app.CreateClient();
        var responses = new StringBuilder();

        var input = TestData.Profile();
        input.Authentication!.Impersonation!.Password = PlantedPassword;
        var created = await Send(http, HttpMethod.Post, "/api/v1/server-profiles", input, responses);
        var id = System.Text.Json.JsonDocument.Parse(created).RootElement.GetProperty("id").GetString();

        await Send(http, HttpMethod.Get, $"/api/v1/server-profiles/{id}", null, responses);
        await Send(http, HttpMethod.Get, "/api/v1/server-profiles", null, responses);
        await Send(http, HttpMethod.Patch, $"/api/v1/server-profiles/{id}", new { description = "changed" }, responses);

        // A failing update that echoes input must not echo the secret either.
        await Send(http, HttpMethod.Patch, $"/api/v1/server-profiles/{id}", new { authentication = new { impersonation = new { password = PlantedPassword, userName = "BAD\\name" } } }, responses);

        // Switch to Hybrid Modern Auth with another planted secret.
        var hma = new
        {
            authentication = new
            {
                type = "HybridModernAuth",
                hybridModernAuth = new { tenantId = "contoso.onmicrosoft.com", clientId = Guid.NewGuid(), resourceUri = "https://mail.contoso.com", clientSecret = PlantedSecret },
            },
        };
        await Send(http, HttpMethod.Patch, $"/api/v1/server-profiles/{id}", hma, responses);

        var everything = responses.ToString();
        Assert.DoesNotContain(PlantedPassword, everything);
        Assert.DoesNotContain(PlantedSecret, everything);
        Assert.DoesNotContain(app.Logs, line => line.Contains(PlantedPassword) || line.Contains(PlantedSecret));

        // The secret is stored, encrypted, and a restarted instance on the same database and key ring can still read it.
        await using (var restarted = app.Restarted())
        {
            await using var scope = restarted.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
            var profile = await db.ServerProfiles.SingleAsync(p => p.Id == Guid.Parse(id!), Ct);
            var protector = scope.ServiceProvider.GetRequiredService<SecretProtector>();
            Assert.Equal(PlantedSecret, protector.Unprotect(profile.Authentication.HybridModernAuth!.ClientSecret!));
            Assert.Null(profile.Authentication.Impersonation);
        }

        var stored = await app.Database.ReadEverythingStoredAsync(Ct);
        foreach (var planted in new[] { PlantedPassword, PlantedSecret })
        {
            Assert.False(Contains(stored, Encoding.UTF8.GetBytes(planted)), "The database contains a secret in UTF-8");
            Assert.False(Contains(stored, Encoding.Unicode.GetBytes(planted)), "The database contains a secret in UTF-16");
        }
    }

    [Fact]
    public async Task OmittedSecretIsKeptAndExplicitNullRemovesIt()
    {
        await using var app = new ExSyncApplication();
        var client = app.ServerProfiles();
        var created = await client.CreateServerProfileAsync(TestData.Profile(), Ct);

        var renamed = await client.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "no password in this patch" }, cancellationToken: Ct);
        Assert.True(renamed.Authentication.Impersonation!.PasswordSet);

        var removal = new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch().WithNull(i => i.Password) } };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => client.UpdateServerProfileAsync(created.Id, removal, cancellationToken: Ct));
        Assert.Equal("PasswordRequired", error.Result.Code);
    }

    [Fact]
    public async Task PlantedPasswordsAndClientSecretsAppearNowhereAfterFailingAndSucceedingTestsAgainstExchange()
    {
        // The simulated service account's real password is planted; the profile first has another planted (wrong) one.
        const string RightPassword = "Planted-Right-Pa55-4e8d1b";
        const string WrongPassword = "Planted-Wrong-Pa55-a07c3f";
        const string RightClientSecret = "Planted-Right-Secret-62f0d9";
        const string WrongClientSecret = "Planted-Wrong-Secret-d81e37";
        var clientId = Guid.NewGuid();
        var scenario = SimulatedDeployment.Scenario();
        scenario.Accounts[0].Password = RightPassword;
        scenario.Server.Authentication.Bearer = true;
        scenario.OAuthApplications = [new ScenarioOAuthApplication { TenantId = "contoso.onmicrosoft.com", ClientId = clientId.ToString(), ClientSecret = RightClientSecret, CanImpersonateAll = true }];
        await using var simulator = await ExchangeSimulatorHost.StartAsync(scenario, Ct);
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);

        // Everything is logged, at every level, in every category: what Trace would show is what a support bundle could contain.
        foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "Microsoft.EntityFrameworkCore.Database.Command", "System.Net.Http.HttpClient", "ExSync" })
        {
            app.Settings[$"Logging:LogLevel:{category}"] = "Trace";
        }

        var transcript = new ResponseRecorder();
        var http = app.CreateDefaultClient(transcript);
        var profiles = new ServerProfilesClient(http);
        var mailboxes = new MailboxesClient(http);
        var jobs = new JobsClient(http);

        // Create, with the wrong password, and an update that fails validation while carrying it.
        var input = SimulatedExchange.Profile(simulator, WrongPassword);
        var profile = await profiles.CreateServerProfileAsync(input, Ct);
        await Send(http, HttpMethod.Patch, $"/api/v1/server-profiles/{profile.Id}", new { authentication = new { impersonation = new { password = WrongPassword, userName = "BAD\\name" } } }, new StringBuilder());
        var address = simulator.AddExchangeMailbox("secret");
        var mailbox = await mailboxes.CreateMailboxAsync(TestData.Mailbox(address), Ct);
        await mailboxes.ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);

        // Failing Test & Enable and connection test: Exchange refuses the wrong password.
        var failedJob = await jobs.WaitForCompletionAsync((await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        var failedTest = await jobs.WaitForCompletionAsync((await profiles.TestServerProfileConnectionAsync(profile.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        foreach (var job in new[] { failedJob, failedTest })
        {
            Assert.Equal("AuthenticationFailed", Assert.Single((await jobs.ListJobResultsAsync(job.Id, cancellationToken: Ct)).Value).Error?.Code);
        }

        // Update to the right password; now both succeed.
        await profiles.UpdateServerProfileAsync(
            profile.Id,
            new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = RightPassword } } },
            cancellationToken: Ct);
        var passedJob = await jobs.WaitForCompletionAsync((await mailboxes.TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        var passedTest = await jobs.WaitForCompletionAsync((await profiles.TestServerProfileConnectionAsync(profile.Id, new TestConnectionInput { EmailAddress = address, SendTestMessage = true }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        foreach (var job in new[] { passedJob, passedTest })
        {
            Assert.Equal(JobItemOutcome.Succeeded, Assert.Single((await jobs.ListJobResultsAsync(job.Id, cancellationToken: Ct)).Value).Outcome);
        }

        Assert.True((await mailboxes.GetMailboxAsync(mailbox.Id, Ct)).EnabledForIncomingEmail);

        // The same with Hybrid Modern Auth: a wrong client secret is refused by the token endpoint, the right one works.
        var hmaInput = JobTesting.Profile(simulator);
        hmaInput.Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.HybridModernAuth,
            HybridModernAuth = new ServerProfileHybridModernAuthInput
            {
                TenantId = "contoso.onmicrosoft.com",
                ClientId = clientId.ToString(),
                ResourceUri = "https://mail.contoso.local",
                AuthorityUrl = simulator.HttpsBaseAddress.ToString().TrimEnd('/'),
                ClientSecret = WrongClientSecret,
            },
        };
        var hma = await profiles.CreateServerProfileAsync(hmaInput, Ct);
        var hmaFailed = await jobs.WaitForCompletionAsync((await profiles.TestServerProfileConnectionAsync(hma.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        Assert.Equal("OAuthClientAuthenticationFailed", Assert.Single((await jobs.ListJobResultsAsync(hmaFailed.Id, cancellationToken: Ct)).Value).Error?.Code);
        await profiles.UpdateServerProfileAsync(
            hma.Id,
            new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { HybridModernAuth = new ServerProfileHybridModernAuthPatch { ClientSecret = RightClientSecret } } },
            cancellationToken: Ct);
        var hmaPassed = await jobs.WaitForCompletionAsync((await profiles.TestServerProfileConnectionAsync(hma.Id, new TestConnectionInput { EmailAddress = address }, cancellationToken: Ct)).Id, JobTesting.Poll, cancellationToken: Ct);
        var hmaResult = Assert.Single((await jobs.ListJobResultsAsync(hmaPassed.Id, cancellationToken: Ct)).Value);
        Assert.True(hmaResult.Outcome == JobItemOutcome.Succeeded, $"{hmaResult.Error?.Code}: {hmaResult.Error?.Message}");
        Assert.True(simulator.Requests.TokenRequests >= 2);

        // Read back everything the API shows about all of it: profiles, mailboxes, jobs and their results, alerts, the audit trail,
        // the organization settings and the OpenAPI document.
        foreach (var url in new[]
                 {
                     $"/api/v1/server-profiles/{profile.Id}", $"/api/v1/server-profiles/{hma.Id}", "/api/v1/server-profiles", $"/api/v1/mailboxes/{mailbox.Id}", "/api/v1/mailboxes",
                     "/api/v1/jobs?pageSize=1000", "/api/v1/alerts?pageSize=1000", $"/api/v1/mailboxes/{mailbox.Id}/alerts", "/api/v1/audit-events?pageSize=1000",
                     "/api/v1/organization/email-settings", "/openapi/v1.json",
                 })
        {
            (await http.GetAsync(url, Ct)).Dispose();
        }

        foreach (var job in new[] { failedJob, failedTest, passedJob, passedTest, hmaFailed, hmaPassed })
        {
            (await http.GetAsync($"/api/v1/jobs/{job.Id}", Ct)).Dispose();
            (await http.GetAsync($"/api/v1/jobs/{job.Id}/results?pageSize=1000", Ct)).Dispose();
        }

        var responses = transcript.Text;
        var logs = string.Join(Environment.NewLine, app.Logs);

        // The scans are not empty: the transcript has the job results and the audit trail, the logs have the EWS client's calls
        // to the simulator and, at Trace, the HTTP client's request headers (where an Authorization header would show).
        Assert.Contains("AuthenticationFailed", responses);
        Assert.Contains("authentication.impersonation.password", responses);
        Assert.Contains("(changed)", responses);
        Assert.Contains(app.Logs, line => line.StartsWith("Trace System.Net.Http.HttpClient.ExSync.Exchange", StringComparison.Ordinal) && line.Contains("Headers", StringComparison.Ordinal));
        Assert.Contains($"{simulator.EwsUrl.Host}:{simulator.EwsUrl.Port}", logs);

        var checkedInContract = await File.ReadAllTextAsync(Repository.PathOf("openapi.json"), Ct);
        var stored = await app.Database.ReadEverythingStoredAsync(Ct);
        foreach (var password in new[] { RightPassword, WrongPassword, RightClientSecret, WrongClientSecret })
        {
            // Also as a Basic credential would carry it, in case a header was logged or echoed.
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SimulatedExchange.ServiceAccount}:{password}"));
            foreach (var secret in new[] { password, basic })
            {
                Assert.False(responses.Contains(secret, StringComparison.Ordinal), $"A response contains {secret}");
                var leak = app.Logs.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
                Assert.True(leak is null, $"The logs contain {secret}: {leak}");
                Assert.DoesNotContain(secret, checkedInContract);
            }

            Assert.False(Contains(stored, Encoding.UTF8.GetBytes(password)), "The database contains a password in UTF-8");
            Assert.False(Contains(stored, Encoding.Unicode.GetBytes(password)), "The database contains a password in UTF-16");
        }
    }

    [Fact]
    public async Task TheKeyRingIsPersistedAndSecretsSurviveARestartAndAKeyRotation()
    {
        const string OldPassword = "Rotation-Old-Pa55-19ac2e";
        const string NewPassword = "Rotation-New-Pa55-7b3f60";
        var app = new ExSyncApplication();
        Guid oldProfile, oldKey, newKey;
        ExSyncApplication restarted;
        try
        {
            oldProfile = (await app.ServerProfiles().CreateServerProfileAsync(ProfileWith(OldPassword), Ct)).Id;
            oldKey = KeyIdOf(await StoredPasswordAsync(app, oldProfile));
            Assert.NotEmpty(await StoredKeyNamesAsync(app));
            Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "keys")), "the key ring lives in the database, not in files");

            // Rotate: a new key, activated now, which a restarted instance reads from the persisted ring and uses for new secrets.
            var keys = app.Services.GetRequiredService<IKeyManager>();
            newKey = keys.CreateNewKey(activationDate: DateTimeOffset.UtcNow, expirationDate: DateTimeOffset.UtcNow.AddDays(90)).KeyId;
            Assert.NotEqual(oldKey, newKey);
            Assert.Contains($"key-{newKey}", await StoredKeyNamesAsync(app));
            restarted = app.Restarted();
        }
        finally
        {
            await app.DisposeAsync();
        }

        await using (restarted)
        {
            // The old secret still decrypts, with the old key.
            Assert.Equal(OldPassword, await UnprotectAsync(restarted, oldProfile));
            Assert.Equal(oldKey, KeyIdOf(await StoredPasswordAsync(restarted, oldProfile)));

            // A new secret is encrypted with the new key, and decrypts too.
            var newProfile = (await restarted.ServerProfiles().CreateServerProfileAsync(ProfileWith(NewPassword), Ct)).Id;
            Assert.Equal(newKey, KeyIdOf(await StoredPasswordAsync(restarted, newProfile)));
            Assert.Equal(NewPassword, await UnprotectAsync(restarted, newProfile));

            // Changing the old profile's password re-encrypts it with the new key.
            await restarted.ServerProfiles().UpdateServerProfileAsync(
                oldProfile,
                new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = NewPassword } } },
                cancellationToken: Ct);
            Assert.Equal(newKey, KeyIdOf(await StoredPasswordAsync(restarted, oldProfile)));
        }

        static ServerProfileInput ProfileWith(string password)
        {
            var input = TestData.Profile();
            input.Authentication!.Impersonation!.Password = password;
            return input;
        }
    }

    private static async Task<List<string?>> StoredKeyNamesAsync(ExSyncApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ExSyncDbContext>().DataProtectionKeys.Select(k => k.FriendlyName).ToListAsync(Ct);
    }

    private static async Task<string> StoredPasswordAsync(ExSyncApplication app, Guid profileId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var profile = await scope.ServiceProvider.GetRequiredService<ExSyncDbContext>().ServerProfiles.AsNoTracking().SingleAsync(p => p.Id == profileId, Ct);
        return profile.Authentication.Impersonation!.Password!.Ciphertext;
    }

    private static async Task<string> UnprotectAsync(ExSyncApplication app, Guid profileId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var profile = await scope.ServiceProvider.GetRequiredService<ExSyncDbContext>().ServerProfiles.AsNoTracking().SingleAsync(p => p.Id == profileId, Ct);
        return scope.ServiceProvider.GetRequiredService<SecretProtector>().Unprotect(profile.Authentication.Impersonation!.Password!);
    }

    /// <summary>The key a Data Protection payload was encrypted with: a 4-byte magic header, then the key id.</summary>
    private static Guid KeyIdOf(string ciphertext)
    {
        var bytes = WebEncoders.Base64UrlDecode(ciphertext);
        Assert.Equal([0x09, 0xF0, 0xC9, 0xF0], bytes[..4]);
        return new Guid(bytes.AsSpan(4, 16));
    }

    /// <summary>Keeps the status line, headers and body of every response.</summary>
    private sealed class ResponseRecorder : DelegatingHandler
    {
        private readonly StringBuilder text = new();
        private readonly Lock gate = new();

        public string Text
        {
            get
            {
                lock (gate)
                {
                    return text.ToString();
                }
            }
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            lock (gate)
            {
                text.AppendLine($"{(int)response.StatusCode} {request.Method} {request.RequestUri}")
                    .AppendLine(response.Headers.ToString())
                    .AppendLine(response.Content.Headers.ToString())
                    .AppendLine(body);
            }

            return response;
        }
    }

    private static async Task<string> Send(HttpClient http, HttpMethod method, string url, object? body, StringBuilder transcript)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            // Types of the generated client carry their own JSON names; anonymous ones are written in camelCase.
            var json = body.GetType().Namespace == "ExSync.Client"
                ? System.Text.Json.JsonSerializer.Serialize(body, ServerProfilesTests.ClientJsonOptions)
                : System.Text.Json.JsonSerializer.Serialize(body, System.Text.Json.JsonSerializerOptions.Web);
            request.Content = new StringContent(json, Encoding.UTF8, method == HttpMethod.Patch ? "application/merge-patch+json" : "application/json");
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        transcript.AppendLine(response.Headers.ToString()).AppendLine(text);
        return text;
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
