using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>
/// Sending over real HTTPS against a scripted EWS server: what goes on the wire, and for every way a send can fail, whether the
/// caller is told that Exchange may have accepted the message (<see cref="ExchangeError.OutcomeUnknown"/>) and that the send was
/// never repeated once it may have been.
/// </summary>
public sealed class SendHttpTests : IAsyncLifetime
{
    private static readonly XNamespace M = "http://schemas.microsoft.com/exchange/services/2006/messages";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";

    private static readonly ExtendedPropertyDefinition LinkStamp =
        ExtendedPropertyDefinition.Named(Guid.Parse("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85"), "ExSyncLinkId", MapiPropertyType.String);

    private readonly ExchangeClientHarness _client = ExchangeClientHarness.Create();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _client.DisposeAsync();

    private static SendMessageRequest Message() => new()
    {
        MimeContent = Encoding.UTF8.GetBytes("From: alice@contoso.local\r\nTo: bob@contoso.local\r\nSubject: once\r\nMessage-ID: <once@exsync>\r\n\r\nbody\r\n"),
        ExtendedProperties = [new ExtendedPropertyValue(LinkStamp, "email-1", [])],
        ToRecipients = [new SmtpRecipient("bob@contoso.local")],
    };

    private static string Sent() => EwsXml.Envelope(
        $"""<m:CreateItemResponse {EwsXml.Namespaces}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>""");

    private static string Inbox() => EwsXml.Envelope(
        $"""<m:GetFolderResponse {EwsXml.Namespaces}><m:ResponseMessages><m:GetFolderResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Folders><t:Folder><t:FolderId Id="inbox-id" ChangeKey="ck"/></t:Folder></m:Folders></m:GetFolderResponseMessage></m:ResponseMessages></m:GetFolderResponse>""");

    private static string ItemError(string code) => EwsXml.Envelope(
        $"""<m:CreateItemResponse {EwsXml.Namespaces}><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>{code}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse>""");

    private static string Fault(string code, int backOffMilliseconds) => EwsXml.Envelope($"""
        <s:Fault>
          <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:{code}</faultcode>
          <faultstring xml:lang="en-US">{code}</faultstring>
          <detail>
            <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">{code}</e:ResponseCode>
            <e:MessageXml xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"><t:Value Name="BackOffMilliseconds" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">{backOffMilliseconds}</t:Value></e:MessageXml>
          </detail>
        </s:Fault>
        """);

    private Task<ScriptedEwsServer> StartAsync(Func<RecordedRequest, HttpContext, Task> respond) => ScriptedEwsServer.StartAsync(_client, respond, Ct);

    /// <summary>Lets a retry that should not happen show up before the request count is checked.</summary>
    private static Task SettleAsync() => Task.Delay(TimeSpan.FromMilliseconds(300), Ct);

    [Fact]
    public async Task A_send_goes_out_as_one_create_item_impersonating_and_anchored_on_the_sender()
    {
        await using var server = await StartAsync((_, context) => ScriptedEwsServer.RespondAsync(context, Sent()));

        var response = await _client.Ews.SendMessageAsync(server.Target(Scenarios.Alice), Message(), Ct);

        Assert.Equal(ExchangeProduct.Exchange2016, response.ServerVersion?.Product);
        var request = Assert.Single(server.Requests);
        Assert.Equal("CreateItem", request.Operation);
        Assert.Equal(Scenarios.Alice, request.ImpersonatedMailbox);
        Assert.Equal(Scenarios.Alice, request.Header("X-AnchorMailbox"));
        Assert.Equal("SendAndSaveCopy", (string?)request.Body.Attribute("MessageDisposition"));
        var message = request.Body.Element(M + "Items")!.Element(T + "Message")!;
        Assert.Equal(Message().MimeContent.ToArray(), Convert.FromBase64String(message.Element(T + "MimeContent")!.Value));
        Assert.Equal("email-1", (string?)message.Element(T + "ExtendedProperty")!.Element(T + "Value"));
    }

    [Fact]
    public async Task A_connection_dropped_after_exchange_read_the_request_is_an_unknown_outcome_and_is_not_sent_again()
    {
        await using var server = await StartAsync((_, context) =>
        {
            // The request was read whole (the server may be delivering the message right now); the answer never comes.
            context.Abort();
            return Task.CompletedTask;
        });

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(server.Target(), Message(), Ct));
        await SettleAsync();

        Assert.Equal(ExchangeErrorCodes.ConnectionDropped, exception.Error.Code);
        Assert.True(exception.Error.OutcomeUnknown);
        Assert.Single(server.Requests);
        Assert.Contains(_client.Logs.Lines, line => line.Contains("ConnectionDropped (Transient; no response; outcome unknown)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_reads_the_request_and_never_answers_times_out_with_an_unknown_outcome_and_one_request()
    {
        await using var server = await StartAsync((_, context) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var target = server.Target() with { Connection = server.Target().Connection with { ConnectionTimeout = TimeSpan.FromSeconds(1) } };

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(target, Message(), Ct));
        await SettleAsync();

        Assert.Equal(ExchangeErrorCodes.Timeout, exception.Error.Code);
        Assert.True(exception.Error.OutcomeUnknown);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_send_that_times_out_waiting_for_a_connection_slot_certainly_was_not_sent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await StartAsync(async (request, context) =>
        {
            if (request.Operation == "GetFolder")
            {
                await release.Task.WaitAsync(context.RequestAborted);
                await ScriptedEwsServer.RespondAsync(context, Inbox());
                return;
            }

            await ScriptedEwsServer.RespondAsync(context, Sent());
        });
        var limit = new ConnectionLimit($"profile-{Guid.NewGuid():N}", 1);
        var holder = server.Target(limit: limit);
        var sender = holder with { Connection = holder.Connection with { ConnectionTimeout = TimeSpan.FromSeconds(1) } };

        // The profile's only slot is held by a slow read.
        var read = _client.Ews.GetFolderAsync(holder, new GetFolderRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] }, Ct);
        await WaitUntilAsync(() => server.Requests.Count == 1);
        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(sender, Message(), Ct));
        release.SetResult();
        Assert.True((await read).Folders[0].Succeeded);

        Assert.Equal(ExchangeErrorCodes.Timeout, exception.Error.Code);
        Assert.False(exception.Error.OutcomeUnknown);
        Assert.DoesNotContain(server.Requests, r => r.Operation == "CreateItem");
    }

    [Fact]
    public async Task Throttling_is_retried_for_a_send_because_exchange_refused_it()
    {
        await using var server = await StartAsync((request, context) => request.Sequence == 1
            ? ScriptedEwsServer.RespondAsync(context, Fault("ErrorServerBusy", 50), status: 500)
            : ScriptedEwsServer.RespondAsync(context, Sent()));

        await _client.Ews.SendMessageAsync(server.Target(), Message(), Ct);

        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task A_503_is_retried_for_a_send_and_a_502_is_an_unknown_outcome_that_is_not()
    {
        await using var unavailable = await StartAsync((request, context) =>
        {
            context.Response.StatusCode = request.Sequence == 1 ? 503 : 200;
            return request.Sequence == 1 ? Task.CompletedTask : ScriptedEwsServer.RespondAsync(context, Sent());
        });
        await _client.Ews.SendMessageAsync(unavailable.Target(), Message(), Ct);
        Assert.Equal(2, unavailable.Requests.Count);

        await using var gateway = await StartAsync((_, context) =>
        {
            context.Response.StatusCode = 502;
            return Task.CompletedTask;
        });
        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(gateway.Target(), Message(), Ct));
        await SettleAsync();
        Assert.Equal((ExchangeErrorCodes.ServiceUnavailable, true), (exception.Error.Code, exception.Error.OutcomeUnknown));
        Assert.Single(gateway.Requests);
    }

    [Fact]
    public async Task An_internal_error_page_leaves_the_outcome_unknown_and_is_not_retried()
    {
        await using var server = await StartAsync(async (_, context) =>
        {
            context.Response.StatusCode = 500;
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body>Server Error in '/EWS' Application.</body></html>", context.RequestAborted);
        });

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(server.Target(), Message(), Ct));
        await SettleAsync();

        Assert.Equal((ExchangeErrorCodes.ExchangeInternalError, true), (exception.Error.Code, exception.Error.OutcomeUnknown));
        Assert.Single(server.Requests);
    }

    [Theory]
    [InlineData("ErrorInvalidRecipients", ExchangeErrorCodes.InvalidRecipients, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSendAsDenied", ExchangeErrorCodes.SendAsDenied, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorQuotaExceeded", ExchangeErrorCodes.MailboxQuotaExceeded, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorMessageSizeExceeded", ExchangeErrorCodes.MessageSizeExceeded, ExchangeErrorClass.Permanent)]
    [InlineData("ErrorSubmissionQuotaExceeded", ExchangeErrorCodes.SubmissionQuotaExceeded, ExchangeErrorClass.Transient)]
    public async Task A_refused_send_says_why_and_that_nothing_was_sent(string responseCode, string code, ExchangeErrorClass errorClass)
    {
        await using var server = await StartAsync((_, context) => ScriptedEwsServer.RespondAsync(context, ItemError(responseCode)));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(server.Target(), Message(), Ct));

        Assert.Equal((code, errorClass, false, responseCode), (exception.Error.Code, exception.Error.ErrorClass, exception.Error.OutcomeUnknown, exception.Error.ResponseCode));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Rejected_credentials_are_permanent_and_certainly_not_a_send()
    {
        await using var server = await StartAsync((_, context) =>
        {
            context.Response.StatusCode = 401;
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"ews.contoso.local\"";
            return Task.CompletedTask;
        });

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(server.Target(), Message(), Ct));

        Assert.Equal((ExchangeErrorCodes.AuthenticationFailed, false), (exception.Error.Code, exception.Error.OutcomeUnknown));
    }

    [Fact]
    public async Task A_refused_connection_certainly_was_not_a_send()
    {
        await using var server = await StartAsync((_, context) => ScriptedEwsServer.RespondAsync(context, Sent()));
        var target = server.Target();
        _client.MapHost(ScriptedEwsServer.Host, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, ClosedPort()));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => _client.Ews.SendMessageAsync(target, Message(), Ct));

        Assert.Equal((ExchangeErrorCodes.ConnectionRefused, false), (exception.Error.Code, exception.Error.OutcomeUnknown));
        Assert.Empty(server.Requests);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(25, Ct);
        }

        Assert.True(condition());
    }
}
