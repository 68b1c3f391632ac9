using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ExSync.Client;

/// <summary>
/// The JSON conventions of the ExSync API, applied to every generated client: enums as strings, and null properties left out,
/// because ExSync updates are JSON Merge Patch documents in which null means "remove this value". To remove a value on purpose,
/// mark the property with <see cref="MergePatch.WithNull{T, TValue}(T, Expression{Func{T, TValue}})"/>.
/// </summary>
public static class ClientJson
{
    /// <summary>Applies ExSync's JSON conventions to serializer options.</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { OmitNullsUnlessRequested } };
    }

    private static void OmitNullsUnlessRequested(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in typeInfo.Properties)
        {
            var name = property.Name;
            property.ShouldSerialize = (owner, value) => value is not null || MergePatch.IsExplicitNull(owner, name);
        }
    }
}

/// <summary>Explicit nulls in JSON Merge Patch documents sent with the generated client.</summary>
public static class MergePatch
{
    private static readonly ConditionalWeakTable<object, HashSet<string>> ExplicitNulls = new();

    /// <summary>
    /// Sends <paramref name="property"/> as null, which removes the value on the server (or resets it to its default), for example
    /// <c>new OrganizationEmailSettingsInput().WithNull(s => s.DefaultServerProfileId)</c>. Other null properties are left out.
    /// </summary>
    public static T WithNull<T, TValue>(this T document, Expression<Func<T, TValue>> property)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(property);
        var member = (property.Body as MemberExpression)?.Member as PropertyInfo
            ?? throw new ArgumentException("Select a property of the document, such as x => x.Description.", nameof(property));
        var jsonName = member.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        ExplicitNulls.GetOrCreateValue(document).Add(jsonName);
        return document;
    }

    internal static bool IsExplicitNull(object owner, string jsonName) =>
        ExplicitNulls.TryGetValue(owner, out var names) && names.Contains(jsonName);
}
