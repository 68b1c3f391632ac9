using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// CreateItem for messages, from properties or from MimeContent (parsed and stored byte for byte, as SMTP delivery
/// stores it): SaveOnly stores the message (Drafts by default) and returns its ItemId; SendOnly and SendAndSaveCopy
/// deliver it to recipients that are simulated mailboxes (their Inbox) and return an empty Items, SendAndSaveCopy
/// also keeping a copy in Sent Items (or SavedItemFolderId).
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

    private static readonly ItemError QuotaExceeded = new("ErrorQuotaExceeded", "The mailbox has exceeded its size quota; the message can't be sent.");

    private static readonly ItemError BatchProcessingStopped = new("ErrorBatchProcessingStopped", "Batch processing stopped because an earlier item failed with ErrorQuotaExceeded.");

    private static readonly ItemError SendAsDenied = new("ErrorSendAsDenied", "The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.");

    private static readonly ItemError SubmissionQuotaExceeded = new("ErrorSubmissionQuotaExceeded", "The message can't be submitted because the sender's submission quota was exceeded.");

    private static readonly ItemError InvalidMimeContent = new("ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.");

    /// <summary>PR_MESSAGE_FLAGS, which CreateItem reads (unsent and read flags) rather than stores.</summary>
    private static readonly ExtendedPropertyKey MessageFlagsKey = ExtendedPropertyKey.Tagged(0x0E07, "Integer");

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
        var stopped = false;
        foreach (var message in Messages)
        {
            var outcome = context.ForcedItemError is { } forced ? (null, forced)
                : stopped ? (null, BatchProcessingStopped)
                : Create(context, message);
            if (outcome.Error is { } error)
            {
                // A full mailbox fails the rest of the batch too (ErrorBatchProcessingStopped, per the EWS reference).
                stopped |= error.ResponseCode == QuotaExceeded.ResponseCode;
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
        if (Disposition is null)
        {
            return (null, DispositionRequired);
        }

        if (Disposition == "SendOnly" && SavedItemFolder is not null)
        {
            return (null, SendOnlyWithSavedFolder);
        }

        if (message.ExtendedProperties.Keys.FirstOrDefault(key => MapiTags.IsComputedForItems(key) && key != MessageFlagsKey) is { PropertyTag: { } } computed)
        {
            MapiTags.ThrowIfComputed(computed);
        }

        ParsedMail? mime = null;
        if (message.MimeContentBase64 is { } base64)
        {
            if (!TryDecodeBase64(base64, out var bytes))
            {
                return (null, InvalidMimeContent);
            }

            mime = MailParser.Parse(bytes, context.Runtime.State.Threads, context.Runtime.Time.GetUtcNow());
        }

        if (Disposition == "SaveOnly")
        {
            var folder = ResolveSaveFolder(context, SimulatedFolder.Drafts);
            if (folder.Error is not null)
            {
                return (null, folder.Error);
            }

            return (folder.Mailbox!.CreateItem(folder.Folder, Saved(message, mime, folder.Mailbox.SmtpAddress)), null);
        }

        return Send(context, message, mime);
    }

    /// <summary>
    /// SendOnly and SendAndSaveCopy: the message (its MimeContent, or MIME composed from its properties, so every copy
    /// shares one Message-ID) goes through the same delivery path as SMTP to the recipients that are simulated
    /// mailboxes; other addresses leave the organisation (the outbox). The sender's copy shows every Bcc recipient.
    /// Submission checks come in Exchange's order: recipients, the store's quota, Send As, then the rate limits.
    /// </summary>
    private (SimulatedItem? Saved, ItemError? Error) Send(EwsExecutionContext context, MessageContent message, ParsedMail? mime)
    {
        var state = context.Runtime.State;
        var sender = Sender(context);
        var recipients = OutgoingRecipients.For(message, mime);
        var envelope = recipients.Envelope;
        if (envelope.Count == 0)
        {
            return (null, NoRecipients);
        }

        if (state.Submission.FirstRejectedRecipient(envelope) is { } rejected)
        {
            return (null, NoRecipients with { MessageText = $"At least one recipient isn't valid: {rejected}." });
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

        if (state.Submission.IsOverQuota(context.Mailbox))
        {
            return (null, QuotaExceeded);
        }

        if (!state.Submission.MaySendAs(context.Mailbox, (message.From ?? mime?.From)?.EmailAddress))
        {
            // Exchange creates the item before submitting it, so the refused message stays behind as a draft.
            context.Mailbox.CreateItem(SimulatedFolder.Drafts, Saved(message, mime, context.Mailbox.SmtpAddress) with { IsDraft = true });
            return (null, SendAsDenied);
        }

        if (!state.Submission.TryConsumeRate(context.Mailbox, envelope.Count))
        {
            return (null, SubmissionQuotaExceeded);
        }

        var now = context.Runtime.Time.GetUtcNow();
        var transmitted = OutgoingMime.Compose(message, mime, sender, recipients, now);
        var sent = MailParser.Parse(transmitted, state.Threads, now);
        var delivery = context.Runtime.Mail.Deliver(sent, envelope);
        if (copyFolder.Mailbox is { } mailbox)
        {
            var copy = MailDelivery.ToNewItem(sent, mailbox.SmtpAddress, isRead: true, receivedAt: now) with
            {
                BccRecipients = recipients.Bcc,
                ExtendedProperties = WithoutMessageFlags(message.ExtendedProperties),
            };
            mailbox.CreateItem(copyFolder.Folder, copy);
        }

        state.Outbox.Record(new SentMessage(
            sent.Content.InternetMessageId ?? "", context.Mailbox.SmtpAddress, sent.From?.EmailAddress, sent.Subject, envelope, delivery.UnknownRecipients, now, transmitted));
        return (null, null);
    }

    /// <summary>
    /// A saved (not sent) message: from its MimeContent, with properties given next to it taking precedence; a draft
    /// unless PR_MESSAGE_FLAGS (0x0E07) clears the unsent flag, the usual way to import mail as received.
    /// </summary>
    private static NewItem Saved(MessageContent message, ParsedMail? mime, string owner)
    {
        var flags = message.ExtendedProperties.TryGetValue(MessageFlagsKey, out var values) &&
                    int.TryParse(values.FirstOrDefault(), System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
        var isDraft = flags is not { } set || (set & 0x8) != 0;
        var isRead = message.IsRead ?? (flags is { } readFlags ? (readFlags & 0x1) != 0 : true);
        var extended = WithoutMessageFlags(message.ExtendedProperties);
        if (mime is null)
        {
            return ToNewItem(message, isRead, isDraft) with { ExtendedProperties = extended };
        }

        var item = MailDelivery.ToNewItem(mime, owner, isRead, receivedAt: null);
        return item with
        {
            ItemClass = message.ItemClass ?? item.ItemClass,
            Subject = message.Subject ?? item.Subject,
            IsDraft = isDraft,
            BccRecipients = mime.BccRecipients,
            ToRecipients = message.ToRecipients.Count > 0 ? message.ToRecipients : item.ToRecipients,
            CcRecipients = message.CcRecipients.Count > 0 ? message.CcRecipients : item.CcRecipients,
            From = message.From ?? item.From,
            ExtendedProperties = extended,
        };
    }

    private static Dictionary<ExtendedPropertyKey, string[]> WithoutMessageFlags(Dictionary<ExtendedPropertyKey, string[]> properties) =>
        properties.Where(pair => pair.Key != MessageFlagsKey).ToDictionary(pair => pair.Key, pair => pair.Value);

    private static bool TryDecodeBase64(string base64, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
            return bytes.Length > 0;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private ResolvedFolder ResolveSaveFolder(EwsExecutionContext context, SimulatedFolder defaultFolder) =>
        SavedItemFolder is null ? new ResolvedFolder(context.Mailbox, defaultFolder, null) : FolderTargets.Resolve(SavedItemFolder, context);

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
