using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using ExSync.Api.Infrastructure.Problems;

namespace ExSync.Api.Infrastructure.Requests;

/// <summary>
/// Checks a JSON request body against the serializer's own contract for the input type before deserializing it.
/// System.Text.Json stops at the first mismatch and names .NET types in its messages; this reports every field at fault,
/// in the client's vocabulary (JSON paths, allowed enum values, read-only versus unknown fields).
/// </summary>
public sealed class JsonInputInspector(JsonSerializerOptions options)
{
    private static readonly ConcurrentDictionary<Type, HashSet<string>> ResourceFieldNames = new();

    /// <summary>Adds an error for each field of <paramref name="node"/> that does not fit <paramref name="type"/>.</summary>
    public void Inspect(JsonNode? node, Type type, string path, List<ApiFieldError> errors)
    {
        if (node is null)
        {
            // Every input field is optional at this level; which ones are required is a validation rule.
            return;
        }

        var valueType = Nullable.GetUnderlyingType(type) ?? type;
        var typeInfo = options.GetTypeInfo(valueType);
        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                InspectObject(node, typeInfo, path, errors);
                break;
            case JsonTypeInfoKind.Enumerable when typeInfo.ElementType is { } elementType:
                InspectArray(node, elementType, path, errors);
                break;
            default:
                InspectValue(node, valueType, path, errors);
                break;
        }
    }

    private void InspectObject(JsonNode node, JsonTypeInfo typeInfo, string path, List<ApiFieldError> errors)
    {
        if (node is not JsonObject jsonObject)
        {
            errors.Add(new(FieldErrorCodes.WrongType, Display(path), "Expected a JSON object."));
            return;
        }

        foreach (var (name, value) in jsonObject)
        {
            var fieldPath = Join(path, name);
            var property = typeInfo.Properties.FirstOrDefault(p => p.Name == name);
            if (property is not null)
            {
                Inspect(value, property.PropertyType, fieldPath, errors);
            }
            else if (ReadOnlyFieldNames(typeInfo.Type).Contains(name))
            {
                errors.Add(new(FieldErrorCodes.ReadOnlyField, fieldPath, "This field is read-only: it is maintained by ExSync and cannot be set."));
            }
            else
            {
                var similar = typeInfo.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
                var hint = similar is null ? $" Known fields: {string.Join(", ", typeInfo.Properties.Select(p => p.Name))}." : $" Did you mean '{similar.Name}'?";
                errors.Add(new(FieldErrorCodes.UnknownField, fieldPath, "Unknown field." + hint));
            }
        }
    }

    private void InspectArray(JsonNode node, Type elementType, string path, List<ApiFieldError> errors)
    {
        if (node is not JsonArray array)
        {
            errors.Add(new(FieldErrorCodes.WrongType, Display(path), "Expected a JSON array."));
            return;
        }

        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is null)
            {
                errors.Add(new(FieldErrorCodes.WrongType, $"{path}[{i}]", "Null is not allowed here."));
                continue;
            }

            Inspect(array[i], elementType, $"{path}[{i}]", errors);
        }
    }

    private void InspectValue(JsonNode node, Type type, string path, List<ApiFieldError> errors)
    {
        if (type.IsEnum)
        {
            var names = Enum.GetNames(type);
            var given = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
            if (!names.Contains(given, StringComparer.Ordinal))
            {
                errors.Add(new(FieldErrorCodes.InvalidEnumValue, Display(path), $"'{given}' is not a valid value. Allowed values: {string.Join(", ", names)}."));
            }

            return;
        }

        try
        {
            node.Deserialize(type, options);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException)
        {
            errors.Add(new(FieldErrorCodes.WrongType, Display(path), $"Expected {Describe(type)}."));
        }
    }

    // The resource's field names as the serializer writes them, so a renamed field ([JsonPropertyName("etag")]) is recognised too.
    private HashSet<string> ReadOnlyFieldNames(Type inputType) => ResourceFieldNames.GetOrAdd(inputType, type =>
    {
        var resource = type.GetCustomAttribute<InputForAttribute>()?.ResourceType;
        return resource is null
            ? []
            : options.GetTypeInfo(resource).Properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
    });

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) => "a whole number",
        _ when type == typeof(long) => "a whole number",
        _ when type == typeof(Guid) => "a GUID, such as 3fa85f64-5717-4562-b3fc-2c963f66afa6",
        _ when type == typeof(DateTimeOffset) => "an RFC 3339 date-time, such as 2025-01-31T09:30:00Z",
        _ => "a value of another type",
    };

    /// <summary>Joins a JSON path and a field name.</summary>
    public static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Display(string path) => path.Length == 0 ? "$" : path;
}
