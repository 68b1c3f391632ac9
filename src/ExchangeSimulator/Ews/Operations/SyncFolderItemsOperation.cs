using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// SyncFolderItems: net changes (Create, Update, Delete, ReadFlagChange) since an opaque SyncState, oldest change
/// first, at most MaxChangesReturned (1..512) per call; IncludesLastItemInRange tells the client whether to call
/// again. States are bound to their folder; a state of another folder, a tampered, expired or invalidated one is
/// ErrorInvalidSyncStateData, a vanished folder ErrorSyncFolderNotFound.
/// </summary>
internal sealed class SyncFolderItemsOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "SyncFolderItems",
        Particle.Required(M, "ItemShape"),
        Particle.Required(M, "SyncFolderId"),
        Particle.Optional(M, "SyncState"),
        Particle.Optional(M, "Ignore"),
        Particle.Required(M, "MaxChangesReturned"),
        Particle.Optional(M, "SyncScope"));

    private static readonly ElementSequence IgnoreSequence = new(M, "Ignore", Particle.Many(T, "ItemId"));
    private static readonly ElementSequence EmptyContent = new(T, "ItemId");
    private static readonly string[] SyncScopes = ["NormalItems", "NormalAndAssociatedItems"];

    private static readonly ItemError SyncFolderNotFound =
        new("ErrorSyncFolderNotFound", "The folder to be synchronized could not be found.");

    private SyncFolderItemsOperation(ResponseShape shape, FolderTarget folder, string? syncState, IReadOnlyList<string> ignoredIds, int maxChanges)
    {
        Shape = shape;
        Folder = folder;
        SyncState = syncState;
        IgnoredIds = ignoredIds;
        MaxChangesReturned = maxChanges;
    }

    public override string Name => "SyncFolderItems";

    public ResponseShape Shape { get; }

    public FolderTarget Folder { get; }

    public string? SyncState { get; }

    public IReadOnlyList<string> IgnoredIds { get; }

    public int MaxChangesReturned { get; }

    public static SyncFolderItemsOperation Parse(XmlReader reader)
    {
        ResponseShape? shape = null;
        FolderTarget? folder = null;
        string? syncState = null;
        var ignored = new List<string>();
        var maxChanges = 0;
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out _))
        {
            switch (cursor.LocalName)
            {
                case "ItemShape":
                    shape = ResponseShape.ReadItemShape(reader);
                    ItemProperties.ThrowIfNotFindable(shape, "SyncFolderItems");
                    break;
                case "SyncFolderId":
                    folder = FolderTargets.ReadTarget(reader, FolderTargets.SyncFolderIdSequence);
                    break;
                case "SyncState":
                    syncState = StrictXml.ReadText(reader);
                    break;
                case "Ignore":
                    var ignore = IgnoreSequence.Open(reader);
                    while (ignore.MoveNext(out _))
                    {
                        ignored.Add(StrictXml.RequiredAttribute(reader, "Id"));
                        EmptyContent.Open(reader).SkipRemaining();
                    }

                    break;
                case "MaxChangesReturned":
                    maxChanges = StrictXml.ReadIntText(reader, "MaxSyncChangesReturnedType", 1, 512);
                    break;
                default:
                    StrictXml.ReadEnumText(reader, "SyncFolderItemsScopeType", SyncScopes);
                    break;
            }
        }

        return new SyncFolderItemsOperation(shape!, folder!, string.IsNullOrWhiteSpace(syncState) ? null : syncState, ignored, maxChanges);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        var resolved = FolderTargets.Resolve(Folder, context);

        // A folder that is not there (any more) is ErrorSyncFolderNotFound for this operation.
        var error = context.ForcedItemError ?? (resolved.Error == ItemError.FolderNotFound ? SyncFolderNotFound : resolved.Error);
        long afterSequence = 0;
        if (error is null && SyncState is not null)
        {
            var codec = context.Runtime.SyncStates;
            if (!codec.TryDecode(SyncState, resolved.Mailbox!.MailboxGuid, resolved.Folder, out var epoch, out afterSequence) ||
                !resolved.Mailbox.CanContinueSync(resolved.Folder, epoch, afterSequence))
            {
                error = resolved.Mailbox.HasFolder(resolved.Folder) ? ItemError.InvalidSyncStateData : SyncFolderNotFound;
            }
        }

        var mailbox = resolved.Mailbox!;
        var page = error is null ? mailbox.Sync(resolved.Folder, afterSequence, MaxChangesReturned, IgnoredObjectNumbers(mailbox)) : null;
        if (page is null)
        {
            writer.WriteErrorMessage(error ?? SyncFolderNotFound);
            return;
        }

        writer.StartMessage(null);
        var xml = writer.Xml;
        xml.WriteElementString("m", "SyncState", M, context.Runtime.SyncStates.Encode(mailbox.MailboxGuid, resolved.Folder, page.SyncEpoch, page.NewSequence));
        xml.WriteElementString("m", "IncludesLastItemInRange", M, page.IncludesLastItemInRange ? "true" : "false");
        xml.WriteStartElement("m", "Changes", M);
        foreach (var change in page.Changes)
        {
            WriteChange(xml, mailbox, change);
        }

        xml.WriteEndElement();
        writer.EndElement();
        context.Runtime.State.VanishAfterSync(mailbox, resolved.Folder, page.Changes);
    }

    private void WriteChange(XmlWriter xml, MailboxStore mailbox, SyncChange change)
    {
        xml.WriteStartElement("t", change.Kind.ToString(), T);
        switch (change.Kind)
        {
            case SyncChangeKind.Create or SyncChangeKind.Update:
                EwsObjectWriter.WriteItem(xml, mailbox, change.Item, Shape);
                break;
            case SyncChangeKind.Delete:
                EwsObjectWriter.WriteFolderId(xml, "ItemId", change.Item.Id, changeKey: null);
                break;
            default:
                EwsObjectWriter.WriteFolderId(xml, "ItemId", change.Item.Id, change.Item.ChangeKey);
                xml.WriteElementString("t", "IsRead", T, change.Item.IsRead ? "true" : "false");
                break;
        }

        xml.WriteEndElement();
    }

    private HashSet<long>? IgnoredObjectNumbers(MailboxStore mailbox)
    {
        if (IgnoredIds.Count == 0)
        {
            return null;
        }

        var numbers = new HashSet<long>();
        foreach (var id in IgnoredIds)
        {
            if (EwsIdCodec.TryDecode(id, out var kind, out var guid, out var number) && kind == EwsIdKind.Item && guid == mailbox.MailboxGuid)
            {
                numbers.Add(number);
            }
        }

        return numbers;
    }
}
