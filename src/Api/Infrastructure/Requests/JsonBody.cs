using System.Reflection;
using ExSync.Api.Infrastructure.Validation;
using Microsoft.AspNetCore.Http.Metadata;

namespace ExSync.Api.Infrastructure.Requests;

/// <summary>
/// A JSON request body of type <typeparamref name="T"/>, checked field by field before it reaches the handler
/// (see <see cref="JsonInputInspector"/>). It documents itself as an <c>application/json</c> body of <typeparamref name="T"/>.
/// </summary>
public sealed class JsonBody<T> : IBindableFromHttpContext<JsonBody<T>>, IEndpointParameterMetadataProvider, IValidatedBody
    where T : class
{
    private static readonly string[] MediaTypes = ["application/json"];

    private JsonBody(T value) => Value = value;

    /// <summary>The deserialized body.</summary>
    public T Value { get; }

    object IValidatedBody.Value => Value;

    /// <inheritdoc />
    public static async ValueTask<JsonBody<T>?> BindAsync(HttpContext context, ParameterInfo parameter)
    {
        var reader = context.RequestServices.GetRequiredService<JsonRequestReader>();
        var body = await reader.ReadObjectAsync(context, typeof(T), MediaTypes);
        return new JsonBody<T>(reader.Deserialize<T>(body));
    }

    /// <inheritdoc />
    public static void PopulateMetadata(ParameterInfo parameter, EndpointBuilder builder) =>
        builder.Metadata.Add(new AcceptsMetadata(MediaTypes, typeof(T)));
}
