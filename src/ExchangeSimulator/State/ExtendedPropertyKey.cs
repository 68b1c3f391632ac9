using System.Globalization;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Identifies a MAPI extended property the way EWS ExtendedFieldURI does: either a property tag, or a property set
/// plus a name or numeric id; always with a property type. Distinguished property sets (PublicStrings, Common, …)
/// are normalised to their GUIDs so both spellings address the same property.
/// </summary>
public readonly record struct ExtendedPropertyKey
{
    private ExtendedPropertyKey(Guid? propertySetId, int? propertyTag, string? propertyName, int? propertyId, string propertyType)
    {
        PropertySetId = propertySetId;
        PropertyTag = propertyTag;
        PropertyName = propertyName;
        PropertyId = propertyId;
        PropertyType = propertyType;
    }

    /// <summary>The ExSync organisation ownership marker: a String named property on msgfolderroot.</summary>
    public static ExtendedPropertyKey ExSyncOwnershipMarker { get; } =
        Named(new Guid("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85"), "ExSyncOrganizationId", "String");

    /// <summary>The property set of a named property (null for tagged properties).</summary>
    public Guid? PropertySetId { get; }

    /// <summary>The property tag (the 16-bit property id) of a tagged property.</summary>
    public int? PropertyTag { get; }

    /// <summary>The string name of a named property.</summary>
    public string? PropertyName { get; }

    /// <summary>The numeric id (LID) of a named property.</summary>
    public int? PropertyId { get; }

    /// <summary>The MAPI property type as EWS spells it (String, Integer, Boolean, SystemTime, StringArray, …).</summary>
    public string PropertyType { get; }

    /// <summary>Whether values are arrays (Values/Value) rather than a single Value.</summary>
    public bool IsMultiValued => PropertyType.EndsWith("Array", StringComparison.Ordinal);

    /// <summary>A property identified by property set and name.</summary>
    public static ExtendedPropertyKey Named(Guid propertySetId, string propertyName, string propertyType) =>
        new(propertySetId, null, propertyName, null, RequireType(propertyType));

    /// <summary>A property identified by property set and numeric id.</summary>
    public static ExtendedPropertyKey NamedById(Guid propertySetId, int propertyId, string propertyType) =>
        new(propertySetId, null, null, propertyId, RequireType(propertyType));

    /// <summary>A property identified by its tag (for example 0x3001 PR_DISPLAY_NAME).</summary>
    public static ExtendedPropertyKey Tagged(int propertyTag, string propertyType) =>
        new(null, propertyTag, null, null, RequireType(propertyType));

    /// <inheritdoc />
    public override string ToString() => PropertyTag is { } tag
        ? string.Create(CultureInfo.InvariantCulture, $"tag 0x{tag:X4} ({PropertyType})")
        : $"{PropertySetId:D}/{PropertyName ?? PropertyId?.ToString(CultureInfo.InvariantCulture)} ({PropertyType})";

    private static string RequireType(string propertyType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyType);
        if (!ExtendedPropertyTypes.IsValid(propertyType))
        {
            throw new ArgumentException($"'{propertyType}' is not an EWS MAPI property type.", nameof(propertyType));
        }

        return propertyType;
    }
}

/// <summary>The schema's MapiPropertyTypeType values and the distinguished property sets.</summary>
internal static class ExtendedPropertyTypes
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "ApplicationTime", "ApplicationTimeArray", "Binary", "BinaryArray", "Boolean", "CLSID", "CLSIDArray",
        "Currency", "CurrencyArray", "Double", "DoubleArray", "Error", "Float", "FloatArray", "Integer", "IntegerArray",
        "Long", "LongArray", "Null", "Object", "ObjectArray", "Short", "ShortArray", "SystemTime", "SystemTimeArray",
        "String", "StringArray",
    };

    private static readonly Dictionary<string, Guid> DistinguishedSets = new(StringComparer.Ordinal)
    {
        ["Meeting"] = new("6ED8DA90-450B-101B-98DA-00AA003F1305"),
        ["Appointment"] = new("00062002-0000-0000-C000-000000000046"),
        ["Common"] = new("00062008-0000-0000-C000-000000000046"),
        ["PublicStrings"] = new("00020329-0000-0000-C000-000000000046"),
        ["Address"] = new("00062004-0000-0000-C000-000000000046"),
        ["InternetHeaders"] = new("00020386-0000-0000-C000-000000000046"),
        ["CalendarAssistant"] = new("11000E07-B51B-40D6-AF21-CAA85EDAB1D0"),
        ["UnifiedMessaging"] = new("4442858E-A9E3-4E80-B900-317A210CC15B"),
        ["Task"] = new("00062003-0000-0000-C000-000000000046"),
        ["Sharing"] = new("00062040-0000-0000-C000-000000000046"),
    };

    /// <summary>Every DistinguishedPropertySetType value.</summary>
    public static IReadOnlyCollection<string> DistinguishedSetNames => DistinguishedSets.Keys;

    /// <summary>Every MapiPropertyTypeType value.</summary>
    public static IReadOnlyCollection<string> All => Types;

    public static bool IsValid(string propertyType) => Types.Contains(propertyType);

    public static bool TryGetDistinguishedSet(string name, out Guid propertySetId) => DistinguishedSets.TryGetValue(name, out propertySetId);
}
