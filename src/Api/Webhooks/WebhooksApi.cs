using System.ComponentModel;
using ExSync.Api.Audit;
using ExSync.Api.Infrastructure.Http;
using ExSync.Api.Infrastructure.OpenApi;
using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Requests;
using ExSync.Api.Infrastructure.Security;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.Audit;
using ExSync.Domain.Webhooks;
using ExSync.Engine.Secrets;
using ExSync.Engine.Webhooks;
using ExSync.Persistence;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Webhooks;

/// <summary>Webhook subscriptions: where ExSync posts signed events, their secrets, and the log of each delivery.</summary>
public static class WebhooksApi
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        // Subscriptions send ExSync's events to URLs of the caller's choosing: an administrator's decision.
        var group = routes.MapGroup("/webhook-subscriptions")
            .WithTags("Webhooks")
            .RequireAuthorization(Privileges.Administrator)
            .WithBodyValidation();

        group.MapGet("/", ListWebhookSubscriptions)
            .WithName("ListWebhookSubscriptions")
            .WithSummary("List webhook subscriptions")
            .WithDescription("Returns the subscriptions in creation order, one page at a time. Secrets are never returned.");

        group.MapPost("/", CreateWebhookSubscription)
            .WithName("CreateWebhookSubscription")
            .WithSummary("Create a webhook subscription")
            .WithDescription("Creates a subscription. The secret is generated when omitted; the response shows it, once, as secret: store it to verify signatures. " +
                             "It is encrypted at rest and never returned again.")
            .WithRequestExample("crm", "A CRM endpoint for email events and rejected credentials", WebhookExamples.Create);

        group.MapGet("/{id}", GetWebhookSubscription)
            .WithName("GetWebhookSubscription")
            .WithSummary("Get a webhook subscription")
            .WithDescription("Returns one subscription, with its ETag.");

        group.MapPatch("/{id}", UpdateWebhookSubscription)
            .WithName("UpdateWebhookSubscription")
            .WithSummary("Update a webhook subscription")
            .WithDescription("Applies a JSON Merge Patch (RFC 7396) to url, eventTypes, enabled and description. Enabling a subscription ExSync disabled (410) clears the reason; " +
                             "events it missed while it was disabled can be sent with replay. The secret changes with rotate-secret. Send If-Match with the ETag you read.")
            .WithRequestExample("eventTypes", "Also tell the CRM about synchronization health", WebhookExamples.Patch);

        group.MapDelete("/{id}", DeleteWebhookSubscription)
            .WithName("DeleteWebhookSubscription")
            .WithSummary("Delete a webhook subscription")
            .WithDescription("Deletes the subscription and its delivery log; pending deliveries are not sent. Answers 204 also when it does not exist.");

        group.MapPost("/{id}/rotate-secret", RotateWebhookSecret)
            .WithName("RotateWebhookSecret")
            .WithSummary("Rotate a subscription's secret")
            .WithDescription("Makes a new secret (generated unless given) the signing secret. The old one keeps signing alongside it for overlapSeconds (default 24 hours), " +
                             "so webhook-signature carries two signatures until then and the receiver can switch without losing a delivery. The response shows the new secret, once.");

        group.MapPost("/{id}/ping", PingWebhookSubscription)
            .WithName("PingWebhookSubscription")
            .WithSummary("Send a test event")
            .WithDescription("Queues a webhook.ping event for this subscription only, enabled or not, signed and retried like any other. Answers with its id, the webhook-id the receiver gets.");

        group.MapGet("/{id}/deliveries", ListWebhookDeliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("List a subscription's deliveries")
            .WithDescription("The delivery log, newest first: each delivery's status, attempts, next attempt and the receiver's last answer. Kept for Webhooks:Retention (30 days).");

        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", RedeliverWebhook)
            .WithName("RedeliverWebhook")
            .WithSummary("Send a delivery again")
            .WithDescription("Queues the delivery again at once, whatever its status, with a fresh retry schedule. The receiver gets the same webhook-id and body.");

        group.MapPost("/{id}/replay", ReplayWebhooks)
            .WithName("ReplayWebhooks")
            .WithSummary("Send again the events of a time range")
            .WithDescription("Queues again every delivery to this subscription of an event that happened in [from, to), whatever its status, and a first delivery of " +
                             "every event of its types in that range that it never got (it was disabled, or did not list the type then); answers how many. " +
                             "Receivers get the same webhook-id as before, so they can recognise what they already processed.")
            .WithRequestExample("morning", "The events of a morning", WebhookExamples.Replay);

        return group;
    }

    public static async Task<Ok<Page<WebhookSubscriptionResource>>> ListWebhookSubscriptions(
        ExSyncDbContext db,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var after = Paging.AfterKey(continuationToken);
        var query = db.WebhookSubscriptions.AsNoTracking();
        if (after is not null)
        {
            query = query.Where(s => s.Id.CompareTo(after.Value) > 0);
        }

        var rows = await query.OrderBy(s => s.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, s => s.Id, s => s.ToResource(), request));
    }

    public static async Task<Created<CreatedWebhookSubscription>> CreateWebhookSubscription(
        JsonBody<WebhookSubscriptionInput> body,
        [AsParameters] WebhookServices services,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var input = body.Value;
        var secret = input.Secret ?? WebhookSecret.Generate();
        var subscription = WebhookSubscription.Create(
            services.Ids.Next(), input.Url!, input.EventTypes!, input.Enabled ?? true, input.Description, services.Secrets.Protect(secret), services.Time.GetUtcNow());
        services.Db.WebhookSubscriptions.Add(subscription);
        services.Audit.Record(AuditOperations.WebhookSubscriptionCreated, nameof(WebhookSubscription), subscription.Id, null, subscription.ToSettings(), [AuditTrail.Secret("secret")]);
        await services.Db.SaveChangesAsync(cancellationToken);

        var resource = subscription.ToResource();
        response.SetETag(resource.ETag);
        return TypedResults.Created(
            ResourceUrls.Absolute(response.HttpContext.Request, $"/api/v1/webhook-subscriptions/{subscription.Id}"),
            resource.WithSecret(secret));
    }

    public static async Task<Results<Ok<WebhookSubscriptionResource>, NotFoundProblem>> GetWebhookSubscription(
        Guid id, ExSyncDbContext db, HttpResponse response, CancellationToken cancellationToken)
    {
        var subscription = await db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var resource = subscription.ToResource();
        response.SetETag(resource.ETag);
        return TypedResults.Ok(resource);
    }

    public static Task<Results<Ok<WebhookSubscriptionResource>, BadRequestProblem, NotFoundProblem, PreconditionFailedProblem>> UpdateWebhookSubscription(
        Guid id,
        MergePatch<WebhookSubscriptionSettings> patch,
        [FromHeader(Name = "If-Match"), Description("Apply the change only if the subscription's ETag still matches.")] string? ifMatch,
        [AsParameters] WebhookServices services,
        IValidator<WebhookSubscriptionSettings> validator,
        HttpResponse response,
        CancellationToken cancellationToken) =>
        services.Db.WriteAsync(() => UpdateOnceAsync(id, patch, ifMatch, services, validator, response, cancellationToken), cancellationToken);

    private static async Task<Results<Ok<WebhookSubscriptionResource>, BadRequestProblem, NotFoundProblem, PreconditionFailedProblem>> UpdateOnceAsync(
        Guid id,
        MergePatch<WebhookSubscriptionSettings> patch,
        string? ifMatch,
        WebhookServices services,
        IValidator<WebhookSubscriptionSettings> validator,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var subscription = await services.Db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(ifMatch, ETags.For(subscription.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(subscription.Revision));
        }

        var before = subscription.ToSettings();
        var input = patch.ApplyTo(before);
        if (await validator.ProblemIfInvalidAsync(input, cancellationToken) is { } invalid)
        {
            return invalid;
        }

        if (subscription.Update(input.Url!, input.EventTypes!, input.Enabled ?? true, input.Description, services.Time.GetUtcNow()))
        {
            services.Audit.Record(AuditOperations.WebhookSubscriptionUpdated, nameof(WebhookSubscription), subscription.Id, before, subscription.ToSettings());
            await services.Db.SaveChangesAsync(cancellationToken);
        }

        var resource = subscription.ToResource();
        response.SetETag(resource.ETag);
        return TypedResults.Ok(resource);
    }

    public static async Task<Results<NoContent, PreconditionFailedProblem>> DeleteWebhookSubscription(
        Guid id,
        [FromHeader(Name = "If-Match"), Description("Delete only if the subscription's ETag still matches.")] string? ifMatch,
        [AsParameters] WebhookServices services,
        CancellationToken cancellationToken)
    {
        var subscription = await services.Db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return string.IsNullOrWhiteSpace(ifMatch) ? TypedResults.NoContent() : Problem.PreconditionFailed("(none: the subscription does not exist)");
        }

        if (!ETags.Matches(ifMatch, ETags.For(subscription.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(subscription.Revision));
        }

        services.Db.WebhookSubscriptions.Remove(subscription);
        services.Audit.Record(AuditOperations.WebhookSubscriptionDeleted, nameof(WebhookSubscription), subscription.Id, subscription.ToSettings(), null);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<RotatedWebhookSecret>, NotFoundProblem, PreconditionFailedProblem>> RotateWebhookSecret(
        Guid id,
        JsonBody<RotateWebhookSecretInput> body,
        [FromHeader(Name = "If-Match"), Description("Rotate only if the subscription's ETag still matches.")] string? ifMatch,
        [AsParameters] WebhookServices services,
        IOptions<WebhookOptions> options,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var subscription = await services.Db.WebhookSubscriptions.SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return NotFound(id);
        }

        if (!ETags.Matches(ifMatch, ETags.For(subscription.Revision)))
        {
            return Problem.PreconditionFailed(ETags.For(subscription.Revision));
        }

        var secret = body.Value.Secret ?? WebhookSecret.Generate();
        var overlap = body.Value.OverlapSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : options.Value.SecretRotationOverlap;
        subscription.RotateSecret(services.Secrets.Protect(secret), overlap, services.Time.GetUtcNow());
        services.Audit.Record(AuditOperations.WebhookSubscriptionUpdated, nameof(WebhookSubscription), subscription.Id, [AuditTrail.Secret("secret")]);
        await services.Db.SaveChangesAsync(cancellationToken);

        var etag = ETags.For(subscription.Revision);
        response.SetETag(etag);
        return TypedResults.Ok(new RotatedWebhookSecret { Secret = secret, PreviousSecretExpiresAt = subscription.PreviousSecretExpiresAt, ETag = etag });
    }

    public static async Task<Results<Accepted<WebhookPingResult>, NotFoundProblem>> PingWebhookSubscription(
        Guid id, [AsParameters] WebhookServices services, CancellationToken cancellationToken)
    {
        if (!await services.Db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return NotFound(id);
        }

        var ping = WebhookOutbox.CreateEvent(WebhookEventTypes.Ping, id, null, services.Time.GetUtcNow(), subscriptionId: id);
        services.Db.WebhookEvents.Add(ping);
        await services.Db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new WebhookPingResult { EventId = ping.Id, EventType = ping.Type });
    }

    public static async Task<Results<Ok<Page<WebhookDeliveryResource>>, NotFoundProblem>> ListWebhookDeliveries(
        Guid id,
        ExSyncDbContext db,
        [Description("Only deliveries with this status.")] WebhookDeliveryStatus? status,
        [Description("Items per page, 1–1000 (default 100).")] int? pageSize,
        [Description("Opaque token from the nextLink of the previous page.")] string? continuationToken,
        HttpRequest request,
        CancellationToken cancellationToken)
    {
        var size = Paging.PageSize(pageSize);
        var before = Paging.AfterKey(continuationToken);
        if (!await db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken))
        {
            return NotFound(id);
        }

        var query = db.WebhookDeliveries.AsNoTracking().Where(d => d.SubscriptionId == id);
        if (status is not null)
        {
            query = query.Where(d => d.Status == status);
        }

        if (before is not null)
        {
            query = query.Where(d => d.Id.CompareTo(before.Value) < 0);
        }

        var rows = await query.OrderByDescending(d => d.Id).Take(size + 1).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.ToPage(size, d => d.Id, d => d.ToResource(), request));
    }

    public static async Task<Results<Ok<WebhookDeliveryResource>, NotFoundProblem>> RedeliverWebhook(
        Guid id, Guid deliveryId, [AsParameters] WebhookServices services, WebhookSignal signal, CancellationToken cancellationToken)
    {
        var delivery = await services.Db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId && d.SubscriptionId == id, cancellationToken);
        if (delivery is null)
        {
            return await services.Db.WebhookSubscriptions.AnyAsync(s => s.Id == id, cancellationToken)
                ? Problem.NotFound(ProblemCodes.WebhookDeliveryNotFound, $"The webhook subscription '{id}' has no delivery with id '{deliveryId}'.")
                : NotFound(id);
        }

        delivery.Redeliver(services.Time.GetUtcNow());
        await services.Db.SaveChangesAsync(cancellationToken);
        signal.Wake();
        return TypedResults.Ok(delivery.ToResource());
    }

    public static async Task<Results<Ok<WebhookReplayResult>, NotFoundProblem>> ReplayWebhooks(
        Guid id, JsonBody<WebhookReplayInput> body, [AsParameters] WebhookServices services, WebhookSignal signal, CancellationToken cancellationToken)
    {
        var subscription = await services.Db.WebhookSubscriptions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var queued = await services.Db.ReplayWebhooksAsync(
            subscription, body.Value.From!.Value, body.Value.To!.Value, services.Time.GetUtcNow(), services.Ids.Next, cancellationToken);
        signal.Wake();
        return TypedResults.Ok(new WebhookReplayResult { Queued = queued });
    }

    private static NotFoundProblem NotFound(Guid id) =>
        Problem.NotFound(ProblemCodes.WebhookSubscriptionNotFound, $"There is no webhook subscription with id '{id}'.");
}

/// <summary>What the webhook handlers need.</summary>
public sealed class WebhookServices(ExSyncDbContext db, TimeProvider time, SequentialIds ids, SecretProtector secrets, AuditTrail audit)
{
    public ExSyncDbContext Db { get; } = db;

    public TimeProvider Time { get; } = time;

    public SequentialIds Ids { get; } = ids;

    public SecretProtector Secrets { get; } = secrets;

    public AuditTrail Audit { get; } = audit;
}
