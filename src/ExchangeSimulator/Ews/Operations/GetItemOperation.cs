using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// GetItem: ItemShape, then ItemIds; one response message per id in request order, each the item in schema order
/// with the shape's properties (bodies converted to the requested BodyType, MimeContent, headers, attachment
/// summaries), or a per-item error (ErrorInvalidIdMalformed, ErrorItemNotFound for a deleted, moved or unknown id).
/// </summary>
internal sealed class GetItemOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "GetItem",
        Particle.Required(EwsNamespaces.Messages, "ItemShape"),
        Particle.Required(EwsNamespaces.Messages, "ItemIds"));

    private static readonly ElementSequence ItemIdsSequence = new(EwsNamespaces.Messages, "ItemIds",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, "ItemId", "OccurrenceItemId", "RecurringMasterItemId", "RecurringMasterItemIdRanges"));

    private static readonly ElementSequence EmptyContent = new(EwsNamespaces.Types, "ItemId");

    private GetItemOperation(ResponseShape shape, IReadOnlyList<string> itemIds)
    {
        Shape = shape;
        ItemIds = itemIds;
    }

    public override string Name => "GetItem";

    public ResponseShape Shape { get; }

    public IReadOnlyList<string> ItemIds { get; }

    public static GetItemOperation Parse(XmlReader reader)
    {
        ResponseShape? shape = null;
        var ids = new List<string>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                shape = ResponseShape.ReadItemShape(reader);
                continue;
            }

            var itemIds = ItemIdsSequence.Open(reader);
            while (itemIds.MoveNext(out _))
            {
                if (itemIds.LocalName != "ItemId")
                {
                    throw EwsFault.NotSimulated($"GetItem by t:{itemIds.LocalName} (there are no recurring series)");
                }

                ids.Add(StrictXml.RequiredAttribute(reader, "Id"));
                EmptyContent.Open(reader).SkipRemaining();
            }
        }

        return new GetItemOperation(shape!, ids);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var id in ItemIds)
        {
            var located = context.ForcedItemError is { } forced ? (null, null, forced) : ItemLocator.Locate(context, id);
            if (located.Error is { } error)
            {
                writer.WriteErrorMessage(error, "Items");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Items", EwsNamespaces.Messages);
            ItemWriter.Write(writer.Xml, located.Mailbox!, located.Item!, Shape, summary: false);
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }
}
