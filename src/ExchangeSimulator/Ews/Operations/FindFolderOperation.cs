using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// FindFolder: the subfolders (Shallow) or the whole subtree (Deep) of each parent folder, with FolderShape and
/// IndexedPageFolderView or FractionalPageFolderView paging. Siblings come in display-name order, a Deep listing
/// depth-first. Exchange 2010 and later keep no soft-deleted folders, so SoftDeleted finds none. Restrictions are
/// refused explicitly rather than ignored.
/// </summary>
internal sealed class FindFolderOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;

    private static readonly ElementSequence Sequence = new(M, "FindFolder",
        Particle.Required(M, "FolderShape"),
        Particle.Choice(M, 0, 1, "IndexedPageFolderView", "FractionalPageFolderView"),
        Particle.Optional(M, "Restriction"),
        Particle.Required(M, "ParentFolderIds"));

    private static readonly string[] Traversals = ["Shallow", "Deep", "SoftDeleted"];

    private FindFolderOperation(string traversal, ResponseShape shape, PagingView? view, IReadOnlyList<FolderTarget> parents)
    {
        Traversal = traversal;
        Shape = shape;
        View = view;
        Parents = parents;
    }

    public override string Name => "FindFolder";

    public string Traversal { get; }

    public ResponseShape Shape { get; }

    public PagingView? View { get; }

    public IReadOnlyList<FolderTarget> Parents { get; }

    public static FindFolderOperation Parse(XmlReader reader)
    {
        var traversal = StrictXml.EnumAttribute(reader, "Traversal", "FolderQueryTraversalType", Traversals, required: true)!;
        ResponseShape? shape = null;
        PagingView? view = null;
        List<FolderTarget>? parents = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "FolderShape":
                    shape = ResponseShape.ReadFolderShape(reader);
                    break;
                case "IndexedPageFolderView":
                    view = PagingView.ReadIndexed(reader);
                    break;
                case "FractionalPageFolderView":
                    view = PagingView.ReadFractional(reader);
                    break;
                case "ParentFolderIds":
                    parents = FolderTargets.ReadList(reader, FolderTargets.ParentFolderIdsSequence);
                    break;
                default:
                    throw EwsFault.NotSimulated("FindFolder with a Restriction");
            }
        }

        return new FindFolderOperation(traversal, shape!, view, parents!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var target in Parents)
        {
            var resolved = FolderTargets.Resolve(target, context);
            var folders = Traversal == "SoftDeleted" ? [] : resolved.Mailbox?.FindFolders(resolved.Folder, deep: Traversal == "Deep");
            var error = context.ForcedItemError ?? resolved.Error ?? (folders is null ? ItemError.FolderNotFound : View?.Validate());
            if (error is not null)
            {
                writer.WriteErrorMessage(error);
                continue;
            }

            var (page, nextOffset) = Page(folders!);
            writer.StartMessage(null);
            var xml = writer.Xml;
            xml.WriteStartElement("m", "RootFolder", M);
            PagingView.WriteRootFolderAttributes(xml, View, nextOffset, folders!.Count, nextOffset >= folders.Count);
            xml.WriteStartElement("t", "Folders", EwsNamespaces.Types);
            foreach (var folder in page)
            {
                EwsObjectWriter.WriteFolder(xml, folder, Shape);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            writer.EndElement();
        }
    }

    /// <summary>The page the view asks for, and the offset of the next one (IndexedPageView semantics, as FindItem).</summary>
    private (IEnumerable<FolderView> Page, int NextOffset) Page(List<FolderView> folders)
    {
        var total = folders.Count;
        var offset = View?.StartOffset(total) ?? 0;
        var available = Math.Max(total - offset, 0);
        var count = Math.Min(available, View?.MaxEntriesReturned ?? int.MaxValue);
        var start = View?.FromEnd == true ? available - count : offset;
        return (folders.Skip(start).Take(count), offset + count);
    }
}
