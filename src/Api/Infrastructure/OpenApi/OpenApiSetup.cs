using ExSync.Api.Infrastructure.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI document (3.0, which NSwag reads reliably; see style.md pitfalls 1–2) and Swagger UI. The same document is
/// written to openapi.json at build time and served at /openapi/v1.json; a test keeps the two equal.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddApiOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.OpenApiVersion = OpenApiSpecVersion.OpenApi3_0;
            options.ApplySchemaNames();
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "ExSync API",
                    Version = "v1",
                    Description = ApiDescription,
                };

                // The server URL depends on how the document was fetched; leaving it out keeps the build-time file and the
                // served document identical, and clients resolve paths against wherever they found the document.
                document.Servers?.Clear();
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer(RemoveNullFromEnumComponents);
            options.AddDocumentTransformer(InlineUploadedFiles);
            options.AddSchemaTransformer(EnumDescriptions.DescribeAsync);
            options.AddOperationTransformer(ResponseHeaders.DocumentAsync);
            options.AddOperationTransformer(ClientParameterNames.DocumentAsync);
            options.ApplyRequestBodyDocumentation();
            options.ApplySecurity();
        });

    /// <summary>
    /// An enum met only through nullable properties (AttachmentSkipReason) is generated as a component with null among its values,
    /// which NSwag turns into an empty class instead of an enum. Nullability belongs to the properties (their nullable oneOf), so it is
    /// taken out of the components.
    /// </summary>
    private static Task RemoveNullFromEnumComponents(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            if (schema.Enum is { Count: > 1 } values && values.Any(v => v is null))
            {
                schema.Enum = values.Where(v => v is not null).ToList();
            }
        }

        return Task.CompletedTask;
    }

    public static WebApplication MapApiOpenApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint($"/openapi/{DocumentName}.json", "ExSync API v1");
            options.RoutePrefix = "swagger";
            options.DocumentTitle = "ExSync API";
        });
        return app;
    }

    /// <summary>
    /// Resource contracts are named <c>XxxResource</c> in code, to keep them apart from the domain types of the same name;
    /// clients see them as <c>Xxx</c>, and a page of them as <c>XxxPage</c>.
    /// </summary>
    private static void ApplySchemaNames(this OpenApiOptions options) => options.CreateSchemaReferenceId = type =>
    {
        if (type.Type.IsGenericType && type.Type.GetGenericTypeDefinition() == typeof(Page<>))
        {
            return StripResource(type.Type.GetGenericArguments()[0].Name) + "Page";
        }

        return OpenApiOptions.CreateDefaultSchemaReferenceId(type) is { } id ? StripResource(id) : null;
    };

    /// <summary>
    /// Writes an uploaded file's schema inline (string, binary) rather than as a reference to an IFormFile component: NSwag generates its
    /// FileParameter type only for a file it sees without a reference.
    /// </summary>
    private static Task InlineUploadedFiles(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var forms = document.Paths.Values
            .SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(operation => operation.RequestBody?.Content?.Values ?? Enumerable.Empty<OpenApiMediaType>())
            .Select(media => media.Schema)
            .OfType<OpenApiSchema>();
        foreach (var form in forms)
        {
            foreach (var (name, property) in form.Properties?.ToList() ?? [])
            {
                if (property is OpenApiSchemaReference { Reference.Id: "IFormFile" })
                {
                    form.Properties![name] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" };
                }
            }
        }

        document.Components?.Schemas?.Remove("IFormFile");
        return Task.CompletedTask;
    }

    private static string StripResource(string name) =>
        name.EndsWith("Resource", StringComparison.Ordinal) ? name[..^"Resource".Length] : name;

    private const string ApiDescription =
        "ExSync configures and operates server-side synchronization between a CRM and Microsoft Exchange Server on-premises " +
        "(2013 SP1, 2016, 2019, Subscription Edition).\n\n" +
        "* **Errors** are RFC 9457 `application/problem+json` with a stable `code` (listed in the README); 400 responses name each field at fault in `errors` and `details`.\n" +
        "* **Updates** are JSON Merge Patch (RFC 7396, `application/merge-patch+json`). Every resource has an `etag`; send it in `If-Match` to update or delete only if nobody changed the resource since (412 otherwise).\n" +
        "* **Lists** return `{ value, nextLink }`; follow `nextLink` until it is absent.\n" +
        "* **Enums** are strings and extensible: clients should tolerate values added in later versions.\n" +
        "* **Secrets** (passwords, client secrets) are write-only and encrypted at rest.";
}
