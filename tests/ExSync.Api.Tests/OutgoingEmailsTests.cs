using System.Net;
using System.Text;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine.Sync.Outgoing;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DomainDirectory = ExSync.Domain.Directory;

namespace ExSync.Api.Tests;

/// <summary>
/// Outgoing email through the generated client: drafts, their content and attachments, send with its gates, cancel-send, repeatability.
/// These tests apply the sending engine's transitions themselves; the engine does not run (see <see cref="OutgoingEmailSendTests"/>).
/// </summary>
public sealed class OutgoingEmailsTests : IClassFixture<ExSyncApplication>
{
    private readonly ExSyncApplication app;

    public OutgoingEmailsTests(ExSyncApplication app)
    {
        this.app = WithoutSendingEngine(app);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // Set before the application's first start (later constructions of the class find it started, and setting it again changes nothing).
    private static ExSyncApplication WithoutSendingEngine(ExSyncApplication app)
    {
        app.Settings["Sync:Enabled"] = "false";
        return app;
    }

    private EmailsClient Emails => app.Emails();

    [Fact]
    public async Task ADraftIsCreatedFromAddressesAndDirectoryRecordsAndRecordedInTheChangeFeed()
    {
        var sender = await app.SenderAsync(TestData.Mailbox(ownerType: MailboxOwnerType.Queue));
        var contactId = "contact-" + Guid.NewGuid().ToString("N");
        var contactAddress = $"paula.{Guid.NewGuid():N}@fabrikam.example";
        await app.DirectoryEntries().PutDirectoryEntryAsync(contactId, new DirectoryEntryInput
        {
            RecordType = DirectoryRecordType.Contact, RecordId = contactId, DisplayName = "Paula Price", EmailAddresses = [contactAddress, "paula@home.example"],
        }, cancellationToken: Ct);
        var colleague = await app.SenderAsync();
        var before = await app.Changes().ListChangesAsync(cursor: "latest", cancellationToken: Ct);

        var response = await Emails.CreateEmailAsync(new EmailInput
        {
            MailboxId = sender.Id,
            Subject = "Your quote",
            Body = new EmailBodyInput { ContentType = EmailBodyContentType.Html, Content = "<p>Dear Paula,\r\n</p>" },
            To = [new EmailRecipientInput { Record = new EmailRecordInput { RecordType = DirectoryRecordType.Contact, RecordId = contactId } }],
            Cc = [new EmailRecipientInput { EmailAddress = contactAddress.ToUpperInvariant(), Name = "P. Price" }, new EmailRecipientInput { EmailAddress = "nobody@elsewhere.example" }],
            Bcc = [new EmailRecipientInput { Record = new EmailRecordInput { RecordType = DirectoryRecordType.User, RecordId = colleague.Owner.Id }, Name = "Colleague" }],
            Regarding = new EmailRegardingInput { RecordType = "Opportunity", RecordId = "opp-1" },
        }, cancellationToken: Ct);

        Assert.Equal((EmailDirection.Outgoing, EmailStatus.Draft, sender.Id, "\"1\""), (response.Direction, response.Status, response.MailboxId, response.Etag));
        Assert.Equal((sender.EmailAddress, DirectoryRecordType.Queue, sender.Owner.Id), (response.From!.EmailAddress, response.From.Record!.RecordType, response.From.Record.RecordId));
        Assert.Equal([(contactAddress, "Paula Price", DirectoryRecordType.Contact, contactId)], response.To.Select(p => (p.EmailAddress, p.Name, p.Record!.RecordType, p.Record.RecordId)));
        Assert.Equal([(contactAddress.ToUpperInvariant(), "P. Price", (string?)contactId), ("nobody@elsewhere.example", null, null)], response.Cc.Select(p => (p.EmailAddress, p.Name, p.Record?.RecordId)));
        Assert.Equal((colleague.EmailAddress, "Colleague", DirectoryRecordType.User), (response.Bcc.Single().EmailAddress, response.Bcc.Single().Name, response.Bcc.Single().Record!.RecordType));
        Assert.Equal((EmailBodyContentType.Html, "<p>Dear Paula,\r\n</p>"), (response.Body!.ContentType, response.Body.Content));
        Assert.Equal(("Opportunity", "opp-1"), (response.Regarding!.RecordType, response.Regarding.RecordId));
        Assert.Null(response.InternetMessageId);
        Assert.Null(response.SendStatus);
        Assert.Empty(response.ReceivingMailboxIds);
        Assert.Contains(response.Id, (await Emails.ListEmailsAsync(mailboxId: sender.Id, direction: EmailDirection.Outgoing, cancellationToken: Ct)).Value.Select(e => e.Id));

        var changes = await app.Changes().ListChangesAsync(cursor: CursorOf(before), cancellationToken: Ct);
        Assert.Contains(changes.Value, c => c.ObjectId == response.Id.ToString() && c.Operation == ChangeOperation.Created && c.Version == 1);
    }

    [Fact]
    public async Task CreateAnswers201WithLocationAndETag()
    {
        var sender = await app.SenderAsync();

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}"}""");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("\"1\"", response.ETag);
        Assert.EndsWith($"/api/v1/emails/{response.Json!["id"]!.GetValue<string>()}", response.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(("", "Text", ""), (response.Json["subject"]!.GetValue<string>(), response.Json["body"]!["contentType"]!.GetValue<string>(), response.Json["body"]!["content"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AnUnknownSenderOrRecordIs422NamingTheField()
    {
        var sender = await app.SenderAsync();
        var noAddress = "lead-" + Guid.NewGuid().ToString("N");
        await using (var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct))
        {
            // The API requires an address of every entry; the domain does not, so an entry without one can exist.
            db.DirectoryEntries.Add(DomainDirectory.DirectoryEntry.Create(noAddress, new DomainDirectory.DirectoryEntryContent(DomainDirectory.DirectoryRecordType.Lead, noAddress, "No Address", []), app.Time.GetUtcNow()));
            await db.SaveChangesAsync(Ct);
        }

        EmailRecipientInput Address() => new() { EmailAddress = "a@b.example" };
        EmailRecipientInput Record(DirectoryRecordType type, string id) => new() { Record = new EmailRecordInput { RecordType = type, RecordId = id } };

        var unknownSender = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.CreateEmailAsync(new EmailInput { MailboxId = Guid.NewGuid() }, cancellationToken: Ct));
        var unknownRecord = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.CreateEmailAsync(
            new EmailInput { MailboxId = sender.Id, To = [Address(), Address(), Record(DirectoryRecordType.Contact, "missing")] }, cancellationToken: Ct));
        var unknownUser = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.CreateEmailAsync(
            new EmailInput { MailboxId = sender.Id, Bcc = [Record(DirectoryRecordType.User, "no-such-user")] }, cancellationToken: Ct));
        var withoutAddress = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.CreateEmailAsync(
            new EmailInput { MailboxId = sender.Id, Cc = [Record(DirectoryRecordType.Lead, noAddress)] }, cancellationToken: Ct));

        Assert.Equal((422, "UnknownSenderMailbox", "mailboxId"), (unknownSender.StatusCode, unknownSender.Result.Code, unknownSender.Result.Details.Single().Target));
        Assert.Equal((422, "UnknownRecord", "to[2].record"), (unknownRecord.StatusCode, unknownRecord.Result.Code, unknownRecord.Result.Details.Single().Target));
        Assert.Equal(("UnknownRecord", "bcc[0].record"), (unknownUser.Result.Code, unknownUser.Result.Details.Single().Target));
        Assert.Equal(("RecordHasNoEmailAddress", "cc[0].record"), (withoutAddress.Result.Code, withoutAddress.Result.Details.Single().Target));
        Assert.Empty((await Emails.ListEmailsAsync(mailboxId: sender.Id, cancellationToken: Ct)).Value);
    }

    [Theory]
    [InlineData("{}", "Required", "mailboxId")]
    [InlineData("""{"mailboxId":"not-a-guid"}""", "WrongType", "mailboxId")]
    [InlineData("""{"mailboxId":"MAILBOX","to":"a@b.example"}""", "WrongType", "to")]
    [InlineData("""{"mailboxId":"MAILBOX","to":[{}]}""", "Required", "to[0].emailAddress")]
    [InlineData("""{"mailboxId":"MAILBOX","to":[{"emailAddress":"not an address"}]}""", "InvalidEmailAddress", "to[0].emailAddress")]
    [InlineData("""{"mailboxId":"MAILBOX","cc":[{"emailAddress":"a@b.example","record":{"recordType":"Contact","recordId":"c"}}]}""", "NotAllowed", "cc[0].emailAddress")]
    [InlineData("""{"mailboxId":"MAILBOX","bcc":[{"record":{"recordType":"Planet","recordId":"c"}}]}""", "InvalidEnumValue", "bcc[0].record.recordType")]
    [InlineData("""{"mailboxId":"MAILBOX","bcc":[{"record":{"recordType":"Contact"}}]}""", "Required", "bcc[0].record.recordId")]
    [InlineData("""{"mailboxId":"MAILBOX","to":[{"emailAddress":"a@b.example","name":"Line\nbreak"}]}""", "ControlCharacter", "to[0].name")]
    [InlineData("""{"mailboxId":"MAILBOX","subject":"Tab\there"}""", "ControlCharacter", "subject")]
    [InlineData("""{"mailboxId":"MAILBOX","body":{"contentType":"Markdown","content":"x"}}""", "InvalidEnumValue", "body.contentType")]
    [InlineData("""{"mailboxId":"MAILBOX","body":{"contentType":"Text"}}""", "Required", "body.content")]
    [InlineData("""{"mailboxId":"MAILBOX","body":{"contentType":"Text","content":"bell\u0007"}}""", "ControlCharacter", "body.content")]
    [InlineData("""{"mailboxId":"MAILBOX","status":"Sent"}""", "ReadOnlyField", "status")]
    [InlineData("""{"mailboxId":"MAILBOX","importance":"High"}""", "UnknownField", "importance")]
    [InlineData("""{"mailboxId":"MAILBOX","regarding":{"recordType":"Case"}}""", "Required", "regarding.recordId")]
    public async Task BadInputToCreateIsRefusedNamingTheField(string body, string code, string target)
    {
        var sender = await app.SenderAsync();

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/emails", body.Replace("MAILBOX", sender.Id.ToString(), StringComparison.Ordinal));

        Assert.True(response.Status != HttpStatusCode.InternalServerError, string.Join("\n", app.Logs.Where(l => l.Contains("Exception", StringComparison.Ordinal)).TakeLast(2)));
        response.AssertProblem(HttpStatusCode.BadRequest, response.Code!);
        Assert.Contains((code, target), response.Details);
    }

    [Fact]
    public async Task TooManyRecipientsATooLongSubjectAndABodyOverTheLimitAreRefused()
    {
        var sender = await app.SenderAsync();
        var http = app.CreateClient();
        string Recipients(int count) => "[" + string.Join(',', Enumerable.Range(0, count).Select(i => $$"""{"emailAddress":"r{{i}}@fabrikam.example"}""")) + "]";

        var tooMany = await http.SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}","to":{{Recipients(300)}},"cc":{{Recipients(200)}},"bcc":{{Recipients(1)}} }""");
        var atLimit = await http.SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}","to":{{Recipients(300)}},"cc":{{Recipients(200)}} }""");
        var longSubject = await http.SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}","subject":"{{new string('s', 1936)}}"}""");
        var huge = await http.SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}","body":{"contentType":"Text","content":"{{new string('x', 2 * 1024 * 1024)}}"} }""");

        tooMany.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("TooMany", "bcc")], tooMany.Details);
        Assert.Equal(HttpStatusCode.Created, atLimit.Status);
        Assert.Contains(("TooLong", "subject"), longSubject.Details);
        huge.AssertProblem(HttpStatusCode.RequestEntityTooLarge, "RequestBodyTooLarge");
    }

    [Fact]
    public async Task ADraftsContentChangesWhileItIsADraftAndRegardingAlways()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "First", To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);

        var edited = await Emails.UpdateEmailAsync(draft.Id, new EmailPatch
        {
            Subject = "Second",
            Body = new EmailBodyPatch { ContentType = EmailBodyContentType.Text, Content = "Hello" },
            Cc = [new EmailRecipientInput { EmailAddress = "b@fabrikam.example" }],
        }, ifMatch: draft.Etag, cancellationToken: Ct);
        Assert.Equal(("Second", "Hello", "\"2\""), (edited.Subject, edited.Body!.Content, edited.Etag));
        Assert.Equal(["a@fabrikam.example"], edited.To.Select(p => p.EmailAddress));
        Assert.Equal(["b@fabrikam.example"], edited.Cc.Select(p => p.EmailAddress));

        var stale = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.UpdateEmailAsync(draft.Id, new EmailPatch { Subject = "Third" }, ifMatch: draft.Etag, cancellationToken: Ct));
        Assert.Equal((412, "PreconditionFailed"), (stale.StatusCode, stale.Result.Code));

        var readOnly = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{draft.Id}", $$"""{"mailboxId":"{{Guid.NewGuid()}}"}""", RawHttp.MergePatch);
        Assert.Contains(("ReadOnlyField", "mailboxId"), readOnly.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody").Details);

        await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);
        var notDraft = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.UpdateEmailAsync(draft.Id, new EmailPatch { Subject = "Too late" }, cancellationToken: Ct));
        Assert.Equal((409, "EmailNotDraft"), (notDraft.StatusCode, notDraft.Result.Code));
        var regarding = await Emails.UpdateEmailAsync(draft.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Case", RecordId = "case-9" } }, cancellationToken: Ct);
        Assert.Equal(("case-9", EmailStatus.PendingSend), (regarding.Regarding!.RecordId, regarding.Status));
    }

    [Fact]
    public async Task APatchChecksWhatItNamesSoAnIncomingEmailsOddContentDoesNotBlockRegarding()
    {
        var incoming = await app.CreateEmailAsync(Guid.NewGuid(), e => e with
        {
            Subject = "Tab\there " + new string('s', 1990),
            To = [new ExSync.Domain.Emails.EmailParty("undisclosed-recipients:;")],
        });

        var regarding = await Emails.UpdateEmailAsync(incoming.Id, new EmailPatch { Regarding = new EmailRegardingPatch { RecordType = "Case", RecordId = "case-1" } }, cancellationToken: Ct);
        Assert.Equal(("case-1", "\"2\""), (regarding.Regarding!.RecordId, regarding.Etag));

        var sender = await app.SenderAsync();
        string Recipients(int count) => "[" + string.Join(',', Enumerable.Range(0, count).Select(i => $$"""{"emailAddress":"r{{i}}@fabrikam.example"}""")) + "]";
        var draft = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/emails", $$"""{"mailboxId":"{{sender.Id}}","to":{{Recipients(400)}} }""");
        var tooMany = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{draft.Json!["id"]}", $$"""{"cc":{{Recipients(101)}} }""", RawHttp.MergePatch);
        Assert.Equal([("TooMany", "cc")], tooMany.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed").Details);
        var badSubject = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{draft.Json!["id"]}", """{"subject":"a\u0000b"}""", RawHttp.MergePatch);
        Assert.Contains(("ControlCharacter", "subject"), badSubject.Details);
    }

    [Fact]
    public async Task AnIncomingEmailsContentIsNotTheCrmsToChange()
    {
        var incoming = await app.CreateEmailAsync();

        var subject = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{incoming.Id}", """{"subject":"Changed"}""", RawHttp.MergePatch);
        var same = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/emails/{incoming.Id}", $$"""{"subject":"{{incoming.Subject}}"}""", RawHttp.MergePatch);
        var delete = await app.CreateClient().SendAsync(HttpMethod.Delete, $"/api/v1/emails/{incoming.Id}");
        var send = await app.CreateClient().SendAsync(HttpMethod.Post, $"/api/v1/emails/{incoming.Id}/send");

        subject.AssertProblem(HttpStatusCode.Conflict, "EmailNotDraft");
        Assert.Equal((HttpStatusCode.OK, "\"1\""), (same.Status, same.ETag));
        delete.AssertProblem(HttpStatusCode.Conflict, "EmailNotDraft");
        send.AssertProblem(HttpStatusCode.Conflict, "EmailNotDraft");
    }

    [Fact]
    public async Task AttachmentsAreUploadedUpToTheOrganizationsMaximumAndRemovedWhileADraft()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id }, cancellationToken: Ct);
        var maximum = (await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).MaxAttachmentSizeKilobytes * 1024;
        var bytes = new byte[maximum];
        Random.Shared.NextBytes(bytes);

        var attachment = await Emails.AddEmailAttachmentAsync(draft.Id, new FileParameter(new MemoryStream(bytes), "Quote 2026.pdf", "application/pdf"), Ct);
        Assert.Equal(("Quote 2026.pdf", "application/pdf", (long)maximum, false), (attachment.Name, attachment.ContentType, attachment.Size, attachment.Skipped));
        using (var content = await Emails.GetEmailAttachmentContentAsync(draft.Id, attachment.Id, Ct))
        {
            using var copy = new MemoryStream();
            await content.Stream.CopyToAsync(copy, Ct);
            Assert.Equal(bytes, copy.ToArray());
        }

        var tooLarge = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() =>
            Emails.AddEmailAttachmentAsync(draft.Id, new FileParameter(new MemoryStream(new byte[maximum + 1]), "big.bin", "application/octet-stream"), Ct));
        Assert.Equal((413, "AttachmentTooLarge"), (tooLarge.StatusCode, tooLarge.Result.Code));

        var second = await Emails.AddEmailAttachmentAsync(draft.Id, new FileParameter(new MemoryStream(Encoding.UTF8.GetBytes("notes")), "../../notes.txt", "text/plain"), Ct);
        Assert.Equal("notes.txt", second.Name);
        await Emails.DeleteEmailAttachmentAsync(draft.Id, attachment.Id, Ct);
        await Emails.DeleteEmailAttachmentAsync(draft.Id, attachment.Id, Ct);
        var read = await Emails.GetEmailAsync(draft.Id, Ct);
        Assert.Equal([second.Id], read.Attachments.Select(a => a.Id));
        Assert.Equal("\"4\"", read.Etag);

        await Emails.UpdateEmailAsync(draft.Id, new EmailPatch { To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);
        var afterSend = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.AddEmailAttachmentAsync(draft.Id, new FileParameter(new MemoryStream([1]), "late.txt", "text/plain"), Ct));
        Assert.Equal((409, "EmailNotDraft"), (afterSend.StatusCode, afterSend.Result.Code));
        var removeAfterSend = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.DeleteEmailAttachmentAsync(draft.Id, second.Id, Ct));
        Assert.Equal("EmailNotDraft", removeAfterSend.Result.Code);
    }

    [Fact]
    public async Task AnUploadWithoutAFileOrNotAsAFormIsRefused()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id }, cancellationToken: Ct);
        var http = app.CreateClient();

        using var empty = new MultipartFormDataContent { { new StringContent("value"), "other" } };
        using var noFile = await http.PostAsync($"/api/v1/emails/{draft.Id}/attachments", empty, Ct);
        var json = await http.SendAsync(HttpMethod.Post, $"/api/v1/emails/{draft.Id}/attachments", "{}");
        using var unknown = new MultipartFormDataContent { { new ByteArrayContent([1]), "file", "a.txt" } };
        using var unknownEmail = await http.PostAsync($"/api/v1/emails/{Guid.NewGuid()}/attachments", unknown, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("\"target\":\"file\"", await noFile.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(json.Status is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest, $"{(int)json.Status} {json.Body}");
        Assert.Equal("application/problem+json", json.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unknownEmail.StatusCode);
    }

    [Fact]
    public async Task SendAnswers202WithTheEmailPendingItsMessageIdAndTokenAndWakesTheEngine()
    {
        await using var service = WithoutSendingEngine(new ExSyncApplication());
        var signal = new CountingSignal();
        service.AddedServices.Add(services => services.AddSingleton<IOutgoingEmailSignal>(signal));
        var sender = await service.SenderAsync(TestData.Mailbox($"{Guid.NewGuid():N}@Sales.Contoso.COM"));
        var emails = service.Emails();
        var draft = await emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "Quote", To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);

        var response = await service.CreateClient().SendAsync(HttpMethod.Post, $"/api/v1/emails/{draft.Id}/send");
        var sent = await emails.GetEmailAsync(draft.Id, Ct);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal((EmailStatus.PendingSend, "\"2\""), (sent.Status, sent.Etag));
        Assert.Equal(response.ETag, sent.Etag);
        Assert.Matches("^<[0-9a-f]{32}@sales.contoso.com>$", sent.InternetMessageId!);
        Assert.Matches(@"^\[CRM:[0-9]{7}\]$", sent.TrackingToken!);
        Assert.Equal($"Quote {sent.TrackingToken}", sent.Subject);
        Assert.Equal((service.Time.GetUtcNow(), 0, service.Time.GetUtcNow(), null, false),
            (sent.SendStatus!.RequestedAt, sent.SendStatus.Attempts, sent.SendStatus.NextAttemptAt, sent.SendStatus.LastError, sent.SendStatus.OutcomeUnknown));
        Assert.Equal(1, signal.Count);

        var again = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => emails.SendEmailAsync(draft.Id, cancellationToken: Ct));
        Assert.Equal((409, "EmailSendAlreadyRequested"), (again.StatusCode, again.Result.Code));
        Assert.Equal(1, signal.Count);
        var changes = await service.Changes().ListChangesAsync(cancellationToken: Ct);
        Assert.Equal([(ChangeOperation.Created, 1L), (ChangeOperation.Updated, 2L)], changes.Value.Where(c => c.ObjectId == draft.Id.ToString()).Select(c => (c.Operation, c.Version)));
    }

    [Fact]
    public async Task WithoutTrackingTokensTheSubjectStaysAsWritten()
    {
        await using var service = WithoutSendingEngine(new ExSyncApplication());
        await service.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { UseTrackingToken = false }, cancellationToken: Ct);
        var sender = await service.SenderAsync();
        var draft = await service.Emails().CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "Quote", To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);

        var sent = await service.Emails().SendEmailAsync(draft.Id, cancellationToken: Ct);

        Assert.Equal(("Quote", null), (sent.Subject, sent.TrackingToken));
    }

    [Theory]
    [InlineData("delivery", "SenderNotServerSideSynchronization")]
    [InlineData("inactive", "SenderMailboxInactive")]
    [InlineData("unapproved", "SenderMailboxNotApproved")]
    [InlineData("untested", "SenderMailboxNotEnabledForOutgoing")]
    [InlineData("deleted", "SenderMailboxNotFound")]
    public async Task SendIsRefusedAtOnceWhenTheSenderMailboxCannotSend(string situation, string code)
    {
        var input = TestData.Mailbox();
        if (situation == "delivery")
        {
            input.OutgoingDeliveryMethod = DeliveryMethod.Outlook;
        }

        var sender = await app.SenderAsync(input, approve: situation != "unapproved", enable: situation != "untested");
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        if (situation == "inactive")
        {
            await app.Mailboxes().UpdateMailboxAsync(sender.Id, new MailboxPatch { State = RecordState.Inactive }, cancellationToken: Ct);
        }
        else if (situation == "deleted")
        {
            await app.Mailboxes().DeleteMailboxAsync(sender.Id, cancellationToken: Ct);
        }

        var refused = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.SendEmailAsync(draft.Id, cancellationToken: Ct));

        Assert.Equal((409, code), (refused.StatusCode, refused.Result.Code));
        var after = await Emails.GetEmailAsync(draft.Id, Ct);
        Assert.Equal((EmailStatus.Draft, "\"1\"", null), (after.Status, after.Etag, after.InternetMessageId));
    }

    [Fact]
    public async Task SendNeedsARecipientAndAnUnknownEmailIs404()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "To nobody" }, cancellationToken: Ct);

        var none = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.SendEmailAsync(draft.Id, cancellationToken: Ct));
        var unknown = await app.CreateClient().SendAsync(HttpMethod.Post, $"/api/v1/emails/{Guid.NewGuid()}/send");
        var unknownCancel = await app.CreateClient().SendAsync(HttpMethod.Post, $"/api/v1/emails/{Guid.NewGuid()}/cancel-send");
        var notAGuid = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/emails/not-a-guid/send");

        Assert.Equal((422, "NoRecipients", "to"), (none.StatusCode, none.Result.Code, none.Result.Details.Single().Target));
        Assert.Equal(EmailStatus.Draft, (await Emails.GetEmailAsync(draft.Id, Ct)).Status);
        unknown.AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        unknownCancel.AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (notAGuid.Status, notAGuid.MediaType));
    }

    [Fact]
    public async Task ARepeatedSendWithTheSameRequestIdAnswersAgainAndChangesNothing()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        var other = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        var requestId = Guid.NewGuid().ToString();

        var first = await Emails.SendEmailAsync(draft.Id, requestId, Ct);
        var second = await Emails.SendEmailAsync(draft.Id, requestId, Ct);
        var elsewhere = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.SendEmailAsync(other.Id, requestId, Ct));
        var anotherCaller = await new EmailsClient(app.CreateClient("crm-2", "Email.Write")).SendEmailAsync(other.Id, requestId, Ct);

        Assert.Equal((EmailStatus.PendingSend, first.Etag, first.InternetMessageId), (second.Status, second.Etag, second.InternetMessageId));
        Assert.Equal((409, "RepeatabilityRequestIdReused"), (elsewhere.StatusCode, elsewhere.Result.Code));
        Assert.Equal(EmailStatus.PendingSend, anotherCaller.Status);
        var tooLong = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Emails.SendEmailAsync(other.Id, new string('r', 201), Ct));
        Assert.Equal("Repeatability-Request-ID", tooLong.Result.Details.Single().Target);
    }

    [Fact]
    public async Task ARepeatedCreateWithTheSameRequestIdReturnsTheSameDraft()
    {
        var sender = await app.SenderAsync();
        var requestId = Guid.NewGuid().ToString();
        var input = new EmailInput { MailboxId = sender.Id, Subject = "Once" };

        var first = await Emails.CreateEmailAsync(input, requestId, Ct);
        var second = await Emails.CreateEmailAsync(input, requestId, Ct);
        var different = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "Twice" }, requestId, Ct));

        Assert.Equal(first.Id, second.Id);
        Assert.Equal((409, "RepeatabilityRequestIdReused"), (different.StatusCode, different.Result.Code));
        Assert.Single((await Emails.ListEmailsAsync(mailboxId: sender.Id, cancellationToken: Ct)).Value);
    }

    [Fact]
    public async Task TheSameRequestSentSeveralTimesAtOnceCreatesOneDraftAndSendsItOnce()
    {
        var sender = await app.SenderAsync();
        var createId = Guid.NewGuid().ToString();
        var input = new EmailInput { MailboxId = sender.Id, To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] };

        var created = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Emails().CreateEmailAsync(input, createId, Ct)));
        var id = created[0].Id;
        var sendId = Guid.NewGuid().ToString();
        var sent = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => app.Emails().SendEmailAsync(id, sendId, Ct)));

        Assert.All(created, c => Assert.Equal(id, c.Id));
        Assert.Single((await Emails.ListEmailsAsync(mailboxId: sender.Id, cancellationToken: Ct)).Value);
        Assert.All(sent, s => Assert.Equal((EmailStatus.PendingSend, "\"2\""), (s.Status, s.Etag)));
        var changes = await app.Changes().ListChangesAsync(limit: 1000, cancellationToken: Ct);
        Assert.Equal(2, changes.Value.Count(c => c.ObjectId == id.ToString()));
    }

    [Fact]
    public async Task CancelSendReturnsAPendingEmailToDraftUntilTheEngineBeganSendingIt()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, Subject = "Quote", To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        var pending = await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);

        var canceled = await Emails.CancelEmailSendAsync(draft.Id, Ct);
        Assert.Equal((EmailStatus.Draft, pending.InternetMessageId, pending.Subject, "\"3\""), (canceled.Status, canceled.InternetMessageId, canceled.Subject, canceled.Etag));
        var twice = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.CancelEmailSendAsync(draft.Id, Ct));
        Assert.Equal((409, "EmailNotPendingSend"), (twice.StatusCode, twice.Result.Code));

        var resent = await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);
        Assert.Equal((pending.InternetMessageId, pending.TrackingToken, pending.Subject), (resent.InternetMessageId, resent.TrackingToken, resent.Subject));
        await app.ChangeEmailAsync(draft.Id, e => e.BeginSending(app.Time.GetUtcNow(), app.Time.GetUtcNow().AddMinutes(1)));
        var sending = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.CancelEmailSendAsync(draft.Id, Ct));
        Assert.Equal("EmailNotPendingSend", sending.Result.Code);

        await app.ChangeEmailAsync(draft.Id, e => e.RetrySendLater("ServerBusy", "Exchange is busy.", app.Time.GetUtcNow().AddSeconds(30), app.Time.GetUtcNow()));
        var retrying = await Emails.GetEmailAsync(draft.Id, Ct);
        Assert.Equal((1, "ServerBusy", "Exchange is busy."), (retrying.SendStatus!.Attempts, retrying.SendStatus.LastError!.Code, retrying.SendStatus.LastError.Message));
        await app.ChangeEmailAsync(draft.Id, e => e.MarkSendOutcomeUnknown(app.Time.GetUtcNow()));
        var unknown = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Emails.CancelEmailSendAsync(draft.Id, Ct));
        Assert.Equal("EmailMayHaveBeenSent", unknown.Result.Code);
    }

    [Fact]
    public async Task AFailedEmailCanBeSentAgain()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id, To = [new EmailRecipientInput { EmailAddress = "a@fabrikam.example" }] }, cancellationToken: Ct);
        var pending = await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);
        await app.ChangeEmailAsync(draft.Id, e => e.BeginSending(app.Time.GetUtcNow(), app.Time.GetUtcNow().AddMinutes(1)));
        await app.ChangeEmailAsync(draft.Id, e => e.FailSend("RecipientRejected", "Exchange refused the recipient.", app.Time.GetUtcNow()));
        var failed = await Emails.GetEmailAsync(draft.Id, Ct);
        Assert.Equal((EmailStatus.Failed, "RecipientRejected", 1), (failed.Status, failed.SendStatus!.LastError!.Code, failed.SendStatus.Attempts));

        var again = await Emails.SendEmailAsync(draft.Id, cancellationToken: Ct);

        Assert.Equal((EmailStatus.PendingSend, 0, null, pending.InternetMessageId), (again.Status, again.SendStatus!.Attempts, again.SendStatus.LastError, again.InternetMessageId));
    }

    [Fact]
    public async Task ADraftIsDeletedWithItsAttachmentsAndTheChangeFeedSaysSo()
    {
        var sender = await app.SenderAsync();
        var draft = await Emails.CreateEmailAsync(new EmailInput { MailboxId = sender.Id }, cancellationToken: Ct);
        var attachment = await Emails.AddEmailAttachmentAsync(draft.Id, new FileParameter(new MemoryStream([1, 2, 3]), "a.bin", "application/octet-stream"), Ct);
        var before = await app.Changes().ListChangesAsync(cursor: "latest", cancellationToken: Ct);

        var stale = await app.CreateClient().SendAsync(HttpMethod.Delete, $"/api/v1/emails/{draft.Id}", ifMatch: "\"1\"");
        await Emails.DeleteEmailAsync(draft.Id, cancellationToken: Ct);
        await Emails.DeleteEmailAsync(draft.Id, cancellationToken: Ct);

        stale.AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
        (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails/{draft.Id}")).AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        (await app.CreateClient().SendAsync(HttpMethod.Get, $"/api/v1/emails/{draft.Id}/attachments/{attachment.Id}/content")).AssertProblem(HttpStatusCode.NotFound, "EmailNotFound");
        var changes = await app.Changes().ListChangesAsync(cursor: CursorOf(before), cancellationToken: Ct);
        Assert.Contains(changes.Value, c => c.ObjectId == draft.Id.ToString() && c.Operation == ChangeOperation.Deleted);
    }

    [Fact]
    public async Task TheOrganizationChoosesWhetherInternalEmailIsTwoActivities()
    {
        await using var service = WithoutSendingEngine(new ExSyncApplication());
        var organization = service.Organization();

        Assert.False((await organization.GetOrganizationEmailSettingsAsync(Ct)).TrackInternalEmailAsTwoActivities);
        var changed = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { TrackInternalEmailAsTwoActivities = true }, cancellationToken: Ct);
        Assert.True(changed.TrackInternalEmailAsTwoActivities);
        Assert.True((await organization.GetOrganizationEmailSettingsAsync(Ct)).TrackInternalEmailAsTwoActivities);
        var invalid = await service.CreateClient().SendAsync(HttpMethod.Patch, "/api/v1/organization/email-settings", """{"trackInternalEmailAsTwoActivities":null}""", RawHttp.MergePatch);
        Assert.Contains(("Required", "trackInternalEmailAsTwoActivities"), invalid.Details);
    }

    private static string CursorOf(ChangePage page) =>
        System.Web.HttpUtility.ParseQueryString(new Uri(page.DeltaLink ?? page.NextLink!).Query)["cursor"]!;

    private sealed class CountingSignal : IOutgoingEmailSignal
    {
        private int count;

        public int Count => count;

        public Task EmailDueAsync(Guid mailboxId, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref count);
            return Task.CompletedTask;
        }
    }
}
