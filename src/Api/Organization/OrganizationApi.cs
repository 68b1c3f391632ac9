using System.ComponentModel;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Audit;
using ExSync.Domain.Organization;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Organization;

/// <summary>The organization email settings: defaults for new mailboxes, the approval requirement and alert levels.</summary>
public static class OrganizationApi
{
    public static RouteGroupBuilder MapOrganization(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/organization").WithTags("Organization")
            .RequireAuthorization(Privileges.Administrator);

        group.MapGet("/email-settings", GetOrganizationEmailSettings)
            .WithName("GetOrganizationEmailSettings")
            .WithSummary("Get the organization email settings")
            .WithDescription("Returns the deployment's email settings, with their ETag.");

        group.MapPatch("/email-settings", UpdateOrganizationEmailSettings)
            .WithName("UpdateOrganizationEmailSettings")
            .WithSummary("Update the organization email settings")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396). The default delivery methods and profile apply to mailboxes created " +
                             "afterwards, and to mailboxes the apply-default-settings action is run on. Send If-Match to avoid overwriting someone else's change.")
            .WithRequestExample("patch", "Process queues' email without approval; no information alerts", OrganizationExamples.Patch);

        return group;
    }

    public static async Task<Ok<OrganizationEmailSettingsResource>> GetOrganizationEmailSettings(
        ExSyncDbContext db,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var settings = await db.OrganizationEmailSettings.AsNoTracking().SingleAsync(cancellationToken);
        response.SetETag(ETags.For(settings.Revision));
        return TypedResults.Ok(settings.ToResource());
    }

    public static Task<Results<Ok<OrganizationEmailSettingsResource>, BadRequestProblem, PreconditionFailedProblem>> UpdateOrganizationEmailSettings(
        MergePatch<OrganizationEmailSettingsInput> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the settings' ETag still matches.")] string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<OrganizationEmailSettingsInput> validator,
        AuditTrail audit,
        HttpResponse response,
        CancellationToken cancellationToken) =>
        db.WriteAsync(() => UpdateOnceAsync(patch, ifMatch, db, time, validator, audit, response, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<OrganizationEmailSettingsResource>, BadRequestProblem, PreconditionFailedProblem>> UpdateOnceAsync(
        MergePatch<OrganizationEmailSettingsInput> patch,
        string? ifMatch,
        ExSyncDbContext db,
        TimeProvider time,
        IValidator<OrganizationEmailSettingsInput> validator,
        AuditTrail audit,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var settings = await db.OrganizationSettingsAsync(cancellationToken);
        if (!ETags.Matches(ifMatch, ETags.For(settings.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(settings.Revision));
        }

        var input = patch.ApplyTo(settings.ToInput());
        if (await validator.ProblemIfInvalidAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        var defaultProfile = input.DefaultServerProfileId is { } profileId
            ? await db.ServerProfiles.SingleOrDefaultAsync(p => p.Id == profileId, cancellationToken)
            : null;
        var unchanged = settings.ToResource();
        var before = settings.ToInput();
        settings.Update(input.ToChange(), defaultProfile, time.GetUtcNow());
        if (!audit.Record(AuditOperations.OrganizationSettingsUpdated, nameof(OrganizationEmailSettings), settings.OrganizationId, before, settings.ToInput()))
        {
            // The settings as they were, unsaved: same ETag, same modification time.
            response.SetETag(unchanged.ETag);
            return TypedResults.Ok(unchanged);
        }

        await db.SaveChangesAsync(cancellationToken);

        response.SetETag(ETags.For(settings.Revision));
        return TypedResults.Ok(settings.ToResource());
    }

    private static OrganizationEmailSettingsResource ToResource(this OrganizationEmailSettings settings) => new()
    {
        OrganizationId = settings.OrganizationId,
        DefaultServerProfileId = settings.DefaultServerProfileId,
        IncomingEmail = settings.IncomingEmail,
        OutgoingEmail = settings.OutgoingEmail,
        AppointmentsContactsAndTasks = settings.AppointmentsContactsAndTasks,
        ProcessEmailsOnlyForApprovedUsers = settings.ProcessEmailsOnlyForApprovedUsers,
        ProcessEmailsOnlyForApprovedQueues = settings.ProcessEmailsOnlyForApprovedQueues,
        Alerts = new AlertLevelSettings { Errors = settings.Alerts.Errors, Warnings = settings.Alerts.Warnings, Information = settings.Alerts.Information },
        TrackSentItems = settings.TrackSentItems,
        UseTrackingToken = settings.UseTrackingToken,
        TrackingTokenPrefix = settings.TrackingTokenPrefix,
        TrackingTokenDigits = settings.TrackingTokenDigits,
        TrackingCategoryName = settings.TrackingCategoryName,
        UndeliverableCategoryName = settings.UndeliverableCategoryName,
        MaxAttachmentSizeKilobytes = settings.MaxAttachmentSizeKilobytes,
        TrackInternalEmailAsTwoActivities = settings.TrackInternalEmailAsTwoActivities,
        ModifiedAt = settings.ModifiedAt,
        ETag = ETags.For(settings.Revision),
    };

    private static OrganizationEmailSettingsInput ToInput(this OrganizationEmailSettings settings) => new()
    {
        DefaultServerProfileId = settings.DefaultServerProfileId,
        IncomingEmail = settings.IncomingEmail,
        OutgoingEmail = settings.OutgoingEmail,
        AppointmentsContactsAndTasks = settings.AppointmentsContactsAndTasks,
        ProcessEmailsOnlyForApprovedUsers = settings.ProcessEmailsOnlyForApprovedUsers,
        ProcessEmailsOnlyForApprovedQueues = settings.ProcessEmailsOnlyForApprovedQueues,
        Alerts = new AlertLevelSettingsInput { Errors = settings.Alerts.Errors, Warnings = settings.Alerts.Warnings, Information = settings.Alerts.Information },
        TrackSentItems = settings.TrackSentItems,
        UseTrackingToken = settings.UseTrackingToken,
        TrackingTokenPrefix = settings.TrackingTokenPrefix,
        TrackingTokenDigits = settings.TrackingTokenDigits,
        TrackingCategoryName = settings.TrackingCategoryName,
        MaxAttachmentSizeKilobytes = settings.MaxAttachmentSizeKilobytes,
        TrackInternalEmailAsTwoActivities = settings.TrackInternalEmailAsTwoActivities,
    };

    private static OrganizationEmailSettingsChange ToChange(this OrganizationEmailSettingsInput input) => new()
    {
        DefaultServerProfileId = input.DefaultServerProfileId,
        IncomingEmail = input.IncomingEmail!.Value,
        OutgoingEmail = input.OutgoingEmail!.Value,
        AppointmentsContactsAndTasks = input.AppointmentsContactsAndTasks!.Value,
        ProcessEmailsOnlyForApprovedUsers = input.ProcessEmailsOnlyForApprovedUsers!.Value,
        ProcessEmailsOnlyForApprovedQueues = input.ProcessEmailsOnlyForApprovedQueues!.Value,
        Alerts = new AlertLevels(input.Alerts!.Errors!.Value, input.Alerts.Warnings!.Value, input.Alerts.Information!.Value),
        TrackSentItems = input.TrackSentItems!.Value,
        UseTrackingToken = input.UseTrackingToken!.Value,
        TrackingTokenPrefix = input.TrackingTokenPrefix!,
        TrackingTokenDigits = input.TrackingTokenDigits!.Value,
        TrackingCategoryName = input.TrackingCategoryName!,
        MaxAttachmentSizeKilobytes = input.MaxAttachmentSizeKilobytes!.Value,
        TrackInternalEmailAsTwoActivities = input.TrackInternalEmailAsTwoActivities!.Value,
    };
}

/// <summary>The settings after a merge patch must still name every value: null may only clear the default profile.</summary>
public sealed class OrganizationEmailSettingsInputValidator : AbstractValidator<OrganizationEmailSettingsInput>
{
    public OrganizationEmailSettingsInputValidator()
    {
        RuleFor(s => s.IncomingEmail).NotNull();
        RuleFor(s => s.OutgoingEmail).NotNull();
        RuleFor(s => s.AppointmentsContactsAndTasks).NotNull();
        RuleFor(s => s.ProcessEmailsOnlyForApprovedUsers).NotNull();
        RuleFor(s => s.ProcessEmailsOnlyForApprovedQueues).NotNull();
        RuleFor(s => s.Alerts).NotNull().DependentRules(() =>
        {
            RuleFor(s => s.Alerts!.Errors).NotNull();
            RuleFor(s => s.Alerts!.Warnings).NotNull();
            RuleFor(s => s.Alerts!.Information).NotNull();
        });
        RuleFor(s => s.TrackSentItems).NotNull();
        RuleFor(s => s.UseTrackingToken).NotNull();
        RuleFor(s => s.TrackingTokenPrefix)
            .NotEmpty()
            .MaximumLength(OrganizationEmailSettings.TrackingTokenPrefixMaxLength)
            .MustBeSingleLineText()
            .Must(prefix => string.IsNullOrEmpty(prefix) || prefix.Length > OrganizationEmailSettings.TrackingTokenPrefixMaxLength || prefix.Any(char.IsControl)
                            || OrganizationEmailSettings.IsValidTrackingTokenPrefix(prefix))
            .WithErrorCode(FieldErrorCodes.InvalidFormat)
            .WithMessage("A tracking token prefix has no '[' or ']' (they enclose the token) and no whitespace at either end, e.g. CRM:.");
        RuleFor(s => s.TrackingTokenDigits)
            .NotNull()
            .InclusiveBetween(OrganizationEmailSettings.MinTrackingTokenDigits, OrganizationEmailSettings.MaxTrackingTokenDigits);
        RuleFor(s => s.TrackingCategoryName)
            .NotEmpty()
            .MaximumLength(OrganizationEmailSettings.TrackingCategoryNameMaxLength)
            .MustBeSingleLineText()
            .Must(name => string.IsNullOrEmpty(name) || name.Length > OrganizationEmailSettings.TrackingCategoryNameMaxLength || name.Any(char.IsControl)
                          || OrganizationEmailSettings.IsValidCategoryName(name))
            .WithErrorCode(FieldErrorCodes.InvalidFormat)
            .WithMessage("A category name has no comma or semicolon (Outlook separates categories with them) and no whitespace at either end.");
        RuleFor(s => s.MaxAttachmentSizeKilobytes)
            .NotNull()
            .InclusiveBetween(0, OrganizationEmailSettings.MaxAttachmentSizeKilobytesLimit);
        RuleFor(s => s.TrackInternalEmailAsTwoActivities).NotNull();
    }
}
