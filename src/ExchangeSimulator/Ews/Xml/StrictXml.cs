using System.Globalization;
using System.Text;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>Schema checks for attributes and simple-content elements, worded like the .NET schema validator.</summary>
internal static class StrictXml
{
    public static SchemaViolationException Violation(XmlReader reader, string violation)
    {
        var lineInfo = reader as IXmlLineInfo;
        return new SchemaViolationException(violation, lineInfo?.LineNumber ?? 0, lineInfo?.LinePosition ?? 0);
    }

    /// <summary>Throws unless the reader is on a start tag with this namespace and local name.</summary>
    public static void ExpectElement(XmlReader reader, string ns, string localName)
    {
        reader.MoveToContent();
        if (reader.NodeType != XmlNodeType.Element || reader.LocalName != localName || reader.NamespaceURI != ns)
        {
            throw Violation(reader, $"Expected element '{localName}' in namespace '{ns}' but found '{reader.LocalName}' in namespace '{reader.NamespaceURI}'.");
        }
    }

    public static string RequiredAttribute(XmlReader reader, string name) =>
        reader.GetAttribute(name) ?? throw Violation(reader, $"The required attribute '{name}' is missing.");

    /// <summary>An attribute whose schema type is an enumeration; null when optional and absent.</summary>
    public static string? EnumAttribute(XmlReader reader, string name, string schemaType, IReadOnlyCollection<string> allowed, bool required)
    {
        var value = required ? RequiredAttribute(reader, name) : reader.GetAttribute(name);
        if (value is not null && !allowed.Contains(value))
        {
            throw Violation(reader, $"The '{name}' attribute is invalid - The value '{value}' is invalid according to its datatype '{EwsNamespaces.Types}:{schemaType}' - The Enumeration constraint failed.");
        }

        return value;
    }

    public static bool? BooleanAttribute(XmlReader reader, string name)
    {
        var value = reader.GetAttribute(name);
        return value switch
        {
            null => null,
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw Violation(reader, $"The '{name}' attribute is invalid - The value '{value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:boolean' - The string '{value}' is not a valid Boolean value."),
        };
    }

    public static int? IntAttribute(XmlReader reader, string name, bool required, int minimum = int.MinValue)
    {
        var value = required ? RequiredAttribute(reader, name) : reader.GetAttribute(name);
        if (value is null)
        {
            return null;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw Violation(reader, $"The '{name}' attribute is invalid - The value '{value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The string '{value}' is not a valid Int32 value.");
        }

        if (number < minimum)
        {
            throw Violation(reader, $"The '{name}' attribute is invalid - The value '{value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:int' - The MinInclusive constraint failed.");
        }

        return number;
    }

    /// <summary>
    /// Reads an element with text-only content and moves past its end tag. Child elements are a violation.
    /// </summary>
    public static string ReadText(XmlReader reader)
    {
        var elementName = reader.LocalName;
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }

        reader.Read();
        StringBuilder? text = null;
        string? single = null;
        while (reader.NodeType != XmlNodeType.EndElement)
        {
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    if (single is null)
                    {
                        single = reader.Value;
                    }
                    else
                    {
                        text ??= new StringBuilder(single);
                        text.Append(reader.Value);
                    }

                    reader.Read();
                    break;
                case XmlNodeType.Element:
                    throw Violation(reader, $"The element '{elementName}' cannot contain child element '{reader.LocalName}' because the parent element's content model is text only.");
                default:
                    reader.Read();
                    break;
            }
        }

        reader.Read();
        return text?.ToString() ?? single ?? "";
    }

    /// <summary>A text element whose schema type is an enumeration.</summary>
    public static string ReadEnumText(XmlReader reader, string schemaType, IReadOnlyCollection<string> allowed)
    {
        var (ns, name) = (reader.NamespaceURI, reader.LocalName);
        var snapshot = Position(reader);
        var value = ReadText(reader);
        if (!allowed.Contains(value))
        {
            throw new SchemaViolationException(
                $"The '{ns}:{name}' element is invalid - The value '{value}' is invalid according to its datatype '{EwsNamespaces.Types}:{schemaType}' - The Enumeration constraint failed.",
                snapshot.Line, snapshot.Position);
        }

        return value;
    }

    /// <summary>A text element of xs:int restricted to a range.</summary>
    public static int ReadIntText(XmlReader reader, string schemaType, int minimum, int maximum)
    {
        var (ns, name) = (reader.NamespaceURI, reader.LocalName);
        var snapshot = Position(reader);
        var value = ReadText(reader).Trim();
        var prefix = $"The '{ns}:{name}' element is invalid - The value '{value}' is invalid according to its datatype '{EwsNamespaces.Types}:{schemaType}'";
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            throw new SchemaViolationException($"{prefix} - The string '{value}' is not a valid Int32 value.", snapshot.Line, snapshot.Position);
        }

        if (number < minimum)
        {
            throw new SchemaViolationException($"{prefix} - The MinInclusive constraint failed.", snapshot.Line, snapshot.Position);
        }

        if (number > maximum)
        {
            throw new SchemaViolationException($"{prefix} - The MaxInclusive constraint failed.", snapshot.Line, snapshot.Position);
        }

        return number;
    }

    public static bool ReadBooleanText(XmlReader reader)
    {
        var snapshot = Position(reader);
        var name = reader.LocalName;
        var value = ReadText(reader).Trim();
        return value switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            _ => throw new SchemaViolationException($"The '{name}' element is invalid - The value '{value}' is invalid according to its datatype 'http://www.w3.org/2001/XMLSchema:boolean' - The string '{value}' is not a valid Boolean value.", snapshot.Line, snapshot.Position),
        };
    }

    public static (int Line, int Position) Position(XmlReader reader) =>
        reader is IXmlLineInfo info ? (info.LineNumber, info.LinePosition) : (0, 0);
}
