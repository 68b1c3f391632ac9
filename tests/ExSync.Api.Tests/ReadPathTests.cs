using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>
/// The shortcuts of the fast read path never serve what is no longer true: a mailbox's kept representation goes stale with any change,
/// made here or in another instance; a remembered token still expires when it says.
/// </summary>
public sealed class ReadPathTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AMailboxReadAgainAfterAChangeByAnotherInstanceShowsTheChange()
    {
        await using var app = new ExSyncApplication();
        await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var created = await app.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        var http = app.CreateClient();

        // Read twice, so the second read is answered from the kept representation.
        var first = await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{created.Id}");
        var second = await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{created.Id}");
        Assert.Equal(first.Body, second.Body);

        // Another instance on the same database renames it.
        await using (var other = app.Restarted())
        {
            await other.Mailboxes().UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Renamed Elsewhere" }, cancellationToken: Ct);
        }

        var after = await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{created.Id}");
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal("Renamed Elsewhere", after.Json!["name"]!.GetValue<string>());
        Assert.NotEqual(first.ETag, after.ETag);

        // And the representation is exactly what a fresh read of the whole mailbox gives.
        await using var fresh = app.Restarted();
        Assert.Equal(after.Body, (await fresh.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{created.Id}")).Body);
    }

    [Fact]
    public async Task ConcurrentReadsOfManyMailboxesEachAnswerWithTheirOwnMailboxAsItIsNow()
    {
        // On PostgreSQL the revision checks of concurrent reads share one query; each read must still get its own mailbox, see a change
        // committed before it was asked, and find nothing for an id that does not exist.
        await using var app = new ExSyncApplication();
        await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
        {
            var input = TestData.Mailbox();
            input.Name = $"Mailbox {i}";
            ids.Add((await app.Mailboxes().CreateMailboxAsync(input, Ct)).Id);
        }

        var unknown = Guid.NewGuid();
        var http = app.CreateClient();

        async Task ReadAllAsync(Func<int, string> expectedName)
        {
            var reads = Enumerable.Range(0, 120).Select(async n =>
            {
                if (n % 13 == 0)
                {
                    Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{unknown}")).Status);
                    return;
                }

                var index = n % ids.Count;
                var read = await http.SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{ids[index]}");
                Assert.Equal(HttpStatusCode.OK, read.Status);
                Assert.Equal(ids[index], Guid.Parse(read.Json!["id"]!.GetValue<string>()));
                Assert.Equal(expectedName(index), read.Json!["name"]!.GetValue<string>());
            });
            await Task.WhenAll(reads);
        }

        await ReadAllAsync(i => $"Mailbox {i}");

        // Another instance renames every other mailbox; the next concurrent reads, served from kept representations where still
        // current, show every rename.
        await using (var other = app.Restarted())
        {
            for (var i = 0; i < ids.Count; i += 2)
            {
                await other.Mailboxes().UpdateMailboxAsync(ids[i], new MailboxPatch { Name = $"Renamed {i}" }, cancellationToken: Ct);
            }
        }

        await ReadAllAsync(i => i % 2 == 0 ? $"Renamed {i}" : $"Mailbox {i}");
    }

    [Fact]
    public async Task AMailboxReadAgainAfterItsTestShowsTheTestsResult()
    {
        await using var simulator = await ExchangeSimulator.ExchangeSimulatorHost.StartAsync(SimulatedExchange.Scenario(["kept@contoso.local"]), Ct);
        await using var app = new ExSyncApplication();
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var mailbox = await app.CreateMailboxAsync("kept@contoso.local");
        var before = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        Assert.False(before.EnabledForIncomingEmail);

        // The job writes the result through the engine, not through the API that kept the representation.
        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = [mailbox.Id] }, cancellationToken: Ct);
        await app.Jobs().WaitForCompletionAsync(job.Id, TimeSpan.FromMilliseconds(50), cancellationToken: Ct);

        Assert.True((await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).EnabledForIncomingEmail);
    }

    [Fact]
    public async Task AnOwnerWithoutPrivilegesStillReadsOnlyTheirOwnMailboxFromTheKeptRepresentation()
    {
        await using var app = new ExSyncApplication();
        await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var input = TestData.Mailbox();
        input.Owner!.Id = "owner-of-it";
        var mailbox = await app.Mailboxes().CreateMailboxAsync(input, Ct);
        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{mailbox.Id}")).Status);

        Assert.Equal(HttpStatusCode.OK, (await app.CreateClient("owner-of-it").SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{mailbox.Id}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient("someone-else").SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{mailbox.Id}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.CreateClient("someone-else").SendAsync(HttpMethod.Get, $"/api/v1/mailboxes/{Guid.NewGuid()}")).Status);
    }

    [Fact]
    public async Task ARememberedTokenIsRefusedOnceItExpires()
    {
        await using var app = new ExSyncApplication();
        app.Settings["Authentication:ClockSkew"] = "00:00:00";
        var http = app.CreateAnonymousClient();
        // Ten seconds of validity: the two requests that must pass include the application's first, which takes seconds on a loaded
        // two-core machine.
        var expires = DateTimeOffset.UtcNow.AddSeconds(10);
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", app.Tokens.Create("alice", TestTokens.AllPrivileges, expires: expires));

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(HttpMethod.Get, "/api/v1/server-profiles")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(HttpMethod.Get, "/api/v1/server-profiles")).Status);

        await Task.Delay(expires - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1.1), Ct);
        var refused = await http.SendAsync(HttpMethod.Get, "/api/v1/server-profiles");
        refused.AssertProblem(HttpStatusCode.Unauthorized, "Unauthorized");
        Assert.Contains("expired", refused.Json!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheModelHasNoDecimalsForWhichSqliteWouldNeedEfCoresSqlFunctions()
    {
        // ExSync's SQLite connections leave out EF Core's SQL functions (SqliteConnectionWithoutFunctions); decimal arithmetic and
        // comparisons need them.
        await using var app = new ExSyncApplication();
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var decimals = db.Model.GetEntityTypes()
            .SelectMany(type => type.GetProperties().Concat(type.GetComplexProperties().SelectMany(complex => complex.ComplexType.GetProperties())))
            .Where(property => Nullable.GetUnderlyingType(property.ClrType) == typeof(decimal) || property.ClrType == typeof(decimal))
            .Select(property => $"{property.DeclaringType.DisplayName()}.{property.Name}")
            .ToList();
        Assert.Empty(decimals);
    }
}
