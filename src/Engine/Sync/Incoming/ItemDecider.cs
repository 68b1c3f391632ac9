using ExSync.Domain.Changes;
using ExSync.Domain.Common;
using ExSync.Domain.Directory;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// Decides, for each message of a page read from Exchange, what it becomes: a new activity, a further mailbox of an existing one (same
/// Message-ID, or a copy carrying this deployment's stamp), an untracked item (category removed), or an outcome with a reason.
/// </summary>
internal sealed partial class ItemDecider(
    Correlation correlation,
    AttachmentReader attachments,
    SequentialIds ids,
    ILogger<ItemDecider> logger)
{
    public async Task DecideAsync(PageWork page, CancellationToken cancellationToken)
    {
        var messages = page.ToRead.Where(c => page.Messages.ContainsKey(c.ItemId.Id)).ToDictionary(c => c, c => ReadMessage.Of(page.Messages[c.ItemId.Id]));
        var parties = await PartiesAsync(page, messages.Values, cancellationToken);
        foreach (var candidate in page.ToRead)
        {
            if (page.Unreadable.TryGetValue(candidate.ItemId.Id, out var error))
            {
                Unreadable(page, candidate, error);
                continue;
            }

            var message = messages[candidate];
            try
            {
                await DecideAsync(page, candidate, message, parties, cancellationToken);
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException)
            {
                // A message ExSync cannot make an activity of must not stop the mailbox: it fails alone, and is given up after a few tries.
                LogMalformed(logger, ex, page.Run.MailboxId, candidate.ItemId.Id);
                Fail(page, candidate, ItemReasons.Malformed, ex.Message, message);
            }
        }
    }

    private async Task DecideAsync(PageWork page, Candidate candidate, ReadMessage message, Parties parties, CancellationToken cancellationToken)
    {
        var organization = page.Run.Cycle.Organization;
        var hasCategory = message.HasCategory(organization.TrackingCategoryName);
        page.Links.TryGetValue(candidate.ItemId.Id, out var existing);
        if (existing is { State: ItemLinkState.Tracked })
        {
            // Only the tracking category matters on an item already tracked: removed by the user, it untracks the item; the activity stays.
            if (!hasCategory && !existing.StampPending)
            {
                existing.Untrack(page.Now);
                page.Record(candidate, existing, ItemOutcome.Untracked, ItemReasons.CategoryRemoved, null, message.Message);
            }

            return;
        }

        if (existing is { State: ItemLinkState.NotTracked or ItemLinkState.Untracked } && !hasCategory)
        {
            return;
        }

        if (ExSyncItemStamp.EmailIdOn(message.Message, page.Run.DeploymentId) is { } stampedId
            && await JoinStampedAsync(page, candidate, message, stampedId, cancellationToken))
        {
            return;
        }

        var key = message.DeduplicationKey;
        var activity = page.Emails.GetValueOrDefault(key) ?? await FindSavedAsync(page, key, cancellationToken);
        var receivedSide = activity is not null && IsReceivedSide(page, activity);
        if (receivedSide)
        {
            key = EmailActivity.ReceivedSideKey(key);
            activity = page.Emails.GetValueOrDefault(key) ?? await FindSavedAsync(page, key, cancellationToken);
        }

        if (activity is not null)
        {
            Join(page, candidate, message, activity, ItemReasons.Duplicate);
            return;
        }

        var thread = await correlation.FindAsync(page, message, cancellationToken);
        var decision = Decide(page, message, parties, thread, hasCategory);
        if (!decision.Tracked)
        {
            var link = page.LinkFor(candidate);
            link.Skip(decision.NotTrackedReason!, page.Now);
            page.Record(candidate, link, ItemOutcome.NotTracked, decision.NotTrackedReason!, null, message.Message);
            return;
        }

        var email = EmailActivity.CreateIncoming(new IncomingEmail
        {
            MailboxId = page.Run.MailboxId,
            Sent = page.Folder == SyncFolder.SentItems,
            InternetMessageId = message.Message.InternetMessageId,
            SynthesizedDeduplicationKey = MessageIds.Normalize(message.Message.InternetMessageId) is null ? message.SynthesizedKey : null,
            ReceivedSideOfInternalEmail = receivedSide,
            Subject = message.Subject,
            From = parties.Resolve(message.From),
            To = message.To.Select(parties.Resolve).ToList()!,
            Cc = message.Cc.Select(parties.Resolve).ToList()!,
            Bcc = message.Bcc.Select(parties.Resolve).ToList()!,
            BodyContentType = message.Message.Body?.BodyType == MessageBodyType.Text ? EmailBodyContentType.Text : EmailBodyContentType.Html,
            Body = message.Message.Body?.Content ?? string.Empty,
            TextBody = message.Message.TextBody?.Content,
            ReceivedAt = message.Message.DateTimeReceived ?? candidate.ReceivedAt ?? page.Now,
            SentAt = message.Message.DateTimeSent,
            InReplyTo = message.Message.InReplyTo,
            References = message.References,
            ConversationId = message.Message.ConversationId is { Length: <= EmailActivity.ConversationIdMaxLength } conversation ? conversation : null,
            CorrelationMethod = thread.Method,
            CorrelatedEmailId = thread.Email?.Id,
            Regarding = thread.Email?.Regarding,
            TrackingToken = thread.TrackingToken,
            TrackedBecause = decision.TrackedBecause!.Value,
            Attachments = await attachments.ReadAsync(page.Run, message.Message, cancellationToken),
        }, ids.Next, page.Now);
        page.Db.Emails.Add(email);
        page.Emails[key] = email;
        page.Changed(email, ChangeOperation.Created);
        var tracked = page.LinkFor(candidate);
        tracked.Track(email.Id, decision.TrackedBecause.Value.ToString(), page.Now);
        page.Record(candidate, tracked, ItemOutcome.Tracked, ItemReasons.Created, decision.TrackedBecause.Value.ToString(), message.Message, email.Id);
    }

    private static async Task<EmailActivity?> FindSavedAsync(PageWork page, string key, CancellationToken cancellationToken) =>
        (await page.SavedAsync(cancellationToken)).MayHaveEmail(key) ? await page.Db.FindEmailByDeduplicationKeyAsync(key, cancellationToken) : null;

    /// <summary>
    /// Whether this mailbox's copy of a message another mailbox sent is an activity of its own: when the organization tracks email between
    /// its mailboxes as two activities, the sender's (outgoing) and the recipients' (incoming).
    /// </summary>
    private static bool IsReceivedSide(PageWork page, EmailActivity activity) =>
        page.Run.Cycle.Organization.TrackInternalEmailAsTwoActivities
        && page.Folder == SyncFolder.Inbox
        && activity.Direction == EmailDirection.Outgoing
        && activity.MailboxId != page.Run.MailboxId;

    private static AcceptanceDecision Decide(PageWork page, ReadMessage message, Parties parties, ThreadMatch thread, bool hasCategory)
    {
        var mailbox = page.Run.Cycle.Mailbox;
        var sent = page.Folder == SyncFolder.SentItems;
        var counterparts = sent
            ? message.To.Concat(message.Cc).Concat(message.Bcc).Select(p => parties.RecordOf(p.EmailAddress)).OfType<CrmRecordReference>().ToList()
            : [.. new[] { message.From is null ? null : parties.RecordOf(message.From.EmailAddress) }.OfType<CrmRecordReference>()];
        var facts = new MessageFacts(hasCategory, thread.Email is not null, counterparts);
        var recipients = message.RecipientAddresses.Select(EmailAddresses.Normalize).ToHashSet(StringComparer.Ordinal);
        var foundIn = new AcceptingMailbox(mailbox.Id, mailbox.IncomingEmailFilteringMethod, recipients.Contains(mailbox.NormalizedEmailAddress));
        return sent
            ? IncomingAcceptance.ForSent(facts, foundIn)
            : IncomingAcceptance.ForReceived(facts, foundIn, recipients.SelectMany(parties.MailboxesAt));
    }

    /// <summary>
    /// An item carrying this deployment's stamp: a copy or a moved item of a tracked one, or an item ExSync itself stamped in another
    /// mailbox. It joins the activity (when it still exists) and never makes a new one. Returns false when the activity is gone.
    /// </summary>
    private static async Task<bool> JoinStampedAsync(PageWork page, Candidate candidate, ReadMessage message, Guid emailId, CancellationToken cancellationToken)
    {
        var linkedHere = page.Links.Values.Any(l => l.EmailId == emailId && l.ItemId != candidate.ItemId.Id && l.State == ItemLinkState.Tracked)
            || await page.Db.ExchangeItemLinks.AnyAsync(l => l.MailboxId == page.Run.MailboxId && l.EmailId == emailId && l.ItemId != candidate.ItemId.Id && l.State == ItemLinkState.Tracked, cancellationToken);
        if (linkedHere)
        {
            var copy = page.LinkFor(candidate);
            copy.Skip(ItemReasons.CopyOfTrackedItem, page.Now);
            page.Record(candidate, copy, ItemOutcome.NotTracked, ItemReasons.CopyOfTrackedItem, null, message.Message, emailId);
            return true;
        }

        var activity = page.Emails.Values.FirstOrDefault(e => e.Id == emailId)
            ?? await page.Db.Emails.Include(e => e.Mailboxes).SingleOrDefaultAsync(e => e.Id == emailId, cancellationToken);
        if (activity is null || IsReceivedSide(page, activity))
        {
            return false;
        }

        Join(page, candidate, message, activity, ItemReasons.Duplicate);
        return true;
    }

    /// <summary>The message is already an activity: the mailbox joins it, and the item is linked and stamped.</summary>
    private static void Join(PageWork page, Candidate candidate, ReadMessage message, EmailActivity activity, string reason)
    {
        page.Emails.TryAdd(activity.DeduplicationKey, activity);
        if (activity.AddMailbox(page.Run.MailboxId, receiving: page.Folder == SyncFolder.Inbox, page.Now))
        {
            page.Changed(activity, ChangeOperation.Updated);
        }

        var link = page.LinkFor(candidate);
        link.Track(activity.Id, reason, page.Now);
        page.Record(candidate, link, ItemOutcome.Tracked, reason, null, message.Message, activity.Id);
    }

    private static void Unreadable(PageWork page, Candidate candidate, ExchangeError error)
    {
        if (error.Code is ExchangeErrorCodes.ItemNotFound or ExchangeErrorCodes.InvalidId)
        {
            // Deleted or moved between SyncFolderItems and GetItem: the move shows up as a new item where it went, if that is synchronized.
            page.Record(candidate, null, ItemOutcome.NotTracked, ItemReasons.ItemVanished, error.Message);
            return;
        }

        Fail(page, candidate, error.IsTransient ? ItemReasons.ExchangeError : ItemReasons.Malformed, $"{error.Code}: {error.Message}", null);
    }

    private static void Fail(PageWork page, Candidate candidate, string reason, string detail, ReadMessage? message)
    {
        var link = page.LinkFor(candidate);
        var givenUp = link.Fail(reason, page.Run.MaxItemAttempts, page.Now);
        page.Record(candidate, link, ItemOutcome.Failed, givenUp ? ItemReasons.Undeliverable : reason, detail, message?.Message);
    }

    private static async Task<Parties> PartiesAsync(PageWork page, IEnumerable<ReadMessage> messages, CancellationToken cancellationToken)
    {
        var addresses = messages.SelectMany(m => m.Addresses).Select(EmailAddresses.Normalize).Distinct(StringComparer.Ordinal).ToList();
        var matches = await page.Db.FindDirectoryMatchesAsync(addresses, cancellationToken);
        var mailboxes = new List<(string Address, AcceptingMailbox Mailbox)>();
        foreach (var chunk in addresses.Chunk(1000))
        {
            var found = await page.Db.Mailboxes.AsNoTracking()
                .Where(m => chunk.Contains(m.NormalizedEmailAddress) && m.State == RecordState.Active
                    && m.IncomingDeliveryMethod == IncomingEmailDeliveryMethod.ServerSideSynchronization && m.EnabledForIncomingEmail)
                .Select(m => new { m.Id, m.NormalizedEmailAddress, m.IncomingEmailFilteringMethod })
                .ToListAsync(cancellationToken);
            mailboxes.AddRange(found.Select(m => (m.NormalizedEmailAddress, new AcceptingMailbox(m.Id, m.IncomingEmailFilteringMethod, IsRecipient: true))));
        }

        return new Parties(matches, mailboxes.ToLookup(m => m.Address, m => m.Mailbox, StringComparer.Ordinal));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {MailboxId}: item {ItemId} cannot become an email activity")]
    private static partial void LogMalformed(ILogger logger, Exception exception, Guid mailboxId, string itemId);
}

/// <summary>The CRM records and ExSync mailboxes the addresses of a page resolve to.</summary>
internal sealed class Parties(IReadOnlyDictionary<string, IReadOnlyList<DirectoryMatch>> matches, ILookup<string, AcceptingMailbox> mailboxes)
{
    public CrmRecordReference? RecordOf(string address) =>
        matches.TryGetValue(EmailAddresses.Normalize(address), out var found) ? RecordPreference.Choose(found)?.Record : null;

    public EmailParty? Resolve(EmailParty? party) => party is null ? null : party with { Record = RecordOf(party.EmailAddress) };

    public IEnumerable<AcceptingMailbox> MailboxesAt(string normalizedAddress) => mailboxes[normalizedAddress];
}
