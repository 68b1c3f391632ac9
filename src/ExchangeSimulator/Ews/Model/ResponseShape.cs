using System.Xml;

namespace ExSync.ExchangeSimulator;

internal enum BaseShape
{
    IdOnly,
    Default,
    AllProperties,
}

/// <summary>
/// A FolderShape or ItemShape: the base shape plus AdditionalProperties, and for items the body options. A FieldURI
/// the simulator does not simulate is refused (ErrorInvalidPropertyRequest naming it) rather than silently left out
/// of the answer, so a client never mistakes a missing property for an empty one.
/// </summary>
internal sealed record ResponseShape(BaseShape BaseShape, IReadOnlySet<string> FieldUris, IReadOnlyList<ExtendedFieldUri> ExtendedProperties)
{
    /// <summary>ItemShape/IncludeMimeContent.</summary>
    public bool IncludeMimeContent { get; init; }

    /// <summary>ItemShape/BodyType: Best (the default), HTML or Text.</summary>
    public string BodyType { get; init; } = "Best";

    /// <summary>ItemShape/UniqueBodyType: HTML (the default) or Text.</summary>
    public string UniqueBodyType { get; init; } = "HTML";

    /// <summary>ItemShape/MaximumBodySize, in kilobytes: longer bodies are truncated (IsTruncated).</summary>
    public int? MaximumBodySize { get; init; }

    /// <summary>IndexedFieldURIs as (FieldURI, FieldIndex), for example item:InternetMessageHeader / X-Mailer.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> IndexedFieldUris { get; init; } = [];

    private static readonly string[] BodyTypes = ["Best", "HTML", "Text"];

    private static readonly string[] BaseShapes = ["IdOnly", "Default", "AllProperties"];

    private static readonly ElementSequence FolderShapeSequence = new(EwsNamespaces.Messages, "FolderShape",
        Particle.Required(EwsNamespaces.Types, "BaseShape"),
        Particle.Optional(EwsNamespaces.Types, "AdditionalProperties"));

    private static readonly ElementSequence ItemShapeSequence = new(EwsNamespaces.Messages, "ItemShape",
        Particle.Required(EwsNamespaces.Types, "BaseShape"),
        Particle.Optional(EwsNamespaces.Types, "IncludeMimeContent"),
        Particle.Optional(EwsNamespaces.Types, "BodyType"),
        Particle.Optional(EwsNamespaces.Types, "UniqueBodyType"),
        Particle.Optional(EwsNamespaces.Types, "NormalizedBodyType"),
        Particle.Optional(EwsNamespaces.Types, "FilterHtmlContent"),
        Particle.Optional(EwsNamespaces.Types, "ConvertHtmlCodePageToUTF8"),
        Particle.Optional(EwsNamespaces.Types, "InlineImageUrlTemplate"),
        Particle.Optional(EwsNamespaces.Types, "BlockExternalImages"),
        Particle.Optional(EwsNamespaces.Types, "AddBlankTargetToLinks"),
        Particle.Optional(EwsNamespaces.Types, "MaximumBodySize"),
        Particle.Optional(EwsNamespaces.Types, "AdditionalProperties"));

    /// <summary>The Path substitution group: FieldURI, IndexedFieldURI, ExtendedFieldURI (and ExceptionFieldURI).</summary>
    private static readonly ElementSequence AdditionalPropertiesSequence = new(EwsNamespaces.Types, "AdditionalProperties",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, "FieldURI", "IndexedFieldURI", "ExtendedFieldURI", "ExceptionFieldURI"));

    public bool Includes(string fieldUri, BaseShape includedFrom) =>
        BaseShape >= includedFrom || FieldUris.Contains(fieldUri);

    public static ResponseShape ReadFolderShape(XmlReader reader)
    {
        var shape = Read(reader, FolderShapeSequence);
        FolderProperties.ThrowIfUnsupported(shape);
        return shape;
    }

    public static ResponseShape ReadItemShape(XmlReader reader)
    {
        var shape = Read(reader, ItemShapeSequence);
        ItemProperties.ThrowIfUnsupported(shape);
        return shape;
    }

    private static ResponseShape Read(XmlReader reader, ElementSequence sequence)
    {
        var baseShape = BaseShape.IdOnly;
        var fieldUris = new HashSet<string>(StringComparer.Ordinal);
        var extended = new List<ExtendedFieldUri>();
        var indexed = new List<KeyValuePair<string, string>>();
        var (includeMime, bodyType, uniqueBodyType, maximumBodySize) = (false, "Best", "HTML", (int?)null);
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "BaseShape":
                    baseShape = Enum.Parse<BaseShape>(StrictXml.ReadEnumText(reader, "DefaultShapeNamesType", BaseShapes));
                    break;
                case "AdditionalProperties":
                    ReadPaths(reader, fieldUris, extended, indexed);
                    break;
                case "IncludeMimeContent":
                    includeMime = StrictXml.ReadBooleanText(reader);
                    break;
                case "BodyType":
                    bodyType = StrictXml.ReadEnumText(reader, "BodyTypeResponseType", BodyTypes);
                    break;
                case "UniqueBodyType":
                    uniqueBodyType = StrictXml.ReadEnumText(reader, "BodyTypeResponseType", BodyTypes);
                    break;
                case "MaximumBodySize":
                    maximumBodySize = StrictXml.ReadIntText(reader, "int", 1, int.MaxValue);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ResponseShape(baseShape, fieldUris, extended)
        {
            IncludeMimeContent = includeMime,
            BodyType = bodyType,
            UniqueBodyType = uniqueBodyType == "Text" ? "Text" : "HTML",
            MaximumBodySize = maximumBodySize,
            IndexedFieldUris = indexed,
        };
    }

    private static void ReadPaths(XmlReader reader, HashSet<string> fieldUris, List<ExtendedFieldUri> extended, List<KeyValuePair<string, string>> indexed)
    {
        var cursor = AdditionalPropertiesSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "FieldURI":
                    fieldUris.Add(StrictXml.RequiredAttribute(reader, "FieldURI"));
                    break;
                case "IndexedFieldURI":
                    indexed.Add(new(StrictXml.RequiredAttribute(reader, "FieldURI"), StrictXml.RequiredAttribute(reader, "FieldIndex")));
                    break;
                case "ExtendedFieldURI":
                    extended.Add(ExtendedFieldUri.Read(reader));
                    break;
                case "ExceptionFieldURI":
                    throw ItemProperties.Unsupported("ExceptionFieldURI " + StrictXml.RequiredAttribute(reader, "FieldURI"));
            }

            reader.Skip();
        }
    }
}
