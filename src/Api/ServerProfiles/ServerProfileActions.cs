using ExSync.Engine.Jobs;
using System.ComponentModel;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Persistence;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Api.Jobs;
using ExSync.Api.Mailboxes;
using ExSync.Domain.Jobs;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using FromHeaderAttribute = Microsoft.AspNetCore.Mvc.FromHeaderAttribute;

namespace ExSync.Api.ServerProfiles;

/// <summary>Jobs started from a server profile: Test &amp; Enable of its mailboxes, and a connection test.</summary>
public static class ServerProfileActions
{
    public static RouteGroupBuilder MapServerProfileActions(this RouteGroupBuilder group)
    {
        group.MapPost("/{id}/test-and-enable-mailboxes", TestAndEnableServerProfileMailboxes)
            .WithName("TestAndEnableServerProfileMailboxes")
            .WithSummary("Test and enable every mailbox of a server profile")
            .WithDescription("Starts a background job over every mailbox that uses the profile (assigned, or through the organization default). " +
                             "Answers 202 with the job's status monitor.")
            .RequireJobCreationLimit();

        group.MapPost("/{id}/test-connection", TestServerProfileConnection)
            .WithName("TestServerProfileConnection")
            .WithSummary("Test a server profile's connection with a mailbox address")
            .WithDescription("Starts a job that runs the full diagnostic for one address with the profile — server location, TLS, authentication, version, " +
                             "impersonation, inbox, sending, calendar, contacts, tasks — and enables nothing. Read the step tree in the job's results. " +
                             "Works for inactive profiles too, so a profile can be checked before it is activated.")
            .WithRequestExample("address", "Test with Alice's mailbox, without sending a message", ServerProfileExamples.TestConnection)
            .RequireJobCreationLimit();

        return group;
    }

    public static async Task<Results<JobAccepted<JobResource>, NotFoundProblem, ConflictProblem>> TestAndEnableServerProfileMailboxes(
        Guid id,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(MailboxActions.RepeatabilityDescription)] string? requestId,
        [AsParameters] JobStartServices services,
        CancellationToken cancellationToken)
    {
        var profile = await services.Db.FindServerProfileAsync(id, cancellationToken);
        if (profile is null)
        {
            return Problem.NotFound(ProblemCodes.ServerProfileNotFound, $"There is no server profile with id '{id}'.");
        }

        if (!profile.IsActive)
        {
            return Problem.Conflict(
                Domain.ServerProfiles.ServerProfileErrors.ServerProfileInactive,
                $"The server profile '{profile.Name}' is inactive; activate it before testing and enabling its mailboxes.");
        }

        var isDefault = await services.Db.DefaultServerProfileIdAsync(cancellationToken) == id;
        var launch = await services.LaunchAsync(
            JobKind.TestAndEnableServerProfileMailboxes,
            new JobRequest(ServerProfileId: id),
            requestId,
            "test-and-enable-mailboxes",
            body: null,
            JobItemSources.MailboxesOfProfile(id, isDefault),
            cancellationToken);
        return launch.Status == LaunchStatus.RequestIdReused ? MailboxActions.RequestIdReused(requestId!) : services.Accepted(launch.Job!);
    }

    public static async Task<Results<JobAccepted<JobResource>, NotFoundProblem, ConflictProblem>> TestServerProfileConnection(
        Guid id,
        JsonBody<TestConnectionInput> body,
        [FromHeader(Name = JobHeaders.RepeatabilityRequestId), Description(MailboxActions.RepeatabilityDescription)] string? requestId,
        [AsParameters] JobStartServices services,
        CancellationToken cancellationToken)
    {
        if (!await services.Db.ServerProfiles.AnyAsync(p => p.Id == id, cancellationToken))
        {
            return Problem.NotFound(ProblemCodes.ServerProfileNotFound, $"There is no server profile with id '{id}'.");
        }

        var input = body.Value;
        var address = input.EmailAddress!.Trim();
        var launch = await services.LaunchAsync(
            JobKind.TestConnection,
            new JobRequest(ServerProfileId: id, TargetEmailAddress: address, SendTestMessage: input.SendTestMessage ?? false),
            requestId,
            "test-connection",
            input,
            JobItemSources.Address(address),
            cancellationToken);
        return launch.Status == LaunchStatus.RequestIdReused ? MailboxActions.RequestIdReused(requestId!) : services.Accepted(launch.Job!);
    }
}

/// <summary>The address to test a profile's connection with.</summary>
public sealed record TestConnectionInput
{
    /// <summary>SMTP address of a mailbox in Exchange that the profile's account may access.</summary>
    [RequiredField]
    public string? EmailAddress { get; init; }

    /// <summary>Also send a real message to the mailbox as part of the outgoing test (default false).</summary>
    public bool? SendTestMessage { get; init; }
}

public sealed class TestConnectionInputValidator : AbstractValidator<TestConnectionInput>
{
    public TestConnectionInputValidator() =>
        RuleFor(i => i.EmailAddress).NotEmpty().MaximumLength(Domain.Mailboxes.MailboxSettings.EmailAddressMaxLength).MustBeSingleLineText().MustBeEmailAddress();
}
