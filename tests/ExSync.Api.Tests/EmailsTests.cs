using System.Net;
using System.Text;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using Microsoft.EntityFrameworkCore;
using DomainEmails = ExSync.Domain.Emails;
using DomainDirectory = ExSync.Domain.Directory;

namespace ExSync.Api.Tests;

/// <summary>Email activities as the CRM reads them: the whole activity, the list and its filters, PATCH of regarding, attachment content.</summary>
public sealed class EmailsTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmailsClient Emails => app.Emails();

    [Fact]
    public async Task GetReturnsTheWholeActivityWithItsETag()
    {
        var mailbox = Guid.NewGuid();
        var parent = await app.CreateEmailAsync(mailbox);
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.7 quote");
        var created = await app.CreateEmailAsync(TestEmails.Incoming(mailbox, "<Reply-1@Mail.Fabrikam.COM>") with
        {
            Subject = "RE: Quote for 200 licences [CRM:0001234]",
            From = new DomainEmails.EmailParty("maria.garcia@fabrikam.com", "Maria Garcia", new DomainDirectory.CrmRecordReference(DomainDirectory.DirectoryRecordType.Contact, "contact-42")),
            To = [new DomainEmails.EmailParty("sales@contoso.com", "Contoso Sales", new DomainDirectory.CrmRecordReference(DomainDirectory.DirectoryRecordType.Queue, "queue-sales"))],
            Cc = [new DomainEmails.EmailParty("boss@fabrikam.com")],
            Bcc = [new DomainEmails.EmailParty("archive@contoso.com", "Archive")],
            InReplyTo = " <" + parent.DeduplicationKey + ">",
            References = [$"<{parent.DeduplicationKey}>", "<Older@Fabrikam.COM>"],
            CorrelationMethod = DomainEmails.CorrelationMethod.InReplyTo,
            CorrelatedEmailId = parent.Id,
            Regarding = new DomainEmails.EmailRegarding("Opportunity", "opp-7"),
            TrackingToken = "[CRM:0001234]",
            TrackedBecause = DomainEmails.TrackingReason.ResponseToCrmEmail,
            Attachments =
            [
                DomainEmails.IncomingAttachment.Kept("quote.pdf", "application/pdf", pdf),
                DomainEmails.IncomingAttachment.Skip("video.mp4", "video/mp4", 90_000_000, DomainEmails.AttachmentSkipReason.TooLarge),
                DomainEmails.IncomingAttachment.Kept("logo.png", "image/png", [1, 2, 3], contentId: "logo@01", isInline: true),
            ],
        });

        var response = await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails/{created.Id}");
        var email = await Emails.GetEmailAsync(created.Id, Ct);

        Assert.Equal("\"1\"", response.ETag);
        Assert.Equal(response.ETag, email.Etag);
        Assert.Equal((created.Id, EmailDirection.Incoming, EmailStatus.Received, mailbox), (email.Id, email.Direction, email.Status, email.MailboxId));
        Assert.Equal([mailbox], email.ReceivingMailboxIds);
        Assert.Equal("RE: Quote for 200 licences [CRM:0001234]", email.Subject);
        Assert.Equal(("maria.garcia@fabrikam.com", "Maria Garcia", Client.DirectoryRecordType.Contact, "contact-42"),
            (email.From!.EmailAddress, email.From.Name, email.From.Record!.RecordType, email.From.Record.RecordId));
        Assert.Equal(("sales@contoso.com", Client.DirectoryRecordType.Queue), (email.To.Single().EmailAddress, email.To.Single().Record!.RecordType));
        Assert.Equal(("boss@fabrikam.com", null, null), (email.Cc.Single().EmailAddress, email.Cc.Single().Name, email.Cc.Single().Record));
        Assert.Equal("archive@contoso.com", email.Bcc.Single().EmailAddress);
        Assert.Equal((Client.EmailBodyContentType.Html, "<p>Hello, could you send us a quote?</p>"), (email.Body!.ContentType, email.Body.Content));
        Assert.Equal("Hello, could you send us a quote?", email.TextBody);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero), email.ReceivedAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 9, 29, 58, TimeSpan.Zero), email.SentAt);
        Assert.Equal("<Reply-1@Mail.Fabrikam.COM>", email.InternetMessageId);
        Assert.Equal($"<{parent.DeduplicationKey}>", email.InReplyTo);
        Assert.Equal([parent.DeduplicationKey, "Older@fabrikam.com"], email.References);
        Assert.Equal("AAQkAGI2TG93AAA=", email.ConversationId);
        Assert.Equal((Client.CorrelationMethod.InReplyTo, parent.Id), (email.Correlation.Method, email.Correlation.EmailId));
        Assert.Equal(("Opportunity", "opp-7"), (email.Regarding!.RecordType, email.Regarding.RecordId));
        Assert.Equal("[CRM:0001234]", email.TrackingToken);
        Assert.Equal(Client.TrackingReason.ResponseToCrmEmail, email.TrackedBecause);
        Assert.Equal(
            [("quote.pdf", "application/pdf", 14L, false, null, null, false), ("video.mp4", "video/mp4", 90_000_000L, true, Client.AttachmentSkipReason.TooLarge, null, false),
             ("logo.png", "image/png", 3L, false, null, "logo@01", true)],
            email.Attachments.Select(a => (a.Name, a.ContentType, a.Size, a.Skipped, a.SkipReason, a.ContentId, a.IsInline)));
        Assert.Equal(app.Time.GetUtcNow(), email.CreatedAt);
        Assert.Equal(email.CreatedAt, email.ModifiedAt);
    }

    [Fact]
    public async Task AnUnknownEmailIs404()
    {
        (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails/{Guid.NewGuid()}")).AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        (await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{Guid.NewGuid()}", "{}", RawHttp.MergePatch)).AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
    }

    [Fact]
    public async Task TheListLeavesOutBodiesAndItsMailboxFilterMatchesTheFirstAndEveryReceivingMailbox()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var large = new string('x', 3 * 1024 * 1024);
        var firstOnly = await app.CreateEmailAsync(first, e => e with { Body = large });
        var both = await app.CreateEmailAsync(first);
        await app.AddReceivingMailboxAsync(both.InternetMessageId!, second);
        var secondOnly = await app.CreateEmailAsync(second);

        var ofFirst = await Emails.ListEmailsAsync(mailboxId: first, cancellationToken: Ct);
        var ofSecond = await Emails.ListEmailsAsync(mailboxId: second, cancellationToken: Ct);
        var raw = await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails?mailboxId={first}");

        Assert.Equal([firstOnly.Id, both.Id], ofFirst.Value.Select(e => e.Id));
        Assert.Equal([both.Id, secondOnly.Id], ofSecond.Value.Select(e => e.Id));
        Assert.Equal([first, second], ofSecond.Value[0].ReceivingMailboxIds);
        Assert.All(ofFirst.Value, e => Assert.Null(e.Body));
        Assert.All(ofFirst.Value, e => Assert.Null(e.TextBody));
        Assert.True(raw.Body.Length < 10_000, $"A list of two emails took {raw.Body.Length} characters.");
        Assert.Equal(large, (await Emails.GetEmailAsync(firstOnly.Id, Ct)).Body!.Content);
    }

    [Fact]
    public async Task TheListFiltersByDirectionConversationRegardingAndDateAndPagesKeepingTheFilters()
    {
        var mailbox = Guid.NewGuid();
        var conversation = "conversation-" + Guid.NewGuid().ToString("N");
        var regarding = "case-" + Guid.NewGuid().ToString("N");
        var early = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero);
        var emails = new List<DomainEmails.EmailActivity>();
        for (var i = 0; i < 5; i++)
        {
            var index = i;
            emails.Add(await app.CreateEmailAsync(mailbox, e => e with
            {
                ConversationId = index < 4 ? conversation : "another",
                Regarding = index % 2 == 0 ? new DomainEmails.EmailRegarding("Case", regarding) : null,
                ReceivedAt = early.AddDays(index),
            }));
        }

        Assert.Equal(emails.Take(4).Select(e => e.Id), (await Emails.ListEmailsAsync(conversationId: conversation, cancellationToken: Ct)).Value.Select(e => e.Id));
        Assert.Equal([emails[0].Id, emails[2].Id, emails[4].Id], (await Emails.ListEmailsAsync(regardingId: regarding, cancellationToken: Ct)).Value.Select(e => e.Id));
        Assert.Equal(emails.Skip(3).Select(e => e.Id), (await Emails.ListEmailsAsync(mailboxId: mailbox, since: early.AddDays(3), cancellationToken: Ct)).Value.Select(e => e.Id));
        Assert.Equal(emails.Skip(3).Select(e => e.Id), (await Emails.ListEmailsAsync(mailboxId: mailbox, since: early.AddDays(3).ToOffset(TimeSpan.FromHours(-5)), cancellationToken: Ct)).Value.Select(e => e.Id));
        Assert.Equal(5, (await Emails.ListEmailsAsync(mailboxId: mailbox, direction: EmailDirection.Incoming, cancellationToken: Ct)).Value.Count);
        Assert.Empty((await Emails.ListEmailsAsync(mailboxId: mailbox, direction: EmailDirection.Outgoing, cancellationToken: Ct)).Value);

        // Two pages of two and one of one, through nextLink, which keeps the filters.
        var http = app.CreateClient();
        var seen = new List<Guid>();
        string? next = $"/api/v1/emails?mailboxId={mailbox}&conversationId={conversation}&pageSize=2";
        var pages = 0;
        while (next is not null)
        {
            var page = await http.SendAsync(HttpMethod.Get, next);
            pages++;
            seen.AddRange(page.Json!["value"]!.AsArray().Select(e => Guid.Parse(e!["id"]!.GetValue<string>())));
            next = page.Json["nextLink"]?.GetValue<string>();
        }

        Assert.Equal(emails.Take(4).Select(e => e.Id), seen);
        Assert.Equal(2, pages);
    }

    [Theory]
    [InlineData("since=2026-11-01T08:00:00", "since")]
    [InlineData("direction=Sideways", "direction")]
    [InlineData("direction=0", "direction")]
    [InlineData("mailboxId=not-a-guid", "mailboxId")]
    [InlineData("pageSize=1001", "pageSize")]
    [InlineData("continuationToken=abc", "continuationToken")]
    public async Task ABadFilterIsRefusedNamingIt(string query, string parameter)
    {
        var response = await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(parameter, response.Details.Select(d => d.Target));
    }

    [Fact]
    public async Task PatchSetsAndClearsRegardingWithANewVersionEachTime()
    {
        var created = await app.CreateEmailAsync();

        var set = await Emails.UpdateEmailAsync(created.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Opportunity", RecordId = "opp-1" } }, cancellationToken: Ct);
        Assert.Equal(("Opportunity", "opp-1", "\"2\""), (set.Regarding!.RecordType, set.Regarding.RecordId, set.Etag));
        Assert.NotNull(set.Body);

        // A merge patch of the object changes only the fields it names.
        var moved = await Emails.UpdateEmailAsync(created.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordId = "opp-2" } }, cancellationToken: Ct);
        Assert.Equal(("Opportunity", "opp-2", "\"3\""), (moved.Regarding!.RecordType, moved.Regarding.RecordId, moved.Etag));

        // The same value again changes nothing.
        var same = await Emails.UpdateEmailAsync(created.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordId = "opp-2" } }, cancellationToken: Ct);
        Assert.Equal("\"3\"", same.Etag);

        var cleared = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{created.Id}", """{"regarding":null}""", RawHttp.MergePatch);
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Null(cleared.Json!["regarding"]);
        Assert.Equal("\"4\"", cleared.ETag);
        Assert.Null((await Emails.GetEmailAsync(created.Id, Ct)).Regarding);
    }

    [Theory]
    [InlineData("""{"regarding":{"recordId":"opp-1"}}""", "Required", "regarding.recordType")]
    [InlineData("""{"regarding":{"recordType":"Opportunity"}}""", "Required", "regarding.recordType|regarding.recordId")]
    [InlineData("""{"regarding":{"recordType":"","recordId":"x"}}""", "Required", "regarding.recordType")]
    [InlineData("""{"regarding":{"recordType":"Opportunity","recordId":"x","etag":"1"}}""", "UnknownField", "regarding.etag")]
    [InlineData("""{"regarding":"opp-1"}""", "WrongType", "regarding")]
    [InlineData("""{"internetMessageId":"<x@y>"}""", "ReadOnlyField", "internetMessageId")]
    [InlineData("""{"attachments":[]}""", "ReadOnlyField", "attachments")]
    [InlineData("""{"etag":"\"9\""}""", "ReadOnlyField", "etag")]
    [InlineData("""{"importance":"High"}""", "UnknownField", "importance")]
    public async Task AnInvalidPatchIsRefusedNamingTheFieldAndChangesNothing(string body, string code, string targets)
    {
        var created = await app.CreateEmailAsync();

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{created.Id}", body, RawHttp.MergePatch);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains(response.Details, d => d.Code == code && targets.Split('|').Contains(d.Target));
        Assert.Equal("\"1\"", (await Emails.GetEmailAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task PatchHonoursIfMatchAgainstChangesTheEngineMakesToo()
    {
        var created = await app.CreateEmailAsync();
        var read = await Emails.GetEmailAsync(created.Id, Ct);
        await app.AddReceivingMailboxAsync(created.InternetMessageId!, Guid.NewGuid());
        var patch = """{"regarding":{"recordType":"Account","recordId":"acc-1"}}""";

        var stale = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{created.Id}", patch, RawHttp.MergePatch, ifMatch: read.Etag);
        var current = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{created.Id}", patch, RawHttp.MergePatch, ifMatch: "\"2\"");

        stale.AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        Assert.Equal(HttpStatusCode.OK, current.Status);
        Assert.Equal("\"3\"", current.ETag);
        Assert.Equal(2, current.Json!["receivingMailboxIds"]!.AsArray().Count);
    }

    [Fact]
    public async Task AKeptAttachmentIsDownloadedAsAFileWithItsTypeAndASafeName()
    {
        var bytes = new byte[3 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(bytes);
        var email = await app.CreateEmailAsync(Guid.NewGuid(), e => e with
        {
            Attachments =
            [
                DomainEmails.IncomingAttachment.Kept("Quote 2026 \"final\".pdf", "application/pdf", bytes),
                DomainEmails.IncomingAttachment.Kept("../../etc/passwd\r\nX-Injected: 1", "text/html\r\nX-Injected: 1", [60, 104, 49, 62]),
                DomainEmails.IncomingAttachment.Kept("Angebot für Müller.txt", "text/plain; charset=utf-8", Encoding.UTF8.GetBytes("Grüße")),
            ],
        });
        var http = app.CreateClient();

        using var pdf = await http.GetAsync($"/api/v1/emails/{email.Id}/attachments/{email.Attachments[0].Id}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, pdf.Content.Headers.ContentLength);
        Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Quote 2026 _final_.pdf", pdf.Content.Headers.ContentDisposition.FileNameStar);
        Assert.Equal(["nosniff"], pdf.Headers.GetValues("X-Content-Type-Options"));
        Assert.Contains("sandbox", pdf.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal(bytes, await pdf.Content.ReadAsByteArrayAsync(Ct));

        using var hostile = await http.GetAsync($"/api/v1/emails/{email.Id}/attachments/{email.Attachments[1].Id}/content", Ct);
        Assert.Equal(HttpStatusCode.OK, hostile.StatusCode);
        Assert.Equal("application/octet-stream", hostile.Content.Headers.ContentType!.MediaType);
        Assert.False(hostile.Headers.Contains("X-Injected"));
        Assert.DoesNotContain('/', hostile.Content.Headers.ContentDisposition!.FileNameStar!);

        // Through the generated client, with a file name in another script.
        using var text = await Emails.GetEmailAttachmentContentAsync(email.Id, email.Attachments[2].Id, Ct);
        Assert.Equal(200, text.StatusCode);
        Assert.Equal("Grüße", await new StreamReader(text.Stream, Encoding.UTF8).ReadToEndAsync(Ct));
        Assert.Contains("filename*=UTF-8''Angebot%20f%C3%BCr%20M%C3%BCller.txt", text.Headers["Content-Disposition"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASkippedAttachmentAnUnknownOneAndAnotherEmailsAre404WithTheirOwnCodes()
    {
        var email = await app.CreateEmailAsync(Guid.NewGuid(), e => e with
        {
            Attachments = [DomainEmails.IncomingAttachment.Skip("huge.iso", "application/octet-stream", 4_000_000_000, DomainEmails.AttachmentSkipReason.TooLarge)],
        });
        var other = await app.CreateEmailAsync(Guid.NewGuid(), e => e with { Attachments = [DomainEmails.IncomingAttachment.Kept("a.txt", "text/plain", [65])] });
        var http = app.CreateClient();

        var skipped = await http.SendAsync(HttpMethod.Get, $"/api/v1/emails/{email.Id}/attachments/{email.Attachments[0].Id}/content");
        skipped.AssertProblem(HttpStatusCode.NotFound, "AttachmentSkipped");
        Assert.Contains("TooLarge", skipped.Json!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        (await http.SendAsync(HttpMethod.Get, $"/api/v1/emails/{email.Id}/attachments/{Guid.NewGuid()}/content")).AssertProblem(HttpStatusCode.NotFound, "AttachmentNotFound");
        (await http.SendAsync(HttpMethod.Get, $"/api/v1/emails/{email.Id}/attachments/{other.Attachments[0].Id}/content")).AssertProblem(HttpStatusCode.NotFound, "AttachmentNotFound");
        (await http.SendAsync(HttpMethod.Get, $"/api/v1/emails/{Guid.NewGuid()}/attachments/{other.Attachments[0].Id}/content")).AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        var client = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.GetEmailAttachmentContentAsync(email.Id, email.Attachments[0].Id, Ct));
        Assert.Equal("AttachmentSkipped", client.Result.Code);
    }

    [Fact]
    public async Task OneActivityPerNormalizedMessageIdTheDatabaseRefusesASecond()
    {
        var id = $"{Guid.NewGuid():N}";
        await app.CreateEmailAsync(TestEmails.Incoming(Guid.NewGuid(), $"<{id}@Mail.Fabrikam.com>"));

        await Assert.ThrowsAsync<DbUpdateException>(() => app.CreateEmailAsync(TestEmails.Incoming(Guid.NewGuid(), $"  {id}@MAIL.fabrikam.COM ")));
        await app.CreateEmailAsync(TestEmails.Incoming(Guid.NewGuid(), $"<{id.ToUpperInvariant()}@mail.fabrikam.com>"));
    }

    [Fact]
    public async Task AMessageWithoutAMessageIdIsKeyedByTheEngineSynthesizedKey()
    {
        var key = "sha256:" + Guid.NewGuid().ToString("N");
        var first = await app.CreateEmailAsync(TestEmails.Incoming(Guid.NewGuid()) with { InternetMessageId = null, SynthesizedDeduplicationKey = key });

        Assert.Null((await Emails.GetEmailAsync(first.Id, Ct)).InternetMessageId);
        await Assert.ThrowsAsync<DbUpdateException>(() => app.CreateEmailAsync(TestEmails.Incoming(Guid.NewGuid()) with { InternetMessageId = "<>", SynthesizedDeduplicationKey = key }));
        Assert.Throws<ArgumentException>(() => TestEmails.Incoming(Guid.NewGuid()) with { InternetMessageId = null } is var e ? DomainEmails.EmailActivity.CreateIncoming(e, Guid.NewGuid, DateTimeOffset.UtcNow) : null);
    }

    [Fact]
    public async Task TextThatDatabasesCannotStoreAsGivenIsStoredWithAReplacementCharacter()
    {
        var email = await app.CreateEmailAsync(Guid.NewGuid(), e => e with { Subject = "Invoice\0 42", Body = "<p>a\0b</p>", From = new DomainEmails.EmailParty("x@y.com", "N\0ame") });

        var read = await Emails.GetEmailAsync(email.Id, Ct);

        Assert.Equal("Invoice\uFFFD 42", read.Subject);
        Assert.Equal("<p>a\uFFFDb</p>", read.Body!.Content);
        Assert.Equal("N\uFFFDame", read.From!.Name);
    }
}
