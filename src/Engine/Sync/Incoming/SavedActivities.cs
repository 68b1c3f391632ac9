using ExSync.Domain.Emails;
using ExSync.Exchange.Ews;
using ExSync.Persistence;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// What a page learns in two queries about the activities already saved for its messages: which Message-IDs and which conversations
/// have one. Most messages of a page are new and begin their conversation, and without this each would cost a query for its duplicate
/// check and another for its conversation; with it, only the messages that have a saved activity are read one by one. A message another
/// mailbox saves after the page asked is caught by the unique Message-ID at the page's save, which decides the page again.
/// </summary>
internal sealed class SavedActivities
{
    private readonly HashSet<string> asked;
    private readonly HashSet<string> found;
    private readonly HashSet<string> conversations;

    private SavedActivities(HashSet<string> asked, HashSet<string> found, HashSet<string> conversations) =>
        (this.asked, this.found, this.conversations) = (asked, found, conversations);

    /// <summary>Asks for the messages of a page.</summary>
    public static async Task<SavedActivities> OfAsync(ExSyncDbContext db, IEnumerable<EwsMessage> messages, CancellationToken cancellationToken)
    {
        var list = messages.ToList();
        var keys = list.Select(m => MessageIds.Normalize(m.InternetMessageId)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var conversationIds = list.Select(ConversationOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return new SavedActivities(
            keys,
            await db.FindExistingDeduplicationKeysAsync(keys, cancellationToken),
            await db.FindConversationsWithEmailsAsync(conversationIds, cancellationToken));
    }

    /// <summary>The conversation of a message as activities store it; null when it has none or one too long to store.</summary>
    public static string? ConversationOf(EwsMessage message) =>
        message.ConversationId is { Length: > 0 and <= EmailActivity.ConversationIdMaxLength } conversation ? conversation : null;

    /// <summary>Whether an activity with this deduplication key may exist: false only when the page asked and there was none.</summary>
    public bool MayHaveEmail(string deduplicationKey) => !asked.Contains(deduplicationKey) || found.Contains(deduplicationKey);

    /// <summary>Whether the conversation had activities when the page asked.</summary>
    public bool HasConversation(string conversationId) => conversations.Contains(conversationId);
}
