using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ExSync.Api.Infrastructure.Requests;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Documents request bodies so that Swagger UI offers bodies that work and generated clients know what is required:
/// <list type="bullet">
/// <item>fields marked <see cref="RequiredFieldAttribute"/> are <c>required</c> and not nullable;</item>
/// <item>a JSON Merge Patch body refers to a <c>…Patch</c> twin of its schema in which every field is optional and nullable, as
/// RFC 7396 has it (null removes a value), wherever the schema or one it contains has required fields;</item>
/// <item>each body carries the realistic example(s) its endpoint declares with <see cref="WithRequestExample{TBuilder}"/>,
/// serialized with the API's own JSON options. Without one Swagger UI would prefill null objects and "string" placeholders.</item>
/// </list>
/// </summary>
public static class RequestBodyDocumentation
{
    /// <summary>Declares a realistic request body; with several, the first is the one Swagger UI prefills.</summary>
    /// <param name="builder">The endpoint.</param>
    /// <param name="name">A short key (Swagger UI lists it when there are several examples).</param>
    /// <param name="summary">What the example shows.</param>
    /// <param name="value">The body, an instance of the endpoint's request type.</param>
    public static TBuilder WithRequestExample<TBuilder>(this TBuilder builder, string name, string summary, object value)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RequestExample(name, summary, value));

    internal static void ApplyRequestBodyDocumentation(this OpenApiOptions options)
    {
        options.AddOperationTransformer(AddExamples);
        options.AddDocumentTransformer(MarkRequiredFields);
    }

    private static Task AddExamples(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var examples = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().ToList();
        if (examples.Count == 0 || operation.RequestBody?.Content is not { } content)
        {
            return Task.CompletedTask;
        }

        var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        foreach (var mediaType in content.Values)
        {
            if (examples.Count == 1)
            {
                mediaType.Example = JsonSerializer.SerializeToNode(examples[0].Value, examples[0].Value.GetType(), json);
                continue;
            }

            mediaType.Examples = examples.ToDictionary(
                e => e.Name,
                e => (IOpenApiExample)new OpenApiExample { Summary = e.Summary, Value = JsonSerializer.SerializeToNode(e.Value, e.Value.GetType(), json) });
        }

        return Task.CompletedTask;
    }

    private static Task MarkRequiredFields(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return Task.CompletedTask;
        }

        var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var bodyTypes = context.DescriptionGroups
            .SelectMany(group => group.Items)
            .SelectMany(description => description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsMetadata>())
            .Select(accepts => accepts.RequestType)
            .OfType<Type>()
            .Distinct()
            .ToList();
        var required = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var type in bodyTypes.SelectMany(type => SelfAndNestedTypes(type, json)).Distinct())
        {
            var fields = json.GetTypeInfo(type).Properties
                .Where(property => property.AttributeProvider?.IsDefined(typeof(RequiredFieldAttribute), inherit: false) == true)
                .Select(property => property.Name)
                .ToHashSet(StringComparer.Ordinal);
            if (fields.Count > 0 && schemas.ContainsKey(type.Name))
            {
                required[type.Name] = fields;
            }
        }

        // The twins are copies of the schemas as generated, so they are made before the originals are marked.
        var twins = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var mediaType in MergePatchBodies(document))
        {
            if (mediaType.Schema is OpenApiSchemaReference { Reference.Id: { } id })
            {
                mediaType.Schema = new OpenApiSchemaReference(PatchTwin(id, document, schemas, required, twins), document);
            }
        }

        foreach (var (name, fields) in required)
        {
            var schema = (OpenApiSchema)schemas[name];
            foreach (var field in fields)
            {
                schema.Required ??= new HashSet<string>(StringComparer.Ordinal);
                schema.Required.Add(field);
                schema.Properties![field] = NotNullable(schema.Properties[field]);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The schema a merge patch of <paramref name="id"/> uses: a <c>…Patch</c> twin if required fields lie anywhere inside it.</summary>
    private static string PatchTwin(string id, OpenApiDocument document, IDictionary<string, IOpenApiSchema> schemas, Dictionary<string, HashSet<string>> required, Dictionary<string, string> twins)
    {
        if (twins.TryGetValue(id, out var known))
        {
            return known;
        }

        var schema = (OpenApiSchema)schemas[id];
        var properties = (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).ToDictionary(
            p => p.Key,
            p => Referenced(p.Value) is { } child ? Retarget(p.Value, child, PatchTwin(child, document, schemas, required, twins), document) : p.Value);
        var needsTwin = required.ContainsKey(id) || properties.Any(p => !ReferenceEquals(p.Value, schema.Properties![p.Key]));
        var twin = needsTwin ? (id.EndsWith("Input", StringComparison.Ordinal) ? id[..^"Input".Length] : id) + "Patch" : id;
        twins[id] = twin;
        if (needsTwin)
        {
            schemas[twin] = Copy(schema, copy =>
            {
                copy.Properties = properties;
                copy.Description = $"{schema.Description} As a JSON Merge Patch (RFC 7396): every field is optional, absent fields are kept, null removes a value.";
            });
        }

        return twin;
    }

    private static IEnumerable<OpenApiMediaType> MergePatchBodies(OpenApiDocument document) =>
        (document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>())
        .SelectMany(path => path.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
        .Select(operation => operation.RequestBody?.Content)
        .OfType<IDictionary<string, OpenApiMediaType>>()
        .SelectMany(content => content)
        .Where(entry => entry.Key == MergePatch<object>.MediaType)
        .Select(entry => entry.Value);

    /// <summary>The component a property refers to, directly or as the non-null branch of a nullable <c>oneOf</c>.</summary>
    private static string? Referenced(IOpenApiSchema property) => property switch
    {
        OpenApiSchemaReference { Reference.Id: { } id } => id,
        { OneOf: { } branches } => branches.OfType<OpenApiSchemaReference>().SingleOrDefault()?.Reference.Id,
        _ => null,
    };

    private static IOpenApiSchema Retarget(IOpenApiSchema property, string from, string to, OpenApiDocument document) =>
        from == to ? property : property switch
        {
            OpenApiSchemaReference => new OpenApiSchemaReference(to, document),
            _ => Copy(property, copy => copy.OneOf = property.OneOf!
                .Select(branch => branch is OpenApiSchemaReference ? new OpenApiSchemaReference(to, document) : branch)
                .ToList()),
        };

    /// <summary>The property without its null: the bare reference of a nullable <c>oneOf</c>, or the type without <c>null</c>.</summary>
    private static IOpenApiSchema NotNullable(IOpenApiSchema property) => property switch
    {
        { OneOf: { } branches } when branches.OfType<OpenApiSchemaReference>().SingleOrDefault() is { } reference => reference,
        { Type: { } type } when type.HasFlag(JsonSchemaType.Null) => Copy(property, copy => copy.Type = type & ~JsonSchemaType.Null),
        _ => property,
    };

    // Copies, not changes: twin and original share the property schemas they do not replace.
    private static OpenApiSchema Copy(IOpenApiSchema schema, Action<OpenApiSchema> change)
    {
        var copy = (OpenApiSchema)schema.CreateShallowCopy();
        change(copy);
        return copy;
    }

    private static IEnumerable<Type> SelfAndNestedTypes(Type type, JsonSerializerOptions json)
    {
        var seen = new HashSet<Type>();
        var pending = new Stack<Type>([type]);
        while (pending.TryPop(out var current))
        {
            current = Nullable.GetUnderlyingType(current) ?? current;
            var info = json.GetTypeInfo(current);
            if (info is { Kind: JsonTypeInfoKind.Enumerable, ElementType: { } element })
            {
                // The items of a list body (the entries of a bulk upsert) have their own required fields.
                pending.Push(element);
                continue;
            }

            if (info.Kind != JsonTypeInfoKind.Object || !seen.Add(current))
            {
                continue;
            }

            yield return current;
            foreach (var property in info.Properties)
            {
                pending.Push(property.PropertyType);
            }
        }
    }

    /// <summary>A request body example, declared on an endpoint.</summary>
    private sealed record RequestExample(string Name, string Summary, object Value);
}
