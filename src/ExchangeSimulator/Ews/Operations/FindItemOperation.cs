using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// FindItem over one or more folders, newest item first, with IndexedPageItemView or FractionalPageItemView paging.
/// Restrictions, grouping, calendar/contacts views and query strings are not simulated and are refused explicitly
/// rather than ignored, so a client never mistakes unfiltered results for filtered ones.
/// </summary>
internal sealed class FindItemOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;

    private static readonly ElementSequence Sequence = new(M, "FindItem",
        Particle.Required(M, "ItemShape"),
        Particle.Choice(M, 0, 1, "IndexedPageItemView", "FractionalPageItemView", "SeekToConditionPageItemView", "CalendarView", "ContactsView"),
        Particle.Choice(M, 0, 1, "GroupBy", "DistinguishedGroupBy"),
        Particle.Optional(M, "Restriction"),
        Particle.Optional(M, "SortOrder"),
        Particle.Required(M, "ParentFolderIds"),
        Particle.Optional(M, "QueryString"));

    private static readonly string[] Traversals = ["Shallow", "SoftDeleted", "Associated"];

    private FindItemOperation(string traversal, ResponseShape shape, PagingView? view, IReadOnlyList<FolderTarget> folders)
    {
        Traversal = traversal;
        Shape = shape;
        View = view;
        Folders = folders;
    }

    public override string Name => "FindItem";

    public string Traversal { get; }

    public ResponseShape Shape { get; }

    public PagingView? View { get; }

    public IReadOnlyList<FolderTarget> Folders { get; }

    public static FindItemOperation Parse(XmlReader reader)
    {
        var traversal = StrictXml.EnumAttribute(reader, "Traversal", "ItemQueryTraversalType", Traversals, required: true)!;
        ResponseShape? shape = null;
        PagingView? view = null;
        List<FolderTarget>? folders = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "ItemShape":
                    shape = ResponseShape.ReadItemShape(reader);
                    break;
                case "IndexedPageItemView":
                    view = PagingView.ReadIndexed(reader);
                    break;
                case "FractionalPageItemView":
                    view = PagingView.ReadFractional(reader);
                    break;
                case "SortOrder":
                    // Accepted and ignored: results always come newest first (documented simplification).
                    reader.Skip();
                    break;
                case "ParentFolderIds":
                    folders = FolderTargets.ReadList(reader, FolderTargets.ParentFolderIdsSequence);
                    break;
                default:
                    throw EwsFault.NotSimulated($"FindItem with {cursor.LocalName}");
            }
        }

        return new FindItemOperation(traversal, shape!, view, folders!);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var target in Folders)
        {
            var resolved = FolderTargets.Resolve(target, context);
            var error = context.ForcedItemError ?? resolved.Error ?? View?.Validate();
            if (error is not null)
            {
                writer.WriteErrorMessage(error);
                continue;
            }

            var mailbox = resolved.Mailbox!;

            // The simulator keeps no soft-deleted or associated (hidden) items, so those traversals find nothing.
            var page = Traversal == "Shallow"
                ? Page(mailbox, resolved.Folder)
                : new FindItemsPage([], 0, 0, IncludesLastItemInRange: true);

            writer.StartMessage(null);
            var xml = writer.Xml;
            xml.WriteStartElement("m", "RootFolder", M);
            PagingView.WriteRootFolderAttributes(xml, View, page.NextOffset, page.TotalItemsInView, page.IncludesLastItemInRange);
            xml.WriteStartElement("t", "Items", EwsNamespaces.Types);
            foreach (var item in page.Items)
            {
                EwsObjectWriter.WriteItem(xml, mailbox, item, Shape);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private FindItemsPage Page(MailboxStore mailbox, FolderKey folder)
    {
        if (View is null)
        {
            return mailbox.FindItems(folder, 0, null, fromEnd: false);
        }

        if (View.IsFractional)
        {
            return mailbox.FindItems(folder, View.StartOffset(mailbox.CountItems(folder)), View.MaxEntriesReturned, fromEnd: false);
        }

        return mailbox.FindItems(folder, View.Offset, View.MaxEntriesReturned, View.FromEnd);
    }
}
