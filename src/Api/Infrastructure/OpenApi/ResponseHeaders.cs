using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Documents response headers, which the generator does not infer from TypedResults: <c>ETag</c> on every success response that
/// returns a resource with an etag, and <c>Location</c> on 201.
/// </summary>
internal static class ResponseHeaders
{
    public static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }

            var returnsResource = context.Description.SupportedResponseTypes.Any(r =>
                r.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture) == status
                && r.Type?.GetProperty("ETag") is not null);
            if (returnsResource)
            {
                Add(concrete, "ETag", "The resource's entity tag; send it in If-Match to make a later update or delete conditional.");
            }

            if (status == "201")
            {
                Add(concrete, "Location", "URL of the created resource.");
            }
        }

        return Task.CompletedTask;
    }

    private static void Add(OpenApiResponse response, string name, string description)
    {
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        response.Headers[name] = new OpenApiHeader { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }
}
