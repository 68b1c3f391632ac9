using System.Text.Json;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Jobs;
using ExSync.Api.Mailboxes;
using ExSync.Engine.Jobs;
using ExSync.Engine.Sync.Outgoing;
using ExSync.Persistence;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Emails;

/// <summary>What the handlers that write outgoing email need.</summary>
public sealed class EmailWriteServices(ExSyncDbContext db, TimeProvider time, SequentialIds ids, IDatabaseDialect dialect, IOutgoingEmailSignal signal, IOptions<JsonOptions> json, HttpContext http)
{
    public ExSyncDbContext Db { get; } = db;

    public TimeProvider Time { get; } = time;

    public SequentialIds Ids { get; } = ids;

    public IDatabaseDialect Dialect { get; } = dialect;

    public IOutgoingEmailSignal Signal { get; } = signal;

    public IOptions<JsonOptions> Json { get; } = json;

    public HttpContext Http { get; } = http;

    public HttpRequest Request => Http.Request;

    public HttpResponse Response => Http.Response;

    /// <summary>
    /// The request's <c>Repeatability-Request-ID</c> with the fingerprint of what it asks (<paramref name="operation"/> and
    /// <paramref name="body"/>), or null without the header. A header over 200 characters is refused with 400.
    /// </summary>
    public RepeatableRequest? Repeatable(string? requestId, string operation, object? body)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            return null;
        }

        if (requestId.Length > EmailRequest.RequestIdMaxLength)
        {
            throw new RequestRejectedException(
                StatusCodes.Status400BadRequest,
                ProblemCodes.ValidationFailed,
                "The Repeatability-Request-ID header is longer than 200 characters.",
                [new ApiFieldError(FieldErrorCodes.TooLong, JobHeaders.RepeatabilityRequestId, "At most 200 characters.")]);
        }

        return new RepeatableRequest(Http.User.Id(), requestId, JobLauncher.Fingerprint(operation, body, Json.Value.SerializerOptions));
    }

    /// <summary>
    /// The email an earlier request with the same id answered about: its id when it asked the same (a retry), or a 409 when the id was
    /// used for something else; (null, null) when the id is new.
    /// </summary>
    public async Task<(Guid? EmailId, ConflictProblem? Reused)> FindRepeatedAsync(RepeatableRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            return (null, null);
        }

        var earlier = await Db.Set<EmailRequest>().AsNoTracking().SingleOrDefaultAsync(r => r.CallerId == request.CallerId && r.RequestId == request.RequestId, cancellationToken);
        return earlier is null ? (null, null)
            : earlier.Fingerprint == request.Fingerprint ? (earlier.EmailId, null)
            : (null, MailboxActions.RequestIdReused(request.RequestId));
    }

    /// <summary>Stores the request with whatever the next save stores, so that its effect and its record commit together.</summary>
    public void Remember(RepeatableRequest? request, Guid emailId)
    {
        if (request is not null)
        {
            Db.Set<EmailRequest>().Add(new EmailRequest(request.CallerId, request.RequestId, request.Fingerprint, emailId, Time.GetUtcNow()));
        }
    }

    /// <summary>Whether a save failed because the same request, sent twice at once, was stored by the other copy.</summary>
    public bool IsConcurrentRepeat(DbUpdateException exception, RepeatableRequest? request) =>
        request is not null && Dialect.FindUniqueViolation(exception, Db.Model) is { Table: "EmailRequests" };
}

/// <summary>A request that carried a Repeatability-Request-ID.</summary>
/// <param name="CallerId">Who sent it.</param>
/// <param name="RequestId">The header's value.</param>
/// <param name="Fingerprint">What it asked.</param>
public sealed record RepeatableRequest(string CallerId, string RequestId, string Fingerprint);
