using System.Globalization;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Property tags that denote a first-class property the simulator already has ([MS-OXPROPS]). Reading one by
/// ExtendedFieldURI PropertyTag returns the same value as its FieldURI (PR_SUBJECT is item:Subject); asking for one
/// with another PropertyType, or setting one as an extended property, is refused, so the tag and the first-class
/// property can never disagree. Other tags are ordinary extended properties: stored as set, returned when set.
/// </summary>
internal static class MapiTags
{
    private delegate string? ItemTagReader(SimulatedItem item, MailboxStore mailbox);

    private delegate string? FolderTagReader(FolderView folder);

    private static readonly string[] Sensitivities = ["Normal", "Personal", "Private", "Confidential"];

    private static readonly Dictionary<int, (string Type, string FieldUri, ItemTagReader Read)> ItemTags = new()
    {
        [0x001A] = ("String", "item:ItemClass", (item, _) => item.ItemClass),
        [0x0037] = ("String", "item:Subject", (item, _) => item.Subject),
        [0x1000] = ("String", "item:TextBody", (item, _) => ItemFacts.TextBody(item)),
        [0x1013] = ("Binary", "item:Body", (item, _) => ItemFacts.HtmlBody(item) is { } html ? Convert.ToBase64String(Encoding.UTF8.GetBytes(html)) : null),
        [0x0E08] = ("Integer", "item:Size", (item, _) => Number(item.Size)),
        [0x0E06] = ("SystemTime", "item:DateTimeReceived", (item, _) => EwsResponseWriter.FormatDateTime(item.DateTimeReceived)),
        [0x0039] = ("SystemTime", "item:DateTimeSent", (item, _) => EwsResponseWriter.FormatDateTime(ItemFacts.DateTimeSent(item))),
        [0x3007] = ("SystemTime", "item:DateTimeCreated", (item, _) => EwsResponseWriter.FormatDateTime(item.DateTimeCreated)),
        [0x3008] = ("SystemTime", "item:LastModifiedTime", (item, _) => EwsResponseWriter.FormatDateTime(item.DateTimeCreated)),
        [0x0E07] = ("Integer", "message:IsRead", (item, mailbox) => Number(ItemFacts.MessageFlags(item, mailbox))),
        [0x0E1B] = ("Boolean", "item:HasAttachments", (item, _) => ItemFacts.HasAttachments(item) ? "true" : "false"),
        [0x0017] = ("Integer", "item:Importance", (item, _) => Number(ItemFacts.ImportanceRank(item))),
        [0x0036] = ("Integer", "item:Sensitivity", (item, _) => Number(Array.IndexOf(Sensitivities, ItemFacts.Sensitivity(item)))),
        [0x1035] = ("String", "message:InternetMessageId", (item, _) => item.Content?.InternetMessageId),
        [0x1042] = ("String", "item:InReplyTo", (item, _) => item.Content?.InReplyTo),
        [0x1039] = ("String", "message:References", (item, _) => item.Content?.References),
        [0x0070] = ("String", "message:ConversationTopic", (item, _) => ItemFacts.ConversationTopic(item)),
        [0x0071] = ("Binary", "message:ConversationIndex", (item, _) => Convert.ToBase64String(ItemFacts.ConversationIndex(item))),
        [0x0E03] = ("String", "item:DisplayCc", (item, _) => ItemFacts.Display(item.CcRecipients)),
        [0x0E04] = ("String", "item:DisplayTo", (item, _) => ItemFacts.Display(item.ToRecipients)),
        [0x0C1A] = ("String", "message:Sender", (item, _) => (item.Content?.Sender ?? item.From)?.Name),
        [0x0C1F] = ("String", "message:Sender", (item, _) => (item.Content?.Sender ?? item.From)?.EmailAddress),
        [0x0042] = ("String", "message:From", (item, _) => item.From?.Name),
        [0x0065] = ("String", "message:From", (item, _) => item.From?.EmailAddress),
        [0x007D] = ("String", "item:InternetMessageHeaders", (item, _) => TransportHeaders(item)),
        [0x0FFF] = ("Binary", "item:ItemId", (item, mailbox) => Convert.ToBase64String(AlternateIds.EntryId(EwsIdKind.Item, mailbox.MailboxGuid, item.ObjectNumber))),
    };

    private static readonly Dictionary<int, (string Type, string FieldUri, FolderTagReader Read)> FolderTags = new()
    {
        [0x3001] = ("String", "folder:DisplayName", folder => folder.DisplayName),
        [0x3602] = ("Integer", "folder:TotalCount", folder => Number(folder.TotalCount)),
        [0x360A] = ("Boolean", "folder:ChildFolderCount", folder => folder.ChildFolderCount > 0 ? "true" : "false"),
        [0x3603] = ("Integer", "folder:UnreadCount", folder => Number(folder.UnreadCount)),
        [0x3613] = ("String", "folder:FolderClass", folder => folder.FolderClass),
    };

    /// <summary>The value of a first-class property asked for by tag; null when the tag is not one of them.</summary>
    public static string? ReadItem(ExtendedPropertyKey key, SimulatedItem item, MailboxStore mailbox) =>
        key.PropertyTag is { } tag && ItemTags.TryGetValue(tag, out var mapped) ? mapped.Read(item, mailbox) : null;

    public static bool IsComputedForItems(ExtendedPropertyKey key) => key.PropertyTag is { } tag && ItemTags.ContainsKey(tag);

    public static string? ReadFolder(ExtendedPropertyKey key, FolderView folder) =>
        key.PropertyTag is { } tag && FolderTags.TryGetValue(tag, out var mapped) ? mapped.Read(folder) : null;

    /// <summary>A first-class property asked for by tag with the wrong PropertyType would read a different MAPI property.</summary>
    public static void ThrowIfMistyped(ExtendedPropertyKey key)
    {
        if (key.PropertyTag is not { } tag)
        {
            return;
        }

        var expected = ItemTags.TryGetValue(tag, out var item) ? item.Type : FolderTags.TryGetValue(tag, out var folder) ? folder.Type : null;
        if (expected is not null && expected != key.PropertyType)
        {
            throw new EwsFault("ErrorInvalidPropertyRequest",
                string.Create(CultureInfo.InvariantCulture, $"Property tag 0x{tag:X4} is {expected}, not {key.PropertyType}."),
                [new("PropertyTag", string.Create(CultureInfo.InvariantCulture, $"0x{tag:X4}"))]);
        }
    }

    /// <summary>Refuses setting, as an extended property, a tag that is a first-class property (set that property instead).</summary>
    public static void ThrowIfComputed(ExtendedPropertyKey key)
    {
        if (key.PropertyTag is { } tag && (ItemTags.TryGetValue(tag, out var mapped) || FolderTags.ContainsKey(tag)))
        {
            var fieldUri = mapped.FieldUri ?? FolderTags[tag].FieldUri;
            throw new EwsFault("ErrorInvalidPropertySet",
                string.Create(CultureInfo.InvariantCulture, $"Property tag 0x{tag:X4} is {fieldUri}; the ExSync Exchange simulator does not set it as an extended property."),
                [new("PropertyTag", string.Create(CultureInfo.InvariantCulture, $"0x{tag:X4}")), new("FieldURI", fieldUri)]);
        }
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? TransportHeaders(SimulatedItem item)
    {
        if (item.Content is not { Headers.Count: > 0 } content)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (name, value) in content.Headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        return text.ToString();
    }
}
