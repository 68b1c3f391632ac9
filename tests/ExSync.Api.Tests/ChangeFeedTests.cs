using System.Net;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine.Jobs;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using DomainChanges = ExSync.Domain.Changes;
using DomainEmails = ExSync.Domain.Emails;

namespace ExSync.Api.Tests;

/// <summary>
/// GET /changes: paging with nextLink until caught up, then deltaLink; cursor=latest; malformed and expired cursors; retention with an
/// exact watermark; and readers that never skip a change while many writers commit in any order. The feed is the deployment's, so each
/// test that counts its changes has an application of its own.
/// </summary>
public sealed class ChangeFeedTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheFeedPagesWithNextLinkWhileChangesAreAvailableAndEndsWithADeltaLinkToCallLater()
    {
        await using var app = new ExSyncApplication();
        var mailbox = Guid.NewGuid();
        var emails = new List<DomainEmails.EmailActivity>();
        for (var i = 0; i < 5; i++)
        {
            emails.Add(await app.CreateEmailAsync(mailbox));
        }

        await app.Emails().UpdateEmailAsync(emails[1].Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Case", RecordId = "case-1" } }, cancellationToken: Ct);
        await app.AddReceivingMailboxAsync(emails[3].InternetMessageId!, Guid.NewGuid());

        var pages = await ReadAllAsync(app.CreateClient(), "/api/v1/changes?limit=3");

        Assert.Equal([3, 3, 1], pages.Select(p => p.Value.Count));
        Assert.All(pages[..^1], p => Assert.True(p.NextLink is not null && p.DeltaLink is null));
        Assert.True(pages[^1].NextLink is null && pages[^1].DeltaLink is not null);
        Assert.All(pages, p => Assert.StartsWith("http://localhost/api/v1/changes?cursor=", p.NextLink ?? p.DeltaLink, StringComparison.Ordinal));
        Assert.All(pages, p => Assert.EndsWith("&limit=3", p.NextLink ?? p.DeltaLink, StringComparison.Ordinal));
        var changes = pages.SelectMany(p => p.Value).ToList();
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.Equal(changes.Count, changes.Select(c => c.Sequence).Distinct().Count());
        Assert.Equal(
            [.. emails.Select(e => (e.Id.ToString(), ChangeOperation.Created, 1L)), (emails[1].Id.ToString(), ChangeOperation.Updated, 2L), (emails[3].Id.ToString(), ChangeOperation.Updated, 2L)],
            changes.Select(c => (c.ObjectId, c.Operation, c.Version)));
        Assert.All(changes, c => Assert.Equal("Email", c.ObjectType));
        Assert.All(changes, c => Assert.Equal(app.Time.GetUtcNow(), c.OccurredAt));

        // Later, the stored deltaLink brings what changed since, and nothing twice.
        var http = app.CreateClient();
        var nothingYet = await GetPageAsync(http, pages[^1].DeltaLink!);
        Assert.Empty(nothingYet.Value);
        Assert.NotNull(nothingYet.DeltaLink);
        var later = await app.CreateEmailAsync(mailbox);
        var next = await GetPageAsync(http, nothingYet.DeltaLink!);
        Assert.Equal([later.Id.ToString()], next.Value.Select(c => c.ObjectId));
        Assert.Empty((await GetPageAsync(http, next.DeltaLink!)).Value);
    }

    [Fact]
    public async Task ExactlyAPageOfChangesLeftEndsWithADeltaLinkNotANextLinkToAnEmptyPage()
    {
        await using var app = new ExSyncApplication();
        for (var i = 0; i < 4; i++)
        {
            await app.CreateEmailAsync();
        }

        var pages = await ReadAllAsync(app.CreateClient(), "/api/v1/changes?limit=2");

        Assert.Equal([2, 2], pages.Select(p => p.Value.Count));
        Assert.NotNull(pages[^1].DeltaLink);
    }

    [Fact]
    public async Task LatestStartsFromNowWithAnEmptyPageAndADeltaLink()
    {
        await using var app = new ExSyncApplication();
        var changes = app.Changes();
        var atStart = await changes.ListChangesAsync(cursor: "latest", cancellationToken: Ct);
        await app.CreateEmailAsync();
        await app.CreateEmailAsync();

        var latest = await changes.ListChangesAsync(cursor: "latest", cancellationToken: Ct);
        var created = await app.CreateEmailAsync();

        Assert.Empty(atStart.Value);
        Assert.Empty(latest.Value);
        Assert.Null(latest.NextLink);
        Assert.Equal(3, (await GetPageAsync(app.CreateClient(), atStart.DeltaLink!)).Value.Count);
        Assert.Equal([created.Id.ToString()], (await GetPageAsync(app.CreateClient(), latest.DeltaLink!)).Value.Select(c => c.ObjectId));
    }

    [Fact]
    public async Task AMalformedTamperedOrForeignCursorIsRefusedAndABadLimitToo()
    {
        await using var app = new ExSyncApplication();
        await using var other = new ExSyncApplication();
        await app.CreateEmailAsync();
        var valid = Cursor((await app.Changes().ListChangesAsync(cancellationToken: Ct)).DeltaLink!);
        var foreign = Cursor((await other.Changes().ListChangesAsync(cancellationToken: Ct)).DeltaLink!);
        var tampered = valid[..20] + (valid[20] == 'A' ? 'B' : 'A') + valid[21..];
        var http = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(HttpMethod.Get, $"/api/v1/changes?cursor={valid}")).Status);
        foreach (var cursor in new[] { "garbage", "5", "0", "LATEST", "%00", tampered, foreign, valid[..^4] })
        {
            var response = await http.SendAsync(HttpMethod.Get, $"/api/v1/changes?cursor={Uri.EscapeDataString(cursor)}");
            response.AssertProblem(HttpStatusCode.BadRequest, "InvalidCursor");
            Assert.Equal([("InvalidFormat", "cursor")], response.Details);
        }

        foreach (var limit in new[] { "0", "1001", "-1", "ten" })
        {
            var response = await http.SendAsync(HttpMethod.Get, $"/api/v1/changes?limit={limit}");
            response.AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
            Assert.Contains("limit", response.Details.Select(d => d.Target));
        }
    }

    [Fact]
    public async Task RetentionRemovesOldChangesAndACursorBeforeItsWatermarkIsGoneExactly()
    {
        await using var app = WithRetentionByHand();
        var http = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await app.CreateEmailAsync();
        }

        // Cursors after the first, second and third change.
        var firstPage = await GetPageAsync(http, "/api/v1/changes?limit=1");
        var secondPage = await GetPageAsync(http, firstPage.NextLink!);
        var thirdPage = await GetPageAsync(http, secondPage.NextLink!);
        Assert.NotNull(thirdPage.DeltaLink);

        app.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var young = await app.CreateEmailAsync();
        await RunRetentionAsync(app);

        Assert.Equal(1, await app.Database.CountAsync("Changes", "1 = 1", Ct));
        Assert.Equal(thirdPage.Value.Single().Sequence, Convert.ToInt64((await app.Database.QueryAsync("SELECT \"PrunedThrough\" FROM \"ChangeFeedState\"", Ct))[0][0], System.Globalization.CultureInfo.InvariantCulture));
        foreach (var expired in new[] { firstPage.NextLink!, secondPage.NextLink! })
        {
            (await http.SendAsync(HttpMethod.Get, expired)).AssertProblem(HttpStatusCode.Gone, "CursorExpired");
        }

        // A reader that had seen every removed change missed nothing: its cursor still works.
        Assert.Equal([young.Id.ToString()], (await GetPageAsync(http, thirdPage.DeltaLink!)).Value.Select(c => c.ObjectId));
        Assert.Equal([young.Id.ToString()], (await GetPageAsync(http, "/api/v1/changes")).Value.Select(c => c.ObjectId));
        var client = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => app.Changes().ListChangesAsync(cursor: Cursor(firstPage.NextLink!), cancellationToken: Ct));
        Assert.Equal((410, "CursorExpired"), (client.StatusCode, client.Result.Code));
    }

    [Fact]
    public async Task RetentionKeepsChangesYoungerThanItAndACursorIsValidUntilAChangeAfterItIsRemoved()
    {
        await using var app = WithRetentionByHand();
        app.Settings["ChangeFeed:Retention"] = "10.00:00:00";
        var http = app.CreateClient();
        await app.CreateEmailAsync();
        app.Time.Advance(TimeSpan.FromDays(9));
        var second = await app.CreateEmailAsync();
        app.Time.Advance(TimeSpan.FromDays(2));
        var afterFirst = (await GetPageAsync(http, "/api/v1/changes?limit=1")).NextLink!;

        // Only the first change is older than 10 days. A reader that has seen it has seen everything removed.
        await RunRetentionAsync(app);
        await RunRetentionAsync(app);
        Assert.Equal(1, await app.Database.CountAsync("Changes", "1 = 1", Ct));
        Assert.Equal([second.Id.ToString()], (await GetPageAsync(http, afterFirst)).Value.Select(c => c.ObjectId));

        // Once the second change is removed too, that reader has missed it.
        app.Time.Advance(TimeSpan.FromDays(10));
        await RunRetentionAsync(app);
        Assert.Equal(0, await app.Database.CountAsync("Changes", "1 = 1", Ct));
        (await http.SendAsync(HttpMethod.Get, afterFirst)).AssertProblem(HttpStatusCode.Gone, "CursorExpired");

        // With every change gone, new changes still get new sequences, after the watermark.
        var latest = (await app.Changes().ListChangesAsync(cursor: "latest", cancellationToken: Ct)).DeltaLink!;
        var third = await app.CreateEmailAsync();
        Assert.Equal([third.Id.ToString()], (await GetPageAsync(http, latest)).Value.Select(c => c.ObjectId));
        Assert.Equal([third.Id.ToString()], (await GetPageAsync(http, "/api/v1/changes")).Value.Select(c => c.ObjectId));
    }

    [Fact]
    public async Task ConcurrentWritersNeverLetAReaderSkipAChange()
    {
        const int Writers = 8;
        const int ChangesPerWriter = 25;
        await using var app = new ExSyncApplication();
        var http = app.CreateClient();
        var start = (await app.Changes().ListChangesAsync(cursor: "latest", cancellationToken: Ct)).DeltaLink!;
        var contexts = app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>();
        var ids = app.Services.GetRequiredService<SequentialIds>();

        // Each writer saves its change, then holds its transaction open a random while before committing: without ordering, a later
        // sequence would commit (and be read) before an earlier one.
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < ChangesPerWriter; i++)
            {
                await using var db = await contexts.CreateDbContextAsync(Ct);
                await using var transaction = await db.Database.BeginTransactionAsync(Ct);
                var email = DomainEmails.EmailActivity.CreateIncoming(TestEmails.Incoming(Guid.NewGuid()), ids.Next, app.Time.GetUtcNow());
                db.Emails.Add(email);
                db.RecordEmailChange(email, DomainChanges.ChangeOperation.Created, app.Time.GetUtcNow());
                await db.SaveChangesAsync(Ct);
                await Task.Delay(Random.Shared.Next(0, 12), Ct);
                await transaction.CommitAsync(Ct);
            }
        }, Ct)).ToList();

        var read = new List<long>();
        var link = start;
        var writing = Task.WhenAll(writers);
        while (true)
        {
            var finished = writing.IsCompleted;
            var page = await GetPageAsync(http, link);
            read.AddRange(page.Value.Select(c => c.Sequence));
            link = page.NextLink ?? page.DeltaLink!;
            if (page.NextLink is null)
            {
                if (finished)
                {
                    break;
                }

                await Task.Delay(2, Ct);
            }
        }

        await writing;
        var stored = (await app.Database.QueryAsync("SELECT \"Sequence\" FROM \"Changes\" ORDER BY \"Sequence\"", Ct))
            .Select(r => Convert.ToInt64(r[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Writers * ChangesPerWriter, stored.Count);
        Assert.Equal(stored, read);
    }

    [Fact]
    public async Task ASaveThatRecordsAChangeAndLosesARaceLeavesNoTransactionOrLockBehind()
    {
        await using var app = new ExSyncApplication();
        var email = await app.CreateEmailAsync();
        var contexts = app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>();

        // Two writers read the same email; the second one's save loses on the email's revision.
        await using (var loser = await contexts.CreateDbContextAsync(Ct))
        {
            var stale = await loser.Emails.SingleAsync(e => e.Id == email.Id, Ct);
            await app.AddReceivingMailboxAsync(email.InternetMessageId!, Guid.NewGuid());
            Assert.True(stale.AddReceivingMailbox(Guid.NewGuid(), app.Time.GetUtcNow()));
            loser.RecordEmailChange(stale, DomainChanges.ChangeOperation.Updated, app.Time.GetUtcNow());
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => loser.SaveChangesAsync(Ct));

            // The change feed's lock is free for everyone else, and a retry can begin a transaction of its own on the same context.
            Assert.Null(loser.Database.CurrentTransaction);
            await app.CreateEmailAsync();
            loser.ChangeTracker.Clear();
            await using var retry = await loser.Database.BeginTransactionAsync(Ct);
            await retry.RollbackAsync(Ct);
        }

        // The context goes back to its pool; whoever gets it next commits a transaction of their own with a change in it.
        for (var i = 0; i < 3; i++)
        {
            await using var next = await contexts.CreateDbContextAsync(Ct);
            await using var transaction = await next.Database.BeginTransactionAsync(Ct);
            var created = DomainEmails.EmailActivity.CreateIncoming(TestEmails.Incoming(Guid.NewGuid()), app.Services.GetRequiredService<SequentialIds>().Next, app.Time.GetUtcNow());
            next.Emails.Add(created);
            next.RecordEmailChange(created, DomainChanges.ChangeOperation.Created, app.Time.GetUtcNow());
            await next.SaveChangesAsync(Ct);
            await transaction.CommitAsync(Ct);
        }

        Assert.Equal(5, (await app.Changes().ListChangesAsync(cancellationToken: Ct)).Value.Count(c => c.Operation == ChangeOperation.Created));
    }

    /// <summary>An application whose retention rounds run only when the test says (the clock moves by days, which would start them).</summary>
    private static ExSyncApplication WithRetentionByHand()
    {
        var app = new ExSyncApplication();
        app.Settings["Jobs:SchedulerInterval"] = "3650.00:00:00";
        return app;
    }

    private static async Task RunRetentionAsync(ExSyncApplication app) =>
        await app.Services.GetServices<IHostedService>().OfType<RetentionDuty>().Single().RunOnceAsync(Ct);

    private static string Cursor(string link) => Uri.UnescapeDataString(new Uri(link).Query.TrimStart('?').Split('&').Single(p => p.StartsWith("cursor=", StringComparison.Ordinal))["cursor=".Length..]);

    private static async Task<List<FeedPage>> ReadAllAsync(HttpClient http, string first)
    {
        var pages = new List<FeedPage>();
        string? link = first;
        while (link is not null)
        {
            var page = await GetPageAsync(http, link);
            pages.Add(page);
            link = page.NextLink;
        }

        return pages;
    }

    private static async Task<FeedPage> GetPageAsync(HttpClient http, string link)
    {
        var response = await http.SendAsync(HttpMethod.Get, link);
        Assert.True(response.Status == HttpStatusCode.OK, $"{link}: {(int)response.Status} {response.Body}");
        var json = response.Json!;
        var value = json["value"]!.AsArray().Select(c => new Change
        {
            Sequence = c!["sequence"]!.GetValue<long>(),
            ObjectType = c["objectType"]!.GetValue<string>(),
            ObjectId = c["objectId"]!.GetValue<string>(),
            Operation = Enum.Parse<ChangeOperation>(c["operation"]!.GetValue<string>()),
            Version = c["version"]!.GetValue<long>(),
            OccurredAt = DateTimeOffset.Parse(c["occurredAt"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
        }).ToList();
        return new FeedPage(value, json["nextLink"]?.GetValue<string>(), json["deltaLink"]?.GetValue<string>());
    }

    private sealed record FeedPage(IReadOnlyList<Change> Value, string? NextLink, string? DeltaLink);
}
