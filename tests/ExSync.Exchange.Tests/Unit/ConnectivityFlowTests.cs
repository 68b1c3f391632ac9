using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>Step-tree rules for server answers the simulator does not produce, with a scripted EWS client.</summary>
public sealed class ConnectivityFlowTests
{
    private static readonly ExchangeServerVersion Exchange2019 = new(15, 2, 1544, 4, "V2017_07_11");
    private static readonly ErrorContext Context = new("GetFolder", new Uri("https://mail.contoso.local/EWS/Exchange.asmx"), null, "alice@contoso.local");

    private static async Task<MailboxConnectivityReport> RunAsync(ScriptedEwsClient ews, MailboxDirections directions = MailboxDirections.All)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IEwsClient>(ews);
        services.AddExchangeClient();
        await using var provider = services.BuildServiceProvider();
        var connection = new ExchangeConnectionSettings
        {
            EwsUrl = new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
            Authentication = new ServiceAccountAuthentication("svc@contoso.local", "pw", AuthenticationProtocol.Basic),
        };
        return await provider.GetRequiredService<IMailboxConnectivityTester>().TestAsync(new MailboxConnectivityRequest
        {
            MailboxSmtpAddress = "alice@contoso.local",
            Directions = directions,
            Incoming = connection,
            Outgoing = connection,
            OrganizationId = "org-1",
        }, TestContext.Current.CancellationToken);
    }

    private static ConnectivityStep Step(MailboxConnectivityReport report, string id) =>
        report.Steps.SelectMany(Flatten).First(s => s.Id == id);

    private static IEnumerable<ConnectivityStep> Flatten(ConnectivityStep step) => step.Children.SelectMany(Flatten).Prepend(step);

    private static GetFolderResponse AllFolders(GetFolderRequest request, ExchangeServerVersion? version, ExchangeError? error = null) =>
        new(version, [.. request.Folders.Select(f => error is null
            ? new FolderResult(f, new EwsFolder { Kind = EwsFolderKind.Folder, FolderId = new ExplicitFolderId("id"), TotalCount = 1 }, null)
            : new FolderResult(f, null, error))]);

    [Fact]
    public async Task A_server_that_reports_no_version_fails_the_version_gate()
    {
        var report = await RunAsync(new ScriptedEwsClient { GetFolder = request => AllFolders(request, version: null) });

        var version = Step(report, ConnectivityStepIds.ServerVersion);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.UnsupportedServerVersion), (version.Outcome, version.ErrorCode));
        Assert.Contains("did not report a recognizable version", version.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.Impersonate).Outcome);
    }

    [Fact]
    public async Task An_old_version_reported_on_a_successful_answer_fails_and_is_named()
    {
        var report = await RunAsync(new ScriptedEwsClient { GetFolder = request => AllFolders(request, new ExchangeServerVersion(14, 3, 123, 4, "Exchange2010_SP2")) });

        var version = Step(report, ConnectivityStepIds.ServerVersion);
        Assert.Equal(ConnectivityStepOutcome.Failed, version.Outcome);
        Assert.Contains("Exchange Server 2010 or older (build 14.3.123.4)", version.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(DirectionOutcome.Failed, report.Incoming.Outcome);
    }

    [Fact]
    public async Task A_missing_mailbox_reported_per_folder_fails_impersonation_not_the_directions()
    {
        var missing = ExchangeErrors.FromResponseCode(Context, "ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.", null, 200, null);

        var report = await RunAsync(new ScriptedEwsClient { GetFolder = request => AllFolders(request, Exchange2019, missing) });

        Assert.Equal(ExchangeErrorCodes.MailboxNotFound, Step(report, ConnectivityStepIds.Impersonate).ErrorCode);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.Outgoing).Outcome);
    }

    [Fact]
    public async Task A_draft_that_cannot_be_deleted_is_reported_with_its_subject()
    {
        string? subject = null;
        var ews = new ScriptedEwsClient
        {
            GetFolder = request => AllFolders(request, Exchange2019),
            CreateMessage = request =>
            {
                subject = request.Subject;
                return new CreateItemResponse(Exchange2019, new EwsItemId("draft-1"));
            },
            DeleteItem = request => new DeleteItemResponse(Exchange2019,
                [new ItemResult(request.Items[0], ExchangeErrors.FromResponseCode(Context, "ErrorAccessDenied", "Access is denied.", null, 200, null))]),
        };

        var report = await RunAsync(ews, MailboxDirections.Outgoing);

        var delete = Step(report, ConnectivityStepIds.DeleteDraft);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.AccessDenied), (delete.Outcome, delete.ErrorCode));
        Assert.NotNull(subject);
        Assert.Contains(subject, delete.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(DirectionOutcome.Failed, report.Outgoing.Outcome);
    }

    [Fact]
    public async Task A_saved_draft_without_an_id_is_an_unexpected_response()
    {
        var ews = new ScriptedEwsClient
        {
            GetFolder = request => AllFolders(request, Exchange2019),
            CreateMessage = _ => new CreateItemResponse(Exchange2019, null),
        };

        var report = await RunAsync(ews, MailboxDirections.Outgoing);

        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, Step(report, ConnectivityStepIds.CreateDraft).ErrorCode);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.DeleteDraft).Outcome);
        Assert.Equal(0, ews.DeleteCalls);
    }

    [Fact]
    public async Task No_directions_means_no_requests_and_nothing_tested()
    {
        var ews = new ScriptedEwsClient();

        var report = await RunAsync(ews, MailboxDirections.None);

        Assert.Empty(report.Steps);
        Assert.Equal(DirectionOutcome.NotTested, report.Incoming.Outcome);
        Assert.Equal(0, ews.GetFolderCalls);
    }

    private sealed class ScriptedEwsClient : IEwsClient
    {
        public Func<GetFolderRequest, GetFolderResponse> GetFolder { get; init; } = _ => throw new InvalidOperationException("unexpected GetFolder");

        public Func<CreateMessageRequest, CreateItemResponse> CreateMessage { get; init; } = _ => throw new InvalidOperationException("unexpected CreateItem");

        public Func<DeleteItemRequest, DeleteItemResponse> DeleteItem { get; init; } = _ => throw new InvalidOperationException("unexpected DeleteItem");

        public int GetFolderCalls { get; private set; }

        public int DeleteCalls { get; private set; }

        public Task<GetFolderResponse> GetFolderAsync(EwsTarget target, GetFolderRequest request, CancellationToken cancellationToken)
        {
            GetFolderCalls++;
            return Task.FromResult(GetFolder(request));
        }

        public Task<CreateItemResponse> CreateMessageAsync(EwsTarget target, CreateMessageRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(CreateMessage(request));

        public Task<DeleteItemResponse> DeleteItemAsync(EwsTarget target, DeleteItemRequest request, CancellationToken cancellationToken)
        {
            DeleteCalls++;
            return Task.FromResult(DeleteItem(request));
        }

        public Task<FindItemResponse> FindItemAsync(EwsTarget target, FindItemRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("unexpected FindItem");

        public Task<SyncFolderItemsResponse> SyncFolderItemsAsync(EwsTarget target, SyncFolderItemsRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("unexpected SyncFolderItems");

        public Task<UpdateFolderResponse> SetFolderExtendedPropertyAsync(EwsTarget target, SetFolderExtendedPropertyRequest request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("unexpected UpdateFolder");

        // The connectivity test uses none of the synchronization operations.
        public Task<SendMessageResponse> SendMessageAsync(EwsTarget target, SendMessageRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<GetMessagesResponse> GetMessagesAsync(EwsTarget target, GetMessagesRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<GetAttachmentsResponse> GetAttachmentsAsync(EwsTarget target, GetAttachmentsRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<UpdateItemsResponse> UpdateItemsAsync(EwsTarget target, UpdateItemsRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<MoveItemsResponse> MoveItemsAsync(EwsTarget target, MoveItemsRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<FindFolderResponse> FindFolderAsync(EwsTarget target, FindFolderRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<CreateFolderResponse> CreateFolderAsync(EwsTarget target, CreateFolderRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<FoundOrCreatedFolder> FindOrCreateFolderAsync(EwsTarget target, EwsFolderId parent, string displayName, CancellationToken cancellationToken) => throw Unexpected();

        public Task<SubscribeResponse> SubscribeToStreamingNotificationsAsync(EwsTarget target, StreamingSubscriptionRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<SubscribeResponse> SubscribeToPullNotificationsAsync(EwsTarget target, PullSubscriptionRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task<GetEventsResponse> GetEventsAsync(EwsTarget target, GetEventsRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public Task UnsubscribeAsync(EwsTarget target, UnsubscribeRequest request, CancellationToken cancellationToken) => throw Unexpected();

        public IAsyncEnumerable<StreamingEventsResponse> GetStreamingEventsAsync(EwsTarget target, GetStreamingEventsRequest request, CancellationToken cancellationToken) => throw Unexpected();

        private static InvalidOperationException Unexpected([System.Runtime.CompilerServices.CallerMemberName] string operation = "") =>
            new($"unexpected {operation}");
    }
}
