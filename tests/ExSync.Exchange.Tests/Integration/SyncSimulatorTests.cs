using System.Diagnostics;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>What the incoming-email engine needs from SyncFolderItems and DeleteItem, against the simulator.</summary>
public sealed class SyncSimulatorTests : SimulatorTestBase
{
    private static SyncFolderItemsRequest Inbox(int maxChanges = 512) =>
        new() { Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), MaxChangesReturned = maxChanges };

    private async Task<SyncFolderItemsResponse> SyncToEndAsync(SyncFolderItemsRequest request, List<SyncItemChange> changes)
    {
        SyncFolderItemsResponse response;
        do
        {
            response = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), request, Ct);
            changes.AddRange(response.Changes);
            request = request with { SyncState = response.SyncState };
        }
        while (!response.IncludesLastItemInRange);

        return response;
    }

    [Fact]
    public async Task Read_flag_changes_carry_the_flag_and_updates_carry_the_new_change_key()
    {
        var initial = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(), Ct);
        var items = initial.Changes.Select(c => c.ItemId).ToArray();
        Simulator.State.SetItemRead(Scenarios.Alice, items[0].Id, isRead: true);
        Simulator.State.SetItemSubject(Scenarios.Alice, items[1].Id, "edited in Outlook");

        var next = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox() with { SyncState = initial.SyncState }, Ct);

        var readFlag = Assert.Single(next.Changes, c => c.Kind == SyncChangeKind.ReadFlagChange);
        Assert.Equal(items[0].Id, readFlag.ItemId.Id);
        Assert.True(readFlag.IsRead);
        Assert.Null(readFlag.Item);
        var update = Assert.Single(next.Changes, c => c.Kind == SyncChangeKind.Update);
        Assert.Equal(items[1].Id, update.ItemId.Id);
        Assert.False(string.IsNullOrEmpty(update.ItemId.ChangeKey));
        Assert.NotEqual(items[1].ChangeKey, update.ItemId.ChangeKey);
        Assert.Null(update.IsRead);
        Assert.True(next.IncludesLastItemInRange);
    }

    [Fact]
    public async Task Paging_with_a_small_page_reports_every_item_once_and_says_when_it_is_done()
    {
        for (var i = 0; i < 4; i++)
        {
            Simulator.State.AddItem(Scenarios.Alice, SimulatedFolder.Inbox, $"extra {i}");
        }

        var first = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(maxChanges: 2), Ct);
        var changes = new List<SyncItemChange>(first.Changes);
        await SyncToEndAsync(Inbox(maxChanges: 2) with { SyncState = first.SyncState }, changes);

        Assert.False(first.IncludesLastItemInRange);
        Assert.Equal(2, first.Changes.Count);
        Assert.Equal(7, changes.Count);
        Assert.All(changes, c => Assert.Equal(SyncChangeKind.Create, c.Kind));
        Assert.Equal(7, changes.Select(c => c.ItemId.Id).Distinct().Count());
        Assert.All(changes, c => Assert.Equal("Message", c.Item?.Kind));
    }

    [Fact]
    public async Task Up_to_512_changes_may_be_asked_for_and_no_more()
    {
        var response = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(maxChanges: 512), Ct);

        Assert.Equal(3, response.Changes.Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(maxChanges: 513), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(maxChanges: 0), Ct));
        Assert.Equal(1, Simulator.Requests.Count("SyncFolderItems"));
    }

    [Fact]
    public async Task A_folder_that_is_gone_is_reported_as_sync_folder_not_found_distinct_from_an_invalid_state()
    {
        Simulator.State.AddFault(new ScenarioFault
        {
            Operation = "SyncFolderItems",
            Kind = SimulatedFaultKind.ItemError,
            ResponseCode = "ErrorSyncFolderNotFound",
            Message = "The specified folder could not be found in the store.",
            Times = 1,
        });

        var gone = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(), Ct));
        var corrupt = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.SyncFolderItemsAsync(
            Scenarios.Target(Simulator), Inbox() with { SyncState = "bm90LWEtc3RhdGU=" }, Ct));

        Assert.Equal((ExchangeErrorCodes.SyncFolderNotFound, "ErrorSyncFolderNotFound"), (gone.Error.Code, gone.Error.ResponseCode));
        Assert.Equal(ExchangeErrorClass.Permanent, gone.Error.ErrorClass);
        Assert.Equal(ExchangeErrorCodes.InvalidSyncState, corrupt.Error.Code);
        Assert.Equal(2, Simulator.Requests.Count("SyncFolderItems"));
    }

    [Fact]
    public async Task A_sync_after_an_invalid_state_starts_over_without_state_and_lists_every_item_again()
    {
        var first = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(), Ct);
        await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox() with { SyncState = "bm90LWEtc3RhdGU=" }, Ct));

        var again = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(), Ct);

        Assert.Equal(first.Changes.Select(c => c.ItemId.Id).Order(), again.Changes.Select(c => c.ItemId.Id).Order());
    }

    [Fact]
    public async Task Throttled_sync_waits_for_the_servers_back_off_and_then_succeeds()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "SyncFolderItems", Kind = SimulatedFaultKind.ServerBusy, Times = 1, BackOffMilliseconds = 300 });
        var stopwatch = Stopwatch.StartNew();

        var response = await Client.Ews.SyncFolderItemsAsync(Scenarios.Target(Simulator), Inbox(), Ct);

        Assert.Equal(3, response.Changes.Count);
        Assert.Equal(2, Simulator.Requests.Count("SyncFolderItems"));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(300), $"retried after {stopwatch.Elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Move_to_deleted_items_and_soft_delete_are_both_offered()
    {
        var target = Scenarios.Target(Simulator);
        var toDeletedItems = Simulator.State.AddItem(Scenarios.Alice, SimulatedFolder.Inbox, "to deleted items");
        var soft = Simulator.State.AddItem(Scenarios.Alice, SimulatedFolder.Inbox, "soft");

        var moved = await Client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [new EwsItemId(toDeletedItems)], DeleteType = DeleteType.MoveToDeletedItems }, Ct);
        var softDeleted = await Client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [new EwsItemId(soft)], DeleteType = DeleteType.SoftDelete }, Ct);

        Assert.True(moved.Items[0].Succeeded);
        Assert.True(softDeleted.Items[0].Succeeded);
        Assert.Contains(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.DeletedItems), i => i.Subject == "to deleted items");
        Assert.DoesNotContain(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.DeletedItems), i => i.Subject == "soft");
        Assert.DoesNotContain(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.Inbox), i => i.Subject is "soft" or "to deleted items");
    }

    [Fact]
    public async Task Deleting_items_reports_each_one_and_the_sync_sees_the_deletes()
    {
        var target = Scenarios.Target(Simulator);
        var initial = await Client.Ews.SyncFolderItemsAsync(target, Inbox(), Ct);
        var existing = initial.Changes[0].ItemId;

        var deleted = await Client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [existing, new EwsItemId(existing.Id + "x")] }, Ct);
        var next = await Client.Ews.SyncFolderItemsAsync(target, Inbox() with { SyncState = initial.SyncState }, Ct);

        Assert.True(deleted.Items[0].Succeeded);
        Assert.NotNull(deleted.Items[1].Error);
        Assert.Equal(existing.Id, Assert.Single(next.Changes, c => c.Kind == SyncChangeKind.Delete).ItemId.Id);
    }
}
