using System.Reflection;
using System.Text.Json;
using ExSync.Api.Infrastructure.Caching;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace ExSync.Api.Infrastructure.Http;

/// <summary>
/// Serialized representations of resources, each kept with the revision it was made from. A read first asks the database for the
/// resource's current revision (a query of two columns), and serves the kept bytes when they are of that revision; otherwise it reads
/// the whole resource and keeps the new representation. Every change increments the revision, in any instance, so a representation is
/// never served after its resource changed; reading and serializing the whole resource was most of the cost of a GET by id.
/// </summary>
public sealed class RepresentationCache(IOptions<JsonOptions> json)
{
    // A mailbox is about 1.5 KB: at most some 60 MB.
    private const int Capacity = 40_000;

    // Unused representations go; a resource read again is kept again.
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    private readonly ExpiringCache<(string Type, Guid Id), Kept> cache = new(Capacity);

    /// <summary>The kept representation of a resource at a revision, if there is one.</summary>
    public byte[]? Find(string type, Guid id, long revision) =>
        cache.TryGet((type, id), out var kept) && kept.Revision == revision ? kept.Json : null;

    /// <summary>Serializes a representation as the API writes it, and keeps it for its revision.</summary>
    public byte[] Keep<T>(string type, Guid id, long revision, T representation)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(representation, json.Value.SerializerOptions);
        cache.Set((type, id), new Kept(revision, bytes), Lifetime);
        return bytes;
    }

    private sealed record Kept(long Revision, byte[] Json);
}

/// <summary>
/// 200 with a representation of <typeparamref name="T"/> already serialized (see <see cref="RepresentationCache"/>). The contract
/// describes it exactly as <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/>.
/// </summary>
public sealed class SerializedOk<T>(byte[] json) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IContentTypeHttpResult
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => JsonContentType;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = JsonContentType;
        httpContext.Response.ContentLength = json.Length;
        return httpContext.Response.Body.WriteAsync(json).AsTask();
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
}
