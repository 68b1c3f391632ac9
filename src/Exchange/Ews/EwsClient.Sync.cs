using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Ews;

/// <summary>The item and folder operations of the synchronization engine.</summary>
internal sealed partial class EwsClient
{
    public Task<GetMessagesResponse> GetMessagesAsync(EwsTarget target, GetMessagesRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCount(request.Items, GetMessagesRequest.MaxItems, nameof(request));
        ArgumentOutOfRangeException.ThrowIfNegative(request.MaxMimeContentBytes, nameof(request));
        if (request.MaxBodySizeKilobytes is { } kilobytes)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(kilobytes, 1, nameof(request));
        }

        return ExecuteStreamedAsync(target, "GetItem", idempotent: true, request, EwsRequestWriter.WriteGetItem,
            async (stream, context) =>
            {
                var response = await EwsResponseParsers.ReadGetItemAsync(stream, request, context).ConfigureAwait(false);
                return EscalateIfEveryItemFailedTransiently(target, response, response.Messages.Select(m => m.Error), idempotent: true);
            },
            cancellationToken);
    }

    public Task<GetAttachmentsResponse> GetAttachmentsAsync(EwsTarget target, GetAttachmentsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCount(request.AttachmentIds, GetMessagesRequest.MaxItems, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxContentBytes, 1, nameof(request));
        return ExecuteStreamedAsync(target, "GetAttachment", idempotent: true, request, EwsRequestWriter.WriteGetAttachment,
            async (stream, context) =>
            {
                var response = await EwsResponseParsers.ReadGetAttachmentAsync(stream, request, context).ConfigureAwait(false);
                return EscalateIfEveryItemFailedTransiently(target, response, response.Attachments.Select(a => a.Error), idempotent: true);
            },
            cancellationToken);
    }

    public Task<UpdateItemsResponse> UpdateItemsAsync(EwsTarget target, UpdateItemsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCount(request.Items, GetMessagesRequest.MaxItems, nameof(request));
        foreach (var update in request.Items)
        {
            if (string.IsNullOrEmpty(update.Item.ChangeKey))
            {
                throw new ArgumentException("Every item needs its current ChangeKey: Exchange refuses writes without one.", nameof(request));
            }

            if (update.Categories is null && update.SetExtendedProperties.Count == 0 && update.DeleteExtendedProperties.Count == 0)
            {
                throw new ArgumentException($"The update of item {update.Item.Id} changes nothing.", nameof(request));
            }
        }

        // Setting categories and properties to fixed values is idempotent: repeating the request after a timeout changes nothing more.
        return ExecuteAsync(target, "UpdateItem", idempotent: true, request, EwsRequestWriter.WriteUpdateItem,
            (envelope, request, toError) =>
            {
                var response = EwsResponseParsers.ParseUpdateItem(envelope, request, toError);
                return EscalateIfEveryItemFailedTransiently(target, response, response.Items.Select(i => i.Error), idempotent: true);
            },
            cancellationToken);
    }

    public Task<MoveItemsResponse> MoveItemsAsync(EwsTarget target, MoveItemsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCount(request.Items, GetMessagesRequest.MaxItems, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Destination, nameof(request));

        // Not idempotent: once Exchange has moved an item its old id is gone. Per-item transient errors are returned as they are,
        // not retried, because the other items of the request may already have moved.
        return ExecuteAsync(target, "MoveItem", idempotent: false, request, EwsRequestWriter.WriteMoveItem,
            (envelope, request, toError) =>
            {
                var response = EwsResponseParsers.ParseMoveItem(envelope, request, toError);
                ReportThrottling(target, response.Items.Select(i => i.Error));
                return response;
            },
            cancellationToken);
    }

    public Task<FindFolderResponse> FindFolderAsync(EwsTarget target, FindFolderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxEntriesReturned, 1, nameof(request));
        return ExecuteAsync(target, "FindFolder", idempotent: true, request, EwsRequestWriter.WriteFindFolder,
            static (envelope, _, toError) => EwsResponseParsers.ParseFindFolder(envelope, toError), cancellationToken);
    }

    public Task<CreateFolderResponse> CreateFolderAsync(EwsTarget target, CreateFolderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.DisplayName, nameof(request));

        // A repeated CreateFolder answers ErrorFolderExists, which FindOrCreateFolderAsync handles; it is not retried blindly.
        return ExecuteAsync(target, "CreateFolder", idempotent: false, request, EwsRequestWriter.WriteCreateFolder,
            static (envelope, _, toError) => EwsResponseParsers.ParseCreateFolder(envelope, toError), cancellationToken);
    }

    public async Task<FoundOrCreatedFolder> FindOrCreateFolderAsync(
        EwsTarget target, EwsFolderId parent, string displayName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (await FindByNameAsync() is { } existing)
        {
            return new FoundOrCreatedFolder(existing, Created: false);
        }

        try
        {
            var created = await CreateFolderAsync(target, new CreateFolderRequest { Parent = parent, DisplayName = displayName }, cancellationToken)
                .ConfigureAwait(false);
            return new FoundOrCreatedFolder(created.FolderId, Created: true);
        }
        catch (ExchangeException exception) when (exception.Error.Code == ExchangeErrorCodes.FolderExists)
        {
            // Another worker (or the user) created it in between.
            if (await FindByNameAsync() is { } raced)
            {
                return new FoundOrCreatedFolder(raced, Created: false);
            }

            throw;
        }

        async Task<ExplicitFolderId?> FindByNameAsync()
        {
            // The parent's subfolders, compared here rather than with a Restriction: a mailbox has few folders under one parent, and
            // servers that offer FindFolder without restrictions (sandboxes, older builds) answer it too. Exchange compares folder names
            // case-insensitively.
            var found = await FindFolderAsync(target, new FindFolderRequest { Parent = parent, BaseShape = BaseShape.Default, MaxEntriesReturned = 1000 }, cancellationToken)
                .ConfigureAwait(false);
            return found.Folders.FirstOrDefault(f => string.Equals(f.DisplayName, displayName, StringComparison.OrdinalIgnoreCase))?.FolderId;
        }
    }

    private static void RequireCount<T>(IReadOnlyList<T> items, int max, string parameter)
    {
        ArgumentNullException.ThrowIfNull(items, parameter);
        ArgumentOutOfRangeException.ThrowIfLessThan(items.Count, 1, parameter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(items.Count, max, parameter);
    }

    /// <summary>
    /// The same transient error on every item (the mailbox database failing over, throttling) means the request as a whole failed:
    /// it is raised, so the pipeline retries the request when that is safe. When only some items failed, the others' results are kept
    /// and the failures are reported per item, for the caller to retry later.
    /// </summary>
    private TResponse EscalateIfEveryItemFailedTransiently<TResponse>(
        EwsTarget target, TResponse response, IEnumerable<ExchangeError?> errors, bool idempotent)
    {
        var all = errors.ToArray();
        if (all.Length > 0 && all.All(e => e is not null && ExchangeErrorClassifier.IsRetryableWithinCall(e, idempotent)))
        {
            throw new ExchangeException(all[0]!);
        }

        ReportThrottling(target, all);
        return response;
    }

    /// <summary>A per-item ErrorServerBusy still holds every caller of the server for its back-off.</summary>
    private void ReportThrottling(EwsTarget target, IEnumerable<ExchangeError?> errors)
    {
        foreach (var error in errors)
        {
            if (error is not null)
            {
                OnAttemptFailed(target, error);
            }
        }
    }
}
