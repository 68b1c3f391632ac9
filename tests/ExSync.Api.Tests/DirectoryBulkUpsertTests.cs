using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>POST /directory-entries/bulk-upsert: up to 10,000 entries, all or none, with counts.</summary>
public sealed class DirectoryBulkUpsertTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private const string Url = "/api/v1/directory-entries/bulk-upsert";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryClient Directory => app.DirectoryEntries();

    private static DirectoryBulkEntryInput Entry(string? id = null, string? recordId = null, string? address = null) => new()
    {
        Id = id ?? DirectoryEntriesTests.NewId(),
        RecordType = DirectoryRecordType.Contact,
        RecordId = recordId ?? Guid.NewGuid().ToString(),
        DisplayName = "Maria Garcia",
        EmailAddresses = [address ?? $"{Guid.NewGuid():N}@fabrikam.com"],
    };

    private static string Body(IEnumerable<DirectoryBulkEntryInput> entries) =>
        JsonSerializer.Serialize(new DirectoryBulkUpsertInput { Entries = entries.ToList() }, ServerProfilesTests.ClientJsonOptions);

    [Fact]
    public async Task AnswersHowManyEntriesWereCreatedReplacedAndUnchanged()
    {
        var existing = Enumerable.Range(0, 4).Select(_ => Entry()).ToList();
        var first = await Directory.BulkUpsertDirectoryEntriesAsync(new DirectoryBulkUpsertInput { Entries = existing }, Ct);
        Assert.Equal((4, 0, 0), (first.Created, first.Replaced, first.Unchanged));
        var etags = await Task.WhenAll(existing.Select(e => Directory.GetDirectoryEntryAsync(e.Id!, Ct)));

        existing[1].DisplayName = "Renamed";
        existing[2].EmailAddresses = ["new@fabrikam.com"];
        var second = await Directory.BulkUpsertDirectoryEntriesAsync(new DirectoryBulkUpsertInput { Entries = [.. existing, Entry(), Entry()] }, Ct);

        Assert.Equal((2, 2, 2), (second.Created, second.Replaced, second.Unchanged));
        Assert.Equal(etags[0].Etag, (await Directory.GetDirectoryEntryAsync(existing[0].Id!, Ct)).Etag);
        Assert.Equal("\"2\"", (await Directory.GetDirectoryEntryAsync(existing[1].Id!, Ct)).Etag);
        Assert.Equal("Renamed", (await Directory.GetDirectoryEntryAsync(existing[1].Id!, Ct)).DisplayName);
        Assert.Equal(["new@fabrikam.com"], (await Directory.GetDirectoryEntryAsync(existing[2].Id!, Ct)).EmailAddresses);
    }

    [Fact]
    public async Task TenThousandEntriesGoInOneRequestLargerThanTheUsualBodyLimit()
    {
        var address = $"{Guid.NewGuid():N}@fabrikam.com";
        var entries = Enumerable.Range(0, 10_000)
            .Select(i => Entry(id: $"bulk-{i:D5}-{Guid.NewGuid():N}", address: i == 9_999 ? address : $"person{i}.{Guid.NewGuid():N}@fabrikam.com"))
            .ToList();
        entries.ForEach(e => e.EmailAddresses = [.. e.EmailAddresses!, $"{e.Id}@archive.fabrikam.com"]);
        var body = Body(entries);
        Assert.True(body.Length > 1024 * 1024, $"The body is only {body.Length} bytes.");

        var created = await app.CreateClient().SendAsync(HttpMethod.Post, Url, body);
        var again = await app.CreateClient().SendAsync(HttpMethod.Post, Url, body);

        Assert.Equal(HttpStatusCode.OK, created.Status);
        Assert.Equal(10_000, created.Json!["created"]!.GetValue<int>());
        Assert.Equal(10_000, again.Json!["unchanged"]!.GetValue<int>());
        Assert.Equal(10_000, await app.Database.CountAsync("DirectoryEntries", "\"Id\" LIKE 'bulk-%'", Ct));
        Assert.Equal(20_000, await app.Database.CountAsync("DirectoryEntryAddresses", "\"EntryId\" LIKE 'bulk-%'", Ct));
        Assert.Equal([entries[^1].Id], (await Directory.ListDirectoryEntriesAsync(emailAddress: address, cancellationToken: Ct)).Value.Select(e => e.Id));
    }

    [Fact]
    public async Task OneInvalidEntryRefusesTheWholeRequestNamingItsIndexAndField()
    {
        var entries = Enumerable.Range(0, 5).Select(_ => Entry()).ToList();
        entries[3].EmailAddresses = ["not-an-address"];

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, Url, Body(entries));

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("InvalidEmailAddress", "entries[3].emailAddresses[0]")], response.Details);
        foreach (var entry in entries)
        {
            (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/directory-entries/{entry.Id}")).AssertProblem(HttpStatusCode.NotFound, "DirectoryEntryNotFound");
        }
    }

    public static TheoryData<string, string, string> BadEntries() => new()
    {
        { """{"recordType":"Contact","recordId":"r","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "Required", "entries[1].id" },
        { """{"id":"bad id","recordType":"Contact","recordId":"r","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "InvalidFormat", "entries[1].id" },
        { """{"id":"ok-id-1","recordType":"Contact","recordId":"r","displayName":"Maria","emailAddresses":[]}""", "Required", "entries[1].emailAddresses" },
        { """{"id":"ok-id-1","recordType":"Contact","recordId":"","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "Required", "entries[1].recordId" },
        { """{"id":"ok-id-1","recordType":"Person","recordId":"r","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "InvalidEnumValue", "entries[1].recordType" },
        { """{"id":"ok-id-1","recordType":"Contact","recordId":"r","displayName":"Maria","emailAddresses":["maria@fabrikam.com"],"etag":"\"1\""}""", "UnknownField", "entries[1].etag" },
        { """{"id":"ok-id-1","recordType":"Contact","recordId":"r","displayName":"Maria","emailAddresses":[null]}""", "WrongType", "entries[1].emailAddresses[0]" },
        { "null", "WrongType", "entries[1]" },
    };

    [Theory]
    [MemberData(nameof(BadEntries))]
    public async Task EachKindOfBadEntryIsNamedByIndexAndField(string bad, string code, string target)
    {
        var good = JsonSerializer.Serialize(Entry(), ServerProfilesTests.ClientJsonOptions);

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, Url, $$"""{"entries":[{{good}},{{bad}}]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains((code, target), response.Details);
    }

    [Fact]
    public async Task AnIdOrARecordTwiceInOneRequestIsRefusedAsDuplicate()
    {
        var twiceTheId = new[] { Entry(id: "same-id-" + Guid.NewGuid().ToString("N")), Entry() };
        twiceTheId[1].Id = twiceTheId[0].Id;
        var twiceTheRecord = new[] { Entry(), Entry(), Entry() };
        twiceTheRecord[2].RecordId = twiceTheRecord[0].RecordId;

        var ids = await app.CreateClient().SendAsync(HttpMethod.Post, Url, Body(twiceTheId));
        var records = await app.CreateClient().SendAsync(HttpMethod.Post, Url, Body(twiceTheRecord));

        ids.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Duplicate", "entries[1].id")], ids.Details);
        records.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Duplicate", "entries[2].recordId")], records.Details);
    }

    [Fact]
    public async Task NoEntriesOrMoreThanTenThousandAreRefused()
    {
        var none = await app.CreateClient().SendAsync(HttpMethod.Post, Url, """{"entries":[]}""");
        var missing = await app.CreateClient().SendAsync(HttpMethod.Post, Url, "{}");
        var tooMany = await app.CreateClient().SendAsync(HttpMethod.Post, Url, Body(Enumerable.Range(0, 10_001).Select(i => Entry(id: $"x{i}", recordId: $"r{i}", address: "a@b.com"))));

        Assert.Equal([("Required", "entries")], none.Details);
        Assert.Equal([("Required", "entries")], missing.Details);
        tooMany.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("TooMany", "entries")], tooMany.Details);
    }

    [Fact]
    public async Task ARecordAnotherStoredEntryStandsForRefusesTheRequestWithNothingWritten()
    {
        var stored = Entry();
        await Directory.PutDirectoryEntryAsync(stored.Id!, new DirectoryEntryInput
        {
            RecordType = stored.RecordType, RecordId = stored.RecordId, DisplayName = stored.DisplayName, EmailAddresses = stored.EmailAddresses,
        }, cancellationToken: Ct);
        var entries = new[] { Entry(), Entry(recordId: stored.RecordId) };

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, Url, Body(entries));

        response.AssertProblem(HttpStatusCode.Conflict, "DirectoryRecordConflict");
        Assert.Equal("entries[1].recordId", response.Json!["target"]!.GetValue<string>());
        (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/directory-entries/{entries[0].Id}")).AssertProblem(HttpStatusCode.NotFound, "DirectoryEntryNotFound");
    }

    [Fact]
    public async Task TwoEntriesMaySwapTheirRecordsInOneRequest()
    {
        var first = Entry();
        var second = Entry();
        await Directory.BulkUpsertDirectoryEntriesAsync(new DirectoryBulkUpsertInput { Entries = [first, second] }, Ct);

        (first.RecordId, second.RecordId) = (second.RecordId, first.RecordId);
        var swapped = await Directory.BulkUpsertDirectoryEntriesAsync(new DirectoryBulkUpsertInput { Entries = [first, second] }, Ct);

        Assert.Equal(2, swapped.Replaced);
        Assert.Equal(first.RecordId, (await Directory.GetDirectoryEntryAsync(first.Id!, Ct)).RecordId);
        Assert.Equal(second.RecordId, (await Directory.GetDirectoryEntryAsync(second.Id!, Ct)).RecordId);
    }

    [Fact]
    public async Task ABodyAboveTheBulkLimitIsRefusedWith413AndOneBelowItAccepted()
    {
        await using var limited = new ExSyncApplication();
        limited.Settings["Limits:MaxBulkRequestBodyBytes"] = "1500000";
        var entries = Enumerable.Range(0, 10_000).Select(i => Entry(id: $"big-{i}", recordId: $"r{i}", address: $"a{i}@fabrikam.com")).ToList();
        var fits = Body(entries);
        entries.ForEach(e => e.DisplayName = new string('n', 100));
        var tooLarge = Body(entries);
        Assert.True(fits.Length < 1_500_000 && tooLarge.Length > 1_500_000, $"{fits.Length} and {tooLarge.Length} bytes");

        Assert.Equal(HttpStatusCode.OK, (await limited.CreateClient().SendAsync(HttpMethod.Post, Url, fits)).Status);
        (await limited.CreateClient().SendAsync(HttpMethod.Post, Url, tooLarge)).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");
    }
}
