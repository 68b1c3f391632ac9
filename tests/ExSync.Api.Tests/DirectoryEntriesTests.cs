using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>The directory of CRM records, one entry at a time: PUT (create or replace), GET, DELETE, the list and its filters.</summary>
public sealed class DirectoryEntriesTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryClient Directory => app.DirectoryEntries();

    public static DirectoryEntryInput Contact(params string[] addresses) => new()
    {
        RecordType = DirectoryRecordType.Contact,
        RecordId = Guid.NewGuid().ToString(),
        DisplayName = "Maria Garcia",
        EmailAddresses = addresses.Length > 0 ? addresses : [$"{Guid.NewGuid():N}@fabrikam.com"],
    };

    public static string NewId() => "contact-" + Guid.NewGuid().ToString("N");

    private static string Json(object input) => JsonSerializer.Serialize(input, ServerProfilesTests.ClientJsonOptions);

    [Fact]
    public async Task PutCreatesWith201LocationAndETagThenReplacesWith200AndANewETag()
    {
        var id = NewId();
        var http = app.CreateClient();

        var created = await http.SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{id}", Json(Contact("maria@fabrikam.com")));

        Assert.Equal(HttpStatusCode.Created, created.Status);
        Assert.Equal($"http://localhost/api/v1/directory-entries/{id}", created.Location!.ToString());
        Assert.Equal("\"1\"", created.ETag);
        Assert.Equal(id, created.Json!["id"]!.GetValue<string>());

        var read = await Directory.GetDirectoryEntryAsync(id, Ct);
        Assert.Equal(["maria@fabrikam.com"], read.EmailAddresses);
        Assert.Equal(DirectoryRecordType.Contact, read.RecordType);
        Assert.Equal(created.ETag, read.Etag);

        var changed = Contact("maria@fabrikam.com", "m.garcia@fabrikam.com");
        changed.RecordId = read.RecordId;
        var replaced = await http.SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{id}", Json(changed));

        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("\"2\"", replaced.ETag);
        var after = await Directory.GetDirectoryEntryAsync(id, Ct);
        Assert.Equal(["maria@fabrikam.com", "m.garcia@fabrikam.com"], after.EmailAddresses);
        Assert.Equal(read.CreatedAt, after.CreatedAt);
    }

    [Fact]
    public async Task PuttingTheSameContentAgainChangesNothingAndKeepsTheETag()
    {
        var id = NewId();
        var input = Contact();
        var first = await Directory.PutDirectoryEntryAsync(id, input, cancellationToken: Ct);
        app.Time.Advance(TimeSpan.FromMinutes(1));

        var again = await app.CreateClient().SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{id}", Json(input));

        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal(first.Etag, again.ETag);
        Assert.Equal(first.ModifiedAt, (await Directory.GetDirectoryEntryAsync(id, Ct)).ModifiedAt);
    }

    [Fact]
    public async Task AddressesThatRepeatAnEarlierOneIgnoringCaseAreDroppedKeepingTheFirstSpellingInOrder()
    {
        var id = NewId();

        var entry = await Directory.PutDirectoryEntryAsync(id, Contact("Maria@Fabrikam.com", "sales@fabrikam.com", "MARIA@fabrikam.COM", "maria@fabrikam.com"), cancellationToken: Ct);

        Assert.Equal(["Maria@Fabrikam.com", "sales@fabrikam.com"], entry.EmailAddresses);
    }

    [Fact]
    public async Task IfMatchReplacesOnlyTheVersionReadAndIfNoneMatchStarCreatesOnly()
    {
        var id = NewId();
        var http = app.CreateClient();
        var url = $"/api/v1/directory-entries/{id}";
        var input = Contact();

        // If-Match on an entry that does not exist: nothing to match.
        (await SendAsync(http, url, Json(input), ifMatch: "\"1\"")).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal(HttpStatusCode.Created, (await SendAsync(http, url, Json(input), ifNoneMatch: "*")).Status);

        // Create-only on an existing entry is refused, and changes nothing.
        input.DisplayName = "Changed";
        (await SendAsync(http, url, Json(input), ifNoneMatch: "*")).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal("Maria Garcia", (await Directory.GetDirectoryEntryAsync(id, Ct)).DisplayName);

        (await SendAsync(http, url, Json(input), ifMatch: "\"7\"")).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        var replaced = await SendAsync(http, url, Json(input), ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.OK, replaced.Status);
        Assert.Equal("\"2\"", replaced.ETag);

        // The ETag just replaced is stale now; * matches any existing entry.
        input.DisplayName = "Changed again";
        (await SendAsync(http, url, Json(input), ifMatch: "\"1\"")).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(http, url, Json(input), ifMatch: "*")).Status);
    }

    [Fact]
    public async Task TwoWritersWithTheSameIfMatchRaceAndExactlyOneWins()
    {
        var id = NewId();
        var created = await Directory.PutDirectoryEntryAsync(id, Contact(), cancellationToken: Ct);
        var http = app.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
        {
            var input = Contact();
            input.RecordId = created.RecordId;
            input.DisplayName = $"Writer {i}";
            return SendAsync(http, $"/api/v1/directory-entries/{id}", Json(input), ifMatch: created.Etag);
        }));

        Assert.Single(results, r => r.Status == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.Status != HttpStatusCode.OK), r => r.AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed"));
        Assert.Equal("\"2\"", (await Directory.GetDirectoryEntryAsync(id, Ct)).Etag);
    }

    [Fact]
    public async Task ConcurrentUnconditionalPutsOfOneEntryAllApplyOneAfterTheOther()
    {
        var id = NewId();
        var recordId = Guid.NewGuid().ToString();
        var http = app.CreateClient();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
        {
            var input = Contact();
            input.RecordId = recordId;
            input.DisplayName = $"Writer {i}";
            return http.SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{id}", Json(input));
        }));

        // Writers of the directory take turns: one created it, each of the others replaced what the one before wrote.
        Assert.Single(results, r => r.Status == HttpStatusCode.Created);
        Assert.Equal(9, results.Count(r => r.Status == HttpStatusCode.OK));
        Assert.Equal(Enumerable.Range(1, 10).Select(r => $"\"{r}\""), results.Select(r => r.ETag!).Order(StringComparer.Ordinal).OrderBy(e => e.Length));
        Assert.Equal("\"10\"", (await Directory.GetDirectoryEntryAsync(id, Ct)).Etag);
    }

    [Fact]
    public async Task ARecordHasOneEntryAndGivesItUpWhenItsEntryMovesToAnotherRecord()
    {
        var first = NewId();
        var second = NewId();
        var input = Contact();
        await Directory.PutDirectoryEntryAsync(first, input, cancellationToken: Ct);

        var conflict = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Directory.PutDirectoryEntryAsync(second, input, cancellationToken: Ct));

        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal("DirectoryRecordConflict", conflict.Result.Code);
        Assert.Equal("recordId", conflict.Result.Target);
        Assert.Contains(first, conflict.Result.Detail, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Directory.GetDirectoryEntryAsync(second, Ct));

        // The same record id under another record type is another record.
        var lead = Contact();
        lead.RecordType = DirectoryRecordType.Lead;
        lead.RecordId = input.RecordId;
        await Directory.PutDirectoryEntryAsync(second, lead, cancellationToken: Ct);

        var moved = Contact();
        await Directory.PutDirectoryEntryAsync(first, moved, cancellationToken: Ct);
        var third = await Directory.PutDirectoryEntryAsync(NewId(), input, cancellationToken: Ct);
        Assert.Equal(input.RecordId, third.RecordId);
    }

    [Fact]
    public async Task GetOfAnUnknownEntryIs404AndDeleteIs204WhetherOrNotItExists()
    {
        var id = NewId();
        await Directory.PutDirectoryEntryAsync(id, Contact(), cancellationToken: Ct);

        await Directory.DeleteDirectoryEntryAsync(id, cancellationToken: Ct);
        await Directory.DeleteDirectoryEntryAsync(id, cancellationToken: Ct);

        var missing = await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/directory-entries/{id}");
        missing.AssertProblem(HttpStatusCode.NotFound, "DirectoryEntryNotFound");
        Assert.DoesNotContain(id, (await Directory.ListDirectoryEntriesAsync(emailAddress: null, recordType: null, pageSize: 1000, cancellationToken: Ct)).Value.Select(e => e.Id));
    }

    [Fact]
    public async Task DeleteHonoursIfMatch()
    {
        var id = NewId();
        var entry = await Directory.PutDirectoryEntryAsync(id, Contact(), cancellationToken: Ct);
        var http = app.CreateClient();

        (await http.SendAsync(HttpMethod.Delete, $"/api/v1/directory-entries/{id}", ifMatch: "\"9\"")).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal(entry.Etag, (await Directory.GetDirectoryEntryAsync(id, Ct)).Etag);

        Assert.Equal(HttpStatusCode.NoContent, (await http.SendAsync(HttpMethod.Delete, $"/api/v1/directory-entries/{id}", ifMatch: entry.Etag)).Status);
        (await http.SendAsync(HttpMethod.Delete, $"/api/v1/directory-entries/{id}", ifMatch: entry.Etag)).AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
    }

    [Theory]
    [InlineData("has space")]
    [InlineData("-starts-with-a-dash")]
    [InlineData("semi;colon")]
    [InlineData("ümlaut")]
    [InlineData("x129")]
    public async Task AnIdOutsideTheAllowedCharactersOrLengthIsRefusedNamingTheId(string id)
    {
        var given = id == "x129" ? new string('x', 129) : id;

        var response = await app.CreateClient().SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{Uri.EscapeDataString(given)}", Json(Contact()));

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("InvalidFormat", "id")], response.Details);
    }

    [Fact]
    public async Task IdsUseTheWholeAllowedAlphabetAndAreCaseSensitive()
    {
        var id = "A-z_0.9~" + Guid.NewGuid().ToString("N")[..8];
        var lower = id.ToLowerInvariant();

        await Directory.PutDirectoryEntryAsync(id, Contact(), cancellationToken: Ct);
        await Directory.PutDirectoryEntryAsync(lower, Contact(), cancellationToken: Ct);

        Assert.Equal(id, (await Directory.GetDirectoryEntryAsync(id, Ct)).Id);
        Assert.Equal(lower, (await Directory.GetDirectoryEntryAsync(lower, Ct)).Id);
        var longest = (id + new string('a', 128))[..128];
        Assert.Equal(longest, (await Directory.PutDirectoryEntryAsync(longest, Contact(), cancellationToken: Ct)).Id);
    }

    public static TheoryData<string, string, string> BadBodies() => new()
    {
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria"}""", "Required", "emailAddresses" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":[]}""", "Required", "emailAddresses" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":["ok@fabrikam.com","not an address"]}""", "InvalidEmailAddress", "emailAddresses[1]" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":["Maria <maria@fabrikam.com>"]}""", "InvalidEmailAddress", "emailAddresses[0]" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":[""]}""", "Required", "emailAddresses[0]" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":[" maria@fabrikam.com"]}""", "InvalidEmailAddress", "emailAddresses[0]" },
        { """{"recordType":"Contact","recordId":"r1","emailAddresses":["maria@fabrikam.com"]}""", "Required", "displayName" },
        { """{"recordType":"Contact","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "Required", "recordId" },
        { """{"recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "Required", "recordType" },
        { """{"recordType":"Opportunity","recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "InvalidEnumValue", "recordType" },
        { """{"recordType":2,"recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "InvalidEnumValue", "recordType" },
        { """{"recordType":"Contact","recordId":17,"displayName":"Maria","emailAddresses":["maria@fabrikam.com"]}""", "WrongType", "recordId" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":"maria@fabrikam.com"}""", "WrongType", "emailAddresses" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"],"etag":"\"1\""}""", "ReadOnlyField", "etag" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"],"id":"other"}""", "ReadOnlyField", "id" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Maria","emailAddresses":["maria@fabrikam.com"],"mobile":"+1 555"}""", "UnknownField", "mobile" },
        { """{"recordType":"Contact","recordId":"r1","displayName":"Ma\u0000ria","emailAddresses":["maria@fabrikam.com"]}""", "ControlCharacter", "displayName" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task AnInvalidBodyIsRefusedNamingTheFieldAndWritesNothing(string body, string code, string target)
    {
        var id = NewId();

        var response = await app.CreateClient().SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{id}", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains((code, target), response.Details);
        (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/directory-entries/{id}")).AssertProblem(HttpStatusCode.NotFound, "DirectoryEntryNotFound");
    }

    [Fact]
    public async Task FieldsAtTheirLimitsAreAcceptedAndBeyondThemRefused()
    {
        var fits = Contact(Enumerable.Range(0, 50).Select(i => $"a{i}@fabrikam.com").ToArray());
        fits.RecordId = new string('r', 200);
        fits.DisplayName = new string('n', 256);
        await Directory.PutDirectoryEntryAsync(NewId(), fits, cancellationToken: Ct);

        var tooMany = Contact(Enumerable.Range(0, 51).Select(i => $"a{i}@fabrikam.com").ToArray());
        var longRecord = Contact();
        longRecord.RecordId = new string('r', 201);
        var longName = Contact();
        longName.DisplayName = new string('n', 257);
        var longAddress = Contact(new string('a', 64) + "@" + string.Join('.', Enumerable.Repeat(new string('b', 60), 4)) + ".com");

        foreach (var (input, expected) in new (DirectoryEntryInput, (string, string))[]
                 {
                     (tooMany, ("TooMany", "emailAddresses")), (longRecord, ("TooLong", "recordId")), (longName, ("TooLong", "displayName")),
                     (longAddress, ("TooLong", "emailAddresses[0]")),
                 })
        {
            var response = await app.CreateClient().SendAsync(HttpMethod.Put, $"/api/v1/directory-entries/{NewId()}", Json(input));
            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            Assert.Contains(expected, response.Details);
        }
    }

    [Fact]
    public async Task TheListFiltersByExactAddressIgnoringCaseAndByRecordType()
    {
        var address = $"{Guid.NewGuid():N}@fabrikam.com";
        var contact = NewId();
        var lead = NewId();
        await Directory.PutDirectoryEntryAsync(contact, Contact(address), cancellationToken: Ct);
        var leadInput = Contact("other@fabrikam.com", address.ToUpperInvariant());
        leadInput.RecordType = DirectoryRecordType.Lead;
        await Directory.PutDirectoryEntryAsync(lead, leadInput, cancellationToken: Ct);
        await Directory.PutDirectoryEntryAsync(NewId(), Contact("x" + address), cancellationToken: Ct);

        var byAddress = await Directory.ListDirectoryEntriesAsync(emailAddress: address.ToUpperInvariant(), cancellationToken: Ct);
        var leads = await Directory.ListDirectoryEntriesAsync(emailAddress: address, recordType: DirectoryRecordType.Lead, cancellationToken: Ct);

        Assert.Equal(new[] { contact, lead }.Order(StringComparer.Ordinal), byAddress.Value.Select(e => e.Id));
        Assert.Equal([lead], leads.Value.Select(e => e.Id));
        Assert.All((await Directory.ListDirectoryEntriesAsync(recordType: DirectoryRecordType.Lead, pageSize: 1000, cancellationToken: Ct)).Value,
            e => Assert.Equal(DirectoryRecordType.Lead, e.RecordType));
    }

    [Fact]
    public async Task TheListPagesInIdOrderAndNextLinkKeepsTheFilter()
    {
        var address = $"{Guid.NewGuid():N}@fabrikam.com";
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var id = $"page-{Guid.NewGuid():N}";
            ids.Add(id);
            await Directory.PutDirectoryEntryAsync(id, Contact(address), cancellationToken: Ct);
        }

        var http = app.CreateClient();
        var seen = new List<string>();
        string? next = $"/api/v1/directory-entries?emailAddress={Uri.EscapeDataString(address)}&pageSize=2";
        while (next is not null)
        {
            var page = await http.SendAsync(HttpMethod.Get, next);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            seen.AddRange(page.Json!["value"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()));
            next = page.Json["nextLink"]?.GetValue<string>();
            Assert.True(next is null || next.StartsWith("http://localhost/api/v1/directory-entries?", StringComparison.Ordinal), next);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task ABadContinuationTokenOrPageSizeIsRefused()
    {
        var http = app.CreateClient();

        (await http.SendAsync(HttpMethod.Get, "/api/v1/directory-entries?continuationToken=garbage")).AssertProblem(HttpStatusCode.BadRequest, "InvalidContinuationToken");
        (await http.SendAsync(HttpMethod.Get, "/api/v1/directory-entries?pageSize=0")).AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
        (await http.SendAsync(HttpMethod.Get, "/api/v1/directory-entries?recordType=Opportunity")).AssertProblem(HttpStatusCode.BadRequest, "InvalidQueryParameter");
    }

    [Fact]
    public async Task ListItemsCarryTheirETag()
    {
        var id = NewId();
        var entry = await Directory.PutDirectoryEntryAsync(id, Contact(), cancellationToken: Ct);

        var listed = (await Directory.ListDirectoryEntriesAsync(emailAddress: entry.EmailAddresses.Single(), cancellationToken: Ct)).Value.Single();

        Assert.Equal(entry.Etag, listed.Etag);
        Assert.Equal(JsonSerializer.Serialize(entry), JsonSerializer.Serialize(listed));
    }

    internal static async Task<RawResponse> SendAsync(HttpClient http, string url, string body, string? ifMatch = null, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (ifNoneMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        }

        using var response = await http.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new RawResponse(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text, text.Length > 0 ? JsonNode.Parse(text) : null,
            response.Headers.ETag?.ToString(), response.Headers.Location);
    }
}
