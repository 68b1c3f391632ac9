using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ExSync.Api.Infrastructure.OpenApi;

/// <summary>
/// Gives an enum's component schema the summary of its type when the generator left it without one: it does so when the enum is first
/// met as a query parameter (syncDirection), and clients and Swagger UI then show a bare list of values.
/// </summary>
internal static partial class EnumDescriptions
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Summaries = new();

    public static Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && context.JsonPropertyInfo is null && string.IsNullOrEmpty(schema.Description)
            && SummariesOf(type.Assembly).TryGetValue("T:" + type.FullName, out var summary))
        {
            schema.Description = summary;
        }

        return Task.CompletedTask;
    }

    // The XML documentation file the build puts beside each assembly; none (a trimmed deployment) leaves descriptions as they were.
    private static IReadOnlyDictionary<string, string> SummariesOf(Assembly assembly) => Summaries.GetOrAdd(assembly, static assembly =>
    {
        var file = Path.ChangeExtension(assembly.Location, ".xml");
        if (string.IsNullOrEmpty(assembly.Location) || !File.Exists(file))
        {
            return new Dictionary<string, string>();
        }

        return XDocument.Load(file).Descendants("member")
            .Where(m => ((string?)m.Attribute("name"))?.StartsWith("T:", StringComparison.Ordinal) == true && m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => Whitespace().Replace(m.Element("summary")!.Value, " ").Trim(), StringComparer.Ordinal);
    });

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
