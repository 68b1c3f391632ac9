using System.Net;
using ExSync.Persistence;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DomainMailboxes = ExSync.Domain.Mailboxes;

namespace ExSync.Api.Tests;

/// <summary>
/// Mailboxes. The shared application keeps the settings of a new deployment (server-side synchronization by default and no
/// default profile); tests that change the organization settings start an application of their own.
/// </summary>
public sealed class MailboxesTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private MailboxesClient Mailboxes => app.Mailboxes();

    [Fact]
    public async Task ANewMailboxIsPendingApprovalUntestedAndDisabled()
    {
        var profile = await ProfileAsync();

        var created = await Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), profile), Ct);

        Assert.Equal(EmailApprovalStatus.PendingApproval, created.ApprovalStatus);
        Assert.Equal(SyncStatus.NotRun, created.IncomingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, created.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, created.ActStatus);
        Assert.False(created.EnabledForIncomingEmail);
        Assert.False(created.EnabledForOutgoingEmail);
        Assert.False(created.EnabledForAct);
        Assert.False(created.TestScheduled);
        Assert.Equal(RecordState.Active, created.State);
        Assert.Equal(profile, created.ServerProfileId);
        Assert.Equal("\"1\"", created.Etag);

        var read = await Mailboxes.GetMailboxAsync(created.Id, Ct);
        Assert.Equal(created.EmailAddress, read.EmailAddress);
        Assert.Equal(created.Etag, read.Etag);
    }

    [Fact]
    public async Task CreateAnswers201WithLocationAndETag()
    {
        var body = $$"""{"name":"Bob","emailAddress":"{{Guid.NewGuid():N}}@contoso.com","owner":{"type":"User","id":"bob"},"incomingDeliveryMethod":"None","outgoingDeliveryMethod":"None","actDeliveryMethod":"None"}""";

        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", body);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal($"http://localhost/api/v1/mailboxes/{response.Json!["id"]}", response.Location!.ToString());
        Assert.Equal("\"1\"", response.ETag);
    }

    [Fact]
    public async Task ServerSideSynchronizationWithoutAnyProfileIsRejected()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Mailboxes.CreateMailboxAsync(TestData.Mailbox(), Ct));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("ServerProfileRequired", error.Result.Code);
        Assert.Equal("serverProfileId", error.Result.Target);
    }

    [Fact]
    public async Task NoServerSideSynchronizationNeedsNoProfile()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);

        Assert.Null(created.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.None, created.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, created.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, created.ActDeliveryMethod);
    }

    [Fact]
    public async Task AnUnknownProfileIsRejected()
    {
        var input = TestData.Mailbox();
        input.ServerProfileId = Guid.NewGuid();

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Mailboxes.CreateMailboxAsync(input, Ct));

        Assert.Equal("UnknownServerProfile", error.Result.Code);
        Assert.Equal("serverProfileId", error.Result.Target);
    }

    [Fact]
    public async Task AnInactiveProfileCannotBeAssignedOnCreate()
    {
        var inactive = await ProfileAsync(RecordState.Inactive);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), inactive), Ct));

        Assert.Equal("ServerProfileInactive", error.Result.Code);
        Assert.Equal("serverProfileId", error.Result.Target);
    }

    [Fact]
    public async Task EmailAddressesAreUniqueIgnoringCase()
    {
        var address = $"{Guid.NewGuid():N}@contoso.com";
        await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(address)), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(address.ToUpperInvariant())), Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("MailboxEmailAddressConflict", error.Result.Code);
        Assert.Equal("emailAddress", error.Result.Target);
    }

    [Fact]
    public async Task ChangingTheAddressToAnotherMailboxesAddressIsAConflict()
    {
        var taken = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { EmailAddress = taken.EmailAddress.ToUpperInvariant() }, cancellationToken: Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("MailboxEmailAddressConflict", error.Result.Code);
        Assert.Equal(created.EmailAddress, (await Mailboxes.GetMailboxAsync(created.Id, Ct)).EmailAddress);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("Alice <alice@contoso.com>")]
    [InlineData("alice@contoso.com, bob@contoso.com")]
    [InlineData("alice smith@contoso.com")]
    [InlineData("alice@")]
    [InlineData("@contoso.com")]
    public async Task AnInvalidEmailAddressIsRejected(string address)
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(address)), Ct));

        Assert.Equal("ValidationFailed", error.Result.Code);
        var detail = Assert.Single(error.Result.Details);
        Assert.Equal(("emailAddress", "InvalidEmailAddress"), (detail.Target, detail.Code));
    }

    [Fact]
    public async Task AnOverlongEmailAddressIsRejected()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(new string('a', 64) + "@" + new string('b', 190) + ".com")), Ct));

        Assert.Contains(error.Result.Details, d => d.Target == "emailAddress" && d.Code == "TooLong");
    }

    [Fact]
    public async Task EveryMissingRequiredFieldIsReportedAtOnce()
    {
        // Sent as raw JSON: the generated client always sends the fields the contract marks required.
        var empty = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", "{}");
        empty.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Required", "emailAddress"), ("Required", "name"), ("Required", "owner")], empty.Details.Order());

        var ownerless = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/mailboxes", """{"name":"Alice","emailAddress":"alice@contoso.com","owner":{}}""");
        ownerless.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Required", "owner.id"), ("Required", "owner.type")], ownerless.Details.Order());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ABlankEmailAddressIsReportedOnceAsRequired(string address)
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(address)), Ct));

        var detail = Assert.Single(error.Result.Details);
        Assert.Equal(("emailAddress", "Required"), (detail.Target, detail.Code));
    }

    [Fact]
    public async Task GetOfAMissingMailboxIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.GetMailboxAsync(Guid.NewGuid(), Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("MailboxNotFound", error.Result.Code);
    }

    [Fact]
    public async Task PatchOfAMissingMailboxIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.UpdateMailboxAsync(Guid.NewGuid(), new MailboxPatch { Name = "x" }, cancellationToken: Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("MailboxNotFound", error.Result.Code);
    }

    [Fact]
    public async Task ListFiltersByState()
    {
        var tag = TestData.Unique("state");
        var active = await CreateAsync(tag);
        var inactive = await CreateAsync(tag, m => m.State = RecordState.Inactive);

        Assert.Equal([inactive], await ListIdsAsync(state: RecordState.Inactive, search: tag));
        Assert.Equal([active], await ListIdsAsync(state: RecordState.Active, search: tag));
    }

    [Fact]
    public async Task ListFiltersByServerProfile()
    {
        var tag = TestData.Unique("profile");
        var profile = await ProfileAsync();
        var other = await ProfileAsync();
        var first = await CreateAsync(tag, m => m.ServerProfileId = profile);
        await CreateAsync(tag, m => m.ServerProfileId = other);
        await CreateAsync(tag);
        var second = await CreateAsync(tag, m => m.ServerProfileId = profile);

        Assert.Equal([first, second], await ListIdsAsync(serverProfileId: profile));
    }

    [Fact]
    public async Task ListFiltersByApprovalStatus()
    {
        var tag = TestData.Unique("approval");
        var pending = await CreateAsync(tag);
        var approved = await CreateAsync(tag);
        await ArrangeAsync(approved, approvalStatus: DomainMailboxes.EmailApprovalStatus.Approved);

        Assert.Equal([pending], await ListIdsAsync(approvalStatus: EmailApprovalStatus.PendingApproval, search: tag));
        Assert.Equal([approved], await ListIdsAsync(approvalStatus: EmailApprovalStatus.Approved, search: tag));
        Assert.Empty(await ListIdsAsync(approvalStatus: EmailApprovalStatus.Rejected, search: tag));
    }

    [Fact]
    public async Task ListFiltersByOwnerType()
    {
        var tag = TestData.Unique("owner");
        var user = await CreateAsync(tag);
        var queue = await CreateAsync(tag, m => m.Owner!.Type = MailboxOwnerType.Queue);

        Assert.Equal([queue], await ListIdsAsync(ownerType: MailboxOwnerType.Queue, search: tag));
        Assert.Equal([user], await ListIdsAsync(ownerType: MailboxOwnerType.User, search: tag));
    }

    [Fact]
    public async Task SearchMatchesNameOrEmailAddressIgnoringCase()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var byName = await CreateAsync($"Sales {tag} Team");
        var byAddress = await CreateAsync("Someone", m => m.EmailAddress = $"x{tag}y@contoso.com");
        await CreateAsync("Unrelated");

        Assert.Equal([byName, byAddress], await ListIdsAsync(search: tag.ToUpperInvariant()));
        Assert.Equal([byName], await ListIdsAsync(search: $"sales {tag} TEAM"));
        Assert.Equal([byAddress], await ListIdsAsync(search: $"X{tag}Y@CONTOSO"));
    }

    [Fact]
    public async Task SearchIgnoresTheCaseOfNonAsciiLetters()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var created = await CreateAsync($"Özil Ærø {tag}");

        Assert.Equal([created], await ListIdsAsync(search: $"özil ærø {tag}"));
    }

    [Fact]
    public async Task SearchTakesPercentUnderscoreAndBackslashLiterally()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var percent = await CreateAsync($"{tag} 100% sales");
        await CreateAsync($"{tag} 1000 sales");
        var underscore = await CreateAsync($"{tag} a_b");
        await CreateAsync($"{tag} axb");
        var addressUnderscore = await CreateAsync("Queue", m => m.EmailAddress = $"{tag}_q@contoso.com");
        await CreateAsync("Queue", m => m.EmailAddress = $"{tag}xq@contoso.com");
        var backslash = await CreateAsync($"{tag} back\\slash");

        Assert.Equal([percent], await ListIdsAsync(search: $"{tag} 100%"));
        Assert.Empty(await ListIdsAsync(search: $"{tag}%sales"));
        Assert.Equal([underscore], await ListIdsAsync(search: $"{tag} a_b"));
        Assert.Equal([addressUnderscore], await ListIdsAsync(search: $"{tag}_q"));
        Assert.Equal([backslash], await ListIdsAsync(search: $"{tag} back\\slash"));
        Assert.Empty(await ListIdsAsync(search: $"{tag} back\\\\slash"));
    }

    [Fact]
    public async Task PagingVisitsEveryMatchOnceInCreationOrderAndNextLinkKeepsTheFilters()
    {
        var tag = TestData.Unique("paging");
        var expected = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            expected.Add(await CreateAsync(tag, m => m.Owner!.Type = MailboxOwnerType.Queue));
        }

        await CreateAsync(tag); // a user's mailbox, which the ownerType filter leaves out

        var http = app.CreateClient();
        var seen = new List<Guid>();
        var pages = 0;
        string? next = $"/api/v1/mailboxes?ownerType=Queue&search={tag}&pageSize=2";
        while (next is not null)
        {
            var page = System.Text.Json.JsonSerializer.Deserialize<MailboxPage>(await http.GetStringAsync(next, Ct), ServerProfilesTests.ClientJsonOptions)!;
            pages++;
            Assert.True(page.Value.Count <= 2);
            seen.AddRange(page.Value.Select(m => m.Id));
            next = page.NextLink;
            if (next is not null)
            {
                Assert.StartsWith("http://localhost/api/v1/mailboxes?", next);
                Assert.Contains("ownerType=Queue", next);
                Assert.Contains($"search={tag}", next);
                Assert.Contains("pageSize=2", next);
            }
        }

        Assert.Equal(3, pages);
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task TheLastPageHasNoNextLink()
    {
        var tag = TestData.Unique("last");
        await CreateAsync(tag);
        await CreateAsync(tag);

        var exact = await Mailboxes.ListMailboxesAsync(search: tag, pageSize: 2, cancellationToken: Ct);
        var larger = await Mailboxes.ListMailboxesAsync(search: tag, pageSize: 3, cancellationToken: Ct);

        Assert.Equal(2, exact.Value.Count);
        Assert.Null(exact.NextLink);
        Assert.Null(larger.NextLink);
    }

    [Theory]
    [InlineData("approvalStatus", "\"Approved\"")]
    [InlineData("incomingEmailStatus", "\"Success\"")]
    [InlineData("outgoingEmailStatus", "\"Success\"")]
    [InlineData("actStatus", "\"Success\"")]
    [InlineData("enabledForIncomingEmail", "true")]
    [InlineData("enabledForOutgoingEmail", "true")]
    [InlineData("enabledForAct", "true")]
    [InlineData("testScheduled", "true")]
    [InlineData("testRetryCount", "0")]
    [InlineData("ewsUrl", "\"https://mail.contoso.com/EWS/Exchange.asmx\"")]
    [InlineData("lastError", "null")]
    [InlineData("id", "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"")]
    [InlineData("createdAt", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("etag", "\"\\\"1\\\"\"")]
    public async Task ReadOnlyFieldsAreRejectedByName(string field, string value)
    {
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/mailboxes/{created.Id}", $$"""{"name":"x","{{field}}":{{value}}}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("ReadOnlyField", field)], response.Details);
        Assert.Equal(created.Etag, (await Mailboxes.GetMailboxAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task PatchChangesTheFieldsItNamesIncludingNestedOnesAndKeepsTheRest()
    {
        var profile = await ProfileAsync();
        var input = WithProfile(TestData.Mailbox(), profile);
        input.SyncOnlyFromThisOrganization = true;
        var created = await Mailboxes.CreateMailboxAsync(input, Ct);

        var updated = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Owner = new MailboxOwnerPatch { Name = "Alice B." } }, cancellationToken: Ct);

        Assert.Equal("Alice B.", updated.Owner.Name);
        Assert.Equal(created.Owner.Id, updated.Owner.Id);
        Assert.Equal(created.Owner.Type, updated.Owner.Type);
        Assert.Equal(created.EmailAddress, updated.EmailAddress);
        Assert.Equal(profile, updated.ServerProfileId);
        Assert.True(updated.SyncOnlyFromThisOrganization);
        Assert.Equal(IncomingEmailDeliveryMethod.ServerSideSynchronization, updated.IncomingDeliveryMethod);
        Assert.NotEqual(created.Etag, updated.Etag);
    }

    [Fact]
    public async Task AnInactiveProfileCannotBeAssignedButOneThatBecameInactiveDoesNotBlockOtherEdits()
    {
        var profile = await ProfileAsync();
        var created = await Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), profile), Ct);
        var other = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);
        await app.ServerProfiles().UpdateServerProfileAsync(profile, new ServerProfilePatch { State = RecordState.Inactive }, cancellationToken: Ct);

        var renamed = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Still on the old profile" }, cancellationToken: Ct);
        Assert.Equal("Still on the old profile", renamed.Name);
        Assert.Equal(profile, renamed.ServerProfileId);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => Mailboxes.UpdateMailboxAsync(other.Id, new MailboxPatch { ServerProfileId = profile }, cancellationToken: Ct));
        Assert.Equal("ServerProfileInactive", error.Result.Code);
        Assert.Equal("serverProfileId", error.Result.Target);
        Assert.Null((await Mailboxes.GetMailboxAsync(other.Id, Ct)).ServerProfileId);
    }

    [Fact]
    public async Task ChangingTheAddressWithdrawsTheApprovalAndResetsTheStatuses()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), await ProfileAsync()), Ct);
        await ArrangeAsync(created.Id, DomainMailboxes.EmailApprovalStatus.Approved, tested: true);

        var updated = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { EmailAddress = $"{Guid.NewGuid():N}@contoso.com" }, cancellationToken: Ct);

        Assert.Equal(EmailApprovalStatus.PendingApproval, updated.ApprovalStatus);
        AssertUntestedAndDisabled(updated);
    }

    [Fact]
    public async Task ChangingADeliveryMethodResetsTheStatusesButKeepsTheApproval()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), await ProfileAsync()), Ct);
        await ArrangeAsync(created.Id, DomainMailboxes.EmailApprovalStatus.Approved, tested: true);

        var updated = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { ActDeliveryMethod = DeliveryMethod.None }, cancellationToken: Ct);

        Assert.Equal(EmailApprovalStatus.Approved, updated.ApprovalStatus);
        AssertUntestedAndDisabled(updated);
    }

    [Fact]
    public async Task ChangingTheNameOrTheCaseOfTheAddressKeepsTheApprovalAndTheStatuses()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithProfile(TestData.Mailbox(), await ProfileAsync()), Ct);
        await ArrangeAsync(created.Id, DomainMailboxes.EmailApprovalStatus.Approved, tested: true);

        var updated = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Renamed", EmailAddress = created.EmailAddress.ToUpperInvariant() }, cancellationToken: Ct);

        Assert.Equal(created.EmailAddress.ToUpperInvariant(), updated.EmailAddress);
        Assert.Equal(EmailApprovalStatus.Approved, updated.ApprovalStatus);
        Assert.Equal(SyncStatus.Success, updated.IncomingEmailStatus);
        Assert.True(updated.EnabledForIncomingEmail);
        Assert.True(updated.EnabledForAct);
        Assert.Equal("https://mail.contoso.com/EWS/Exchange.asmx", updated.EwsUrl);
    }

    [Fact]
    public async Task StaleIfMatchIsRefusedWith412AndCurrentOrWildcardIsAccepted()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);
        var current = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "First writer" }, created.Etag, Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Second writer" }, created.Etag, Ct));
        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
        Assert.Equal("First writer", (await Mailboxes.GetMailboxAsync(created.Id, Ct)).Name);

        var weak = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Weak" }, "W/" + current.Etag, Ct));
        Assert.Equal(412, weak.StatusCode);

        Assert.Equal("Wildcard", (await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Wildcard" }, "*", Ct)).Name);
    }

    [Fact]
    public async Task DeleteRemovesTheMailboxAndAnswers204AgainWhenItIsGone()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);

        await Mailboxes.DeleteMailboxAsync(created.Id, cancellationToken: Ct);
        await Mailboxes.DeleteMailboxAsync(created.Id, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.GetMailboxAsync(created.Id, Ct));
        Assert.Equal(404, error.StatusCode);

        // The address is free again.
        await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox(created.EmailAddress)), Ct);
    }

    [Fact]
    public async Task DeleteWithAStaleETagIsRefusedAndWithTheCurrentOneSucceeds()
    {
        var created = await Mailboxes.CreateMailboxAsync(WithoutSync(TestData.Mailbox()), Ct);
        var current = await Mailboxes.UpdateMailboxAsync(created.Id, new MailboxPatch { Name = "Changed" }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.DeleteMailboxAsync(created.Id, created.Etag, Ct));
        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
        Assert.Equal("Changed", (await Mailboxes.GetMailboxAsync(created.Id, Ct)).Name);

        await Mailboxes.DeleteMailboxAsync(created.Id, current.Etag, Ct);
        await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.GetMailboxAsync(created.Id, Ct));
    }

    [Fact]
    public async Task AConditionalDeleteOfAMissingMailboxIsRefused()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Mailboxes.DeleteMailboxAsync(Guid.NewGuid(), "\"1\"", Ct));

        Assert.Equal(412, error.StatusCode);
    }

    [Fact]
    public async Task CreateAppliesTheOrganizationDefaultsUnlessTheRequestSetsThem()
    {
        await using var fresh = new ExSyncApplication();
        var profile = await fresh.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var own = await fresh.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
        await fresh.Organization().UpdateOrganizationEmailSettingsAsync(
            new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.EmailRouter, OutgoingEmail = DefaultDeliveryMethod.None, AppointmentsContactsAndTasks = DefaultDeliveryMethod.ServerSideSynchronization },
            cancellationToken: Ct);

        var defaulted = await fresh.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        Assert.Equal(profile.Id, defaulted.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.EmailRouter, defaulted.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.None, defaulted.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.ServerSideSynchronization, defaulted.ActDeliveryMethod);

        var input = TestData.Mailbox();
        input.ServerProfileId = own.Id;
        input.IncomingDeliveryMethod = IncomingEmailDeliveryMethod.ForwardMailbox;
        input.OutgoingDeliveryMethod = DeliveryMethod.ServerSideSynchronization;
        input.ActDeliveryMethod = DeliveryMethod.Outlook;
        var explicitValues = await fresh.Mailboxes().CreateMailboxAsync(input, Ct);
        Assert.Equal(own.Id, explicitValues.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.ForwardMailbox, explicitValues.IncomingDeliveryMethod);
        Assert.Equal(DeliveryMethod.ServerSideSynchronization, explicitValues.OutgoingDeliveryMethod);
        Assert.Equal(DeliveryMethod.Outlook, explicitValues.ActDeliveryMethod);
    }

    [Fact]
    public async Task PatchWithNullResetsADeliveryMethodAndTheProfileToTheOrganizationDefault()
    {
        await using var fresh = new ExSyncApplication();
        var profile = await fresh.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var own = await fresh.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);
        await fresh.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { OutgoingEmail = DefaultDeliveryMethod.EmailRouter }, cancellationToken: Ct);
        var input = TestData.Mailbox();
        input.ServerProfileId = own.Id;
        input.OutgoingDeliveryMethod = DeliveryMethod.Outlook;
        var created = await fresh.Mailboxes().CreateMailboxAsync(input, Ct);

        var patch = new MailboxPatch().WithNull(m => m.OutgoingDeliveryMethod).WithNull(m => m.ServerProfileId);
        var updated = await fresh.Mailboxes().UpdateMailboxAsync(created.Id, patch, cancellationToken: Ct);

        Assert.Equal(DeliveryMethod.EmailRouter, updated.OutgoingDeliveryMethod);
        Assert.Equal(profile.Id, updated.ServerProfileId);
        Assert.Equal(IncomingEmailDeliveryMethod.ServerSideSynchronization, updated.IncomingDeliveryMethod);
    }

    private async Task<Guid> ProfileAsync(RecordState state = RecordState.Active)
    {
        var input = TestData.Profile();
        input.State = state;
        return (await app.ServerProfiles().CreateServerProfileAsync(input, Ct)).Id;
    }

    private static MailboxInput WithProfile(MailboxInput input, Guid profileId)
    {
        input.ServerProfileId = profileId;
        return input;
    }

    private static MailboxInput WithoutSync(MailboxInput input)
    {
        input.IncomingDeliveryMethod = IncomingEmailDeliveryMethod.None;
        input.OutgoingDeliveryMethod = DeliveryMethod.None;
        input.ActDeliveryMethod = DeliveryMethod.None;
        return input;
    }

    /// <summary>Creates a mailbox that needs no profile, named <paramref name="name"/>, and returns its id.</summary>
    private async Task<Guid> CreateAsync(string name, Action<MailboxInput>? change = null)
    {
        var input = WithoutSync(TestData.Mailbox());
        input.Name = name;
        change?.Invoke(input);
        return (await Mailboxes.CreateMailboxAsync(input, Ct)).Id;
    }

    private async Task<List<Guid>> ListIdsAsync(
        RecordState? state = null, Guid? serverProfileId = null, EmailApprovalStatus? approvalStatus = null, MailboxOwnerType? ownerType = null, string? search = null)
    {
        var page = await Mailboxes.ListMailboxesAsync(state, serverProfileId, approvalStatus, ownerType, search, pageSize: 1000, cancellationToken: Ct);
        Assert.Null(page.NextLink);
        return page.Value.Select(m => m.Id).ToList();
    }

    /// <summary>
    /// Puts a mailbox into the state that approval and a passed Test &amp; Enable leave it in. Neither has an API yet, so the
    /// test writes the columns directly.
    /// </summary>
    private async Task ArrangeAsync(Guid id, DomainMailboxes.EmailApprovalStatus approvalStatus, bool tested = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
        var rows = tested
            ? await db.Mailboxes.Where(m => m.Id == id).ExecuteUpdateAsync(
                s => s.SetProperty(m => m.ApprovalStatus, approvalStatus)
                    .SetProperty(m => m.IncomingEmailStatus, DomainMailboxes.SyncStatus.Success)
                    .SetProperty(m => m.OutgoingEmailStatus, DomainMailboxes.SyncStatus.Success)
                    .SetProperty(m => m.ActStatus, DomainMailboxes.SyncStatus.Success)
                    .SetProperty(m => m.EnabledForIncomingEmail, true)
                    .SetProperty(m => m.EnabledForOutgoingEmail, true)
                    .SetProperty(m => m.EnabledForAct, true)
                    .SetProperty(m => m.EwsUrl, "https://mail.contoso.com/EWS/Exchange.asmx"),
                Ct)
            : await db.Mailboxes.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ApprovalStatus, approvalStatus), Ct);
        Assert.Equal(1, rows);
    }

    private static void AssertUntestedAndDisabled(Mailbox mailbox)
    {
        Assert.Equal(SyncStatus.NotRun, mailbox.IncomingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.OutgoingEmailStatus);
        Assert.Equal(SyncStatus.NotRun, mailbox.ActStatus);
        Assert.False(mailbox.EnabledForIncomingEmail);
        Assert.False(mailbox.EnabledForOutgoingEmail);
        Assert.False(mailbox.EnabledForAct);
        Assert.Null(mailbox.EwsUrl);
    }
}
