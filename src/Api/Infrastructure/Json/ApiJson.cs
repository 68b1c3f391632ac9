using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExSync.Api.Infrastructure.Json;

/// <summary>
/// The single JSON configuration of the API. Minimal APIs, problem details and the OpenAPI generator all read it,
/// so the contract describes exactly what goes over the wire.
/// </summary>
public static class ApiJson
{
    /// <summary>Applies ExSync's JSON conventions.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;

        // Field names are part of the contract: "Name" is reported as an unknown field (with a hint), not silently accepted.
        options.PropertyNameCaseInsensitive = false;

        // The web default also reads numbers from strings, which makes the OpenAPI generator drop "type: integer".
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = MaxDepth;
    }

    /// <summary>Deepest nesting accepted in a request body; ExSync's resources are at most four levels deep.</summary>
    public const int MaxDepth = 16;

    /// <summary>Options for standalone use (tests, tools), configured like the API's.</summary>
    public static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
