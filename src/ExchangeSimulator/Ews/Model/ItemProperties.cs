using System.Globalization;

namespace ExSync.ExchangeSimulator;

/// <summary>Which items a property belongs to: every item (ItemType) or messages only (MessageType).</summary>
internal enum PropertyScope
{
    Item,
    Message,
}

/// <summary>
/// One item property the simulator simulates: its FieldURI, the base shape that includes it (null: only when asked
/// for by name), whether FindItem and SyncFolderItems may return it (the Managed API's CanFind), how it is written,
/// and its value for restrictions and sorting (null when it cannot be queried).
/// </summary>
internal sealed record ItemProperty(
    string FieldUri, PropertyScope Scope, BaseShape? IncludedFrom, bool CanFind, Action<ItemWriteContext>? Write,
    Func<SimulatedItem, MailboxStore, IComparable?>? Value = null)
{
    public bool AppliesTo(SimulatedItem item) => Scope == PropertyScope.Item || item.ElementName == "Message";
}

/// <summary>
/// The item properties the simulator simulates, in the element order of types.xsd (ItemType, then MessageType), so
/// writing them in this order is schema order whatever order the client asked in. Anything else is refused.
/// </summary>
internal static class ItemProperties
{
    /// <summary>Where requested extended properties go in ItemType's sequence (after HasAttachments).</summary>
    public const string ExtendedPropertySlot = "(ExtendedProperty)";

    public static readonly IReadOnlyList<ItemProperty> InSchemaOrder =
    [
        new("item:MimeContent", PropertyScope.Item, null, false, ItemWriter.WriteMimeContent),
        new("item:ItemId", PropertyScope.Item, BaseShape.IdOnly, true, null),
        new("item:ParentFolderId", PropertyScope.Item, BaseShape.AllProperties, true, ItemWriter.WriteParentFolderId),
        new("item:ItemClass", PropertyScope.Item, BaseShape.Default, true, context => context.Text("ItemClass", context.Item.ItemClass), (item, _) => item.ItemClass),
        new("item:Subject", PropertyScope.Item, BaseShape.Default, true, context => context.Text("Subject", context.Item.Subject), (item, _) => item.Subject),
        new("item:Sensitivity", PropertyScope.Item, BaseShape.Default, true, context => context.Text("Sensitivity", ItemFacts.Sensitivity(context.Item)), (item, _) => ItemFacts.Sensitivity(item)),
        new("item:Body", PropertyScope.Item, BaseShape.Default, false, ItemWriter.WriteBody, (item, _) => ItemFacts.TextBody(item)),
        new("item:Attachments", PropertyScope.Item, BaseShape.Default, false, ItemWriter.WriteAttachments),
        new("item:DateTimeReceived", PropertyScope.Item, BaseShape.Default, true, context => context.Time("DateTimeReceived", context.Item.DateTimeReceived), (item, _) => item.DateTimeReceived),
        new("item:Size", PropertyScope.Item, BaseShape.Default, true, context => context.Number("Size", context.Item.Size), (item, _) => (long)item.Size),
        new("item:Categories", PropertyScope.Item, BaseShape.AllProperties, true, ItemWriter.WriteCategories),
        new("item:Importance", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("Importance", ItemFacts.Importance(context.Item)), (item, _) => ItemFacts.ImportanceRank(item)),
        new("item:InReplyTo", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("InReplyTo", context.Item.Content?.InReplyTo), (item, _) => item.Content?.InReplyTo),
        new("item:IsSubmitted", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("IsSubmitted", context.Item.Folder.Distinguished == SimulatedFolder.Outbox)),
        new("item:IsDraft", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("IsDraft", context.Item.IsDraft), (item, _) => item.IsDraft),
        new("item:IsFromMe", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("IsFromMe", ItemFacts.IsFromMe(context.Item, context.Mailbox)), (item, mailbox) => ItemFacts.IsFromMe(item, mailbox)),
        new("item:IsResend", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("IsResend", false)),
        new("item:IsUnmodified", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("IsUnmodified", !context.Item.IsDraft)),
        new("item:InternetMessageHeaders", PropertyScope.Item, BaseShape.AllProperties, false, ItemWriter.WriteInternetMessageHeaders),
        new("item:DateTimeSent", PropertyScope.Item, BaseShape.Default, true, context => context.Time("DateTimeSent", ItemFacts.DateTimeSent(context.Item)), (item, _) => ItemFacts.DateTimeSent(item)),
        new("item:DateTimeCreated", PropertyScope.Item, BaseShape.Default, true, context => context.Time("DateTimeCreated", context.Item.DateTimeCreated), (item, _) => item.DateTimeCreated),
        new("item:ReminderIsSet", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Boolean("ReminderIsSet", false)),
        new("item:ReminderMinutesBeforeStart", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Number("ReminderMinutesBeforeStart", 0)),
        new("item:DisplayCc", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("DisplayCc", ItemFacts.Display(context.Item.CcRecipients)), (item, _) => ItemFacts.Display(item.CcRecipients)),
        new("item:DisplayTo", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("DisplayTo", ItemFacts.Display(context.Item.ToRecipients)), (item, _) => ItemFacts.Display(item.ToRecipients)),
        new("item:HasAttachments", PropertyScope.Item, BaseShape.Default, true, context => context.Boolean("HasAttachments", ItemFacts.HasAttachments(context.Item)), (item, _) => ItemFacts.HasAttachments(item)),
        new(ExtendedPropertySlot, PropertyScope.Item, null, true, ItemWriter.WriteExtendedProperties),
        new("item:Culture", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("Culture", "en-US")),
        new("item:EffectiveRights", PropertyScope.Item, BaseShape.AllProperties, true, ItemWriter.WriteEffectiveRights),
        new("item:LastModifiedName", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Text("LastModifiedName", context.Mailbox.DisplayName)),
        new("item:LastModifiedTime", PropertyScope.Item, BaseShape.AllProperties, true, context => context.Time("LastModifiedTime", context.Item.DateTimeCreated), (item, _) => item.DateTimeCreated),
        new("item:IsAssociated", PropertyScope.Item, BaseShape.Default, true, context => context.Boolean("IsAssociated", false)),
        new("item:ConversationId", PropertyScope.Item, BaseShape.AllProperties, true, ItemWriter.WriteConversationId, (item, _) => ItemFacts.ConversationId(item)),
        new("item:UniqueBody", PropertyScope.Item, null, false, ItemWriter.WriteUniqueBody),
        new("item:Preview", PropertyScope.Item, null, true, context => context.Text("Preview", ItemFacts.Preview(context.Item))),
        new("item:TextBody", PropertyScope.Item, null, false, ItemWriter.WriteTextBody),

        new("message:Sender", PropertyScope.Message, BaseShape.AllProperties, true, context => context.SingleMailbox("Sender", context.Item.Content?.Sender ?? context.Item.From), (item, _) => (item.Content?.Sender ?? item.From)?.EmailAddress),
        new("message:ToRecipients", PropertyScope.Message, BaseShape.AllProperties, false, context => context.Mailboxes("ToRecipients", context.Item.ToRecipients)),
        new("message:CcRecipients", PropertyScope.Message, BaseShape.AllProperties, false, context => context.Mailboxes("CcRecipients", context.Item.CcRecipients)),
        new("message:BccRecipients", PropertyScope.Message, BaseShape.AllProperties, false, context => context.Mailboxes("BccRecipients", context.Item.BccRecipients)),
        new("message:IsReadReceiptRequested", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Boolean("IsReadReceiptRequested", context.Item.Content?.IsReadReceiptRequested == true)),
        new("message:IsDeliveryReceiptRequested", PropertyScope.Message, BaseShape.Default, true, context => context.Boolean("IsDeliveryReceiptRequested", context.Item.Content?.IsDeliveryReceiptRequested == true)),
        new("message:ConversationIndex", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Text("ConversationIndex", Convert.ToBase64String(ItemFacts.ConversationIndex(context.Item)))),
        new("message:ConversationTopic", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Text("ConversationTopic", ItemFacts.ConversationTopic(context.Item)), (item, _) => ItemFacts.ConversationTopic(item)),
        new("message:From", PropertyScope.Message, BaseShape.Default, true, context => context.SingleMailbox("From", context.Item.From), (item, _) => item.From?.EmailAddress),
        new("message:InternetMessageId", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Text("InternetMessageId", context.Item.Content?.InternetMessageId), (item, _) => item.Content?.InternetMessageId),
        new("message:IsRead", PropertyScope.Message, BaseShape.Default, true, context => context.Boolean("IsRead", context.Item.IsRead), (item, _) => item.IsRead),
        new("message:IsResponseRequested", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Boolean("IsResponseRequested", false)),
        new("message:References", PropertyScope.Message, BaseShape.AllProperties, true, context => context.Text("References", context.Item.Content?.References), (item, _) => item.Content?.References),
        new("message:ReplyTo", PropertyScope.Message, BaseShape.AllProperties, false, context => context.Mailboxes("ReplyTo", context.Item.Content?.ReplyTo ?? [])),
        new("message:ReceivedBy", PropertyScope.Message, BaseShape.AllProperties, true, context => context.SingleMailbox("ReceivedBy", ItemFacts.ReceivedBy(context.Item, context.Mailbox))),
        new("message:ReceivedRepresenting", PropertyScope.Message, BaseShape.AllProperties, true, context => context.SingleMailbox("ReceivedRepresenting", ItemFacts.ReceivedBy(context.Item, context.Mailbox))),
    ];

    /// <summary>Indexed paths: only item:InternetMessageHeader (one header by name) is simulated.</summary>
    public const string IndexedInternetMessageHeader = "item:InternetMessageHeader";

    private static readonly Dictionary<string, ItemProperty> ByFieldUri =
        InSchemaOrder.Where(property => property.FieldUri != ExtendedPropertySlot).ToDictionary(property => property.FieldUri, StringComparer.Ordinal);

    public static bool TryGet(string fieldUri, out ItemProperty property) => ByFieldUri.TryGetValue(fieldUri, out property!);

    /// <summary>The refusal for a property path the simulator does not simulate.</summary>
    public static EwsFault Unsupported(string path) =>
        new("ErrorInvalidPropertyRequest", $"The ExSync Exchange simulator does not simulate the property {path}.", [new("FieldURI", path)]);

    /// <summary>Refuses an item shape that names a FieldURI or IndexedFieldURI the simulator cannot answer.</summary>
    public static void ThrowIfUnsupported(ResponseShape shape)
    {
        foreach (var fieldUri in shape.FieldUris)
        {
            if (!ByFieldUri.ContainsKey(fieldUri))
            {
                throw Unsupported(fieldUri);
            }
        }

        foreach (var (fieldUri, fieldIndex) in shape.IndexedFieldUris)
        {
            if (fieldUri != IndexedInternetMessageHeader)
            {
                throw Unsupported($"{fieldUri} [{fieldIndex}]");
            }
        }

        foreach (var extended in shape.ExtendedProperties)
        {
            MapiTags.ThrowIfMistyped(extended.Key);
        }
    }

    /// <summary>
    /// FindItem and SyncFolderItems return summary properties only: bodies, attachments, MIME, headers and the
    /// recipient collections must be fetched with GetItem, as on Exchange.
    /// </summary>
    public static void ThrowIfNotFindable(ResponseShape shape, string operation)
    {
        foreach (var fieldUri in shape.FieldUris)
        {
            if (ByFieldUri.TryGetValue(fieldUri, out var property) && !property.CanFind)
            {
                throw new EwsFault("ErrorInvalidPropertyRequest", $"The property {fieldUri} can't be used in {operation} requests; fetch it with GetItem.", [new("FieldURI", fieldUri)]);
            }
        }

        if (shape.IncludeMimeContent || shape.IndexedFieldUris.Count > 0)
        {
            var path = shape.IncludeMimeContent ? "item:MimeContent" : IndexedInternetMessageHeader;
            throw new EwsFault("ErrorInvalidPropertyRequest", $"The property {path} can't be used in {operation} requests; fetch it with GetItem.", [new("FieldURI", path)]);
        }
    }

    /// <summary>The value a restriction or sort compares, or a refusal naming a path that cannot be queried.</summary>
    public static Func<SimulatedItem, MailboxStore, IComparable?> Queryable(string fieldUri, string refusalCode, string usage) =>
        ByFieldUri.TryGetValue(fieldUri, out var property) && property.Value is { } value
            ? value
            : throw new EwsFault(refusalCode, $"The ExSync Exchange simulator cannot {usage} on {fieldUri}.", [new("FieldURI", fieldUri)]);

    public static string Format(IComparable value) => value switch
    {
        DateTimeOffset time => EwsResponseWriter.FormatDateTime(time),
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
