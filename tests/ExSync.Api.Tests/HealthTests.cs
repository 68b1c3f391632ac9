using System.Net;
using ExSync.Api.Tests.Infrastructure;

namespace ExSync.Api.Tests;

public sealed class HealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LivenessAndReadinessAreHealthyWhenTheDatabaseIsReachable()
    {
        await using var app = new ExSyncApplication();

        var live = await app.Health().GetLivenessAsync(Ct);
        var ready = await app.Health().GetReadinessAsync(Ct);

        Assert.Equal("Healthy", live.Status);
        Assert.Equal("Healthy", ready.Status);
        Assert.Equal("database", Assert.Single(ready.Checks).Name);
    }

    [Fact]
    public async Task ReadinessFailsWithoutRevealingWhyWhenTheDatabaseIsUnreachableWhileLivenessStaysUp()
    {
        await using var app = new ExSyncApplication();
        var http = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(HttpMethod.Get, "/health/ready")).Status);

        await app.Database.MakeUnreachableAsync(Ct);

        var ready = await http.SendAsync(HttpMethod.Get, "/health/ready");
        var live = await http.SendAsync(HttpMethod.Get, "/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Equal("Unhealthy", ready.Json!["status"]!.GetValue<string>());
        Assert.DoesNotContain(app.DataDirectory, ready.Body);
        Assert.DoesNotContain("SQLite", ready.Body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Npgsql", ready.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, live.Status);
    }
}
