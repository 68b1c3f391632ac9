using System.Globalization;
using System.Threading.RateLimiting;
using ExSync.Api.Infrastructure.Problems;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Infrastructure.Security;

/// <summary>Limits against abuse, bound from the <c>Limits</c> configuration section.</summary>
public sealed class RequestLimitOptions
{
    /// <summary>Largest request body, in bytes (1 MiB: 10,000 mailbox ids take about 400 KB).</summary>
    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Largest request body of bulk writes that carry records rather than ids (16 MiB: 10,000 directory entries take about 2 MB).</summary>
    public long MaxBulkRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Jobs one caller may start per minute, on average.</summary>
    public int JobsPerMinute { get; set; } = 30;

    /// <summary>Jobs one caller may start at once before the per-minute rate applies.</summary>
    public int JobsBurst { get; set; } = 10;
}

/// <summary>Refuses limits at start that would fail requests later: a body limit below zero made every request, health included, a 500.</summary>
internal sealed class RequestLimitOptionsValidator : IValidateOptions<RequestLimitOptions>
{
    // Below 1 KiB even a small mailbox is refused: a limit that low is a slip of the keyboard, not a policy.
    private const long MinRequestBodyBytes = 1024;

    public ValidateOptionsResult Validate(string? name, RequestLimitOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBodyBytes < MinRequestBodyBytes)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Limits:MaxRequestBodyBytes must be at least {MinRequestBodyBytes}; it is {options.MaxRequestBodyBytes}."));
        }

        if (options.MaxBulkRequestBodyBytes < options.MaxRequestBodyBytes)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Limits:MaxBulkRequestBodyBytes must be at least Limits:MaxRequestBodyBytes ({options.MaxRequestBodyBytes}); it is {options.MaxBulkRequestBodyBytes}."));
        }

        if (options.JobsPerMinute < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Limits:JobsPerMinute must be at least 1; it is {options.JobsPerMinute}."));
        }

        if (options.JobsBurst < 1)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"Limits:JobsBurst must be at least 1 (no job could start); it is {options.JobsBurst}."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

/// <summary>The request body limit and the rate limit of job-creating endpoints (per caller, with the built-in rate limiter).</summary>
public static class RequestLimits
{
    private const string JobCreationPolicy = "job-creation";

    public static WebApplicationBuilder AddRequestLimits(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RequestLimitOptions>().BindConfiguration("Limits").ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<RequestLimitOptions>, RequestLimitOptionsValidator>();
        builder.Services.AddRateLimiter(options =>
        {
            options.AddPolicy(JobCreationPolicy, context =>
            {
                var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<RequestLimitOptions>>().CurrentValue;
                return RateLimitPartition.GetTokenBucketLimiter(context.User.Id(), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = limits.JobsBurst,
                    TokensPerPeriod = limits.JobsPerMinute,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
            });
            options.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(60);
                var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await new TooManyRequestsProblem(Problem.Create(
                    StatusCodes.Status429TooManyRequests,
                    ProblemCodes.TooManyRequests,
                    $"You started too many jobs in a short time. Retry after {seconds} seconds.")).ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }

    /// <summary>Refuses bodies above the limit before they are read: Kestrel enforces it while reading, and a declared length is checked at once.</summary>
    public static WebApplication UseRequestBodyLimit(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptionsMonitor<RequestLimitOptions>>().CurrentValue;
            var metadata = context.GetEndpoint()?.Metadata;
            var limit = metadata?.GetMetadata<RequestBodyLimit>()?.Bytes
                        ?? (metadata?.GetMetadata<BulkRequestBody>() is null ? limits.MaxRequestBodyBytes : limits.MaxBulkRequestBodyBytes);
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            {
                feature.MaxRequestBodySize = limit;
            }

            if (context.Request.ContentLength > limit)
            {
                CloseConnectionAfterResponse(context);
                await new RequestTooLargeProblem(Problem.Create(
                    StatusCodes.Status413PayloadTooLarge,
                    ProblemCodes.RequestBodyTooLarge,
                    $"The request body is {context.Request.ContentLength:N0} bytes; at most {limit:N0} are accepted.")).ExecuteAsync(context);
                return;
            }

            await next(context);
        });
        return app;
    }

    /// <summary>
    /// Ends an HTTP/1.x connection with this response, for a 413: the rest of the body stays unread, and Kestrel closes the connection
    /// rather than read more than the limit. Without the header, a keep-alive client sends its next request on a connection that is
    /// closing, and that request fails. (HTTP/2 streams end on their own; there the header is not allowed.)
    /// </summary>
    public static void CloseConnectionAfterResponse(HttpContext context)
    {
        if (HttpProtocol.IsHttp11(context.Request.Protocol) || HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>Gives the endpoint the bulk body limit (<c>Limits:MaxBulkRequestBodyBytes</c>) instead of the usual one.</summary>
    public static TBuilder AcceptsBulkRequestBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BulkRequestBody());

    /// <summary>Marks an endpoint whose body may be as large as the bulk limit.</summary>
    private sealed class BulkRequestBody;

    /// <summary>Gives the endpoint a body limit of its own, for uploads whose limit is a setting the handler checks (an attachment's).</summary>
    public static TBuilder AcceptsRequestBodyUpTo<TBuilder>(this TBuilder builder, long bytes)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestBodyLimit(bytes));

    /// <summary>The body limit of one endpoint.</summary>
    private sealed record RequestBodyLimit(long Bytes);

    /// <summary>Applies the per-caller job-creation rate limit and documents its 429.</summary>
    public static TBuilder RequireJobCreationLimit<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireRateLimiting(JobCreationPolicy);
        builder.Add(endpoint => endpoint.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status429TooManyRequests, typeof(ApiProblem), [ProblemResult.ContentType])));
        return builder;
    }
}
