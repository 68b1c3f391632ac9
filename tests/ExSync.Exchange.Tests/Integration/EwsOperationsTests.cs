using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Every EWS operation against the simulator over loopback HTTPS, trusting its CA.</summary>
public sealed class EwsOperationsTests : IAsyncLifetime
{
    private ExchangeSimulatorHost _simulator = null!;
    private ExchangeClientHarness _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _simulator = await ExchangeSimulatorHost.StartAsync(Scenarios.Contoso(), Ct);
        _client = ExchangeClientHarness.Create();
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Get_folder_reads_several_distinguished_folders_in_one_request_in_order()
    {
        var response = await _client.Ews.GetFolderAsync(Scenarios.Target(_simulator), new GetFolderRequest
        {
            Folders =
            [
                EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
                EwsFolderId.Distinguished(DistinguishedFolderName.Calendar),
                EwsFolderId.Distinguished(DistinguishedFolderName.Contacts),
                EwsFolderId.Distinguished(DistinguishedFolderName.Tasks),
                EwsFolderId.Distinguished(DistinguishedFolderName.MsgFolderRoot),
            ],
            BaseShape = BaseShape.Default,
        }, Ct);

        Assert.Equal(1, _simulator.Requests.Count("GetFolder", Scenarios.Alice));
        Assert.All(response.Folders, f => Assert.True(f.Succeeded, f.Error?.Message));
        Assert.Equal(
            [EwsFolderKind.Folder, EwsFolderKind.CalendarFolder, EwsFolderKind.ContactsFolder, EwsFolderKind.TasksFolder, EwsFolderKind.Folder],
            response.Folders.Select(f => f.Folder!.Kind));
        Assert.Equal(3, response.Folders[0].Folder!.TotalCount);
        Assert.Equal(2, response.Folders[1].Folder!.TotalCount);
        Assert.False(string.IsNullOrEmpty(response.Folders[0].Folder!.FolderId.Id));
        Assert.Equal(ExchangeProduct.Exchange2019, response.ServerVersion?.Product);
    }

    [Fact]
    public async Task Get_folder_returns_the_ownership_marker_as_an_extended_property()
    {
        _simulator.State.SetOwnerOrganizationId(Scenarios.Alice, Scenarios.OtherOrganization);

        var response = await _client.Ews.GetFolderAsync(Scenarios.Target(_simulator), new GetFolderRequest
        {
            Folders = [OwnershipMarker.Folder, EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)],
            BaseShape = BaseShape.IdOnly,
            AdditionalExtendedProperties = [OwnershipMarker.Property],
        }, Ct);

        Assert.Equal(Scenarios.OtherOrganization, response.Folders[0].Folder!.FindExtendedProperty(OwnershipMarker.Property)?.Value);
        Assert.Null(response.Folders[1].Folder!.FindExtendedProperty(OwnershipMarker.Property));
    }

    [Fact]
    public async Task Update_folder_writes_the_ownership_marker()
    {
        var response = await _client.Ews.SetFolderExtendedPropertyAsync(Scenarios.Target(_simulator), new SetFolderExtendedPropertyRequest
        {
            Folder = OwnershipMarker.Folder,
            Property = OwnershipMarker.Property,
            Value = Scenarios.OurOrganization,
        }, Ct);

        Assert.Equal(Scenarios.OurOrganization, _simulator.State.GetOwnerOrganizationId(Scenarios.Alice));
        Assert.NotNull(response.FolderId);
        Assert.Equal(1, _simulator.Requests.Count("UpdateFolder", Scenarios.Alice));
    }

    [Fact]
    public async Task Create_item_saves_a_draft_and_delete_item_hard_deletes_it()
    {
        var target = Scenarios.Target(_simulator);
        var created = await _client.Ews.CreateMessageAsync(target, new CreateMessageRequest
        {
            Disposition = MessageDisposition.SaveOnly,
            SavedItemFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Drafts),
            Subject = "draft & <probe>",
            Body = "body",
        }, Ct);

        Assert.NotNull(created.ItemId);
        var draft = Assert.Single(_simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.Drafts));
        Assert.Equal("draft & <probe>", draft.Subject);
        Assert.Equal(draft.Id, created.ItemId.Id);

        var deleted = await _client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [created.ItemId], DeleteType = DeleteType.HardDelete }, Ct);

        Assert.True(deleted.Items[0].Succeeded);
        Assert.Empty(_simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.Drafts));
        Assert.Empty(_simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.DeletedItems));
    }

    [Fact]
    public async Task Deleting_twice_reports_item_not_found_per_item()
    {
        var target = Scenarios.Target(_simulator);
        var id = _simulator.State.AddItem(Scenarios.Alice, SimulatedFolder.Drafts, "x");
        await _client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [new EwsItemId(id)] }, Ct);

        var again = await _client.Ews.DeleteItemAsync(target, new DeleteItemRequest { Items = [new EwsItemId(id)] }, Ct);

        Assert.Equal(ExchangeErrorCodes.ItemNotFound, again.Items[0].Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, again.Items[0].Error?.ErrorClass);
    }

    [Fact]
    public async Task Create_item_with_send_and_save_copy_sends_and_keeps_a_copy_in_sent_items()
    {
        var created = await _client.Ews.CreateMessageAsync(Scenarios.Target(_simulator), new CreateMessageRequest
        {
            Disposition = MessageDisposition.SendAndSaveCopy,
            Subject = "Your mailbox is now connected to ExSync",
            Body = "hello",
            ToRecipients = [Scenarios.Alice],
        }, Ct);

        Assert.Null(created.ItemId);
        Assert.Contains(_simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.SentItems), i => i.Subject == "Your mailbox is now connected to ExSync");
    }

    [Fact]
    public async Task Find_item_pages_through_a_folder()
    {
        var target = Scenarios.Target(_simulator);

        var first = await _client.Ews.FindItemAsync(target, new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
            MaxEntriesReturned = 2,
            AdditionalFieldUris = ["item:Subject"],
        }, Ct);
        var second = await _client.Ews.FindItemAsync(target, new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
            MaxEntriesReturned = 2,
            Offset = first.IndexedPagingOffset ?? 2,
        }, Ct);

        Assert.Equal(2, first.Items.Count);
        Assert.False(first.IncludesLastItemInRange);
        Assert.Equal(3, first.TotalItemsInView);
        Assert.Single(second.Items);
        Assert.True(second.IncludesLastItemInRange);
        Assert.All(first.Items.Concat(second.Items), i => Assert.Equal("Message", i.Kind));
        Assert.Equal(3, first.Items.Concat(second.Items).Select(i => i.ItemId.Id).Distinct().Count());
    }

    [Fact]
    public async Task Sync_folder_items_reports_creates_then_incremental_changes()
    {
        var target = Scenarios.Target(_simulator);
        var request = new SyncFolderItemsRequest { Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), MaxChangesReturned = 512 };

        var initial = await _client.Ews.SyncFolderItemsAsync(target, request, Ct);
        Assert.Equal(3, initial.Changes.Count(c => c.Kind == SyncChangeKind.Create));
        Assert.True(initial.IncludesLastItemInRange);

        var added = _simulator.State.AddItem(Scenarios.Alice, SimulatedFolder.Inbox, "new mail");
        var existing = initial.Changes[0].ItemId.Id;
        _simulator.State.DeleteItem(Scenarios.Alice, existing);

        var incremental = await _client.Ews.SyncFolderItemsAsync(target, request with { SyncState = initial.SyncState }, Ct);

        Assert.Contains(incremental.Changes, c => c.Kind == SyncChangeKind.Create && c.ItemId.Id == added);
        Assert.Contains(incremental.Changes, c => c.Kind == SyncChangeKind.Delete && c.ItemId.Id == existing);
        Assert.NotEqual(initial.SyncState, incremental.SyncState);
    }

    [Fact]
    public async Task A_corrupt_sync_state_is_reported_as_invalid_sync_state()
    {
        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SyncFolderItemsAsync(Scenarios.Target(_simulator),
            new SyncFolderItemsRequest { Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), SyncState = "bm90LWEtc3RhdGU=" }, Ct));

        Assert.Equal(ExchangeErrorCodes.InvalidSyncState, exception.Error.Code);
        Assert.Equal("ErrorInvalidSyncStateData", exception.Error.ResponseCode);
    }
}
