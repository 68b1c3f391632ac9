using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// DeleteFolder: DeleteType is required. A user-created folder goes with its items and subfolders (folders cannot be
/// soft-deleted, so SoftDelete is as final as HardDelete); MoveToDeletedItems moves it, keeping its id, under
/// Deleted Items. Distinguished folders answer ErrorDeleteDistinguishedFolder; a folder that is gone, ErrorItemNotFound.
/// </summary>
internal sealed class DeleteFolderOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "DeleteFolder",
        Particle.Required(EwsNamespaces.Messages, "FolderIds"));

    private static readonly string[] DeleteTypes = ["HardDelete", "SoftDelete", "MoveToDeletedItems"];

    private static readonly ItemError DeleteDistinguishedFolder =
        new("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.");

    private static readonly ItemError FolderExistsInDeletedItems =
        new("ErrorFolderExists", "A folder with the specified name already exists.");

    private DeleteFolderOperation(DeleteDisposal disposal, IReadOnlyList<FolderTarget> folders)
    {
        Disposal = disposal;
        Folders = folders;
    }

    public override string Name => "DeleteFolder";

    public DeleteDisposal Disposal { get; }

    public IReadOnlyList<FolderTarget> Folders { get; }

    public static DeleteFolderOperation Parse(XmlReader reader)
    {
        var deleteType = StrictXml.EnumAttribute(reader, "DeleteType", "DisposalType", DeleteTypes, required: true)!;
        List<FolderTarget>? folders = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            folders = FolderTargets.ReadList(reader, FolderTargets.FolderIdsSequence);
        }

        return new DeleteFolderOperation(Enum.Parse<DeleteDisposal>(deleteType), folders!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var target in Folders)
        {
            var error = context.ForcedItemError ?? Delete(context, target);
            if (error is not null)
            {
                writer.WriteErrorMessage(error);
                continue;
            }

            writer.StartMessage(null);
            writer.EndElement();
        }
    }

    private ItemError? Delete(EwsExecutionContext context, FolderTarget target)
    {
        var resolved = FolderTargets.Resolve(target, context);
        if (resolved.Error is { } error)
        {
            return error == ItemError.FolderNotFound ? ItemError.ItemNotFound : error;
        }

        return resolved.Mailbox!.DeleteFolder(resolved.Folder, Disposal) switch
        {
            FolderChangeError.None => null,
            FolderChangeError.Distinguished => DeleteDistinguishedFolder,
            FolderChangeError.NameExists => FolderExistsInDeletedItems,
            _ => ItemError.ItemNotFound,
        };
    }
}
