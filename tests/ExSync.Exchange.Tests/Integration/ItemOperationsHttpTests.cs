using System.Diagnostics;
using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>
/// GetItem, GetAttachment, UpdateItem, MoveItem and the folder operations through the whole client over real HTTPS: streamed
/// responses with per-value caps, what is retried and what is not, throttling, find-or-create.
/// </summary>
public sealed class ItemOperationsHttpTests : IAsyncLifetime
{
    private const int ResponseLimit = 256 * 1024;

    private readonly ExchangeClientHarness _client = ExchangeClientHarness.Create(options => options.MaxResponseBytes = ResponseLimit);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static string Fault(string code, int backOffMilliseconds = 0) => EwsXml.Envelope($"""
        <s:Fault>
          <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:{code}</faultcode>
          <faultstring xml:lang="en-US">{code}</faultstring>
          <detail>
            <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode>
            <e:MessageXml xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"><t:Value Name="BackOffMilliseconds" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">{backOffMilliseconds}</t:Value></e:MessageXml>
          </detail>
        </s:Fault>
        """);

    private static string Responses(string operation, params string[] messages) =>
        EwsXml.Envelope($"""<m:{operation}Response {EwsXml.Namespaces}><m:ResponseMessages>{string.Concat(messages)}</m:ResponseMessages></m:{operation}Response>""");

    private static string ItemError(string operation, string code) =>
        $"""<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>{code}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode><m:Items/></m:{operation}ResponseMessage>""";

    private static string Message(string id, string subject, string? mime = null) => $"""
        <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message>
          {(mime is null ? string.Empty : $"<t:MimeContent CharacterSet=\"UTF-8\">{mime}</t:MimeContent>")}
          <t:ItemId Id="{id}" ChangeKey="ck-{id}"/><t:Subject>{subject}</t:Subject>
        </t:Message></m:Items></m:GetItemResponseMessage>
        """;

    private static string UpdatedItem(string id) =>
        $"""<m:UpdateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="{id}" ChangeKey="new-ck"/></t:Message></m:Items></m:UpdateItemResponseMessage>""";

    private static GetMessagesRequest Messages(params string[] ids) => new()
    {
        Items = ids.Select(id => new EwsItemId(id)).ToArray(),
        IncludeMimeContent = true,
        MaxMimeContentBytes = 100_000,
    };

    [Fact]
    public async Task A_response_far_over_the_response_limit_still_delivers_the_other_items_when_only_one_mime_was_huge()
    {
        var huge = Convert.ToBase64String(new byte[1_000_000], Base64FormattingOptions.InsertLineBreaks);
        await using var server = await ScriptedEwsServer.StartAsync(_client, async (_, context) =>
        {
            // Streamed out in pieces, as a large response arrives.
            var response = Responses("GetItem", Message("big", "big", huge), Message("small", "small", Convert.ToBase64String("MIME"u8.ToArray())));
            for (var offset = 0; offset < response.Length; offset += 64 * 1024)
            {
                await ScriptedEwsServer.SendChunkAsync(context, response.Substring(offset, Math.Min(64 * 1024, response.Length - offset)));
            }
        }, Ct);

        var response = await _client.Ews.GetMessagesAsync(server.Target(), Messages("big", "small"), Ct);

        Assert.True(response.Messages[0].Message!.MimeContentTooLarge);
        Assert.Equal("big", response.Messages[0].Message!.Subject);
        Assert.Equal("MIME", Encoding.ASCII.GetString(response.Messages[1].Message!.MimeContent!.Content));
        var request = Assert.Single(server.Requests);
        Assert.Equal("GetItem", request.Operation);
        Assert.Equal(Scenarios.Alice, request.ImpersonatedMailbox);
        Assert.Equal(Scenarios.Alice, request.Header("X-AnchorMailbox"));
    }

    [Fact]
    public async Task Other_parts_of_a_response_beyond_the_limit_fail_the_call_as_unexpected()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (_, context) =>
            ScriptedEwsServer.RespondAsync(context, Responses("GetItem", Message("x", new string('s', ResponseLimit + 1)))), Ct);

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.GetMessagesAsync(server.Target(), Messages("x"), Ct));

        Assert.Equal(ExchangeErrorCodes.UnexpectedResponse, exception.Error.Code);
        Assert.Contains("MaxResponseBytes", exception.Error.Message, StringComparison.Ordinal);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task An_attachment_over_the_callers_limit_is_refused_and_the_others_are_returned()
    {
        var big = Convert.ToBase64String(new byte[600_000]);
        await using var server = await ScriptedEwsServer.StartAsync(_client, (_, context) => ScriptedEwsServer.RespondAsync(context, Responses("GetAttachment",
            $"""<m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="big"/><t:Name>big.bin</t:Name><t:Content>{big}</t:Content></t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage>""",
            """<m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Attachments><t:FileAttachment><t:AttachmentId Id="small"/><t:Name>a.txt</t:Name><t:ContentType>text/plain</t:ContentType><t:Content>aGk=</t:Content></t:FileAttachment></m:Attachments></m:GetAttachmentResponseMessage>""")), Ct);

        var response = await _client.Ews.GetAttachmentsAsync(server.Target(), new GetAttachmentsRequest { AttachmentIds = ["big", "small"], MaxContentBytes = 500_000 }, Ct);

        Assert.Equal(ExchangeErrorCodes.AttachmentTooLarge, response.Attachments[0].Error?.Code);
        Assert.Equal(("a.txt", "text/plain", "hi"), (response.Attachments[1].Attachment!.Name, response.Attachments[1].Attachment!.ContentType,
            Encoding.ASCII.GetString(response.Attachments[1].Attachment!.Content!)));
    }

    [Fact]
    public async Task A_throttled_get_item_is_retried_after_the_servers_back_off_and_pauses_the_profile()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) => request.Sequence == 1
            ? ScriptedEwsServer.RespondAsync(context, Fault("ErrorServerBusy", 400), status: 500)
            : ScriptedEwsServer.RespondAsync(context, Responses("GetItem", Message("a", "hello"))), Ct);
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 4);
        var stopwatch = Stopwatch.StartNew();

        var response = await _client.Ews.GetMessagesAsync(server.Target(limit: limit), Messages("a"), Ct);

        Assert.Equal("hello", response.Messages[0].Message!.Subject);
        Assert.Equal(2, server.Requests.Count);
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(400), $"retried after {stopwatch.Elapsed.TotalMilliseconds:F0} ms, before the 400 ms back-off");
    }

    [Fact]
    public async Task The_same_transient_error_on_every_item_retries_the_request_but_one_item_failing_keeps_the_others()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) => ScriptedEwsServer.RespondAsync(context, request.Sequence switch
        {
            1 => Responses("GetItem", ItemError("GetItem", "ErrorMailboxStoreUnavailable"), ItemError("GetItem", "ErrorMailboxStoreUnavailable")),
            2 => Responses("GetItem", Message("a", "first"), Message("b", "second")),
            _ => Responses("GetItem", Message("a", "first"), ItemError("GetItem", "ErrorMailboxStoreUnavailable")),
        }), Ct);

        var retried = await _client.Ews.GetMessagesAsync(server.Target(), Messages("a", "b"), Ct);
        var partial = await _client.Ews.GetMessagesAsync(server.Target(), Messages("a", "b"), Ct);

        Assert.Equal(["first", "second"], retried.Messages.Select(m => m.Message?.Subject));
        Assert.Equal("first", partial.Messages[0].Message?.Subject);
        Assert.Equal(ExchangeErrorCodes.MailboxStoreUnavailable, partial.Messages[1].Error?.Code);
        Assert.Equal(ExchangeErrorClass.Transient, partial.Messages[1].Error?.ErrorClass);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task An_update_is_sent_again_after_a_dropped_connection_because_setting_values_is_idempotent()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) =>
        {
            if (request.Sequence == 1)
            {
                context.Abort();
                return Task.CompletedTask;
            }

            return ScriptedEwsServer.RespondAsync(context, Responses("UpdateItem", UpdatedItem("a")));
        }, Ct);

        var response = await _client.Ews.UpdateItemsAsync(server.Target(), new UpdateItemsRequest
        {
            Items = [new ItemUpdate { Item = new EwsItemId("a", "old-ck"), Categories = CategoryUpdate.Add([], "Tracked to CRM") }],
        }, Ct);

        Assert.Equal(new EwsItemId("a", "new-ck"), response.Items[0].ItemId);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("UpdateItem", r.Operation));
    }

    [Fact]
    public async Task A_move_is_never_sent_again_once_exchange_may_have_processed_it()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (_, context) =>
        {
            context.Abort();
            return Task.CompletedTask;
        }, Ct);

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.MoveItemsAsync(server.Target(), new MoveItemsRequest
        {
            Items = [new EwsItemId("a", "ck")],
            Destination = new ExplicitFolderId("undeliverable"),
        }, Ct));

        Assert.Equal(ExchangeErrorCodes.ConnectionDropped, exception.Error.Code);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_throttled_move_is_retried_because_exchange_did_not_process_it()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) => request.Sequence == 1
            ? ScriptedEwsServer.RespondAsync(context, Fault("ErrorServerBusy", 50), status: 500)
            : ScriptedEwsServer.RespondAsync(context, Responses("MoveItem",
                """<m:MoveItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="moved" ChangeKey="ck2"/></t:Message></m:Items></m:MoveItemResponseMessage>""")), Ct);

        var response = await _client.Ews.MoveItemsAsync(server.Target(), new MoveItemsRequest { Items = [new EwsItemId("a", "ck")], Destination = new ExplicitFolderId("f") }, Ct);

        Assert.Equal(new EwsItemId("moved", "ck2"), response.Items[0].NewItemId);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Find_or_create_finds_the_folder_another_worker_created_in_between()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) => ScriptedEwsServer.RespondAsync(context, request.Sequence switch
        {
            1 => Responses("FindFolder", """<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="0" IncludesLastItemInRange="true"><t:Folders/></m:RootFolder></m:FindFolderResponseMessage>"""),
            2 => Responses("CreateFolder", """<m:CreateFolderResponseMessage ResponseClass="Error"><m:MessageText>A folder with the specified name already exists.</m:MessageText><m:ResponseCode>ErrorFolderExists</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Folders/></m:CreateFolderResponseMessage>"""),
            _ => Responses("FindFolder", """<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="1" IncludesLastItemInRange="true"><t:Folders><t:Folder><t:FolderId Id="undeliverable-id" ChangeKey="AQ"/><t:DisplayName>undeliverable</t:DisplayName></t:Folder></t:Folders></m:RootFolder></m:FindFolderResponseMessage>"""),
        }), Ct);

        var folder = await _client.Ews.FindOrCreateFolderAsync(server.Target(), EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), "Undeliverable", Ct);

        Assert.Equal(new FoundOrCreatedFolder(new ExplicitFolderId("undeliverable-id", "AQ"), Created: false), folder);
        Assert.Equal(["FindFolder", "CreateFolder", "FindFolder"], server.Requests.Select(r => r.Operation));
    }

    [Fact]
    public async Task Find_or_create_creates_a_missing_folder_once()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (request, context) => ScriptedEwsServer.RespondAsync(context, request.Operation == "FindFolder"
            ? Responses("FindFolder", """<m:FindFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:RootFolder TotalItemsInView="0" IncludesLastItemInRange="true"><t:Folders/></m:RootFolder></m:FindFolderResponseMessage>""")
            : Responses("CreateFolder", """<m:CreateFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="new-folder" ChangeKey="AQ"/></t:Folder></m:Folders></m:CreateFolderResponseMessage>""")), Ct);

        var folder = await _client.Ews.FindOrCreateFolderAsync(server.Target(), EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), "Undeliverable", Ct);

        Assert.Equal(new FoundOrCreatedFolder(new ExplicitFolderId("new-folder", "AQ"), Created: true), folder);
        Assert.Equal(["FindFolder", "CreateFolder"], server.Requests.Select(r => r.Operation));
        Assert.Equal("Undeliverable", server.Requests[1].Body.Descendants().Single(e => e.Name.LocalName == "DisplayName").Value);
    }

    [Fact]
    public async Task Invalid_requests_are_refused_before_anything_is_sent()
    {
        await using var server = await ScriptedEwsServer.StartAsync(_client, (_, context) => ScriptedEwsServer.RespondAsync(context, "unexpected"), Ct);
        var target = server.Target();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.Ews.GetMessagesAsync(target, Messages([.. Enumerable.Range(0, 101).Select(i => $"i{i}")]), Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.Ews.GetMessagesAsync(target, Messages(), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.Ews.UpdateItemsAsync(target, new UpdateItemsRequest
        {
            Items = [new ItemUpdate { Item = new EwsItemId("no-change-key"), Categories = CategoryUpdate.ReplaceWith(["x"]) }],
        }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.Ews.UpdateItemsAsync(target, new UpdateItemsRequest
        {
            Items = [new ItemUpdate { Item = new EwsItemId("a", "ck") }],
        }, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _client.Ews.SubscribeToStreamingNotificationsAsync(target, new StreamingSubscriptionRequest
        {
            Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)],
            EventTypes = [NotificationEventType.Status],
        }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
        {
            await foreach (var _ in _client.Ews.GetStreamingEventsAsync(target, new GetStreamingEventsRequest { SubscriptionIds = ["s"], ConnectionTimeoutMinutes = 31 }, Ct))
            {
            }
        });

        Assert.Empty(server.Requests);
    }
}
