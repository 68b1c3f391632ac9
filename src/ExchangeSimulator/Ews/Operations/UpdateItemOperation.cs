using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// UpdateItem: SetItemField, AppendToItemField and DeleteItemField on item:Subject, message:IsRead, item:Categories
/// and extended properties, applied in order, each ItemChange on its own. ConflictResolution is required; the
/// ChangeKey decides conflicts (see <see cref="MailboxStore.UpdateItem"/>). A missing ChangeKey is
/// ErrorChangeKeyRequiredForWriteOperations in every mode, as the EWS reference states. Messages need
/// MessageDisposition (SaveOnly; sending from UpdateItem is not simulated), calendar items
/// SendMeetingInvitationsOrCancellations. Each answer carries the item's new ChangeKey.
/// </summary>
internal sealed class UpdateItemOperation : EwsOperation
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly ElementSequence Sequence = new(M, "UpdateItem",
        Particle.Optional(M, "SavedItemFolderId"),
        Particle.Required(M, "ItemChanges"));

    private static readonly ElementSequence ItemChangesSequence = new(M, "ItemChanges", Particle.Many(T, "ItemChange", minOccurs: 1));

    private static readonly ElementSequence ItemChangeSequence = new(T, "ItemChange",
        Particle.Choice(T, 1, 1, "ItemId", "OccurrenceItemId", "RecurringMasterItemId"),
        Particle.Required(T, "Updates"),
        Particle.Optional(T, "CalendarActivityData"));

    private static readonly string[] ConflictResolutions = ["NeverOverwrite", "AutoResolve", "AlwaysOverwrite"];
    private static readonly string[] Dispositions = ["SaveOnly", "SendOnly", "SendAndSaveCopy"];
    private static readonly string[] MeetingUpdateModes = ["SendToNone", "SendOnlyToAll", "SendOnlyToChanged", "SendToAllAndSaveCopy", "SendToChangedAndSaveCopy"];

    private static readonly ItemError DispositionRequired = new("ErrorMessageDispositionRequired", "MessageDisposition attribute is required.");

    private static readonly ItemError MeetingModeRequired = new("ErrorSendMeetingInvitationsOrCancellationsRequired",
        "SendMeetingInvitationsOrCancellations attribute is required for Calendar items.");

    private static readonly ItemError ChangeKeyRequired = new("ErrorChangeKeyRequiredForWriteOperations",
        "When making a write request against an item, you must provide a change key.");

    private static readonly ItemError InvalidChangeKey = new("ErrorInvalidChangeKey", "The change key is invalid.");

    private static readonly ItemError IrresolvableConflict = new("ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.");

    private static readonly ItemError InvalidPropertyAppend = new("ErrorInvalidPropertyAppend", "This property does not support append.");

    private static readonly ItemError InvalidPropertyDelete = new("ErrorInvalidPropertyDelete", "This property can not be deleted.");

    private UpdateItemOperation(ConflictResolution resolution, string? disposition, bool hasMeetingMode, IReadOnlyList<(RequestedItemId Id, List<FieldChange> Changes)> changes)
    {
        Resolution = resolution;
        Disposition = disposition;
        HasMeetingMode = hasMeetingMode;
        Changes = changes;
    }

    public override string Name => "UpdateItem";

    public ConflictResolution Resolution { get; }

    public string? Disposition { get; }

    public bool HasMeetingMode { get; }

    public IReadOnlyList<(RequestedItemId Id, List<FieldChange> Changes)> Changes { get; }

    public static UpdateItemOperation Parse(XmlReader reader)
    {
        var resolution = Enum.Parse<ConflictResolution>(StrictXml.EnumAttribute(reader, "ConflictResolution", "ConflictResolutionType", ConflictResolutions, required: true)!);
        var disposition = StrictXml.EnumAttribute(reader, "MessageDisposition", "MessageDispositionType", Dispositions, required: false);
        var meetingMode = StrictXml.EnumAttribute(reader, "SendMeetingInvitationsOrCancellations", "CalendarItemUpdateOperationType", MeetingUpdateModes, required: false);

        // Read receipts are not simulated, so suppressing them needs nothing beyond a valid boolean.
        StrictXml.BooleanAttribute(reader, "SuppressReadReceipts");
        if (disposition is "SendOnly" or "SendAndSaveCopy")
        {
            throw EwsFault.NotSimulated($"UpdateItem with MessageDisposition {disposition} (only SaveOnly is simulated)");
        }

        var changes = new List<(RequestedItemId, List<FieldChange>)>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                // With SaveOnly the item stays in its folder; the target folder only matters for sending.
                FolderTargets.ReadTarget(reader, FolderTargets.SavedItemFolderIdSequence);
                continue;
            }

            var itemChanges = ItemChangesSequence.Open(reader);
            while (itemChanges.MoveNext(out _))
            {
                changes.Add(ReadItemChange(reader));
            }
        }

        return new UpdateItemOperation(resolution, disposition, meetingMode is not null, changes);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var (id, changes) in Changes)
        {
            var (updated, error) = context.ForcedItemError is { } forced ? (null, forced) : Update(context, id, changes);
            if (error is not null)
            {
                writer.WriteErrorMessage(error, "Items");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Items", M);
            writer.Xml.WriteStartElement("t", updated!.ElementName, T);
            EwsObjectWriter.WriteFolderId(writer.Xml, "ItemId", updated.Id, updated.ChangeKey);
            writer.Xml.WriteEndElement();
            writer.Xml.WriteEndElement();
            writer.Xml.WriteStartElement("m", "ConflictResults", M);
            writer.Xml.WriteElementString("t", "Count", T, "0");
            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private (SimulatedItem? Item, ItemError? Error) Update(EwsExecutionContext context, RequestedItemId id, List<FieldChange> changes)
    {
        var located = ItemLocator.Locate(context, id.Id);
        if (located.Error is not null)
        {
            return (null, located.Error);
        }

        var item = located.Item!;
        if (item.ElementName == "CalendarItem" && !HasMeetingMode)
        {
            return (null, MeetingModeRequired);
        }

        if (item.ElementName == "Message" && Disposition is null)
        {
            return (null, DispositionRequired);
        }

        var updates = new List<ItemPropertyUpdate>(changes.Count);
        foreach (var change in changes)
        {
            var (update, problem) = ToUpdate(change);
            if (problem is not null)
            {
                return (null, problem);
            }

            updates.Add(update!);
        }

        if (id.ChangeKey is null)
        {
            return (null, ChangeKeyRequired);
        }

        if (!EwsIdCodec.TryDecodeChangeKey(id.ChangeKey, out var changeNumber))
        {
            return (null, InvalidChangeKey);
        }

        var (updated, error) = located.Mailbox!.UpdateItem(item.ObjectNumber, changeNumber, Resolution, updates);
        return error switch
        {
            ItemChangeError.None => (updated, null),
            ItemChangeError.IrresolvableConflict => (null, IrresolvableConflict),
            ItemChangeError.InvalidChangeKey => (null, InvalidChangeKey),
            _ => (null, ItemError.ItemNotFound),
        };
    }

    /// <summary>One change as a store update, or the per-item error Exchange gives for it.</summary>
    private static (ItemPropertyUpdate? Update, ItemError? Error) ToUpdate(FieldChange change)
    {
        switch (change.Action)
        {
            case "AppendToItemField":
                // Only bodies and recipient lists take appends; none of the simulated properties does.
                return (null, InvalidPropertyAppend);

            case "DeleteItemField":
                return change.FieldUri switch
                {
                    ItemPropertyUpdate.SubjectKey => (ItemPropertyUpdate.SetSubject(null), null),
                    ItemPropertyUpdate.CategoriesKey => (ItemPropertyUpdate.SetCategories([]), null),
                    ItemPropertyUpdate.IsReadKey => (null, InvalidPropertyDelete),
                    _ => (ItemPropertyUpdate.DeleteExtendedProperty(change.ExtendedPath!.Key), null),
                };
        }

        var content = change.Content!;
        if (content.PropertyCount != 1)
        {
            return (null, UpdateFolderOperation.IncorrectPropertyCount);
        }

        return change.FieldUri switch
        {
            ItemPropertyUpdate.SubjectKey when content.HasSubject => (ItemPropertyUpdate.SetSubject(content.Subject), null),
            ItemPropertyUpdate.IsReadKey when content.IsRead is { } isRead => (ItemPropertyUpdate.SetRead(isRead), null),
            ItemPropertyUpdate.CategoriesKey when content.Categories is { } categories => (ItemPropertyUpdate.SetCategories(categories), null),
            null when content.ExtendedProperties is [var (uri, values)] && uri.Key == change.ExtendedPath!.Key &&
                      (uri.Key.IsMultiValued || values.Length == 1) =>
                (ItemPropertyUpdate.SetExtendedProperty(uri.Key, values), null),
            _ => (null, UpdateFolderOperation.PropertyMismatch),
        };
    }

    private static (RequestedItemId, List<FieldChange>) ReadItemChange(XmlReader reader)
    {
        RequestedItemId? id = null;
        List<FieldChange>? changes = null;
        var cursor = ItemChangeSequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            switch (particle)
            {
                case 0 when cursor.LocalName != "ItemId":
                    throw EwsFault.NotSimulated($"UpdateItem by t:{cursor.LocalName}");
                case 0:
                    id = ItemIdList.ReadItemId(reader);
                    break;
                case 1:
                    changes = ItemUpdateReader.ReadUpdates(reader);
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        return (id!.Value, changes!);
    }
}
