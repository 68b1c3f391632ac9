using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Metadata;

namespace ExSync.Api.Infrastructure.Requests;

/// <summary>
/// A JSON Merge Patch (RFC 7396) document for a resource whose writable form is <typeparamref name="T"/>: fields it
/// names are replaced, <c>null</c> removes a value, absent fields stay as they are. Unknown and read-only fields are
/// rejected before the handler runs.
/// </summary>
public sealed class MergePatch<T> : IBindableFromHttpContext<MergePatch<T>>, IEndpointParameterMetadataProvider
    where T : class
{
    /// <summary>The media type of merge patch documents.</summary>
    public const string MediaType = "application/merge-patch+json";

    private static readonly string[] MediaTypes = [MediaType];

    private readonly JsonRequestReader reader;

    private MergePatch(JsonObject document, JsonRequestReader reader)
    {
        Document = document;
        this.reader = reader;
    }

    /// <summary>The patch as sent.</summary>
    public JsonObject Document { get; }

    /// <inheritdoc />
    public static async ValueTask<MergePatch<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var reader = context.RequestServices.GetRequiredService<JsonRequestReader>();
        return new MergePatch<T>(await reader.ReadObjectAsync(context, typeof(T), MediaTypes), reader);
    }

    /// <inheritdoc />
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata([MediaType], typeof(T)));

    /// <summary>Applies the patch to the current writable state of the resource and returns the result.</summary>
    public T ApplyTo(T current)
    {
        var target = JsonSerializer.SerializeToNode(current, reader.SerializerOptions) ?? new JsonObject();
        return reader.Deserialize<T>(Merge(target, Document)!);
    }

    /// <summary>Whether the patch names the field at <paramref name="path"/> (with any value, null included).</summary>
    public bool Mentions(params string[] path)
    {
        JsonNode? node = Document;
        foreach (var name in path)
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out node))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether the patch sets the field at <paramref name="path"/> to a value other than null.</summary>
    public bool Sets(params string[] path) => Mentions(path) && Find(path) is not null;

    private JsonNode? Find(string[] path)
    {
        JsonNode? node = Document;
        foreach (var name in path)
        {
            node = (node as JsonObject)?[name];
        }

        return node;
    }

    // RFC 7396 section 2, MergePatch(Target, Patch).
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var targetObject = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                targetObject.Remove(name);
            }
            else
            {
                var merged = Merge(targetObject[name], value);
                targetObject.Remove(name);
                targetObject[name] = merged;
            }
        }

        return targetObject;
    }
}
