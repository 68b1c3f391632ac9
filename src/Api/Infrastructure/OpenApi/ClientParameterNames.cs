using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Gives header parameters a C# name in generated clients. NSwag derives a method parameter's name from the HTTP name, which made
/// <c>Repeatability-Request-ID</c> into <c>repeatability_Request_ID</c> and <c>If-Match</c> into <c>if_Match</c>; it takes the
/// name from <c>x-originalName</c> when there is one, and still sends the header under its HTTP name.
/// </summary>
internal static class ClientParameterNames
{
    public const string Extension = "x-originalName";

    public static Task DocumentAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { In: ParameterLocation.Header, Name: { } name } header)
            {
                header.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                header.Extensions[Extension] = new JsonNodeExtension(JsonValue.Create(ToCamelCase(name)));
            }
        }

        return Task.CompletedTask;
    }

    /// <summary><c>Repeatability-Request-ID</c> → <c>repeatabilityRequestId</c>: each word capitalized, acronyms too, the first lower case.</summary>
    public static string ToCamelCase(string headerName) => string.Concat(headerName
        .Split('-', StringSplitOptions.RemoveEmptyEntries)
        .Select((word, i) => (i == 0 ? char.ToLowerInvariant(word[0]) : char.ToUpperInvariant(word[0])) + word[1..].ToLowerInvariant()));
}
