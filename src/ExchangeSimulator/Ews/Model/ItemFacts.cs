namespace ExSync.ExchangeSimulator;

/// <summary>
/// Item property values derived from what an item stores, shared by the writer, restrictions, sorting and the
/// property-tag view of the same properties (so item:Subject and PR_SUBJECT can never disagree).
/// </summary>
internal static class ItemFacts
{
    public static string? HtmlBody(SimulatedItem item) =>
        item.Content is { } content ? content.HtmlBody : item.BodyType == "HTML" ? item.Body : null;

    public static string? TextBody(SimulatedItem item) =>
        item.Content is { } content ? content.TextBody ?? (content.HtmlBody is { } html ? BodyConversion.HtmlToText(html) : null)
        : item.BodyType == "Text" ? item.Body
        : item.Body is { } itemHtml ? BodyConversion.HtmlToText(itemHtml) : null;

    /// <summary>The body in the requested type (Best keeps the stored one, preferring HTML), converting as Exchange does.</summary>
    public static (string Type, string Text) Body(SimulatedItem item, string requestedType)
    {
        var html = HtmlBody(item);
        var text = item.Content is { } content ? content.TextBody : item.BodyType == "Text" ? item.Body : null;
        return requestedType switch
        {
            "HTML" => ("HTML", html ?? BodyConversion.TextToHtml(text ?? "")),
            "Text" => ("Text", text ?? (html is null ? "" : BodyConversion.HtmlToText(html))),
            _ => html is not null ? ("HTML", html) : ("Text", text ?? ""),
        };
    }

    /// <summary>
    /// The part of a body that is new in this message: the text above the quoted earlier message (an "-----Original
    /// Message-----" separator, a "From:" header block or an "On … wrote:" line), without "&gt;" quote lines.
    /// </summary>
    public static string UniqueText(SimulatedItem item)
    {
        var lines = (TextBody(item) ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var unique = new List<string>();
        foreach (var line in lines)
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("-----Original Message-----", StringComparison.OrdinalIgnoreCase) ||
                trimmed.StartsWith("From:", StringComparison.OrdinalIgnoreCase) && unique.Count > 0 && unique[^1].Trim().Length == 0 ||
                trimmed.StartsWith("On ", StringComparison.Ordinal) && trimmed.EndsWith("wrote:", StringComparison.Ordinal))
            {
                break;
            }

            if (!trimmed.StartsWith('>'))
            {
                unique.Add(line);
            }
        }

        return string.Join("\r\n", unique).Trim();
    }

    public static string? Preview(SimulatedItem item)
    {
        var text = TextBody(item);
        if (text is null)
        {
            return null;
        }

        var collapsed = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.Length <= 255 ? collapsed : collapsed[..255];
    }

    public static string Sensitivity(SimulatedItem item) => item.Content?.Sensitivity ?? "Normal";

    public static string Importance(SimulatedItem item) => item.Content?.Importance ?? "Normal";

    /// <summary>Importance compared by rank (Low &lt; Normal &lt; High), as the store compares PR_IMPORTANCE.</summary>
    public static int ImportanceRank(SimulatedItem item) => Importance(item) switch
    {
        "Low" => 0,
        "High" => 2,
        _ => 1,
    };

    public static bool IsFromMe(SimulatedItem item, MailboxStore mailbox) =>
        string.Equals(item.From?.EmailAddress, mailbox.SmtpAddress, StringComparison.OrdinalIgnoreCase);

    public static DateTimeOffset DateTimeSent(SimulatedItem item) => item.Content?.DateTimeSent ?? item.DateTimeReceived;

    public static string Display(IReadOnlyList<SimulatedRecipient> recipients) =>
        string.Join("; ", recipients.Select(recipient => recipient.Name ?? recipient.EmailAddress));

    public static bool HasAttachments(SimulatedItem item) => item.Content?.HasAttachments == true;

    /// <summary>Items created without MIME get an index derived from their id, stable for the item's life.</summary>
    public static byte[] ConversationIndex(SimulatedItem item) =>
        item.Content?.ConversationIndex ?? ConversationIndexes.NewThread(item.DateTimeCreated, item.Id);

    public static string ConversationId(SimulatedItem item) => ConversationIndexes.ConversationId(ConversationIndex(item));

    public static string? ConversationTopic(SimulatedItem item) => item.Content?.ConversationTopic ?? MailParser.NormalizedSubject(item.Subject);

    /// <summary>Received messages name the mailbox that received them; sent and draft items have no ReceivedBy.</summary>
    public static SimulatedRecipient? ReceivedBy(SimulatedItem item, MailboxStore mailbox) =>
        item.Content is null || item.IsDraft || item.Folder.Distinguished is SimulatedFolder.SentItems or SimulatedFolder.Outbox or SimulatedFolder.Drafts
            ? null
            : new SimulatedRecipient(mailbox.DisplayName, mailbox.SmtpAddress);

    /// <summary>PR_MESSAGE_FLAGS: read (0x1), unsent (0x8, drafts), has attachment (0x10), from me (0x20).</summary>
    public static int MessageFlags(SimulatedItem item, MailboxStore mailbox) =>
        (item.IsRead ? 0x1 : 0) | (item.IsDraft ? 0x8 : 0) | (HasAttachments(item) ? 0x10 : 0) | (IsFromMe(item, mailbox) ? 0x20 : 0);
}
