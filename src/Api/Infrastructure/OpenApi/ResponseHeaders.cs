using System.Globalization;
using ExSync.Api.Jobs;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Documents response headers, which the generator does not infer from TypedResults: <c>ETag</c> on success responses that return a
/// resource with an etag, <c>Location</c> on 201, and the long-running-operation headers: <c>Operation-Location</c> and
/// <c>Retry-After</c> on 202, and <c>Retry-After</c> on a job's status while it runs.
/// </summary>
internal static class ResponseHeaders
{
    public static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var retryAfterWhileRunning = context.Description.ActionDescriptor.EndpointMetadata.OfType<JobHeaders.RetryAfterWhileRunning>().Any();
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            var returnsResource = context.Description.SupportedResponseTypes.Any(r =>
                r.StatusCode.ToString(CultureInfo.InvariantCulture) == status
                && r.Type?.GetProperty("ETag") is not null);
            if (returnsResource)
            {
                Add(concrete, "ETag", "The resource's entity tag; send it in If-Match to make a later update or delete conditional.", JsonSchemaType.String);
            }

            switch (status)
            {
                case "201":
                    Add(concrete, "Location", "URL of the created resource.", JsonSchemaType.String);
                    break;
                case "202":
                    Add(concrete, JobHeaders.OperationLocation, "Absolute URL of the job's status monitor; poll it with GET until the job finishes.", JsonSchemaType.String);
                    Add(concrete, "Retry-After", "Seconds to wait before polling the status monitor.", JsonSchemaType.Integer);
                    break;
                case "200" when retryAfterWhileRunning:
                    Add(concrete, "Retry-After", "Present while the job is NotStarted or Running: seconds to wait before polling again.", JsonSchemaType.Integer);
                    break;
            }
        }

        return Task.CompletedTask;
    }

    private static void Add(OpenApiResponse response, string name, string description, JsonSchemaType type)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = type } };
    }
}
