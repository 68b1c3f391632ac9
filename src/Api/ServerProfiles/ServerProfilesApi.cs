using System.ComponentModel;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Engine.Secrets;
using ExSync.Engine.TestAndEnable;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Audit;
using ExSync.Domain.Common;
using ExSync.Domain.ServerProfiles;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.ServerProfiles;

/// <summary>Email server profiles: where Exchange is and how ExSync authenticates to it.</summary>
public static class ServerProfilesApi
{
    public static RouteGroupBuilder MapServerProfiles(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/server-profiles")
            .WithTags("ServerProfiles")
            .RequireAuthorization(Privileges.Administrator)
            .WithBodyValidation();

        group.MapGet("/", ListServerProfiles)
            .WithName("ListServerProfiles")
            .WithSummary("List server profiles")
            .WithDescription("Returns the server profiles in creation order, one page at a time. Follow nextLink for the next page.");

        group.MapPost("/", CreateServerProfile)
            .WithName("CreateServerProfile")
            .WithSummary("Create a server profile")
            .WithDescription("Creates a profile. Passwords and client secrets are encrypted at rest and never returned. " +
                             "Set setAsDefaultForNewMailboxes to make it the organization's default for new mailboxes.")
            .WithRequestExample("impersonation", "Exchange on-premises with an impersonation service account", ServerProfileExamples.Impersonation)
            .WithRequestExample("hybridModernAuth", "Exchange with Hybrid Modern Auth, found by autodiscover", ServerProfileExamples.HybridModernAuth);

        group.MapGet("/{id}", GetServerProfile)
            .WithName("GetServerProfile")
            .WithSummary("Get a server profile")
            .WithDescription("Returns one profile, with its ETag.");

        group.MapPatch("/{id}", UpdateServerProfile)
            .WithName("UpdateServerProfile")
            .WithSummary("Update a server profile")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396): fields present replace the stored ones, null removes a value, " +
                             "absent fields are kept. Secrets left out are kept. Changing the authentication type discards the other type's settings. " +
                             "Send If-Match with the ETag you read to avoid overwriting someone else's change. " +
                             "Changing the credentials (authentication type, account, application, password or client secret, including sending the same secret again) " +
                             "retries the profile's mailboxes that failed on credentials (AuthenticationFailed, AutodiscoverAuthenticationFailed, OAuthClientAuthenticationFailed): " +
                             "their failing synchronization runs at once, and those Test & Enable disabled get a RetestAfterCredentialsChange job.")
            .WithRequestExample("patch", "A new description and more connections", ServerProfileExamples.Patch);

        group.MapDelete("/{id}", DeleteServerProfile)
            .WithName("DeleteServerProfile")
            .WithSummary("Delete a server profile")
            .WithDescription("Deletes a profile that no mailbox uses and that is not the organization default (409 otherwise, naming the reason). " +
                             "Answers 204 also when the profile does not exist.");

        return group;
    }

    public static async Task<Ok<Page<ServerProfileResource>>> ListServerProfiles(
        [AsParameters] ServerProfileServices services,
        [Description("Only profiles in this state.")] RecordState? state,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterKey(continuationToken);
        var query = services.Db.ServerProfiles.AsNoTracking();
        if (state is not null)
        {
            query = query.Where(p => p.State == state);
        }

        if (after is not null)
        {
            query = query.Where(p => p.Id.CompareTo(after.Value) > 0);
        }

        var rows = await query.OrderBy(p => p.Id).Take(size + 1).ToListAsync(cancellationToken);
        var defaultProfileId = await services.Db.DefaultServerProfileIdAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, p => p.Id, p => p.ToResource(defaultProfileId), request));
    }

    public static Task<Results<Created<ServerProfileResource>, BadRequestProblem, ConflictProblem>> CreateServerProfile(
        JsonBody<ServerProfileInput> body,
        [AsParameters] ServerProfileServices services,
        HttpResponse response,
        CancellationToken cancellationToken) =>
        // Making the profile the default changes the organization settings, which an administrator may be changing too.
        services.Db.WriteAsync(() => CreateOnceAsync(body.Value, services, response, cancellationToken), cancellationToken);

    private static async Task<Results<Created<ServerProfileResource>, BadRequestProblem, ConflictProblem>> CreateOnceAsync(
        ServerProfileInput input,
        ServerProfileServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        if (await services.NameTakenAsync(input.Name!, exceptId: null, cancellationToken))
        {
            return NameConflict(input.Name!);
        }

        var now = services.Time.GetUtcNow();
        var profile = ServerProfile.Create(services.Ids.Next(), input.ToSettings(services.Secrets, stored: null), now);
        services.Db.ServerProfiles.Add(profile);

        var organization = await services.Db.OrganizationSettingsAsync(cancellationToken);
        if (input.SetAsDefaultForNewMailboxes is { } isDefault)
        {
            organization.SetDefaultServerProfile(profile, isDefault, now);
        }

        services.Audit.Record(
            AuditOperations.ServerProfileCreated,
            nameof(ServerProfile),
            profile.Id,
            before: null,
            after: profile.ToInput() with { SetAsDefaultForNewMailboxes = organization.DefaultServerProfileId == profile.Id },
            ChangedSecrets(input).Select(AuditTrail.Secret));
        await services.Db.SaveChangesAsync(cancellationToken);

        var resource = profile.ToResource(organization.DefaultServerProfileId);
        response.SetETag(resource.ETag);
        return TypedResults.Created(ResourceUrls.Absolute(response.HttpContext.Request, $"/api/v1/server-profiles/{profile.Id}"), resource);
    }

    public static async Task<Results<Ok<ServerProfileResource>, NotFoundProblem>> GetServerProfile(
        Guid id,
        [AsParameters] ServerProfileServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var profile = await services.Db.FindServerProfileAsync(id, cancellationToken);
        if (profile is null)
        {
            return NotFound(id);
        }

        var resource = profile.ToResource(await services.Db.DefaultServerProfileIdAsync(cancellationToken));
        response.SetETag(resource.ETag);
        return TypedResults.Ok(resource);
    }

    public static async Task<Results<Ok<ServerProfileResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem>> UpdateServerProfile(
        Guid id,
        MergePatch<ServerProfileInput> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the profile's ETag still matches.")] string? ifMatch,
        [AsParameters] ServerProfileServices services,
        CredentialsChangeRetry credentialsRetry,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var (result, credentialsChanged) = await services.Db.WriteAsync(() => UpdateOnceAsync(id, patch, ifMatch, services, response, cancellationToken), cancellationToken);

        // After the save, not within it: the retry reads the saved profile, and runs and retests must not start with the old credentials.
        if (credentialsChanged)
        {
            services.Db.ChangeTracker.Clear();
            await credentialsRetry.RetryFailedMailboxesAsync(id, cancellationToken);
        }

        return result;
    }

    private static async Task<(Results<Ok<ServerProfileResource>, BadRequestProblem, NotFoundProblem, ConflictProblem, PreconditionFailedProblem> Result, bool CredentialsChanged)> UpdateOnceAsync(
        Guid id,
        MergePatch<ServerProfileInput> patch,
        string? ifMatch,
        ServerProfileServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var profile = await services.Db.ServerProfiles.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (profile is null)
        {
            return (NotFound(id), false);
        }

        if (!ETags.Matches(ifMatch, ETags.For(profile.Revision)))
        {
            return (Problem.PreconditionFailed(ETags.For(profile.Revision)), false);
        }

        var input = DropStaleSettings(patch.ApplyTo(profile.ToInput()), patch);
        if (await services.Validator.ProblemIfInvalidAsync(input, cancellationToken) is { } invalid)
        {
            return (invalid, false);
        }

        if (await services.NameTakenAsync(input.Name!, exceptId: id, cancellationToken))
        {
            return (NameConflict(input.Name!), false);
        }

        var organization = await services.Db.OrganizationSettingsAsync(cancellationToken);
        var unchanged = profile.ToResource(organization.DefaultServerProfileId);
        var before = profile.ToInput() with { SetAsDefaultForNewMailboxes = organization.DefaultServerProfileId == profile.Id };
        var now = services.Time.GetUtcNow();
        var stored = KeepStoredSecrets(profile.Authentication, patch);
        var credentialsBefore = profile.Authentication;
        profile.Update(input.ToSettings(services.Secrets, stored), organization.DefaultServerProfileId == profile.Id, now);
        if (input.SetAsDefaultForNewMailboxes is { } isDefault)
        {
            organization.SetDefaultServerProfile(profile, isDefault, now);
        }

        // Secrets are write-only and stored encrypted, so a patch that sends one counts as a change even if it is the stored one:
        // telling them apart would mean decrypting the stored secret to compare, and resending a password is how it is confirmed.
        var changed = services.Audit.Record(
            AuditOperations.ServerProfileUpdated,
            nameof(ServerProfile),
            profile.Id,
            before,
            profile.ToInput() with { SetAsDefaultForNewMailboxes = organization.DefaultServerProfileId == profile.Id },
            SecretFields.Where(path => patch.Mentions(path.Split('.'))).Select(AuditTrail.Secret));
        if (!changed)
        {
            // The profile as it was, unsaved: same ETag, same modification time.
            response.SetETag(unchanged.ETag);
            return (TypedResults.Ok(unchanged), false);
        }

        await services.Db.SaveChangesAsync(cancellationToken);
        var resource = profile.ToResource(organization.DefaultServerProfileId);
        response.SetETag(resource.ETag);
        return (TypedResults.Ok(resource), CredentialsChanged(credentialsBefore, profile.Authentication));
    }

    /// <summary>
    /// Whether the profile authenticates differently now: another method, account, application or secret. A secret sent again counts
    /// (it is encrypted afresh, and resending a password is how an administrator says it was fixed), as it does in the audit trail.
    /// </summary>
    private static bool CredentialsChanged(ProfileAuthentication before, ProfileAuthentication after) => before != after;

    public static Task<Results<NoContent, ConflictProblem, PreconditionFailedProblem>> DeleteServerProfile(
        Guid id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the profile's ETag still matches.")] string? ifMatch,
        [AsParameters] ServerProfileServices services,
        CancellationToken cancellationToken) =>
        services.Db.WriteAsync(() => DeleteOnceAsync(id, ifMatch, services, cancellationToken), cancellationToken);

    private static async Task<Results<NoContent, ConflictProblem, PreconditionFailedProblem>> DeleteOnceAsync(
        Guid id,
        string? ifMatch,
        ServerProfileServices services,
        CancellationToken cancellationToken)
    {
        var profile = await services.Db.ServerProfiles.SingleOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (profile is null)
        {
            // Deleting is idempotent, but a conditional delete of something that is gone cannot be satisfied (RFC 9110 §13.1.1).
            return string.IsNullOrWhiteSpace(ifMatch) ? TypedResults.NoContent() : Problem.PreconditionFailed("(none: the profile does not exist)");
        }

        if (!ETags.Matches(ifMatch, ETags.For(profile.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(profile.Revision));
        }

        var mailboxCount = await services.Db.Mailboxes.CountAsync(m => m.ServerProfileId == id, cancellationToken);
        var isDefault = await services.Db.DefaultServerProfileIdAsync(cancellationToken) == id;
        profile.EnsureCanBeDeleted(mailboxCount, isDefault);

        services.Db.ServerProfiles.Remove(profile);
        services.Audit.Record(AuditOperations.ServerProfileDeleted, nameof(ServerProfile), profile.Id, profile.ToInput(), after: null);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// After a merge, settings the patch made irrelevant are dropped rather than reported: switching the authentication type
    /// discards the other type's object, and turning useSameSettingsForOutgoing on discards the outgoing settings. Only values
    /// the client sent itself can conflict.
    /// </summary>
    private static ServerProfileInput DropStaleSettings(ServerProfileInput input, MergePatch<ServerProfileInput> patch)
    {
        if (input.Authentication is { } authentication)
        {
            input = input with
            {
                Authentication = authentication with
                {
                    Impersonation = authentication.Type == ProfileAuthenticationType.Impersonation || patch.Sets("authentication", "impersonation") ? authentication.Impersonation : null,
                    HybridModernAuth = authentication.Type == ProfileAuthenticationType.HybridModernAuth || patch.Sets("authentication", "hybridModernAuth") ? authentication.HybridModernAuth : null,
                },
            };
        }

        return input.UseSameSettingsForOutgoing != false && !patch.Sets("outgoing") ? input with { Outgoing = null } : input;
    }

    /// <summary>The stored secrets to keep: all of them, except one the patch explicitly removes with null.</summary>
    private static ProfileAuthentication KeepStoredSecrets(ProfileAuthentication stored, MergePatch<ServerProfileInput> patch) =>
        ProfileAuthentication.Rehydrate(
            stored.Type,
            stored.Impersonation is { } account && patch.Mentions("authentication", "impersonation", "password") ? account with { Password = null } : stored.Impersonation,
            stored.HybridModernAuth is { } app && patch.Mentions("authentication", "hybridModernAuth", "clientSecret") ? app with { ClientSecret = null } : stored.HybridModernAuth);

    // Write-only fields, which the audit trail records only as changed.
    private static readonly string[] SecretFields = ["authentication.impersonation.password", "authentication.hybridModernAuth.clientSecret"];

    private static IEnumerable<string> ChangedSecrets(ServerProfileInput input)
    {
        if (input.Authentication?.Impersonation?.Password is not null)
        {
            yield return SecretFields[0];
        }

        if (input.Authentication?.HybridModernAuth?.ClientSecret is not null)
        {
            yield return SecretFields[1];
        }
    }

    private static NotFoundProblem NotFound(Guid id) =>
        Problem.NotFound(ProblemCodes.ServerProfileNotFound, $"There is no server profile with id '{id}'.");

    private static ConflictProblem NameConflict(string name) =>
        Problem.Conflict(ProblemCodes.ServerProfileNameConflict, $"A server profile named '{name.Trim()}' already exists (names are compared ignoring case). Choose another name.", "name");
}

/// <summary>What the server profile handlers need.</summary>
public sealed class ServerProfileServices(ExSyncDbContext db, TimeProvider time, SequentialIds ids, SecretProtector secrets, IValidator<ServerProfileInput> validator, AuditTrail audit)
{
    public ExSyncDbContext Db { get; } = db;

    public TimeProvider Time { get; } = time;

    public SequentialIds Ids { get; } = ids;

    public SecretProtector Secrets { get; } = secrets;

    public IValidator<ServerProfileInput> Validator { get; } = validator;

    public AuditTrail Audit { get; } = audit;

    /// <summary>Whether another profile already has this name, ignoring case.</summary>
    public Task<bool> NameTakenAsync(string name, Guid? exceptId, CancellationToken cancellationToken)
    {
        var normalized = ServerProfile.NormalizeName(name);
        return Db.ServerProfiles.AnyAsync(p => p.NormalizedName == normalized && p.Id != exceptId, cancellationToken);
    }
}
