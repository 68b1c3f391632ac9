using System.Net;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>The organization email settings are global, so every test starts an application of its own.</summary>
public sealed class OrganizationSettingsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ANewDeploymentSynchronizesServerSideRequiresApprovalAndRecordsEveryAlert()
    {
        await using var app = new ExSyncApplication();

        var settings = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);

        Assert.NotEqual(Guid.Empty, settings.OrganizationId);
        Assert.Null(settings.DefaultServerProfileId);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.IncomingEmail);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.OutgoingEmail);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, settings.AppointmentsContactsAndTasks);
        Assert.True(settings.ProcessEmailsOnlyForApprovedUsers);
        Assert.True(settings.ProcessEmailsOnlyForApprovedQueues);
        Assert.True(settings.Alerts.Errors);
        Assert.True(settings.Alerts.Warnings);
        Assert.True(settings.Alerts.Information);
        Assert.Equal(app.Time.GetUtcNow(), settings.ModifiedAt);
        Assert.Equal("\"1\"", settings.Etag);
    }

    [Fact]
    public async Task TheOrganizationIdIsKeptAcrossRestarts()
    {
        await using var app = new ExSyncApplication();
        var first = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);

        await using var restarted = app.Restarted();
        var again = await restarted.Organization().GetOrganizationEmailSettingsAsync(Ct);

        Assert.Equal(first.OrganizationId, again.OrganizationId);
        Assert.Equal(first.Etag, again.Etag);
    }

    [Fact]
    public async Task EachFieldCanBePatchedOnItsOwn()
    {
        await using var app = new ExSyncApplication();
        var organization = app.Organization();
        var before = await organization.GetOrganizationEmailSettingsAsync(Ct);

        var steps = new (OrganizationEmailSettingsInput Patch, Action<OrganizationEmailSettings> Expect)[]
        {
            (new() { IncomingEmail = DefaultDeliveryMethod.EmailRouter }, s => Assert.Equal(DefaultDeliveryMethod.EmailRouter, s.IncomingEmail)),
            (new() { OutgoingEmail = DefaultDeliveryMethod.None }, s => Assert.Equal(DefaultDeliveryMethod.None, s.OutgoingEmail)),
            (new() { AppointmentsContactsAndTasks = DefaultDeliveryMethod.None }, s => Assert.Equal(DefaultDeliveryMethod.None, s.AppointmentsContactsAndTasks)),
            (new() { ProcessEmailsOnlyForApprovedUsers = false }, s => Assert.False(s.ProcessEmailsOnlyForApprovedUsers)),
            (new() { ProcessEmailsOnlyForApprovedQueues = false }, s => Assert.False(s.ProcessEmailsOnlyForApprovedQueues)),
            (new() { Alerts = new AlertLevelSettingsInput { Warnings = false } }, s => Assert.False(s.Alerts.Warnings)),
            (new() { Alerts = new AlertLevelSettingsInput { Information = false } }, s => Assert.False(s.Alerts.Information)),
            (new() { Alerts = new AlertLevelSettingsInput { Errors = false } }, s => Assert.False(s.Alerts.Errors)),
        };

        var previous = before;
        var etags = new HashSet<string> { before.Etag };
        foreach (var (patch, expect) in steps)
        {
            var updated = await organization.UpdateOrganizationEmailSettingsAsync(patch, cancellationToken: Ct);
            expect(updated);
            expect(await organization.GetOrganizationEmailSettingsAsync(Ct));
            Assert.True(etags.Add(updated.Etag), "every change gets a new ETag");
            Assert.Equal(previous.OrganizationId, updated.OrganizationId);
            previous = updated;
        }

        // Each patch changed only its own field: the last state has every change, and nothing was reset on the way.
        Assert.Equal(DefaultDeliveryMethod.EmailRouter, previous.IncomingEmail);
        Assert.Equal(DefaultDeliveryMethod.None, previous.OutgoingEmail);
        Assert.Equal(DefaultDeliveryMethod.None, previous.AppointmentsContactsAndTasks);
        Assert.False(previous.ProcessEmailsOnlyForApprovedUsers);
        Assert.False(previous.ProcessEmailsOnlyForApprovedQueues);
        Assert.False(previous.Alerts.Errors || previous.Alerts.Warnings || previous.Alerts.Information);
    }

    [Fact]
    public async Task ANestedAlertPatchKeepsTheOtherAlertLevels()
    {
        await using var app = new ExSyncApplication();

        var updated = await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { Alerts = new AlertLevelSettingsInput { Warnings = false } }, cancellationToken: Ct);

        Assert.True(updated.Alerts.Errors);
        Assert.False(updated.Alerts.Warnings);
        Assert.True(updated.Alerts.Information);
    }

    [Fact]
    public async Task AnActiveProfileCanBecomeTheDefaultAndExplicitNullClearsIt()
    {
        await using var app = new ExSyncApplication();
        var organization = app.Organization();
        var profile = await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(), Ct);

        var set = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { DefaultServerProfileId = profile.Id }, cancellationToken: Ct);
        Assert.Equal(profile.Id, set.DefaultServerProfileId);
        Assert.True((await app.ServerProfiles().GetServerProfileAsync(profile.Id, Ct)).IsDefaultForNewMailboxes);

        // A patch that leaves the default out keeps it.
        var kept = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { ProcessEmailsOnlyForApprovedQueues = false }, cancellationToken: Ct);
        Assert.Equal(profile.Id, kept.DefaultServerProfileId);

        var cleared = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput().WithNull(s => s.DefaultServerProfileId), cancellationToken: Ct);
        Assert.Null(cleared.DefaultServerProfileId);
        Assert.Null((await organization.GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
        Assert.False((await app.ServerProfiles().GetServerProfileAsync(profile.Id, Ct)).IsDefaultForNewMailboxes);
    }

    [Fact]
    public async Task TheDefaultProfileMustExist()
    {
        await using var app = new ExSyncApplication();
        var before = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { DefaultServerProfileId = Guid.NewGuid(), IncomingEmail = DefaultDeliveryMethod.None }, cancellationToken: Ct));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("UnknownServerProfile", error.Result.Code);
        Assert.Equal("defaultServerProfileId", error.Result.Target);
        var after = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);
        Assert.Equal(before.Etag, after.Etag);
        Assert.Equal(DefaultDeliveryMethod.ServerSideSynchronization, after.IncomingEmail);
    }

    [Fact]
    public async Task TheDefaultProfileMustBeActive()
    {
        await using var app = new ExSyncApplication();
        var input = TestData.Profile();
        input.State = RecordState.Inactive;
        var inactive = await app.ServerProfiles().CreateServerProfileAsync(input, Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { DefaultServerProfileId = inactive.Id }, cancellationToken: Ct));

        Assert.Equal("ServerProfileInactive", error.Result.Code);
        Assert.Equal("defaultServerProfileId", error.Result.Target);
        Assert.Null((await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).DefaultServerProfileId);
    }

    [Fact]
    public async Task StaleIfMatchIsRefusedWith412AndCurrentOrWildcardIsAccepted()
    {
        await using var app = new ExSyncApplication();
        var organization = app.Organization();
        var original = await organization.GetOrganizationEmailSettingsAsync(Ct);
        var current = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.None }, original.Etag, Ct);

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.EmailRouter }, original.Etag, Ct));
        Assert.Equal(412, error.StatusCode);
        Assert.Equal("PreconditionFailed", error.Result.Code);
        Assert.Equal(DefaultDeliveryMethod.None, (await organization.GetOrganizationEmailSettingsAsync(Ct)).IncomingEmail);

        var weak = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.EmailRouter }, "W/" + current.Etag, Ct));
        Assert.Equal(412, weak.StatusCode);

        var wildcard = await organization.UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { IncomingEmail = DefaultDeliveryMethod.EmailRouter }, "*", Ct);
        Assert.Equal(DefaultDeliveryMethod.EmailRouter, wildcard.IncomingEmail);
    }

    [Theory]
    [InlineData("incomingEmail")]
    [InlineData("outgoingEmail")]
    [InlineData("appointmentsContactsAndTasks")]
    [InlineData("processEmailsOnlyForApprovedUsers")]
    [InlineData("processEmailsOnlyForApprovedQueues")]
    [InlineData("alerts")]
    public async Task NullForARequiredSettingIsRejected(string field)
    {
        await using var app = new ExSyncApplication();
        var before = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, "/api/v1/organization/email-settings", $$"""{"{{field}}":null}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Required", field)], response.Details);
        Assert.Equal(before.Etag, (await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).Etag);
    }

    [Fact]
    public async Task NullForARequiredEnumIsRejectedThroughTheClient()
    {
        await using var app = new ExSyncApplication();

        var error = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput().WithNull(s => s.OutgoingEmail), cancellationToken: Ct));

        Assert.Equal("ValidationFailed", error.Result.Code);
        Assert.Equal(("outgoingEmail", "Required"), (Assert.Single(error.Result.Details).Target, error.Result.Details[0].Code));
    }

    [Fact]
    public async Task NullForOneAlertLevelIsRejected()
    {
        await using var app = new ExSyncApplication();

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, "/api/v1/organization/email-settings", """{"alerts":{"errors":null}}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "ValidationFailed");
        Assert.Equal([("Required", "alerts.errors")], response.Details);
    }

    [Theory]
    [InlineData("organizationId", "\"3fa85f64-5717-4562-b3fc-2c963f66afa6\"", "ReadOnlyField")]
    [InlineData("modifiedAt", "\"2020-01-01T00:00:00Z\"", "ReadOnlyField")]
    [InlineData("etag", "\"\\\"1\\\"\"", "ReadOnlyField")]
    [InlineData("defaultProfileId", "null", "UnknownField")]
    public async Task ReadOnlyAndUnknownFieldsAreRejected(string field, string value, string code)
    {
        await using var app = new ExSyncApplication();
        var before = await app.Organization().GetOrganizationEmailSettingsAsync(Ct);

        var response = await app.CreateClient().SendAsync(HttpMethod.Patch, "/api/v1/organization/email-settings", $$"""{"{{field}}":{{value}}}""", RawHttp.MergePatch);

        response.AssertProblem(HttpStatusCode.BadRequest, "InvalidRequestBody");
        Assert.Equal([(code, field)], response.Details);
        Assert.Equal(before.Etag, (await app.Organization().GetOrganizationEmailSettingsAsync(Ct)).Etag);
    }

    [Fact]
    public async Task TheResponseCarriesTheETagHeader()
    {
        await using var app = new ExSyncApplication();
        var http = app.CreateClient();

        var read = await http.SendAsync(HttpMethod.Get, "/api/v1/organization/email-settings");
        var patched = await http.SendAsync(HttpMethod.Patch, "/api/v1/organization/email-settings", """{"incomingEmail":"None"}""", RawHttp.MergePatch);

        Assert.Equal("\"1\"", read.ETag);
        Assert.Equal(read.Json!["etag"]!.GetValue<string>(), read.ETag);
        Assert.Equal("\"2\"", patched.ETag);
        Assert.Equal(patched.Json!["etag"]!.GetValue<string>(), patched.ETag);
    }
}
