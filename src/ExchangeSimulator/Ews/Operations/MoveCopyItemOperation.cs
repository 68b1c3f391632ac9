using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// MoveItem and CopyItem (BaseMoveCopyItemType): ToFolderId, ItemIds, ReturnNewItemIds. A move is a copy plus a
/// delete, as in the Exchange store: the item gets a new ItemId and ChangeKey, SyncFolderItems reports a Delete in
/// the source folder and a Create in the destination, and notifications a MovedEvent with OldItemId. The new ids
/// are returned unless ReturnNewItemIds is false.
/// </summary>
internal sealed class MoveCopyItemOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;

    private static readonly ElementSequence MoveSequence = BaseMoveCopySequence("MoveItem");
    private static readonly ElementSequence CopySequence = BaseMoveCopySequence("CopyItem");

    private static readonly ItemError ToFolderNotFound = new("ErrorToFolderNotFound", "The destination folder does not exist.");

    private static readonly ItemError CrossMailboxMoveCopy =
        new("ErrorCrossMailboxMoveCopy", "Cannot move or copy an item to a folder in another mailbox.");

    private MoveCopyItemOperation(string name, FolderTarget destination, IReadOnlyList<RequestedItemId> itemIds, bool returnNewItemIds)
    {
        Name = name;
        Destination = destination;
        ItemIds = itemIds;
        ReturnNewItemIds = returnNewItemIds;
    }

    public override string Name { get; }

    public FolderTarget Destination { get; }

    public IReadOnlyList<RequestedItemId> ItemIds { get; }

    public bool ReturnNewItemIds { get; }

    private bool IsCopy => Name == "CopyItem";

    public static MoveCopyItemOperation ParseMove(XmlReader reader) => Parse(reader, MoveSequence);

    public static MoveCopyItemOperation ParseCopy(XmlReader reader) => Parse(reader, CopySequence);

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var destination = FolderTargets.Resolve(Destination, context);
        var destinationError = destination.Error == ItemError.FolderNotFound ? ToFolderNotFound : destination.Error;
        foreach (var requested in ItemIds)
        {
            var (moved, error) = context.ForcedItemError is { } forced ? (null, forced) : Transfer(context, destination, destinationError, requested.Id);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Items");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Items", M);
            if (ReturnNewItemIds)
            {
                writer.Xml.WriteStartElement("t", moved!.ElementName, EwsNamespaces.Types);
                EwsObjectWriter.WriteFolderId(writer.Xml, "ItemId", moved.Id, moved.ChangeKey);
                writer.Xml.WriteEndElement();
            }

            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private (SimulatedItem? Item, ItemError? Error) Transfer(EwsExecutionContext context, ResolvedFolder destination, ItemError? destinationError, string id)
    {
        var located = ItemLocator.Locate(context, id);
        if (located.Error is not null || destinationError is not null)
        {
            return (null, located.Error ?? destinationError);
        }

        if (!ReferenceEquals(located.Mailbox, destination.Mailbox))
        {
            return (null, CrossMailboxMoveCopy);
        }

        var (item, error) = IsCopy
            ? located.Mailbox!.CopyItem(located.Item!.ObjectNumber, destination.Folder)
            : located.Mailbox!.MoveItem(located.Item!.ObjectNumber, destination.Folder);
        return error switch
        {
            ItemChangeError.None => (item, null),
            ItemChangeError.FolderNotFound => (null, ToFolderNotFound),
            _ => (null, ItemError.ItemNotFound),
        };
    }

    private static ElementSequence BaseMoveCopySequence(string name) => new(M, name,
        Particle.Required(M, "ToFolderId"),
        Particle.Required(M, "ItemIds"),
        Particle.Optional(M, "ReturnNewItemIds"));

    private static MoveCopyItemOperation Parse(XmlReader reader, ElementSequence sequence)
    {
        var name = sequence.LocalName;
        FolderTarget? destination = null;
        List<RequestedItemId>? ids = null;
        var returnNewItemIds = true;
        var cursor = sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            switch (particle)
            {
                case 0:
                    destination = FolderTargets.ReadTarget(reader, FolderTargets.ToFolderIdSequence);
                    break;
                case 1:
                    ids = ItemIdList.Read(reader, name);
                    break;
                default:
                    returnNewItemIds = StrictXml.ReadBooleanText(reader);
                    break;
            }
        }

        return new MoveCopyItemOperation(name, destination!, ids!, returnNewItemIds);
    }
}
