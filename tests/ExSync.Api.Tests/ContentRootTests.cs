using System.Net;
using System.Net.Http.Headers;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

/// <summary>
/// ExSync reads its appsettings files from beside the application, where it also keeps its database and key ring, whatever directory
/// it is started from.
/// </summary>
public sealed class ContentRootTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartedFromAnotherDirectoryTheAppsettingsBesideTheApplicationApply()
    {
        // The built application's appsettings.Development.json names the issuer and audience of dotnet user-jwts; only the key comes
        // from elsewhere, as user-jwts puts it in user secrets. The working directory is the test's own, which has no appsettings.
        var directory = Directory.CreateTempSubdirectory("exsync-elsewhere-").FullName;
        var tokens = new TestTokens();
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Authentication:Schemes:Bearer:SigningKeys:0:Issuer"] = "dotnet-user-jwts",
            ["Authentication:Schemes:Bearer:SigningKeys:0:Value"] = tokens.KeyBase64,
        };
        Assert.False(File.Exists(Path.Combine(directory, "appsettings.Development.json")));

        await using var api = await ApiProcess.StartAsync(directory, settings, Ct, trustTestTokens: false);

        using var http = new HttpClient { BaseAddress = api.BaseAddress };
        var token = tokens.Create("developer", TestTokens.AllPrivileges, issuer: "dotnet-user-jwts", audience: "http://localhost:5180");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("api/v1/server-profiles", Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}{Environment.NewLine}{api.Output}");
    }
}
