using ExSync.Domain.Emails;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Persistence;

/// <summary>
/// Reads of email activities for the synchronization engine (deduplication, correlation) and the API. Each returns activities with
/// their mailboxes and attachment metadata; bodies only where said, attachment content never (see
/// <see cref="IDatabaseDialect.OpenAttachmentContentAsync"/>).
/// </summary>
public static class EmailQueries
{
    /// <summary>
    /// The activity of a message, by its deduplication key (<see cref="EmailActivity.DeduplicationKeyFor"/>), tracked, so that the engine
    /// can add a receiving mailbox and save; null when the message has none yet.
    /// </summary>
    public static Task<EmailActivity?> FindEmailByDeduplicationKeyAsync(this ExSyncDbContext db, string deduplicationKey, CancellationToken cancellationToken) =>
        WithParts(db.Emails).SingleOrDefaultAsync(e => e.DeduplicationKey == deduplicationKey, cancellationToken);

    /// <summary>
    /// The activities whose Message-ID is one of <paramref name="messageIds"/> (normalized here with <see cref="MessageIds.Normalize"/>):
    /// the emails an In-Reply-To or References header names. Read without tracking, oldest first.
    /// </summary>
    public static Task<List<EmailActivity>> FindEmailsByMessageIdsAsync(this ExSyncDbContext db, IEnumerable<string> messageIds, CancellationToken cancellationToken)
    {
        var keys = messageIds.Select(MessageIds.Normalize).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        return WithParts(db.Emails.AsNoTracking()).Where(e => keys.Contains(e.DeduplicationKey)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The activities whose subject carried this tracking token (in its canonical form), read without tracking, oldest first.</summary>
    public static Task<List<EmailActivity>> FindEmailsByTrackingTokenAsync(this ExSyncDbContext db, string trackingToken, CancellationToken cancellationToken) =>
        WithParts(db.Emails.AsNoTracking()).Where(e => e.TrackingToken == trackingToken).OrderBy(e => e.Id).ToListAsync(cancellationToken);

    /// <summary>Which of <paramref name="deduplicationKeys"/> have an activity: one query for a page of messages.</summary>
    public static async Task<HashSet<string>> FindExistingDeduplicationKeysAsync(this ExSyncDbContext db, IReadOnlyCollection<string> deduplicationKeys, CancellationToken cancellationToken) =>
        deduplicationKeys.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : (await db.Emails.Where(e => deduplicationKeys.Contains(e.DeduplicationKey)).Select(e => e.DeduplicationKey).ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);

    /// <summary>Which of <paramref name="conversationIds"/> have at least one activity: one query for a page of messages.</summary>
    public static async Task<HashSet<string>> FindConversationsWithEmailsAsync(this ExSyncDbContext db, IReadOnlyCollection<string> conversationIds, CancellationToken cancellationToken) =>
        conversationIds.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : (await db.Emails.Where(e => conversationIds.Contains(e.ConversationId!)).Select(e => e.ConversationId!).Distinct().ToListAsync(cancellationToken))
                .ToHashSet(StringComparer.Ordinal);

    /// <summary>The latest activities of an Exchange conversation, newest first, at most <paramref name="limit"/>, read without tracking.</summary>
    public static Task<List<EmailActivity>> FindEmailsByConversationIdAsync(this ExSyncDbContext db, string conversationId, int limit, CancellationToken cancellationToken) =>
        WithParts(db.Emails.AsNoTracking()).Where(e => e.ConversationId == conversationId).OrderByDescending(e => e.Id).Take(limit).ToListAsync(cancellationToken);

    /// <summary>One activity, read without tracking, with its body when <paramref name="withBody"/>; null when there is none.</summary>
    public static Task<EmailActivity?> FindEmailAsync(this ExSyncDbContext db, Guid id, bool withBody, CancellationToken cancellationToken)
    {
        var query = WithParts(db.Emails.AsNoTracking());
        return (withBody ? query.Include(e => e.Body) : query).SingleOrDefaultAsync(e => e.Id == id, cancellationToken);
    }

    // Two collections: one query each rather than their cross product.
    private static IQueryable<EmailActivity> WithParts(IQueryable<EmailActivity> emails) =>
        emails.Include(e => e.Mailboxes).Include(e => e.Attachments).AsSplitQuery();
}
