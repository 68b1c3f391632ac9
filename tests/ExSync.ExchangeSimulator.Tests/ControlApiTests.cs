using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static ExSync.ExchangeSimulator.Tests.SendingTests;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>The control API (/_simulator) over real HTTP, as a test in another process would use it.</summary>
public sealed class ControlApiTests : SimulatorTest
{
    [Fact]
    public async Task TheOutboxListsWhatWasSentAndDeleteTakesIt()
    {
        (await Client.EwsAsync(Send("SendOnly", "external", To("buyer@customer.example")), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Send("SendOnly", "internal", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        var messageId = Host.Outbox.External.Single().MessageId;

        var all = await GetJsonAsync("_simulator/outbox");
        var external = await GetJsonAsync("_simulator/outbox?external=true&includeMime=true");
        var byId = await GetJsonAsync($"_simulator/outbox?messageId={Uri.EscapeDataString(messageId.Trim('<', '>'))}");

        Assert.Equal(["external", "internal"], all.GetProperty("value").EnumerateArray().Select(message => message.GetProperty("subject").GetString()));
        Assert.False(all.GetProperty("value")[0].TryGetProperty("mime", out _));
        var sent = Assert.Single(external.GetProperty("value").EnumerateArray());
        Assert.Equal(messageId, sent.GetProperty("messageId").GetString());
        Assert.Equal(TestScenarios.Alice, sent.GetProperty("sender").GetString());
        Assert.Equal(["buyer@customer.example"], sent.GetProperty("externalRecipients").EnumerateArray().Select(address => address.GetString()));
        Assert.Contains("Subject: external", Encoding.UTF8.GetString(Convert.FromBase64String(sent.GetProperty("mime").GetString()!)), StringComparison.Ordinal);
        Assert.Equal("external", Assert.Single(byId.GetProperty("value").EnumerateArray()).GetProperty("subject").GetString());

        using var taken = await Client.Http.DeleteAsync("_simulator/outbox", TestContext.Current.CancellationToken);
        var takenBody = JsonDocument.Parse(await taken.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(2, takenBody.GetProperty("value").GetArrayLength());
        Assert.Empty(Host.Outbox.Sent);
    }

    [Fact]
    public async Task SendLimitsAreSetReadAndRemovedPerMailbox()
    {
        using var put = await Client.Http.PutAsync($"_simulator/mailboxes/{TestScenarios.Alice}/send-limits", Json("""{ "messageRateLimit": 1, "sendAs": ["carol@contoso.local"] }"""), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);

        var limits = await GetJsonAsync($"_simulator/mailboxes/{TestScenarios.Alice}/send-limits");
        Assert.Equal(1, limits.GetProperty("messageRateLimit").GetInt32());
        (await Client.EwsAsync(Send("SendOnly", "1", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Send("SendOnly", "2", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertItemError("ErrorSubmissionQuotaExceeded");

        using var deleted = await Client.Http.DeleteAsync($"_simulator/mailboxes/{TestScenarios.Alice}/send-limits", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Null(Host.State.GetSendLimits(TestScenarios.Alice));
        (await Client.EwsAsync(Send("SendOnly", "3", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
    }

    [Fact]
    public async Task RejectedRecipientsAndFaultsCanBeSetLive()
    {
        using var rejected = await Client.Http.PutAsync("_simulator/rejected-recipients", Json("""["blocked@customer.example"]"""), TestContext.Current.CancellationToken);
        using var fault = await Client.Http.PostAsync("_simulator/faults", Json("""{ "operation": "CreateItem", "kind": "DropAfterProcessing", "times": 1 }"""), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NoContent, rejected.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, fault.StatusCode);
        Assert.Equal(["blocked@customer.example"], (await GetJsonAsync("_simulator/rejected-recipients")).GetProperty("value").EnumerateArray().Select(address => address.GetString()));
        await Assert.ThrowsAsync<HttpRequestException>(() => Client.EwsAsync(Send("SendOnly", "dropped", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice));
        (await Client.EwsAsync(Send("SendOnly", "x", To("blocked@customer.example")), impersonate: TestScenarios.Alice)).AssertItemError("ErrorInvalidRecipients");
        Assert.Equal("dropped", Assert.Single(Host.Outbox.Sent).Subject);

        using var cleared = await Client.Http.DeleteAsync("_simulator/faults", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
    }

    [Fact]
    public async Task RequestCountsAreReadable()
    {
        (await Client.EwsAsync(Send("SendOnly", "a", To(TestScenarios.Bob)), impersonate: TestScenarios.Alice)).AssertSuccess();
        (await Client.EwsAsync(Send("SendOnly", "b", To(TestScenarios.Bob)), impersonate: TestScenarios.Carol)).AssertSuccess();

        Assert.Equal(2, (await GetJsonAsync("_simulator/requests?operation=CreateItem")).GetProperty("count").GetInt64());
        Assert.Equal(1, (await GetJsonAsync($"_simulator/requests?operation=CreateItem&mailbox={TestScenarios.Carol}")).GetProperty("count").GetInt64());
        Assert.Equal(2, (await GetJsonAsync("_simulator/requests")).GetProperty("total").GetInt64());
    }

    [Theory]
    [InlineData("PUT", "_simulator/mailboxes/alice@contoso.local/send-limits", """{ "messageRateLimit": -1 }""", 400, "InvalidSendLimits")]
    [InlineData("PUT", "_simulator/mailboxes/alice@contoso.local/send-limits", """{ "messageRateLimits": 1 }""", 400, "InvalidBody")]
    [InlineData("PUT", "_simulator/mailboxes/alice@contoso.local/send-limits", "not json", 400, "InvalidBody")]
    [InlineData("PUT", "_simulator/mailboxes/nobody@contoso.local/send-limits", "{}", 404, "MailboxNotFound")]
    [InlineData("POST", "_simulator/faults", """{ "kind": "SoapFault" }""", 400, "InvalidFault")]
    [InlineData("POST", "_simulator/faults", """{ "kind": "NoSuchKind" }""", 400, "InvalidBody")]
    [InlineData("PUT", "_simulator/rejected-recipients", "null", 400, "InvalidBody")]
    [InlineData("POST", "_simulator/outbox", "", 405, "MethodNotAllowed")]
    [InlineData("GET", "_simulator/nothing", "", 404, "NotFound")]
    public async Task BadInputGetsAProblem(string method, string path, string body, int status, string code)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body.Length == 0 ? null : Json(body) };

        using var response = await Client.Http.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task TheControlApiNeedsCredentials()
    {
        using var anonymous = new SimulatorClient(Host, user: null);

        using var response = await anonymous.Http.GetAsync("_simulator/outbox", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await Client.Http.GetAsync(path, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }
}
