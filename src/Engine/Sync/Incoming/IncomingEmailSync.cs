using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Exchange;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// Incoming email of one mailbox, one cycle: each synchronized folder is read with SyncFolderItems from its saved state (IdOnly with the
/// receive time and item class, up to 512 changes a call), every page is taken in and committed with the folder's next state
/// (<see cref="ItemIntake"/>), then the tracked items are marked in Exchange (<see cref="ItemStamper"/>). Failed items are tried again
/// at the start of each cycle until they are given up. A state Exchange refuses is dropped and the folder read again from the start;
/// the item links make that replay create nothing twice.
/// </summary>
internal sealed partial class IncomingEmailSync : ISyncWorkloadHandler
{
    /// <summary>The most changes one SyncFolderItems call may return (EWS allows 512).</summary>
    public const int PageSize = 512;

    // A state Exchange keeps refusing right after a fresh start is not a state problem; the cycle fails instead of looping.
    private const int MaxResyncsInARow = 3;

    // Failed items tried again per cycle.
    private const int RetriesPerCycle = 100;

    private static readonly IReadOnlyList<string> SummaryFields = ["item:DateTimeReceived", "item:ItemClass"];

    private readonly IDbContextFactory<ExSyncDbContext> contexts;
    private readonly IEwsClient ews;
    private readonly ItemIntake intake;
    private readonly ItemStamper stamper;
    private readonly TimeProvider time;
    private readonly IOptionsMonitor<SyncOptions> options;
    private readonly ILogger<IncomingEmailSync> logger;

    public IncomingEmailSync(
        IDbContextFactory<ExSyncDbContext> contexts,
        IEwsClient ews,
        ItemIntake intake,
        ItemStamper stamper,
        TimeProvider time,
        IOptionsMonitor<SyncOptions> options,
        ILogger<IncomingEmailSync> logger)
    {
        this.contexts = contexts;
        this.ews = ews;
        this.intake = intake;
        this.stamper = stamper;
        this.time = time;
        this.options = options;
        this.logger = logger;
    }

    public SyncDirection Direction => SyncDirection.IncomingEmail;

    public async Task<SyncCycleOutcome> RunAsync(SyncCycle cycle, CancellationToken cancellationToken)
    {
        if (MailboxTargets.For(cycle.Mailbox, cycle.Connections.Incoming) is not { } target)
        {
            return new SyncCycleOutcome(0, 0, 0, SyncErrors.EwsUrlUnknown(time.GetUtcNow()));
        }

        var settings = options.CurrentValue;
        var run = new IncomingRun(cycle, target, settings.MaxItemsPerCycle, settings.MaxItemAttempts);
        try
        {
            var (states, unfinished) = await LoadMailboxStateAsync(run.MailboxId, cancellationToken);
            await RetryFailedAsync(run, unfinished, cancellationToken);
            var caughtUp = true;
            foreach (var folder in IncomingFolders.Of(cycle.Organization))
            {
                caughtUp = await SyncFolderAsync(run, folder, states.GetValueOrDefault(folder), cancellationToken) && caughtUp;
                if (run.Budget <= 0)
                {
                    break;
                }
            }

            // Marks left from earlier cycles are read again now: this cycle may have written some of them meanwhile.
            if (unfinished.Any(l => l.StampPending) || unfinished.Count == RetriesPerCycle)
            {
                await StampLeftoversAsync(run, cancellationToken);
            }

            if (caughtUp)
            {
                await AdvanceProcessingDateAsync(run, cancellationToken);
            }

            return new SyncCycleOutcome(run.Processed, run.Failed, caughtUp && run.Budget > 0 ? 0 : Math.Max(1, settings.MaxItemsPerCycle), null);
        }
        catch (ExchangeException ex)
        {
            LogCycleError(logger, run.MailboxId, ex.Error.Code, ex.Error.Message);
            return new SyncCycleOutcome(
                run.Processed, run.Failed, 0, new SyncError(ex.Error.Code, ex.Error.Message, ex.Error.Remediation, ex.Error.IsTransient, time.GetUtcNow()), ex.Error.BackOff);
        }
    }

    /// <summary>Reads one folder's changes until it is caught up or the cycle's budget is spent; returns whether it caught up.</summary>
    private async Task<bool> SyncFolderAsync(IncomingRun run, SyncFolder folder, FolderSyncState? state, CancellationToken cancellationToken)
    {
        var syncState = state?.SyncState;
        var resyncs = state?.ConsecutiveResyncs ?? 0;
        while (run.Budget > 0)
        {
            SyncFolderItemsResponse page;
            try
            {
                page = await ews.SyncFolderItemsAsync(run.Target, new SyncFolderItemsRequest
                {
                    Folder = IncomingFolders.ToEws(folder),
                    SyncState = syncState,
                    MaxChangesReturned = Math.Min(PageSize, Math.Max(1, run.Budget)),
                    AdditionalFieldUris = SummaryFields,
                }, cancellationToken);
            }
            catch (ExchangeException ex) when (ex.Error.Code == ExchangeErrorCodes.InvalidSyncState && syncState is not null && resyncs < MaxResyncsInARow)
            {
                LogResync(logger, run.MailboxId, folder);
                await ResyncAsync(run.MailboxId, folder, cancellationToken);
                syncState = null;
                resyncs++;
                continue;
            }

            var candidates = page.Changes
                .Where(c => c.Kind is SyncChangeKind.Create or SyncChangeKind.Update)
                .Select(c => new Candidate(c.ItemId, c.Kind == SyncChangeKind.Update, c.Item?.DateTimeReceived, c.Item?.ItemClass))
                .ToList();
            if (candidates.Count > 0 || page.SyncState != syncState)
            {
                var pending = await intake.TakeAsync(run, folder, candidates, page.SyncState, cancellationToken);
                await stamper.StampAsync(run, pending, cancellationToken);
            }

            syncState = page.SyncState;
            resyncs = 0;
            if (page.IncludesLastItemInRange)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// What a cycle starts from, in one round trip for an idle mailbox: its folders' sync states, and its first item links with work left
    /// (failed items, marks not written). When that list is full, the failed items are read on their own, so marks that keep failing
    /// cannot crowd them out.
    /// </summary>
    private async Task<(Dictionary<SyncFolder, FolderSyncState> States, List<ExchangeItemLink> Unfinished)> LoadMailboxStateAsync(Guid mailboxId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var states = (await db.FolderSyncStatesAsync(mailboxId, cancellationToken)).ToDictionary(s => s.Folder);
        var unfinished = await db.UnfinishedItemLinksAsync(mailboxId, RetriesPerCycle, cancellationToken);
        return (states, unfinished);
    }

    private async Task RetryFailedAsync(IncomingRun run, List<ExchangeItemLink> unfinished, CancellationToken cancellationToken)
    {
        var failed = unfinished.Where(l => l.State == ItemLinkState.Failed).ToList();
        if (unfinished.Count == RetriesPerCycle)
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            failed = await db.ExchangeItemLinks.AsNoTracking()
                .Where(l => l.MailboxId == run.MailboxId && l.State == ItemLinkState.Failed)
                .OrderBy(l => l.Id)
                .Take(RetriesPerCycle)
                .ToListAsync(cancellationToken);
        }

        foreach (var folder in failed.GroupBy(l => l.Folder))
        {
            var candidates = folder.Select(l => new Candidate(new EwsItemId(l.ItemId), IsUpdate: false, null, null)).ToList();
            var pending = await intake.TakeAsync(run, folder.Key, candidates, newSyncState: null, cancellationToken);
            await stamper.StampAsync(run, pending, cancellationToken);
        }
    }

    /// <summary>Marks whose write failed in an earlier cycle (a conflict, a timeout) are written now.</summary>
    private async Task StampLeftoversAsync(IncomingRun run, CancellationToken cancellationToken)
    {
        List<ExchangeItemLink> pending;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.ExchangeItemLinks.AsNoTracking()
                .Where(l => l.MailboxId == run.MailboxId && l.StampPending)
                .OrderBy(l => l.Id)
                .Take(RetriesPerCycle)
                .ToListAsync(cancellationToken);
        }

        await stamper.StampAsync(run, pending, cancellationToken);
    }

    private async Task ResyncAsync(Guid mailboxId, SyncFolder folder, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.FolderSyncStates.SingleOrDefaultAsync(s => s.MailboxId == mailboxId && s.Folder == folder, cancellationToken) is { } state)
        {
            state.Resync(time.GetUtcNow());
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Once a mailbox is caught up, "process email received after" moves to a day before the latest mail it saw, so a later resync does
    /// not read years of mail again. A day back, and at most once a day: mail delivered late, or moved back into the Inbox, still counts.
    /// </summary>
    private async Task AdvanceProcessingDateAsync(IncomingRun run, CancellationToken cancellationToken)
    {
        if (run.LatestReceived is not { } latest)
        {
            return;
        }

        var date = new DateTimeOffset(latest.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1);
        if (run.Cycle.Mailbox.ProcessEmailsReceivedAfter >= date)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Mailboxes.SingleOrDefaultAsync(m => m.Id == run.MailboxId, cancellationToken) is { } mailbox
            && mailbox.AdvanceProcessingDate(date, time.GetUtcNow()))
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Someone edited the mailbox meanwhile; the next caught-up cycle advances the date.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Mailbox {MailboxId}: Exchange refused the sync state of {Folder}; reading the folder again from the start")]
    private static partial void LogResync(ILogger logger, Guid mailboxId, SyncFolder folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {MailboxId}: incoming email synchronization stopped on {Code}: {Message}")]
    private static partial void LogCycleError(ILogger logger, Guid mailboxId, string code, string message);
}
