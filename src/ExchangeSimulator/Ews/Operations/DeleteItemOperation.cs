using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// DeleteItem: DeleteType is required. HardDelete removes the item for good; SoftDelete moves it to the dumpster
/// (Recoverable Items\Deletions, where Exchange 2010 and later keep soft-deleted items); MoveToDeletedItems moves it
/// to Deleted Items. Moves give the item a new id. Deleting an id that no longer exists answers ErrorItemNotFound.
/// </summary>
internal sealed class DeleteItemOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "DeleteItem",
        Particle.Required(EwsNamespaces.Messages, "ItemIds"));

    private static readonly string[] DeleteTypes = ["HardDelete", "SoftDelete", "MoveToDeletedItems"];
    private static readonly string[] CancellationModes = ["SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy"];
    private static readonly string[] TaskOccurrenceModes = ["AllOccurrences", "SpecifiedOccurrenceOnly"];

    private static readonly ItemError CancellationsRequired =
        new("ErrorSendMeetingCancellationsRequired", "SendMeetingCancellations attribute is required for Calendar items.");

    private static readonly ItemError TaskOccurrencesRequired =
        new("ErrorAffectedTaskOccurrencesRequired", "AffectedTaskOccurrences attribute is required for Task items.");

    private DeleteItemOperation(DeleteDisposal disposal, bool hasCancellationMode, bool hasTaskOccurrenceMode, IReadOnlyList<string> itemIds)
    {
        Disposal = disposal;
        HasCancellationMode = hasCancellationMode;
        HasTaskOccurrenceMode = hasTaskOccurrenceMode;
        ItemIds = itemIds;
    }

    public override string Name => "DeleteItem";

    public DeleteDisposal Disposal { get; }

    public bool HasCancellationMode { get; }

    public bool HasTaskOccurrenceMode { get; }

    public IReadOnlyList<string> ItemIds { get; }

    public static DeleteItemOperation Parse(XmlReader reader)
    {
        var deleteType = StrictXml.EnumAttribute(reader, "DeleteType", "DisposalType", DeleteTypes, required: true)!;
        var cancellations = StrictXml.EnumAttribute(reader, "SendMeetingCancellations", "CalendarItemCreateOrDeleteOperationType", CancellationModes, required: false);
        var taskOccurrences = StrictXml.EnumAttribute(reader, "AffectedTaskOccurrences", "AffectedTaskOccurrencesType", TaskOccurrenceModes, required: false);
        StrictXml.BooleanAttribute(reader, "SuppressReadReceipts");

        var ids = new List<string>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            ids.AddRange(ItemIdList.Read(reader, "DeleteItem").Select(id => id.Id));
        }

        return new DeleteItemOperation(Enum.Parse<DeleteDisposal>(deleteType), cancellations is not null, taskOccurrences is not null, ids);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var id in ItemIds)
        {
            var error = context.ForcedItemError ?? Delete(context, id);
            if (error is not null)
            {
                writer.WriteErrorMessage(error);
                continue;
            }

            writer.StartMessage(null);
            writer.EndElement();
        }
    }

    private ItemError? Delete(EwsExecutionContext context, string id)
    {
        var located = ItemLocator.Locate(context, id);
        if (located.Error is not null)
        {
            return located.Error;
        }

        if (located.Item!.ElementName == "CalendarItem" && !HasCancellationMode)
        {
            return CancellationsRequired;
        }

        if (located.Item.ElementName == "Task" && !HasTaskOccurrenceMode)
        {
            return TaskOccurrencesRequired;
        }

        // The item may have been deleted by a concurrent request between lookup and delete.
        return located.Mailbox!.DeleteItem(located.Item.ObjectNumber, Disposal) ? null : ItemError.ItemNotFound;
    }
}

/// <summary>Finds the live item an ItemId names, or the per-item error for it.</summary>
internal static class ItemLocator
{
    public static (MailboxStore? Mailbox, SimulatedItem? Item, ItemError? Error) Locate(EwsExecutionContext context, string id)
    {
        if (!EwsIdCodec.TryDecode(id, out var kind, out var mailboxGuid, out var objectNumber) || kind != EwsIdKind.Item)
        {
            return (null, null, ItemError.InvalidIdMalformed);
        }

        var mailbox = context.Runtime.State.FindByGuid(mailboxGuid);
        if (mailbox is null)
        {
            return (null, null, ItemError.ItemNotFound);
        }

        if (!ReferenceEquals(mailbox, context.Mailbox) && !context.Caller.MayImpersonate(mailbox))
        {
            return (null, null, ItemError.AccessDenied);
        }

        return mailbox.TryGetItem(objectNumber, out var item) ? (mailbox, item, null) : (null, null, ItemError.ItemNotFound);
    }
}
