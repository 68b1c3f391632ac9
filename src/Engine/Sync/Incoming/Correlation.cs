using ExSync.Domain.Emails;
using ExSync.Persistence;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>The earlier email a message was tied to, how, and the tracking token its subject carried.</summary>
/// <param name="Email">The earlier email; null when none was found.</param>
/// <param name="Method">How it was found.</param>
/// <param name="TrackingToken">The tracking token in the subject, found or not found an email.</param>
internal sealed record ThreadMatch(EmailActivity? Email, CorrelationMethod Method, string? TrackingToken);

/// <summary>
/// Ties a message to the email it answers, in Dynamics' order of confidence: the In-Reply-To header, then the References header (the
/// latest one known), then the tracking token in the subject (when the organization uses tokens), then Exchange's conversation. The
/// activities of the same page count as well as saved ones, so a reply read with its original is tied to it.
/// </summary>
internal sealed class Correlation
{
    public async Task<ThreadMatch> FindAsync(PageWork page, ReadMessage message, CancellationToken cancellationToken)
    {
        var organization = page.Run.Cycle.Organization;
        var token = organization.UseTrackingToken ? organization.TrackingToken.FindIn(message.Subject) : null;
        if (await ByMessageIdsAsync(page, MessageIds.ParseAll(message.Message.InReplyTo), cancellationToken) is { } answered)
        {
            return new ThreadMatch(answered, CorrelationMethod.InReplyTo, token);
        }

        if (await ByMessageIdsAsync(page, message.References, cancellationToken) is { } referenced)
        {
            return new ThreadMatch(referenced, CorrelationMethod.References, token);
        }

        if (token is not null
            && (page.Emails.Values.FirstOrDefault(e => e.TrackingToken == token) ?? (await page.Db.FindEmailsByTrackingTokenAsync(token, cancellationToken)).FirstOrDefault()) is { } tokened)
        {
            return new ThreadMatch(tokened, CorrelationMethod.TrackingToken, token);
        }

        if (SavedActivities.ConversationOf(message.Message) is { } conversation
            && (page.Emails.Values.FirstOrDefault(e => e.ConversationId == conversation) ?? await LatestSavedOfAsync(page, conversation, cancellationToken)) is { } sameConversation)
        {
            return new ThreadMatch(sameConversation, CorrelationMethod.Conversation, token);
        }

        return new ThreadMatch(null, CorrelationMethod.None, token);
    }

    private static async Task<EmailActivity?> LatestSavedOfAsync(PageWork page, string conversation, CancellationToken cancellationToken) =>
        (await page.SavedAsync(cancellationToken)).HasConversation(conversation)
            ? (await page.Db.FindEmailsByConversationIdAsync(conversation, 1, cancellationToken)).FirstOrDefault()
            : null;

    // Of several, the one named last: References lists the thread oldest first, so the last one known is the closest ancestor.
    private static async Task<EmailActivity?> ByMessageIdsAsync(PageWork page, IReadOnlyList<string> messageIds, CancellationToken cancellationToken)
    {
        var keys = messageIds.Select(MessageIds.Normalize).OfType<string>().ToList();
        if (keys.Count == 0)
        {
            return null;
        }

        var known = (await page.Db.FindEmailsByMessageIdsAsync(keys, cancellationToken)).ToDictionary(e => e.DeduplicationKey, StringComparer.Ordinal);
        for (var i = keys.Count - 1; i >= 0; i--)
        {
            if ((page.Emails.GetValueOrDefault(keys[i]) ?? known.GetValueOrDefault(keys[i])) is { } email)
            {
                return email;
            }
        }

        return null;
    }
}
