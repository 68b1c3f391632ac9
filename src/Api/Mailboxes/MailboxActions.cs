using ExSync.Engine.Jobs;
using System.ComponentModel;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Jobs;
using ExSync.Domain.Audit;
using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using FromHeaderAttribute = Microsoft.AspNetCore.Mvc.FromHeaderAttribute;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Mailboxes;

/// <summary>Bulk actions on mailboxes: approval, default settings, Test &amp; Enable.</summary>
public static class MailboxActions
{
    public static RouteGroupBuilder MapMailboxActions(this RouteGroupBuilder group)
    {
        group.MapPost("/approve-email", ApproveEmail)
            .WithName("ApproveEmail")
            .WithSummary("Approve mailboxes' email addresses")
            .WithDescription("Approves the email address of each mailbox, which the organization requires before processing email (processEmailsOnlyForApprovedUsers/Queues). " +
                             "Answers with an outcome per mailbox: Changed, Unchanged (already approved) or NotFound.")
            .WithRequestExample("mailboxes", "Two mailboxes", MailboxExamples.MailboxIds)
            .RequireAuthorization(Privileges.Administrator, Privileges.EmailApprove);

        group.MapPost("/reject-email", RejectEmail)
            .WithName("RejectEmail")
            .WithSummary("Reject mailboxes' email addresses")
            .WithDescription("Rejects the email address of each mailbox: its email is not processed, its directions are disabled and scheduled retests are dropped.")
            .WithRequestExample("mailboxes", "Two mailboxes", MailboxExamples.MailboxIds)
            .RequireAuthorization(Privileges.Administrator, Privileges.EmailApprove);

        group.MapPost("/apply-default-settings", ApplyDefaultSettings)
            .WithName("ApplyDefaultSettings")
            .WithSummary("Apply the organization's default settings to mailboxes")
            .WithDescription("Gives each mailbox the organization's default server profile and delivery methods and reports what changed. " +
                             "With testAndEnable (the default) it also starts Test & Enable on the mailboxes and answers 202 with the job; " +
                             "with dryRun it changes nothing and reports what would change.")
            .WithRequestExample("mailboxes", "Give two mailboxes the defaults, then test and enable them", MailboxExamples.ApplyDefaultSettings)
            .RequireAuthorization(Privileges.Administrator, Privileges.MailboxWrite)
            .RequireJobCreationLimit();

        group.MapPost("/test-and-enable", TestAndEnableMailboxes)
            .WithName("TestAndEnableMailboxes")
            .WithSummary("Test and enable mailboxes")
            .WithDescription("Starts a background job that tests each mailbox's directions that use server-side synchronization against Exchange and enables what works. " +
                             "Answers 202 with the job's status monitor; poll Operation-Location, then read the results.")
            .WithRequestExample("mailboxes", "Test and enable two mailboxes", MailboxExamples.TestAndEnable)
            .RequireAuthorization(Privileges.Administrator)
            .RequireJobCreationLimit();

        return group;
    }

    // A running Test & Enable job writes results to the same mailboxes; a race with it must not fail the whole request.
    public static async Task<Ok<BulkActionResult>> ApproveEmail(JsonBody<MailboxIdsInput> body, ExSyncDbContext db, TimeProvider time, AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.WriteAsync(
            () => ChangeApprovalAsync(body.Value.MailboxIds!, db, time, audit, AuditOperations.EmailApproved, (mailbox, now) => mailbox.ApproveEmail(now), cancellationToken),
            cancellationToken));

    public static async Task<Ok<BulkActionResult>> RejectEmail(JsonBody<MailboxIdsInput> body, ExSyncDbContext db, TimeProvider time, AuditTrail audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.WriteAsync(
            () => ChangeApprovalAsync(body.Value.MailboxIds!, db, time, audit, AuditOperations.EmailRejected, (mailbox, now) => mailbox.RejectEmail(now), cancellationToken),
            cancellationToken));

    public static async Task<Results<JobAccepted<ApplyDefaultSettingsResult>, Ok<ApplyDefaultSettingsResult>, ConflictProblem>> ApplyDefaultSettings(
        JsonBody<ApplyDefaultSettingsInput> body,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(RepeatabilityDescription)] string? requestId,
        [AsParameters] JobStartServices services,
        CancellationToken cancellationToken)
    {
        var input = body.Value;

        // A Repeatability-Request-ID that cannot be used is refused before any mailbox changes, not after the defaults were applied.
        if ((await services.FindRepeatedAsync(new JobRequest(), requestId, "apply-default-settings", input, cancellationToken))?.Status == LaunchStatus.RequestIdReused)
        {
            return RequestIdReused(requestId!);
        }

        // A running Test & Enable job writes results to the same mailboxes; a race with it must not fail the whole request.
        var applied = await services.Db.WriteAsync(() => ApplyDefaultsOnceAsync(input, services, cancellationToken), cancellationToken);
        if (applied.Report is not { } report)
        {
            return applied.Problem!;
        }

        var found = report.Mailboxes.Where(m => m.Outcome != MailboxActionOutcome.NotFound).Select(m => m.MailboxId).ToList();
        if (report.DryRun || !(input.TestAndEnable ?? true) || found.Count == 0)
        {
            return TypedResults.Ok(report);
        }

        var launch = await services.LaunchAsync(JobKind.TestAndEnableMailboxes, new JobRequest(), requestId, "apply-default-settings", input, JobItemSources.Mailboxes(found), cancellationToken);
        return launch.Job is { } job && launch.Status != LaunchStatus.RequestIdReused
            ? services.Accepted(report with { Job = job.ToResource(services.Request) }, job)
            : RequestIdReused(requestId!);
    }

    public static async Task<Results<JobAccepted<JobResource>, ConflictProblem>> TestAndEnableMailboxes(
        JsonBody<TestAndEnableInput> body,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(RepeatabilityDescription)] string? requestId,
        [AsParameters] JobStartServices services,
        CancellationToken cancellationToken)
    {
        var input = body.Value;
        var launch = await services.LaunchAsync(
            JobKind.TestAndEnableMailboxes,
            new JobRequest(SendTestMessage: input.SendTestMessage ?? false),
            requestId,
            "test-and-enable",
            input,
            JobItemSources.Mailboxes(input.MailboxIds!),
            cancellationToken);
        return launch.Status == LaunchStatus.RequestIdReused ? RequestIdReused(requestId!) : services.Accepted(launch.Job!);
    }

    private static async Task<(ApplyDefaultSettingsResult? Report, ConflictProblem? Problem)> ApplyDefaultsOnceAsync(
        ApplyDefaultSettingsInput input,
        JobStartServices services,
        CancellationToken cancellationToken)
    {
        var ids = input.MailboxIds!;
        var dryRun = input.DryRun ?? false;
        var organization = await services.Db.OrganizationSettingsAsync(cancellationToken);
        if (organization.DefaultServerProfileId is null && UsesServerSideSynchronization(organization))
        {
            return (null, Problem.Conflict(
                ProblemCodes.NoDefaultServerProfile,
                "The organization's default delivery methods use server-side synchronization, but it has no default server profile. " +
                "Set defaultServerProfileId in the organization email settings (or mark a profile setAsDefaultForNewMailboxes) first."));
        }

        var defaultProfile = organization.DefaultServerProfileId is { } profileId
            ? await services.Db.ServerProfiles.AsNoTracking().SingleAsync(p => p.Id == profileId, cancellationToken)
            : null;
        var mailboxes = await services.Db.Mailboxes.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var now = services.Time.GetUtcNow();
        var results = ids.Select(id =>
        {
            if (!mailboxes.TryGetValue(id, out var mailbox))
            {
                return new MailboxActionResult { MailboxId = id, Outcome = MailboxActionOutcome.NotFound };
            }

            var changes = dryRun ? mailbox.PlanDefaultSettings(organization) : mailbox.ApplyDefaultSettings(organization, defaultProfile, now);
            if (!dryRun && changes.Count > 0)
            {
                services.Audit.Record(AuditOperations.DefaultSettingsApplied, nameof(Mailbox), id, changes.Select(c => new AuditChange(c.Field, c.From, c.To)).ToList());
            }

            return new MailboxActionResult
            {
                MailboxId = id,
                Outcome = changes.Count == 0 ? MailboxActionOutcome.Unchanged : MailboxActionOutcome.Changed,
                Changes = changes.Select(c => new MailboxFieldChange { Field = c.Field, From = c.From, To = c.To }).ToList(),
            };
        }).ToList();

        if (!dryRun)
        {
            await services.Audit.SaveAsync(cancellationToken);
        }

        return (new ApplyDefaultSettingsResult
        {
            DryRun = dryRun,
            Changed = results.Count(r => r.Outcome == MailboxActionOutcome.Changed),
            Unchanged = results.Count(r => r.Outcome == MailboxActionOutcome.Unchanged),
            NotFound = results.Count(r => r.Outcome == MailboxActionOutcome.NotFound),
            Mailboxes = results,
        }, null);
    }

    /// <summary>Documents the Repeatability-Request-ID header of every job-starting route.</summary>
    public const string RepeatabilityDescription =
        "Optional idempotency key (at most 200 characters). Sending the same key and the same body again returns the job created the first time; " +
        "the same key with a different body is refused with 409.";

    /// <summary>The 409 for a Repeatability-Request-ID that was used for a different request.</summary>
    public static ConflictProblem RequestIdReused(string requestId) => Problem.Conflict(
        ProblemCodes.RepeatabilityRequestIdReused,
        $"The Repeatability-Request-ID '{requestId}' was already used for a different request. Use a new id for a new request.");

    private static async Task<BulkActionResult> ChangeApprovalAsync(
        IReadOnlyList<Guid> ids,
        ExSyncDbContext db,
        TimeProvider time,
        AuditTrail audit,
        string operation,
        Func<Mailbox, DateTimeOffset, bool> change,
        CancellationToken cancellationToken)
    {
        var mailboxes = await db.Mailboxes.Where(m => ids.Contains(m.Id)).ToDictionaryAsync(m => m.Id, cancellationToken);
        var now = time.GetUtcNow();
        var results = ids.Select(id =>
        {
            if (!mailboxes.TryGetValue(id, out var mailbox))
            {
                return new MailboxActionResult { MailboxId = id, Outcome = MailboxActionOutcome.NotFound };
            }

            var before = mailbox.ApprovalStatus;
            if (!change(mailbox, now))
            {
                return new MailboxActionResult { MailboxId = id, Outcome = MailboxActionOutcome.Unchanged };
            }

            audit.Record(operation, nameof(Mailbox), id, [new AuditChange("approvalStatus", before.ToString(), mailbox.ApprovalStatus.ToString())]);
            return new MailboxActionResult { MailboxId = id, Outcome = MailboxActionOutcome.Changed };
        }).ToList();
        await db.SaveChangesAsync(cancellationToken);
        return new BulkActionResult
        {
            Changed = results.Count(r => r.Outcome == MailboxActionOutcome.Changed),
            Unchanged = results.Count(r => r.Outcome == MailboxActionOutcome.Unchanged),
            NotFound = results.Count(r => r.Outcome == MailboxActionOutcome.NotFound),
            Mailboxes = results,
        };
    }

    private static bool UsesServerSideSynchronization(OrganizationEmailSettings organization) =>
        organization.IncomingEmail == DefaultDeliveryMethod.ServerSideSynchronization
        || organization.OutgoingEmail == DefaultDeliveryMethod.ServerSideSynchronization
        || organization.AppointmentsContactsAndTasks == DefaultDeliveryMethod.ServerSideSynchronization;
}

/// <summary>What the job-starting handlers need.</summary>
public sealed class JobStartServices(ExSyncDbContext db, JobLauncher launcher, TimeProvider time, IOptions<JsonOptions> json, IOptionsMonitor<JobOptions> options, HttpContext http, AuditTrail audit)
{
    public AuditTrail Audit { get; } = audit;

    public ExSyncDbContext Db { get; } = db;

    public JobLauncher Launcher { get; } = launcher;

    public TimeProvider Time { get; } = time;

    public IOptions<JsonOptions> Json { get; } = json;

    public IOptionsMonitor<JobOptions> Options { get; } = options;

    public HttpContext Http { get; } = http;

    public HttpRequest Request => Http.Request;

    /// <summary>Launches a job for the caller, keyed by the optional Repeatability-Request-ID.</summary>
    public Task<LaunchResult> LaunchAsync(JobKind kind, JobRequest request, string? requestId, string operation, object? body, JobItemSource items, CancellationToken cancellationToken) =>
        Launcher.LaunchAsync(kind, Keyed(request, requestId, operation, body), Http.User.Id(), items, skipWhenEmpty: false, cancellationToken);

    /// <summary>
    /// The caller's earlier job with this Repeatability-Request-ID, for handlers that change something before launching: they check
    /// first, so that a refused request changes nothing.
    /// </summary>
    public Task<LaunchResult?> FindRepeatedAsync(JobRequest request, string? requestId, string operation, object? body, CancellationToken cancellationToken) =>
        Launcher.FindRepeatedAsync(Keyed(request, requestId, operation, body), Http.User.Id(), cancellationToken);

    private JobRequest Keyed(JobRequest request, string? requestId, string operation, object? body)
    {
        if (requestId is { Length: > 200 })
        {
            throw new RequestRejectedException(
                StatusCodes.Status400BadRequest,
                ProblemCodes.ValidationFailed,
                "The Repeatability-Request-ID header is longer than 200 characters.",
                [new ApiFieldError(FieldErrorCodes.TooLong, JobHeaders.RepeatabilityRequestId, "At most 200 characters.")]);
        }

        return string.IsNullOrEmpty(requestId)
            ? request
            : request with { RequestId = requestId, RequestFingerprint = JobLauncher.Fingerprint($"{operation}:{request.ServerProfileId}", body, Json.Value.SerializerOptions) };
    }

    /// <summary>202 with the job's status monitor.</summary>
    public JobAccepted<JobResource> Accepted(Job job) => Accepted(job.ToResource(Request), job);

    /// <summary>202 with a body that includes the job.</summary>
    public JobAccepted<T> Accepted<T>(T body, Job job) => new(body, job.Location(Request), Options.CurrentValue.RetryAfterSeconds);
}
