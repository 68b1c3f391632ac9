using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// CreateItem for messages: SaveOnly stores the message (Drafts by default) and returns its ItemId; SendOnly and
/// SendAndSaveCopy deliver it to recipients that are simulated mailboxes (their Inbox) and return an empty Items,
/// SendAndSaveCopy also keeping a copy in Sent Items (or SavedItemFolderId).
/// </summary>
internal sealed class CreateItemOperation : EwsOperation
{
    private static readonly ElementSequence Sequence = new(EwsNamespaces.Messages, "CreateItem",
        Particle.Optional(EwsNamespaces.Messages, "SavedItemFolderId"),
        Particle.Required(EwsNamespaces.Messages, "Items"));

    private static readonly ElementSequence ItemsSequence = new(EwsNamespaces.Messages, "Items",
        Particle.Choice(EwsNamespaces.Types, 1, Particle.Unbounded,
            "Item", "Message", "CalendarItem", "Contact", "DistributionList", "MeetingMessage", "MeetingRequest", "MeetingResponse",
            "MeetingCancellation", "Task", "PostItem", "ReplyToItem", "ForwardItem", "ReplyAllToItem", "AcceptItem",
            "TentativelyAcceptItem", "DeclineItem", "CancelCalendarItem", "RemoveItem", "SuppressReadReceipt", "PostReplyItem",
            "AcceptSharingInvitation", "RoleMember", "Network", "Person"));

    private static readonly string[] Dispositions = ["SaveOnly", "SendOnly", "SendAndSaveCopy"];
    private static readonly string[] InvitationModes = ["SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy"];

    private static readonly ItemError DispositionRequired =
        new("ErrorMessageDispositionRequired", "MessageDisposition attribute is required.");

    private static readonly ItemError SendOnlyWithSavedFolder =
        new("ErrorInvalidSendItemSaveSettings", "SavedItemFolderId can't be specified with MessageDisposition SendOnly.");

    private static readonly ItemError NoRecipients = new("ErrorInvalidRecipients", "At least one recipient isn't valid.");

    private CreateItemOperation(string? disposition, FolderTarget? savedItemFolder, IReadOnlyList<MessageContent> messages)
    {
        Disposition = disposition;
        SavedItemFolder = savedItemFolder;
        Messages = messages;
    }

    public override string Name => "CreateItem";

    public string? Disposition { get; }

    public FolderTarget? SavedItemFolder { get; }

    public IReadOnlyList<MessageContent> Messages { get; }

    public static CreateItemOperation Parse(XmlReader reader)
    {
        var disposition = StrictXml.EnumAttribute(reader, "MessageDisposition", "MessageDispositionType", Dispositions, required: false);
        StrictXml.EnumAttribute(reader, "SendMeetingInvitations", "CalendarItemCreateOrDeleteOperationType", InvitationModes, required: false);
        FolderTarget? savedItemFolder = null;
        var messages = new List<MessageContent>();
        var cursor = Sequence.Open(reader);
        while (cursor.MoveNext(out var particle))
        {
            if (particle == 0)
            {
                savedItemFolder = FolderTargets.ReadTarget(reader, FolderTargets.SavedItemFolderIdSequence);
                continue;
            }

            var items = ItemsSequence.Open(reader);
            while (items.MoveNext(out _))
            {
                if (items.LocalName != "Message")
                {
                    throw EwsFault.NotSimulated($"creating t:{items.LocalName} items (only t:Message is simulated)");
                }

                messages.Add(MessageReader.Read(reader));
            }
        }

        return new CreateItemOperation(disposition, savedItemFolder, messages);
    }

    public override void Execute(EwsExecutionContext context, EwsResponseWriter writer)
    {
        foreach (var message in Messages)
        {
            var outcome = context.ForcedItemError is { } forced ? (null, forced) : Create(context, message);
            if (outcome.Error is { } error)
            {
                writer.WriteErrorMessage(error, "Items");
                continue;
            }

            writer.StartMessage(null);
            writer.Xml.WriteStartElement("m", "Items", EwsNamespaces.Messages);
            if (outcome.Saved is { } saved)
            {
                writer.Xml.WriteStartElement("t", "Message", EwsNamespaces.Types);
                EwsObjectWriter.WriteFolderId(writer.Xml, "ItemId", saved.Id, saved.ChangeKey);
                writer.Xml.WriteEndElement();
            }

            writer.Xml.WriteEndElement();
            writer.EndElement();
        }
    }

    private (SimulatedItem? Saved, ItemError? Error) Create(EwsExecutionContext context, MessageContent message)
    {
        switch (Disposition)
        {
            case null:
                return (null, DispositionRequired);

            case "SaveOnly":
            {
                var folder = ResolveSaveFolder(context, SimulatedFolder.Drafts);
                if (folder.Error is not null)
                {
                    return (null, folder.Error);
                }

                var saved = folder.Mailbox!.CreateItem(folder.Folder, ToNewItem(message, isRead: message.IsRead ?? true, isDraft: true));
                return (saved, null);
            }

            case "SendOnly" when SavedItemFolder is not null:
                return (null, SendOnlyWithSavedFolder);

            default:
            {
                if (message.ToRecipients.Count + message.CcRecipients.Count + message.BccRecipients.Count == 0)
                {
                    return (null, NoRecipients);
                }

                ResolvedFolder copyFolder = default;
                if (Disposition == "SendAndSaveCopy")
                {
                    copyFolder = ResolveSaveFolder(context, SimulatedFolder.SentItems);
                    if (copyFolder.Error is not null)
                    {
                        return (null, copyFolder.Error);
                    }
                }

                Deliver(context, message);
                if (copyFolder.Mailbox is { } mailbox)
                {
                    mailbox.CreateItem(copyFolder.Folder, ToNewItem(message, isRead: true, isDraft: false) with { From = Sender(context) });
                }

                return (null, null);
            }
        }
    }

    private ResolvedFolder ResolveSaveFolder(EwsExecutionContext context, SimulatedFolder defaultFolder) =>
        SavedItemFolder is null ? new ResolvedFolder(context.Mailbox, defaultFolder, null) : FolderTargets.Resolve(SavedItemFolder, context);

    /// <summary>Each simulated recipient gets an unread copy in its Inbox; other addresses leave the organisation.</summary>
    private static void Deliver(EwsExecutionContext context, MessageContent message)
    {
        var sender = Sender(context);
        var recipients = message.ToRecipients.Concat(message.CcRecipients).Concat(message.BccRecipients)
            .Select(recipient => recipient.EmailAddress).Distinct(StringComparer.OrdinalIgnoreCase);
        foreach (var address in recipients)
        {
            // Bcc recipients stay invisible to everybody who receives the message.
            context.Runtime.State.FindBySmtp(address)?.CreateItem(SimulatedFolder.Inbox,
                ToNewItem(message, isRead: false, isDraft: false) with { From = sender, BccRecipients = [] });
        }
    }

    private static SimulatedRecipient Sender(EwsExecutionContext context) => new(context.Mailbox.DisplayName, context.Mailbox.SmtpAddress);

    private static NewItem ToNewItem(MessageContent message, bool isRead, bool isDraft) => new()
    {
        ItemClass = message.ItemClass ?? "IPM.Note",
        Subject = message.Subject,
        Body = message.Body,
        BodyType = message.BodyType,
        IsRead = isRead,
        IsDraft = isDraft,
        From = message.From,
        ToRecipients = message.ToRecipients,
        CcRecipients = message.CcRecipients,
        BccRecipients = message.BccRecipients,
        ExtendedProperties = message.ExtendedProperties,
    };
}
