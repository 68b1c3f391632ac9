using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// ConvertId between EwsId, EwsLegacyId, EntryId, HexEntryId, StoreId and OwaId for item and folder ids (see
/// <see cref="AlternateIds"/> for the layouts). Like Exchange it converts without checking that the object still
/// exists; an id that is none of the simulator's answers ErrorInvalidIdMalformed. Public folder ids are refused.
/// </summary>
internal sealed class ConvertIdOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "ConvertId", Particle.Required(M, "SourceIds"));

    private static readonly ElementSequence SourceIdsSequence = new(M, "SourceIds",
        Particle.Choice(T, 1, Particle.Unbounded, "AlternateId", "AlternatePublicFolderId", "AlternatePublicFolderItemId"));

    private static readonly ElementSequence EmptyContent = new(T, "AlternateId");

    private ConvertIdOperation(string destinationFormat, IReadOnlyList<SourceId> sourceIds)
    {
        DestinationFormat = destinationFormat;
        SourceIds = sourceIds;
    }

    public override string Name => "ConvertId";

    public string DestinationFormat { get; }

    public IReadOnlyList<SourceId> SourceIds { get; }

    public static ConvertIdOperation Parse(XmlReader reader)
    {
        var destination = StrictXml.EnumAttribute(reader, "DestinationFormat", "IdFormatType", AlternateIds.Formats, required: true)!;
        var ids = new List<SourceId>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            var sources = SourceIdsSequence.Open(reader);
            while (sources.MoveNext(out _))
            {
                if (sources.LocalName != "AlternateId")
                {
                    throw EwsFault.NotSimulated($"ConvertId of t:{sources.LocalName} (there are no public folders)");
                }

                ids.Add(new SourceId(
                    StrictXml.EnumAttribute(reader, "Format", "IdFormatType", AlternateIds.Formats, required: true)!,
                    StrictXml.RequiredAttribute(reader, "Id"),
                    StrictXml.RequiredAttribute(reader, "Mailbox")));
                EmptyContent.Open(reader).SkipRemaining();
            }
        }

        return new ConvertIdOperation(destination, ids);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var source in SourceIds)
        {
            if (context.ForcedItemError is { } forced)
            {
                writer.WriteErrorMessage(forced);
                continue;
            }

            if (!AlternateIds.TryDecode(source.Format, source.Id, out var kind, out var mailboxGuid, out var objectNumber))
            {
                writer.WriteErrorMessage(ItemError.InvalidIdMalformed);
                continue;
            }

            writer.StartMessage(null);
            var xml = writer.Xml;
            xml.WriteStartElement("m", "AlternateId", M);
            xml.WriteAttributeString("xsi", "type", EwsNamespaces.XmlSchemaInstance, "t:AlternateIdType");
            xml.WriteAttributeString("Format", DestinationFormat);
            xml.WriteAttributeString("Id", AlternateIds.Encode(DestinationFormat, kind, mailboxGuid, objectNumber));
            xml.WriteAttributeString("Mailbox", source.Mailbox);
            xml.WriteEndElement();
            writer.EndElement();
        }
    }

    internal sealed record SourceId(string Format, string Id, string Mailbox);
}
