using ExSync.Domain.Sync;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Sync.Incoming;

/// <summary>
/// Marks items in Exchange after their outcome is committed: a tracked item gets the tracking category and ExSync's stamp (activity and
/// deployment ids); an item given up gets the Undeliverable category and, when the profile says so, moves to the Undeliverable folder;
/// a queue that deletes email after processing sends tracked items to Deleted Items. The ChangeKey each write leaves is remembered, so its
/// echo in the next SyncFolderItems is recognised. A write that fails stays pending and is tried again next cycle; marks are never
/// needed for correctness (the links are), only for people and for recognising copies.
/// </summary>
internal sealed partial class ItemStamper(IDbContextFactory<ExSyncDbContext> contexts, IEwsClient ews, TimeProvider time, ILogger<ItemStamper> logger)
{
    /// <summary>Also the folder Dynamics uses, under the Inbox.</summary>
    public const string UndeliverableFolderName = "Undeliverable";

    private const int UpdateBatch = 100;

    /// <summary>Writes the pending marks of <paramref name="links"/> and saves what was written.</summary>
    public async Task StampAsync(IncomingRun run, IReadOnlyList<ExchangeItemLink> links, CancellationToken cancellationToken)
    {
        if (links.Count == 0)
        {
            return;
        }

        await ReadMissingAsync(run, links, cancellationToken);
        var organization = run.Cycle.Organization;
        var now = time.GetUtcNow();
        var changed = new List<ExchangeItemLink>();
        var stampable = links.Where(l => run.Marks.ContainsKey(l.ItemId)).ToList();
        foreach (var vanished in links.Except(stampable))
        {
            vanished.Stamped(vanished.ItemId, null, now);
            changed.Add(vanished);
        }

        foreach (var batch in stampable.Chunk(UpdateBatch))
        {
            var updates = batch.Select(link =>
            {
                var marks = run.Marks[link.ItemId];
                var undeliverable = link.State == ItemLinkState.Undeliverable;
                return new ItemUpdate
                {
                    Item = new EwsItemId(link.ItemId, marks.ChangeKey),
                    Categories = CategoryUpdate.Add(marks.Categories, undeliverable ? organization.UndeliverableCategoryName : organization.TrackingCategoryName),
                    SetExtendedProperties = undeliverable || link.EmailId is not { } emailId ? [] : ExSyncItemStamp.For(emailId, run.DeploymentId),
                };
            }).ToList();
            var response = await ews.UpdateItemsAsync(run.Target, new UpdateItemsRequest { Items = updates }, cancellationToken);
            for (var i = 0; i < batch.Length && i < response.Items.Count; i++)
            {
                var result = response.Items[i];
                if (result.Succeeded)
                {
                    batch[i].Stamped(result.ItemId?.Id ?? batch[i].ItemId, result.ItemId?.ChangeKey, now);
                    changed.Add(batch[i]);
                }
                else if (result.Error!.Code is ExchangeErrorCodes.ItemNotFound or ExchangeErrorCodes.InvalidId)
                {
                    batch[i].Stamped(batch[i].ItemId, null, now);
                    changed.Add(batch[i]);
                }

                // A conflict (the user changed the item meanwhile) stays pending: the next cycle reads the item again and retries.
            }
        }

        try
        {
            await MoveUndeliverableAsync(run, changed, now, cancellationToken);
            await DeleteProcessedAsync(run, changed, cancellationToken);
        }
        catch (ExchangeException ex)
        {
            // Tidying the mailbox is a courtesy: the items are marked and their outcomes committed, so the mailbox goes on.
            LogTidyingFailed(logger, run.MailboxId, ex.Error.Code, ex.Error.Message);
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.ExchangeItemLinks.UpdateRange(changed);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task ReadMissingAsync(IncomingRun run, IReadOnlyList<ExchangeItemLink> links, CancellationToken cancellationToken)
    {
        var missing = links.Where(l => !run.Marks.ContainsKey(l.ItemId)).Select(l => new EwsItemId(l.ItemId)).ToList();
        foreach (var batch in missing.Chunk(GetMessagesRequest.MaxItems))
        {
            var response = await ews.GetMessagesAsync(run.Target, new GetMessagesRequest
            {
                Items = batch,
                BodyType = MessageBodyType.Text,
                IncludeTextBody = false,
                MaxBodySizeKilobytes = 1,
            }, cancellationToken);
            foreach (var result in response.Messages.Where(r => r.Message is not null))
            {
                run.Remember(result.Requested.Id, result.Message!);
            }
        }
    }

    private async Task MoveUndeliverableAsync(IncomingRun run, List<ExchangeItemLink> changed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var given = changed.Where(l => l.State == ItemLinkState.Undeliverable && l.WrittenChangeKey is not null).ToList();
        if (given.Count == 0 || !run.Cycle.Profile.Advanced.MoveFailedEmailsToUndeliverableFolder)
        {
            return;
        }

        var folder = await ews.FindOrCreateFolderAsync(run.Target, EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), UndeliverableFolderName, cancellationToken);
        var response = await ews.MoveItemsAsync(run.Target, new MoveItemsRequest
        {
            Items = given.Select(l => new EwsItemId(l.ItemId)).ToList(),
            Destination = folder.FolderId,
        }, cancellationToken);
        for (var i = 0; i < given.Count && i < response.Items.Count; i++)
        {
            if (response.Items[i].NewItemId is { } moved)
            {
                given[i].MovedTo(moved.Id, now);
            }
        }
    }

    private async Task DeleteProcessedAsync(IncomingRun run, List<ExchangeItemLink> changed, CancellationToken cancellationToken)
    {
        var processed = changed.Where(l => l.State == ItemLinkState.Tracked && l.Folder == SyncFolder.Inbox && l.WrittenChangeKey is not null).ToList();
        if (processed.Count == 0 || !run.Cycle.Mailbox.DeleteEmailsAfterProcessing)
        {
            return;
        }

        // Into Deleted Items, as Dynamics does: recoverable by the queue's users, and out of the Inbox.
        await ews.DeleteItemAsync(run.Target, new DeleteItemRequest { Items = processed.Select(l => new EwsItemId(l.ItemId)).ToList(), DeleteType = DeleteType.MoveToDeletedItems }, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mailbox {MailboxId}: moving or deleting processed items failed on {Code}: {Message}; they stay where they are")]
    private static partial void LogTidyingFailed(ILogger logger, Guid mailboxId, string code, string message);
}
