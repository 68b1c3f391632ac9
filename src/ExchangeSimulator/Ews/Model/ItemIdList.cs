using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>An ItemId as a request names it: the id and, when the client sent one, the ChangeKey.</summary>
internal readonly record struct RequestedItemId(string Id, string? ChangeKey);

/// <summary>
/// Reads NonEmptyArrayOfBaseItemIdsType (ItemIds of DeleteItem, MoveItem, CopyItem): ItemId elements; occurrence
/// and recurring-master ids are refused explicitly, since the simulator has no recurrences.
/// </summary>
internal static class ItemIdList
{
    private static readonly ElementSequence ItemIdsSequence = new(EwsNamespaces.Messages, "ItemIds",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded, "ItemId", "OccurrenceItemId", "RecurringMasterItemId"));

    private static readonly ElementSequence EmptyContent = new(EwsNamespaces.Types, "ItemId");

    public static List<RequestedItemId> Read(XmlReader reader, string operation)
    {
        var ids = new List<RequestedItemId>();
        var cursor = ItemIdsSequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            if (cursor.LocalName != "ItemId")
            {
                throw EwsFault.NotSimulated($"{operation} by t:{cursor.LocalName}");
            }

            ids.Add(ReadItemId(reader));
        }

        return ids;
    }

    /// <summary>Reads one t:ItemId (the reader is on it) and moves past it.</summary>
    public static RequestedItemId ReadItemId(XmlReader reader)
    {
        var id = new RequestedItemId(StrictXml.RequiredAttribute(reader, "Id"), reader.GetAttribute("ChangeKey"));
        EmptyContent.Open(reader).SkipRemaining();
        return id;
    }
}
