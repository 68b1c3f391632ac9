using System.Text;
using ExSync.Api.Infrastructure.Persistence;
using ExSync.Api.Infrastructure.Secrets;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
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

        // The main file, the write-ahead log and its index: a secret written in clear would be in one of them.
        var files = Directory.GetFiles(app.DataDirectory, "exsync.db*");
        Assert.Contains(files, f => f.EndsWith("exsync.db", StringComparison.Ordinal) && new FileInfo(f).Length > 0);
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file, Ct);
            foreach (var planted in new[] { PlantedPassword, PlantedSecret })
            {
                Assert.False(Contains(bytes, Encoding.UTF8.GetBytes(planted)), $"{Path.GetFileName(file)} contains a secret in UTF-8");
                Assert.False(Contains(bytes, Encoding.Unicode.GetBytes(planted)), $"{Path.GetFileName(file)} contains a secret in UTF-16");
            }
        }
    }

    [Fact]
    public async Task OmittedSecretIsKeptAndExplicitNullRemovesIt()
    {
        await using var app = new ExSyncApplication();
        var client = app.ServerProfiles();
        var created = await client.CreateServerProfileAsync(TestData.Profile(), Ct);

        var renamed = await client.UpdateServerProfileAsync(created.Id, new ServerProfileInput { Description = "no password in this patch" }, cancellationToken: Ct);
        Assert.True(renamed.Authentication.Impersonation!.PasswordSet);

        var removal = new ServerProfileInput { Authentication = new ServerProfileAuthenticationInput { Impersonation = new ServerProfileImpersonationInput().WithNull(i => i.Password) } };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => client.UpdateServerProfileAsync(created.Id, removal, cancellationToken: Ct));
        Assert.Equal("PasswordRequired", error.Result.Code);
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
