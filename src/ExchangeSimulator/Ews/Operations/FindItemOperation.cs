using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// FindItem over one or more folders with IndexedPageItemView or FractionalPageItemView paging, a Restriction and a
/// SortOrder (see <see cref="ItemQuery"/>); without a SortOrder, newest item first. Grouping, calendar/contacts views
/// and query strings are not simulated and are refused explicitly rather than ignored, so a client never mistakes
/// unfiltered results for filtered ones.
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

    /// <summary>The Restriction, or null for every item.</summary>
    public ItemFilter? Restriction { get; private init; }

    /// <summary>The SortOrder, or null for newest first.</summary>
    public Comparison<(SimulatedItem Item, MailboxStore Mailbox)>? SortOrder { get; private init; }

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
        ItemFilter? restriction = null;
        Comparison<(SimulatedItem Item, MailboxStore Mailbox)>? sortOrder = null;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "ItemShape":
                    shape = ResponseShape.ReadItemShape(reader);
                    ItemProperties.ThrowIfNotFindable(shape, "FindItem");
                    break;
                case "IndexedPageItemView":
                    view = PagingView.ReadIndexed(reader);
                    break;
                case "FractionalPageItemView":
                    view = PagingView.ReadFractional(reader);
                    break;
                case "Restriction":
                    restriction = ItemQuery.ReadRestriction(reader);
                    break;
                case "SortOrder":
                    sortOrder = ItemQuery.ReadSortOrder(reader);
                    break;
                case "ParentFolderIds":
                    folders = FolderTargets.ReadList(reader, FolderTargets.ParentFolderIdsSequence);
                    break;
                default:
                    throw EwsFault.NotSimulated($"FindItem with {cursor.LocalName}");
            }
        }

        return new FindItemOperation(traversal, shape!, view, folders!) { Restriction = restriction, SortOrder = sortOrder };
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
        if (Restriction is not null || SortOrder is not null)
        {
            return QueryPage(mailbox, folder);
        }

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

    /// <summary>The filtered and sorted view of a folder (a snapshot), paged like the unfiltered one.</summary>
    private FindItemsPage QueryPage(MailboxStore mailbox, FolderKey folder)
    {
        // Oldest first by arrival; reversed, it is the default newest-first order, which also breaks sort ties.
        var items = mailbox.ListItems(folder);
        items.Reverse();
        if (Restriction is { } restriction)
        {
            items = items.FindAll(item => restriction(item, mailbox));
        }

        if (SortOrder is { } sortOrder)
        {
            items = [.. items.Select(item => (Item: item, Mailbox: mailbox)).Order(Comparer<(SimulatedItem Item, MailboxStore Mailbox)>.Create(sortOrder)).Select(pair => pair.Item)];
        }

        var total = items.Count;
        var (offset, maximum, fromEnd) = View is null ? (0, (int?)null, false) : (View.StartOffset(total), View.MaxEntriesReturned, View.FromEnd);
        var available = Math.Max(total - offset, 0);
        var count = Math.Min(available, maximum ?? int.MaxValue);
        var start = fromEnd ? available - count : offset;
        return new FindItemsPage([.. items.Skip(start).Take(count)], total, offset + count, offset + count >= total);
    }
}
