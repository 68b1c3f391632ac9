using System.Globalization;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// A t:ExtendedFieldURI as the client wrote it (so responses echo the same spelling) and the property it names.
/// </summary>
internal sealed record ExtendedFieldUri(
    ExtendedPropertyKey Key, string? DistinguishedPropertySetId, string? PropertySetId, string? PropertyTag, string? PropertyName,
    string? PropertyId, string PropertyType)
{
    /// <summary>Reads the attributes of a t:ExtendedFieldURI (the reader stays on the element).</summary>
    public static ExtendedFieldUri Read(XmlReader reader)
    {
        var propertyType = StrictXml.EnumAttribute(reader, "PropertyType", "MapiPropertyTypeType", ExtendedPropertyTypes.All, required: true)!;
        var distinguishedSet = StrictXml.EnumAttribute(reader, "DistinguishedPropertySetId", "DistinguishedPropertySetType", ExtendedPropertyTypes.DistinguishedSetNames, required: false);
        var setId = reader.GetAttribute("PropertySetId");
        var tag = reader.GetAttribute("PropertyTag");
        var name = reader.GetAttribute("PropertyName");
        var id = reader.GetAttribute("PropertyId");

        Guid? propertySet = null;
        if (setId is not null)
        {
            propertySet = Guid.TryParse(setId, out var parsed)
                ? parsed
                : throw StrictXml.Violation(reader, $"The 'PropertySetId' attribute is invalid - The value '{setId}' is invalid according to its datatype '{EwsNamespaces.Types}:GuidType' - The Pattern constraint failed.");
        }
        else if (distinguishedSet is not null && ExtendedPropertyTypes.TryGetDistinguishedSet(distinguishedSet, out var known))
        {
            propertySet = known;
        }

        // Valid combinations: a tag alone, or exactly one property set with exactly one of name and id.
        var hasSet = (setId is not null) ^ (distinguishedSet is not null);
        var bothSets = setId is not null && distinguishedSet is not null;
        ExtendedPropertyKey key;
        if (tag is not null && !hasSet && !bothSets && name is null && id is null)
        {
            key = ExtendedPropertyKey.Tagged(ParseTag(reader, tag), propertyType);
        }
        else if (tag is null && hasSet && (name is null ^ id is null))
        {
            key = name is not null
                ? ExtendedPropertyKey.Named(propertySet!.Value, name, propertyType)
                : ExtendedPropertyKey.NamedById(propertySet!.Value, ParseInt(reader, "PropertyId", id!), propertyType);
        }
        else
        {
            throw new EwsFault("ErrorInvalidExtendedProperty", "The extended property attribute combination is invalid.");
        }

        return new ExtendedFieldUri(key, distinguishedSet, setId, tag, name, id, propertyType);
    }

    public void Write(XmlWriter writer)
    {
        writer.WriteStartElement("t", "ExtendedFieldURI", EwsNamespaces.Types);
        WriteOptional(writer, "DistinguishedPropertySetId", DistinguishedPropertySetId);
        WriteOptional(writer, "PropertySetId", PropertySetId);
        WriteOptional(writer, "PropertyTag", PropertyTag);
        WriteOptional(writer, "PropertyName", PropertyName);
        WriteOptional(writer, "PropertyId", PropertyId);
        writer.WriteAttributeString("PropertyType", PropertyType);
        writer.WriteEndElement();
    }

    /// <summary>Writes t:ExtendedProperty with this URI and the stored values (Value, or Values/Value for arrays).</summary>
    public void WriteProperty(XmlWriter writer, string[] values)
    {
        writer.WriteStartElement("t", "ExtendedProperty", EwsNamespaces.Types);
        Write(writer);
        if (Key.IsMultiValued)
        {
            writer.WriteStartElement("t", "Values", EwsNamespaces.Types);
            foreach (var value in values)
            {
                writer.WriteElementString("t", "Value", EwsNamespaces.Types, value);
            }

            writer.WriteEndElement();
        }
        else
        {
            writer.WriteElementString("t", "Value", EwsNamespaces.Types, values.Length > 0 ? values[0] : "");
        }

        writer.WriteEndElement();
    }

    private static void WriteOptional(XmlWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteAttributeString(name, value);
        }
    }

    private static int ParseTag(XmlReader reader, string tag)
    {
        var parsed = tag.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? int.TryParse(tag.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : -1
            : int.TryParse(tag, NumberStyles.None, CultureInfo.InvariantCulture, out var decimalTag) ? decimalTag : -1;
        return parsed is >= 0 and <= 0xFFFF
            ? parsed
            : throw StrictXml.Violation(reader, $"The 'PropertyTag' attribute is invalid - The value '{tag}' is invalid according to its datatype '{EwsNamespaces.Types}:PropertyTagType' - The Pattern constraint failed.");
    }

    private static int ParseInt(XmlReader reader, string attribute, string value) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw StrictXml.Violation(reader, $"The '{attribute}' attribute is invalid - The value '{value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The string '{value}' is not a valid Int32 value.");
}
