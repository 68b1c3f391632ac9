using System.Net;
using ExSync.Persistence;
using ExSync.Engine.Secrets;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests;

/// <summary>PATCH and DELETE of server profiles. Tests that change the organization default start an application of their own.</summary>
public sealed class ServerProfileUpdateTests(ExSyncApplication app) : IClassFixture<ExSyncApplication>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServerProfilesClient Profiles => app.ServerProfiles();

    [Fact]
    public async Task PatchReplacesTheFieldsItNamesAndKeepsTheOthersIncludingNestedOnes()
    {
        var input = TestData.Profile();
        input.Advanced = new ServerProfileAdvancedOptionsInput { ConnectionTimeoutSeconds = 45, MinPollingIntervalMinutes = 15, SendAlertToOwnerOnMajorFailures = true };
        var created = await Profiles.CreateServerProfileAsync(input, Ct);

        var patch = new ServerProfilePatch { Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 25 } };
        var updated = await Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct);

        Assert.Equal(25, updated.Advanced.MaxConcurrentConnections);
        Assert.Equal(45, updated.Advanced.ConnectionTimeoutSeconds);
        Assert.Equal(15, updated.Advanced.MinPollingIntervalMinutes);
        Assert.True(updated.Advanced.SendAlertToOwnerOnMajorFailures);
        Assert.Equal(created.Name, updated.Name);
        Assert.Equal(created.Description, updated.Description);
        Assert.Equal(created.Incoming.ServerLocation, updated.Incoming.ServerLocation);
        Assert.Equal(AuthenticationProtocol.Basic, updated.Incoming.AuthenticationProtocol);
        Assert.Equal(created.Owner.EmailAddress, updated.Owner.EmailAddress);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.NotEqual(created.Etag, updated.Etag);

        var read = await Profiles.GetServerProfileAsync(created.Id, Ct);
        Assert.Equal(25, read.Advanced.MaxConcurrentConnections);
        Assert.Equal(updated.Etag, read.Etag);
    }

    [Fact]
    public async Task PatchRecordsTheModificationTimeAndKeepsTheCreationTime()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        app.Time.Advance(TimeSpan.FromHours(1));

        var updated = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "an hour later" }, cancellationToken: Ct);

        Assert.Equal(app.Time.GetUtcNow(), updated.ModifiedAt);
        Assert.Equal(created.CreatedAt, updated.CreatedAt);
        Assert.True(updated.ModifiedAt > created.ModifiedAt);
    }

    [Fact]
    public async Task ExplicitNullRemovesTheDescription()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        Assert.NotNull(created.Description);

        var updated = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch().WithNull(p => p.Description), cancellationToken: Ct);

        Assert.Null(updated.Description);
        Assert.Null((await Profiles.GetServerProfileAsync(created.Id, Ct)).Description);
        Assert.Equal(created.Name, updated.Name);
    }

    [Fact]
    public async Task PasswordIsKeptWhenOmittedAndReplacedWhenSent()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var renamed = new ServerProfilePatch
        {
            Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { UserName = "svc-other@contoso.com" } },
        };
        var afterRename = await Profiles.UpdateServerProfileAsync(created.Id, renamed, cancellationToken: Ct);
        Assert.Equal("svc-other@contoso.com", afterRename.Authentication.Impersonation!.UserName);
        Assert.True(afterRename.Authentication.Impersonation.PasswordSet);
        Assert.Equal(TestData.Password, await StoredPasswordAsync(created.Id));

        var replaced = new ServerProfilePatch
        {
            Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = "A-New-Password-2" } },
        };
        var afterReplace = await Profiles.UpdateServerProfileAsync(created.Id, replaced, cancellationToken: Ct);
        Assert.True(afterReplace.Authentication.Impersonation!.PasswordSet);
        Assert.Equal("svc-other@contoso.com", afterReplace.Authentication.Impersonation.UserName);
        Assert.Equal("A-New-Password-2", await StoredPasswordAsync(created.Id));
    }

    [Fact]
    public async Task SwitchingToHybridModernAuthDiscardsTheImpersonationSettings()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var updated = await Profiles.UpdateServerProfileAsync(created.Id, SwitchToHybridModernAuth(), cancellationToken: Ct);

        Assert.Equal(ProfileAuthenticationType.HybridModernAuth, updated.Authentication.Type);
        Assert.Null(updated.Authentication.Impersonation);
        Assert.True(updated.Authentication.HybridModernAuth!.ClientSecretSet);
        Assert.Equal("contoso.onmicrosoft.com", updated.Authentication.HybridModernAuth.TenantId);

        await using var scope = app.Services.CreateAsyncScope();
        var stored = await scope.ServiceProvider.GetRequiredService<ExSyncDbContext>().ServerProfiles.AsNoTracking().SingleAsync(p => p.Id == created.Id, Ct);
        Assert.Null(stored.Authentication.Impersonation);
    }

    [Fact]
    public async Task SwitchingTheAuthenticationTypeWithoutTheNewTypesSettingsIsRejected()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var patch = new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Type = ProfileAuthenticationType.HybridModernAuth } };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal("ValidationFailed", error.Result.Code);
        Assert.Contains(error.Result.Details, d => d.Target == "authentication.hybridModernAuth" && d.Code == "Required");
        var read = await Profiles.GetServerProfileAsync(created.Id, Ct);
        Assert.Equal(ProfileAuthenticationType.Impersonation, read.Authentication.Type);
        Assert.Equal(created.Etag, read.Etag);
    }

    [Fact]
    public async Task TurningMirroringOnDropsTheStaleOutgoingSettingsAndOutgoingThenFollowsIncoming()
    {
        var input = TestData.Profile();
        input.UseSameSettingsForOutgoing = false;
        input.Outgoing = new ServerProfileConnectionInput { ServerLocation = "https://smtp.contoso.com/EWS/Exchange.asmx", AuthenticationProtocol = AuthenticationProtocol.Ntlm };
        var created = await Profiles.CreateServerProfileAsync(input, Ct);
        Assert.Equal("https://smtp.contoso.com/EWS/Exchange.asmx", created.Outgoing.ServerLocation);

        var mirrored = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { UseSameSettingsForOutgoing = true }, cancellationToken: Ct);
        Assert.True(mirrored.UseSameSettingsForOutgoing);
        Assert.Equal(mirrored.Incoming.ServerLocation, mirrored.Outgoing.ServerLocation);
        Assert.Equal(AuthenticationProtocol.Basic, mirrored.Outgoing.AuthenticationProtocol);

        var moved = new ServerProfilePatch { Incoming = new ServerProfileConnectionInput { ServerLocation = "https://ex2019.contoso.com/EWS/Exchange.asmx" } };
        var afterMove = await Profiles.UpdateServerProfileAsync(created.Id, moved, cancellationToken: Ct);
        Assert.Equal("https://ex2019.contoso.com/EWS/Exchange.asmx", afterMove.Outgoing.ServerLocation);
    }

    [Fact]
    public async Task SendingOutgoingSettingsWhileMirroringIsRejected()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var patch = new ServerProfilePatch { Outgoing = new ServerProfileConnectionInput { ServerLocation = "https://smtp.contoso.com/EWS/Exchange.asmx" } };

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal(400, error.StatusCode);
        var detail = Assert.Single(error.Result.Details);
        Assert.Equal("outgoing", detail.Target);
        Assert.Equal("NotAllowed", detail.Code);
        Assert.Contains("useSameSettingsForOutgoing", detail.Message);
    }

    [Fact]
    public async Task TurningMirroringOnWhileSendingOutgoingSettingsIsRejected()
    {
        var input = TestData.Profile();
        input.UseSameSettingsForOutgoing = false;
        input.Outgoing = new ServerProfileConnectionInput { ServerLocation = "https://smtp.contoso.com/EWS/Exchange.asmx" };
        var created = await Profiles.CreateServerProfileAsync(input, Ct);

        var patch = new ServerProfilePatch { UseSameSettingsForOutgoing = true, Outgoing = new ServerProfileConnectionInput { ServerLocation = "https://smtp2.contoso.com/EWS/Exchange.asmx" } };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal("outgoing", Assert.Single(error.Result.Details).Target);
    }

    [Fact]
    public async Task InvalidValuesInAPatchAreReportedPerField()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var patch = new ServerProfilePatch
        {
            Name = new string('n', 101),
            Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 0 },
            Incoming = new ServerProfileConnectionInput { ServerLocation = "http://mail.contoso.com/EWS/Exchange.asmx" },
        };

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal("ValidationFailed", error.Result.Code);
        Assert.Contains(error.Result.Details, d => d.Target == "name" && d.Code == "TooLong");
        Assert.Contains(error.Result.Details, d => d.Target == "advanced.maxConcurrentConnections" && d.Code == "OutOfRange");
        Assert.Contains(error.Result.Details, d => d.Target == "incoming.serverLocation" && d.Code == "InsecureUrl");
        Assert.Equal(created.Etag, (await Profiles.GetServerProfileAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task RemovingTheOwnersEmailAddressIsReportedOnceAsRequired()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var patch = new ServerProfilePatch { Owner = new ServerProfileOwnerPatch().WithNull(o => o.EmailAddress) };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        var detail = Assert.Single(error.Result.Details);
        Assert.Equal(("owner.emailAddress", "Required"), (detail.Target, detail.Code));
    }

    [Fact]
    public async Task RemovingTheNameWithNullIsRejected()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch().WithNull(p => p.Name), cancellationToken: Ct));

        Assert.Equal(("name", "Required"), (Assert.Single(error.Result.Details).Target, error.Result.Details[0].Code));
    }

    [Fact]
    public async Task StaleIfMatchIsRefusedWith412AndTheProfileIsLeftUnchanged()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var current = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "first writer" }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "second writer" }, created.Etag, Ct));

        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
        Assert.Contains(current.Etag, error.Result.Detail);
        var read = await Profiles.GetServerProfileAsync(created.Id, Ct);
        Assert.Equal("first writer", read.Description);
        Assert.Equal(current.Etag, read.Etag);
    }

    [Fact]
    public async Task CurrentETagOrWildcardAllowsTheChange()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var first = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "with the current ETag" }, created.Etag, Ct);
        var second = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "with a wildcard" }, "*", Ct);
        var third = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "with a list" }, $"\"999\", {second.Etag}", Ct);

        Assert.Equal("with the current ETag", first.Description);
        Assert.Equal("with a wildcard", second.Description);
        Assert.Equal("with a list", third.Description);
        Assert.Equal(3, new[] { first.Etag, second.Etag, third.Etag }.Distinct().Count());
    }

    [Fact]
    public async Task AWeakETagNeverSatisfiesIfMatch()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "weak" }, "W/" + created.Etag, Ct));

        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
    }

    [Fact]
    public async Task AGarbledIfMatchIsRefusedWith412()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"description":"x"}""", RawHttp.MergePatch, ifMatch: "1");

        response.AssertProblem(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
    }

    [Theory]
    [InlineData("id", "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"")]
    [InlineData("createdAt", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("modifiedAt", "\"2020-01-01T00:00:00Z\"")]
    [InlineData("isDefaultForNewMailboxes", "true")]
    [InlineData("etag", "\"\\\"7\\\"\"")]
    public async Task ReadOnlyFieldsAreRejectedByName(string field, string value)
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", $$"""{"description":"x","{{field}}":{{value}}}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("ReadOnlyField", field)], response.Details);
        Assert.Equal(created.Etag, (await Profiles.GetServerProfileAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task ReadOnlyFieldsAreRejectedOnCreateToo()
    {
        var response = await app.CreateClient().SendAsync(HttpMethod.Post, "/api/v1/server-profiles", """{"name":"x","isDefaultForNewMailboxes":true}""");

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("ReadOnlyField", "isDefaultForNewMailboxes")], response.Details);
    }

    [Fact]
    public async Task AReadOnlyFieldInsideANestedObjectIsRejected()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var response = await app.CreateClient().SendAsync(
            HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"authentication":{"impersonation":{"passwordSet":false}}}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal("authentication.impersonation.passwordSet", Assert.Single(response.Details).Target);
    }

    [Fact]
    public async Task UnknownFieldsAreRejectedWithAHint()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var http = app.CreateClient();

        var misspelt = await http.SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"descripton":"x"}""", RawHttp.MergePatch);
        var wrongCase = await http.SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"Description":"x"}""", RawHttp.MergePatch);
        var nested = await http.SendAsync(HttpMethod.Patch, $"/api/v1/server-profiles/{created.Id}", """{"advanced":{"pollingInterval":5}}""", RawHttp.MergePatch);

        misspelt.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([("UnknownField", "descripton")], misspelt.Details);
        Assert.Contains("Known fields:", misspelt.MessageFor("descripton"));
        Assert.Contains("description", misspelt.MessageFor("descripton"));
        Assert.Equal([("UnknownField", "Description")], wrongCase.Details);
        Assert.Contains("Did you mean 'description'?", wrongCase.MessageFor("Description"));
        Assert.Equal([("UnknownField", "advanced.pollingInterval")], nested.Details);
        Assert.Equal(created.Etag, (await Profiles.GetServerProfileAsync(created.Id, Ct)).Etag);
    }

    [Fact]
    public async Task RenamingToAnotherProfilesNameIsAConflictButChangingTheCaseOfItsOwnNameIsNot()
    {
        var taken = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Name = " " + taken.Name.ToLowerInvariant() + " " }, cancellationToken: Ct));
        Assert.Equal(409, error.StatusCode);
        Assert.Equal("ServerProfileNameConflict", error.Result.Code);
        Assert.Equal("name", error.Result.Target);

        var recased = await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Name = created.Name.ToUpperInvariant() }, cancellationToken: Ct);
        Assert.Equal(created.Name.ToUpperInvariant(), recased.Name);
    }

    [Fact]
    public async Task PatchOfAMissingProfileIsNotFound()
    {
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => Profiles.UpdateServerProfileAsync(Guid.NewGuid(), new ServerProfilePatch { Description = "x" }, cancellationToken: Ct));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("ServerProfileNotFound", error.Result.Code);
    }

    [Fact]
    public async Task AnInactiveProfileCannotBecomeTheDefault()
    {
        var input = TestData.Profile();
        input.State = RecordState.Inactive;
        var inactive = await Profiles.CreateServerProfileAsync(input, Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => Profiles.UpdateServerProfileAsync(inactive.Id, new ServerProfilePatch { SetAsDefaultForNewMailboxes = true }, cancellationToken: Ct));

        Assert.Equal("ServerProfileInactive", error.Result.Code);
        Assert.Equal("setAsDefaultForNewMailboxes", error.Result.Target);
        Assert.NotEqual(inactive.Id, (await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
        Assert.False((await Profiles.GetServerProfileAsync(inactive.Id, Ct)).IsDefaultForNewMailboxes);
    }

    [Fact]
    public async Task DeactivatingAndSettingAsDefaultInOneRequestIsRejectedAsAWhole()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var patch = new ServerProfilePatch { State = RecordState.Inactive, SetAsDefaultForNewMailboxes = true };
        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal("ServerProfileInactive", error.Result.Code);
        var read = await Profiles.GetServerProfileAsync(created.Id, Ct);
        Assert.Equal(RecordState.Active, read.State);
        Assert.Equal(created.Etag, read.Etag);
    }

    [Fact]
    public async Task CreatingAnInactiveProfileAsTheDefaultIsRejectedAndCreatesNothing()
    {
        var input = TestData.Profile(setAsDefault: true);
        input.State = RecordState.Inactive;

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.CreateServerProfileAsync(input, Ct));

        Assert.Equal("ServerProfileInactive", error.Result.Code);
        var all = await Profiles.ListServerProfilesAsync(pageSize: 1000, cancellationToken: Ct);
        Assert.DoesNotContain(all.Value, p => p.Name == input.Name);
    }

    [Fact]
    public async Task DeleteRemovesTheProfile()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        await Profiles.DeleteServerProfileAsync(created.Id, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Profiles.GetServerProfileAsync(created.Id, Ct));
        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task DeleteWithTheCurrentETagRemovesTheProfile()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        await Profiles.DeleteServerProfileAsync(created.Id, created.Etag, Ct);

        await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Profiles.GetServerProfileAsync(created.Id, Ct));
    }

    [Fact]
    public async Task DeleteOfAMissingProfileAnswers204UnlessItIsConditional()
    {
        var response = await app.CreateClient().SendAsync(HttpMethod.Delete, $"/api/v1/server-profiles/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, response.Status);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Profiles.DeleteServerProfileAsync(Guid.NewGuid(), "\"1\"", Ct));
        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
    }

    [Fact]
    public async Task DeleteWithAStaleETagIsRefusedAndKeepsTheProfile()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        await Profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { Description = "changed since" }, cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Profiles.DeleteServerProfileAsync(created.Id, created.Etag, Ct));

        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
        Assert.Equal("changed since", (await Profiles.GetServerProfileAsync(created.Id, Ct)).Description);
    }

    [Fact]
    public async Task DeleteOfAProfileThatMailboxesUseIsAConflictNamingTheMailboxCount()
    {
        var profile = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var mailboxes = app.Mailboxes();
        for (var i = 0; i < 2; i++)
        {
            var mailbox = TestData.Mailbox();
            mailbox.ServerProfileId = profile.Id;
            await mailboxes.CreateMailboxAsync(mailbox, Ct);
        }

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => Profiles.DeleteServerProfileAsync(profile.Id, cancellationToken: Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("ServerProfileInUse", error.Result.Code);
        Assert.Contains("2 mailboxes use it", error.Result.Detail);
        Assert.DoesNotContain("default", error.Result.Detail);
        Assert.Equal(profile.Id, (await Profiles.GetServerProfileAsync(profile.Id, Ct)).Id);
    }

    [Fact]
    public async Task ARemovedPasswordIsReportedAsRequired()
    {
        var created = await Profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var patch = new ServerProfilePatch
        {
            Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch().WithNull(i => i.Password) },
        };

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(() => Profiles.UpdateServerProfileAsync(created.Id, patch, cancellationToken: Ct));

        Assert.Equal("PasswordRequired", error.Result.Code);
        Assert.Equal(TestData.Password, await StoredPasswordAsync(created.Id));
    }

    [Fact]
    public async Task SetAsDefaultMakesTheProfileTheOrganizationDefaultAndFalseStopsIt()
    {
        await using var fresh = new ExSyncApplication();
        var profiles = fresh.ServerProfiles();
        var organization = fresh.Organization();
        var first = await profiles.CreateServerProfileAsync(TestData.Profile(), Ct);
        var second = await profiles.CreateServerProfileAsync(TestData.Profile(), Ct);

        var madeDefault = await profiles.UpdateServerProfileAsync(first.Id, new ServerProfilePatch { SetAsDefaultForNewMailboxes = true }, cancellationToken: Ct);
        Assert.True(madeDefault.IsDefaultForNewMailboxes);
        Assert.True((await profiles.GetServerProfileAsync(first.Id, Ct)).IsDefaultForNewMailboxes);
        Assert.Equal(first.Id, (await organization.GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);

        await profiles.UpdateServerProfileAsync(second.Id, new ServerProfilePatch { SetAsDefaultForNewMailboxes = true }, cancellationToken: Ct);
        Assert.False((await profiles.GetServerProfileAsync(first.Id, Ct)).IsDefaultForNewMailboxes);
        Assert.Equal(second.Id, (await organization.GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
        var listed = await profiles.ListServerProfilesAsync(cancellationToken: Ct);
        Assert.Equal([second.Id], listed.Value.Where(p => p.IsDefaultForNewMailboxes).Select(p => p.Id));

        // False on a profile that is not the default must not clear someone else's default.
        await profiles.UpdateServerProfileAsync(first.Id, new ServerProfilePatch { SetAsDefaultForNewMailboxes = false }, cancellationToken: Ct);
        Assert.Equal(second.Id, (await organization.GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);

        var cleared = await profiles.UpdateServerProfileAsync(second.Id, new ServerProfilePatch { SetAsDefaultForNewMailboxes = false }, cancellationToken: Ct);
        Assert.False(cleared.IsDefaultForNewMailboxes);
        Assert.Null((await organization.GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
    }

    [Fact]
    public async Task CreatingAProfileAsTheDefaultUpdatesTheOrganizationSettings()
    {
        await using var fresh = new ExSyncApplication();

        var created = await fresh.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);

        Assert.True(created.IsDefaultForNewMailboxes);
        Assert.Equal(created.Id, (await fresh.Organization().GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
    }

    [Fact]
    public async Task DeactivatingTheOrganizationDefaultIsAConflict()
    {
        await using var fresh = new ExSyncApplication();
        var profiles = fresh.ServerProfiles();
        var created = await profiles.CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => profiles.UpdateServerProfileAsync(created.Id, new ServerProfilePatch { State = RecordState.Inactive }, cancellationToken: Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("DefaultServerProfileCannotBeDeactivated", error.Result.Code);
        Assert.Equal("state", error.Result.Target);
        Assert.Equal(RecordState.Active, (await profiles.GetServerProfileAsync(created.Id, Ct)).State);
    }

    [Fact]
    public async Task DeleteOfTheOrganizationDefaultIsAConflictThatSaysSo()
    {
        await using var fresh = new ExSyncApplication();
        var profiles = fresh.ServerProfiles();
        var created = await profiles.CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => profiles.DeleteServerProfileAsync(created.Id, cancellationToken: Ct));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal("ServerProfileInUse", error.Result.Code);
        Assert.Contains("default profile for new mailboxes", error.Result.Detail);
        Assert.DoesNotContain("mailbox uses", error.Result.Detail);

        // A mailbox created now gets the default profile, and the conflict names both reasons.
        await fresh.Mailboxes().CreateMailboxAsync(TestData.Mailbox(), Ct);
        error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => profiles.DeleteServerProfileAsync(created.Id, cancellationToken: Ct));
        Assert.Contains("default profile for new mailboxes", error.Result.Detail);
        Assert.Contains("1 mailbox uses it", error.Result.Detail);
    }

    private static ServerProfilePatch SwitchToHybridModernAuth() => new()
    {
        Authentication = new ServerProfileAuthenticationPatch
        {
            Type = ProfileAuthenticationType.HybridModernAuth,
            HybridModernAuth = new ServerProfileHybridModernAuthPatch
            {
                TenantId = "contoso.onmicrosoft.com",
                ClientId = "0b7bd0a6-1e44-4c7a-9b0e-52d2c9d8b1a0",
                ResourceUri = "https://mail.contoso.com",
                ClientSecret = "hma-client-secret",
            },
        },
    };

    private async Task<string?> StoredPasswordAsync(Guid id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var profile = await scope.ServiceProvider.GetRequiredService<ExSyncDbContext>().ServerProfiles.AsNoTracking().SingleAsync(p => p.Id == id, Ct);
        return profile.Authentication.Impersonation?.Password is { } secret ? scope.ServiceProvider.GetRequiredService<SecretProtector>().Unprotect(secret) : null;
    }
}
