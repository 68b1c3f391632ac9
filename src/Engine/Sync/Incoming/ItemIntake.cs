using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Domain.Sync;
using ExSync.Domain.Webhooks;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>An item synchronization must look at: reported by SyncFolderItems, or a failed item tried again.</summary>
/// <param name="ItemId">Its EWS id (with the ChangeKey Exchange reported).</param>
/// <param name="IsUpdate">Reported as changed rather than created: only a category change matters then.</param>
/// <param name="ReceivedAt">When it was received, when SyncFolderItems said.</param>
/// <param name="ItemClass">Its item class, when SyncFolderItems said.</param>
internal sealed record Candidate(EwsItemId ItemId, bool IsUpdate, DateTimeOffset? ReceivedAt, string? ItemClass);

/// <summary>
/// Takes one page of items into ExSync: reads what is needed from Exchange, decides for each item (<see cref="ItemDecider"/>), and commits
/// the activities, item links, item outcomes and change feed entries together with the folder's new sync state, in one transaction. So a
/// sync state is never saved ahead of the items it covers; a page replayed after a crash finds its links and creates nothing twice.
/// </summary>
internal sealed partial class ItemIntake(
    IDbContextFactory<ExSyncDbContext> contexts,
    IDatabaseDialect dialect,
    IEwsClient ews,
    ItemDecider decider,
    TimeProvider time,
    IOptions<SyncOptions> options,
    ILogger<ItemIntake> logger)
{
    private const int SaveAttempts = 3;

    private readonly SemaphoreSlim pages = new(options.Value.MaxConcurrentPages);

    /// <summary>Handles <paramref name="candidates"/> of <paramref name="folder"/> and saves <paramref name="newSyncState"/> with them (when given).</summary>
    /// <returns>The links that still need their stamp written in Exchange.</returns>
    public async Task<IReadOnlyList<ExchangeItemLink>> TakeAsync(
        IncomingRun run, SyncFolder folder, IReadOnlyList<Candidate> candidates, string? newSyncState, CancellationToken cancellationToken)
    {
        await pages.WaitAsync(cancellationToken);
        try
        {
            return await TakeInAsync(run, folder, candidates, newSyncState, cancellationToken);
        }
        finally
        {
            pages.Release();
        }
    }

    private async Task<IReadOnlyList<ExchangeItemLink>> TakeInAsync(
        IncomingRun run, SyncFolder folder, IReadOnlyList<Candidate> candidates, string? newSyncState, CancellationToken cancellationToken)
    {
        // Read once, kept across attempts to save: a retry decides again, it does not read Exchange again.
        var messages = new Dictionary<string, EwsMessage>(StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var page = new PageWork(db, run, folder, time.GetUtcNow(), messages);
            await TriageAsync(page, candidates, cancellationToken);
            await ReadMessagesAsync(page, cancellationToken);
            await decider.DecideAsync(page, cancellationToken);
            if (newSyncState is not null)
            {
                var state = await db.FolderSyncStates.SingleOrDefaultAsync(s => s.MailboxId == run.MailboxId && s.Folder == folder, cancellationToken);
                if (state is null)
                {
                    state = FolderSyncState.Create(run.MailboxId, folder, page.Now);
                    db.FolderSyncStates.Add(state);
                }

                state.Advance(newSyncState, page.Now);
            }

            try
            {
                page.RecordChanges();
                await db.SaveChangesAsync(cancellationToken);
                page.CountOutcomes();
                return page.Links.Values.Where(l => l.StampPending).ToList();
            }
            catch (DbUpdateException ex) when (attempt < SaveAttempts && dialect.FindUniqueViolation(ex, db.Model) is not null)
            {
                // Another mailbox's cycle created the activity of the same message (or the link of the same item) first: decide again,
                // and this time find it.
                LogSaveRace(logger, run.MailboxId, attempt);
            }
        }
    }

    private static async Task TriageAsync(PageWork page, IReadOnlyList<Candidate> candidates, CancellationToken cancellationToken)
    {
        var ids = candidates.Select(c => c.ItemId.Id).Distinct(StringComparer.Ordinal).ToList();
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var link in await page.Db.ExchangeItemLinks.Where(l => l.MailboxId == page.Run.MailboxId && chunk.Contains(l.ItemId)).ToListAsync(cancellationToken))
            {
                page.Links[link.ItemId] = link;
            }
        }

        foreach (var candidate in candidates.DistinctBy(c => c.ItemId.Id))
        {
            page.Run.Saw(candidate.ReceivedAt);
            if (page.Links.TryGetValue(candidate.ItemId.Id, out var link))
            {
                // A created item already linked is a replay (a crash, a resync): nothing to do. An update matters only when it is not the
                // echo of ExSync's own stamp: the user may have added or removed the tracking category.
                var worthReading = link.State == ItemLinkState.Failed
                    || (candidate.IsUpdate && !link.IsEchoOf(candidate.ItemId.ChangeKey) && link.State is not ItemLinkState.Undeliverable);
                if (worthReading)
                {
                    page.ToRead.Add(candidate);
                }

                continue;
            }

            if (candidate.ReceivedAt is { } received && page.Run.ProcessAfter is { } after && received < after)
            {
                page.Record(candidate, null, ItemOutcome.NotTracked, ItemReasons.ReceivedBeforeProcessingDate, null);
            }
            else if (candidate.ItemClass is { } itemClass && !IsEmailClass(itemClass))
            {
                page.Record(candidate, page.LinkFor(candidate).Also(l => l.Skip(ItemReasons.NotAnEmail, page.Now)), ItemOutcome.NotTracked, ItemReasons.NotAnEmail, itemClass);
            }
            else
            {
                page.ToRead.Add(candidate);
            }
        }
    }

    private async Task ReadMessagesAsync(PageWork page, CancellationToken cancellationToken)
    {
        var missing = page.ToRead.Where(c => !page.Messages.ContainsKey(c.ItemId.Id)).Select(c => new EwsItemId(c.ItemId.Id)).ToList();
        foreach (var batch in missing.Chunk(GetMessagesRequest.MaxItems))
        {
            var response = await ews.GetMessagesAsync(page.Run.Target, new GetMessagesRequest
            {
                Items = batch,
                BodyType = MessageBodyType.Html,
                IncludeTextBody = true,
                ExtendedProperties = ExSyncItemStamp.Properties,
            }, cancellationToken);
            foreach (var result in response.Messages)
            {
                if (result.Message is { } message)
                {
                    page.Messages[result.Requested.Id] = message;
                    page.Run.Remember(result.Requested.Id, message);
                }
                else
                {
                    page.Unreadable[result.Requested.Id] = result.Error!;
                }
            }
        }
    }

    // IPM.Note and its forms (IPM.Note.SMIME, IPM.Note.Receipt.SMIME, …); meeting requests, reports and the like are not email activities.
    private static bool IsEmailClass(string itemClass) =>
        itemClass.Equals("IPM.Note", StringComparison.OrdinalIgnoreCase) || itemClass.StartsWith("IPM.Note.", StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mailbox {MailboxId}: another cycle saved the same message first (attempt {Attempt}); deciding again")]
    private static partial void LogSaveRace(ILogger logger, Guid mailboxId, int attempt);
}

/// <summary>One page's unit of work: its context, the links it found or made, the messages still to decide.</summary>
internal sealed class PageWork(ExSyncDbContext db, IncomingRun run, SyncFolder folder, DateTimeOffset now, Dictionary<string, EwsMessage> messages)
{
    private readonly List<ItemOutcome> outcomes = [];
    private SavedActivities? saved;

    public ExSyncDbContext Db { get; } = db;

    public IncomingRun Run { get; } = run;

    public SyncFolder Folder { get; } = folder;

    public DateTimeOffset Now { get; } = now;

    public Dictionary<string, ExchangeItemLink> Links { get; } = new(StringComparer.Ordinal);

    public List<Candidate> ToRead { get; } = [];

    /// <summary>The messages read from Exchange for this page, by item id.</summary>
    public Dictionary<string, EwsMessage> Messages { get; } = messages;

    public Dictionary<string, ExchangeError> Unreadable { get; } = new(StringComparer.Ordinal);

    /// <summary>Activities created or changed by this page, by deduplication key: a second copy in the same page joins the first.</summary>
    public Dictionary<string, EmailActivity> Emails { get; } = new(StringComparer.Ordinal);

    /// <summary>Which of this page's messages and conversations have saved activities, asked the first time it is needed.</summary>
    public async Task<SavedActivities> SavedAsync(CancellationToken cancellationToken) =>
        saved ??= await SavedActivities.OfAsync(Db, Messages.Values, cancellationToken);

    public ExchangeItemLink LinkFor(Candidate candidate)
    {
        if (!Links.TryGetValue(candidate.ItemId.Id, out var link))
        {
            link = ExchangeItemLink.Create(Run.MailboxId, candidate.ItemId.Id, Folder, Now);
            Db.ExchangeItemLinks.Add(link);
            Links[candidate.ItemId.Id] = link;
        }

        return link;
    }

    /// <summary>Records an item's outcome (listed at sync-events) and counts it for the cycle once the page is saved.</summary>
    public void Record(Candidate candidate, ExchangeItemLink? link, ItemOutcome outcome, string reason, string? detail, EwsMessage? message = null, Guid? emailId = null)
    {
        var facts = new ItemFacts(candidate.ItemId.Id, message?.InternetMessageId, message?.Subject);
        Db.SyncItemEvents.Add(SyncItemEvent.Create(Run.MailboxId, Folder, outcome, reason, Now, facts, detail, emailId ?? link?.EmailId, Math.Max(1, link?.Attempts ?? 1)));
        outcomes.Add(outcome);
    }

    /// <summary>Notes a change of an activity: one change feed entry per activity and page, at its final version (<see cref="RecordChanges"/>).</summary>
    public void Changed(EmailActivity email, ChangeOperation operation) => changed.TryAdd(email, operation);

    /// <summary>Adds the change feed entries of the page, just before it is saved.</summary>
    public void RecordChanges()
    {
        foreach (var (email, operation) in changed)
        {
            Db.RecordEmailChange(email, operation, Now);
            if (operation == ChangeOperation.Created)
            {
                Db.RecordWebhookEvent(WebhookEventTypes.EmailReceived, email.Id, new Dictionary<string, object?> { ["mailboxId"] = Run.MailboxId }, Now);
            }
        }
    }

    public void CountOutcomes()
    {
        foreach (var outcome in outcomes)
        {
            Run.Count(outcome);
        }
    }

    private readonly Dictionary<EmailActivity, ChangeOperation> changed = [];
}

internal static class LinkExtensions
{
    /// <summary>Applies <paramref name="change"/> and returns the link, to record an outcome in one statement.</summary>
    public static ExchangeItemLink Also(this ExchangeItemLink link, Action<ExchangeItemLink> change)
    {
        change(link);
        return link;
    }
}
