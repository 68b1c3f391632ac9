using System.Text.Json.Nodes;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>The request-body examples of the checked-in openapi.json (what Swagger UI prefills), and the schemas they follow.</summary>
public static class OpenApiExamples
{
    private static readonly JsonNode Document = JsonNode.Parse(File.ReadAllText(Repository.PathOf("openapi.json")))!;

    /// <summary>Every example of every request body.</summary>
    public static IReadOnlyList<RequestExample> All { get; } = Load().ToList();

    /// <summary>The keys of <see cref="All"/>, for theories.</summary>
    public static TheoryData<string> Keys() => new(All.Select(e => e.Key));

    public static RequestExample Find(string key) => All.Single(e => e.Key == key);

    /// <summary>
    /// The dotted paths of the required fields of <paramref name="schema"/>, and of the required fields of the objects the body holds
    /// (of every object the schema can hold, without a body).
    /// </summary>
    public static IEnumerable<string> RequiredPaths(string schema, JsonObject? body = null, string prefix = "")
    {
        var definition = Schema(schema);
        foreach (var field in definition["required"]?.AsArray().Select(f => f!.GetValue<string>()) ?? [])
        {
            yield return prefix + field;
        }

        foreach (var (name, property) in definition["properties"]?.AsObject() ?? [])
        {
            if (Referenced(property!) is { } child && (body is null || body[name] is JsonObject) && Schema(child)["properties"] is not null)
            {
                foreach (var path in RequiredPaths(child, body?[name] as JsonObject, $"{prefix}{name}."))
                {
                    yield return path;
                }
            }
        }
    }

    /// <summary>The dotted paths of every free-text field of <paramref name="schema"/>, at any depth: strings without a format or enum.</summary>
    public static IEnumerable<string> FreeTextPaths(string schema, string prefix = "")
    {
        foreach (var (name, property) in Schema(schema)["properties"]?.AsObject() ?? [])
        {
            if (Referenced(property!) is { } child)
            {
                foreach (var path in FreeTextPaths(child, $"{prefix}{name}."))
                {
                    yield return path;
                }
            }
            else if (property!["type"]?.GetValue<string>() == "string" && property["format"] is null && property["enum"] is null)
            {
                yield return prefix + name;
            }
        }
    }

    /// <summary>A copy of <paramref name="body"/> with the field at <paramref name="path"/> set, creating the objects on the way.</summary>
    public static JsonObject With(JsonObject body, string path, JsonNode? value)
    {
        var copy = body.DeepClone().AsObject();
        var names = path.Split('.');
        var parent = names[..^1].Aggregate(copy, (node, name) => node[name] as JsonObject ?? (JsonObject)(node[name] = new JsonObject()));
        parent[names[^1]] = value;
        return copy;
    }

    /// <summary>A copy of <paramref name="body"/> without the field at <paramref name="path"/>.</summary>
    public static JsonObject Without(JsonObject body, string path)
    {
        var copy = body.DeepClone().AsObject();
        var names = path.Split('.');
        names[..^1].Aggregate(copy, (node, name) => node[name]!.AsObject()).Remove(names[^1]);
        return copy;
    }

    private static JsonObject Schema(string name) => Document["components"]!["schemas"]![name]!.AsObject();

    // A property refers to another schema directly, or as the non-null branch of a nullable oneOf.
    private static string? Referenced(JsonNode property) =>
        (property["$ref"] ?? property["oneOf"]?.AsArray().Select(b => b?["$ref"]).OfType<JsonNode>().SingleOrDefault())?.GetValue<string>().Split('/')[^1] is { } name
        && Schema(name)["enum"] is null
            ? name
            : null;

    private static IEnumerable<RequestExample> Load()
    {
        foreach (var (path, item) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (mediaType, content) in operation!["requestBody"]?["content"]?.AsObject() ?? [])
                {
                    // A file upload (multipart/form-data) has no JSON schema to give an example of.
                    if (content!["schema"]?["$ref"] is not { } reference)
                    {
                        continue;
                    }

                    var schema = reference.GetValue<string>().Split('/')[^1];
                    IEnumerable<(string Name, JsonNode Value)> examples = content["examples"] is JsonObject many
                        ? many.Select(e => (e.Key, e.Value!["value"]!))
                        : content["example"] is { } single ? [("example", single)] : [];
                    foreach (var (name, value) in examples)
                    {
                        yield return new RequestExample(new HttpMethod(method.ToUpperInvariant()), path, mediaType, name, value.AsObject(), schema);
                    }
                }
            }
        }
    }
}

/// <summary>One example request body.</summary>
public sealed record RequestExample(HttpMethod Method, string Path, string MediaType, string Name, JsonObject Body, string Schema)
{
    public string Key => $"{Method} {Path} {Name}";

    /// <summary>The resource the body describes, whichever operation sends it: ServerProfileInput and ServerProfilePatch are both ServerProfile.</summary>
    public string Resource => Schema.EndsWith("Patch", StringComparison.Ordinal) ? Schema[..^"Patch".Length]
        : Schema.EndsWith("Input", StringComparison.Ordinal) ? Schema[..^"Input".Length] : Schema;
}
