using System.Xml;

namespace ExSync.ExchangeSimulator;

internal enum BaseShape
{
    IdOnly,
    Default,
    AllProperties,
}

/// <summary>
/// A FolderShape or ItemShape: the base shape plus AdditionalProperties. Unknown FieldURIs are accepted and
/// ignored (Exchange answers what it can; a simulator that faulted on them would break real clients).
/// </summary>
internal sealed record ResponseShape(BaseShape BaseShape, IReadOnlySet<string> FieldUris, IReadOnlyList<ExtendedFieldUri> ExtendedProperties)
{
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

    public static ResponseShape ReadFolderShape(XmlReader reader) => Read(reader, FolderShapeSequence);

    public static ResponseShape ReadItemShape(XmlReader reader) => Read(reader, ItemShapeSequence);

    private static ResponseShape Read(XmlReader reader, ElementSequence sequence)
    {
        var baseShape = BaseShape.IdOnly;
        var fieldUris = new HashSet<string>(StringComparer.Ordinal);
        var extended = new List<ExtendedFieldUri>();
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "BaseShape":
                    baseShape = Enum.Parse<BaseShape>(StrictXml.ReadEnumText(reader, "DefaultShapeNamesType", BaseShapes));
                    break;
                case "AdditionalProperties":
                    ReadPaths(reader, fieldUris, extended);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return new ResponseShape(baseShape, fieldUris, extended);
    }

    private static void ReadPaths(XmlReader reader, HashSet<string> fieldUris, List<ExtendedFieldUri> extended)
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
                    StrictXml.RequiredAttribute(reader, "FieldURI");
                    StrictXml.RequiredAttribute(reader, "FieldIndex");
                    break;
                case "ExtendedFieldURI":
                    extended.Add(ExtendedFieldUri.Read(reader));
                    break;
            }

            reader.Skip();
        }
    }
}
