using System.Net;
using System.Text;
using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine.Webhooks;
using ExSync.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StandardWebhooks;

namespace ExSync.Api.Tests;

/// <summary>Webhook subscriptions and delivery, through the generated client, to a real receiver on loopback.</summary>
public sealed class WebhookTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void SignaturesMatchTheSpecificationsTestVector()
    {
        // The Standard Webhooks test vector (libraries' shared test): secret, id, timestamp, body and the signature they give.
        var key = Convert.FromBase64String("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        var signature = WebhookSignature.Sign([key], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, Encoding.UTF8.GetBytes("{\"test\": 2432232314}"));
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", signature);
        Assert.Equal(Domain.Webhooks.WebhookSecret.TryDecodeKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), key);
    }

    [Fact]
    public async Task APingIsDeliveredSignedWithTheSecretShownOnceAndLogged()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());

        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["alert.created"], Description = "CRM" }, Ct);
        Assert.StartsWith("whsec_", created.Secret);
        var read = await app.CreateClient().GetStringAsync($"/api/v1/webhook-subscriptions/{created.Id}", Ct);
        var list = await app.CreateClient().GetStringAsync("/api/v1/webhook-subscriptions", Ct);
        Assert.DoesNotContain(created.Secret, read + list);
        Assert.DoesNotContain("secret\"", read);

        var ping = await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        var received = await WaitForAsync(receiver, 1);
        Assert.Equal(ping.EventId.ToString(), received[0].Id);
        new StandardWebhook(created.Secret).Verify(received[0].Body, received[0].Headers);
        using var body = JsonDocument.Parse(received[0].Body);
        Assert.Equal("webhook.ping", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(created.Id.ToString(), body.RootElement.GetProperty("data").GetProperty("id").GetString());

        var log = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Status == WebhookDeliveryStatus.Delivered);
        Assert.Equal(1, log.Attempts);
        Assert.Equal(200, log.LastResponseCode);
        Assert.Equal(ping.EventId, log.EventId);
        var key = created.Secret["whsec_".Length..];
        Assert.DoesNotContain(app.Logs, line => line.Contains(key, StringComparison.Ordinal));

        // Encrypted at rest: the key appears nowhere in the database, as text or as bytes.
        var stored = await app.Database.ReadEverythingStoredAsync(Ct);
        Assert.True(stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(key)) < 0, "The database contains the secret");
        Assert.True(stored.AsSpan().IndexOf(Convert.FromBase64String(key)) < 0, "The database contains the secret's key");
    }

    [Fact]
    public async Task A500IsRetriedOnTheScheduleUnderTheSameWebhookIdAndThenDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (n, _) => Task.FromResult(n == 0 ? 500 : 200);
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);

        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        await WaitForAsync(receiver, 1);
        var failed = await WaitForDeliveryAsync(webhooks, created.Id, d => d.LastResponseCode == 500);
        Assert.Equal(WebhookDeliveryStatus.Pending, failed.Status);
        Assert.Equal(1, failed.Attempts);

        // The first retry comes 5 s (±10 %) later on the application's clock, not before.
        app.Time.Advance(TimeSpan.FromSeconds(4));
        await Task.Delay(1500, Ct);
        Assert.Single(receiver.Received);
        app.Time.Advance(TimeSpan.FromSeconds(2));
        var received = await WaitForAsync(receiver, 2);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.Equal(received[0].Body, received[1].Body);
        var delivered = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Status == WebhookDeliveryStatus.Delivered);
        Assert.Equal(2, delivered.Attempts);
    }

    [Fact]
    public async Task A410DisablesTheSubscriptionAndFailsTheDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (_, _) => Task.FromResult(410);
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);

        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        var failed = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Status == WebhookDeliveryStatus.Failed);
        Assert.Equal(410, failed.LastResponseCode);
        var subscription = await webhooks.GetWebhookSubscriptionAsync(created.Id, Ct);
        Assert.False(subscription.Enabled);
        Assert.Equal(WebhookDisabledReason.ReceiverGone, subscription.DisabledReason);
    }

    [Fact]
    public async Task ATimeoutAndARedirectAreRetriedNotFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (n, ct) =>
        {
            if (n == 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(4), ct).ContinueWith(_ => { }, CancellationToken.None);
                return 200;
            }

            receiver.AnswerHeaders["Location"] = receiver.Url + "/elsewhere";
            return 307;
        };
        await using var app = new ExSyncApplication();
        app.Settings["Webhooks:Timeout"] = "00:00:01";
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);

        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        var timedOut = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Attempts == 1 && d.LastError != null);
        Assert.Equal(WebhookDeliveryStatus.Pending, timedOut.Status);
        Assert.Null(timedOut.LastResponseCode);
        Assert.Contains("No answer within 1 seconds", timedOut.LastError);

        app.Time.Advance(TimeSpan.FromSeconds(6));
        var redirected = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Attempts == 2);
        Assert.Equal(307, redirected.LastResponseCode);
        Assert.Equal(WebhookDeliveryStatus.Pending, redirected.Status);
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task TheOutboundPolicyIsAppliedToTheAddressAHostNameResolvesTo()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        app.Settings["Exchange:OutboundPolicy:AllowLoopback"] = "false";
        var webhooks = new WebhooksClient(app.CreateClient());

        // https passes validation whatever the host; "localhost" is refused only once it resolves to 127.0.0.1, at connect time.
        var url = new UriBuilder(receiver.Url) { Scheme = "https", Host = "localhost" }.Uri.ToString();
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = url, EventTypes = ["job.completed"] }, Ct);
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);

        var refused = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Attempts == 1);
        Assert.Equal(WebhookDeliveryStatus.Pending, refused.Status);
        Assert.Null(refused.LastResponseCode);
        Assert.Contains("loopback", refused.LastError);
        Assert.Empty(receiver.Received);

        // Plain http to a loopback host is refused outright where loopback is not allowed.
        var insecure = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct));
        Assert.Equal("InsecureUrl", Assert.Single(insecure.Result.Details).Code);
    }

    [Fact]
    public async Task DuringARotationBothSecretsSign()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);

        var rotated = await webhooks.RotateWebhookSecretAsync(created.Id, new RotateWebhookSecretInput(), created.Etag, Ct);
        Assert.NotEqual(created.Secret, rotated.Secret);
        Assert.NotNull(rotated.PreviousSecretExpiresAt);
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        var received = (await WaitForAsync(receiver, 1))[0];
        Assert.Equal(2, received.Signature.Split(' ').Length);
        AssertSignedWith(received, created.Secret);
        AssertSignedWith(received, rotated.Secret);

        // Without overlap, only the new secret signs.
        var again = await webhooks.RotateWebhookSecretAsync(created.Id, new RotateWebhookSecretInput { OverlapSeconds = 0 }, null, Ct);
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        var last = (await WaitForAsync(receiver, 2))[1];
        Assert.Single(last.Signature.Split(' '));
        new StandardWebhook(again.Secret).Verify(last.Body, last.Headers);
        Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(rotated.Secret).Verify(last.Body, last.Headers));
    }

    // The package's Verify accepts a header of one signature; with two, each is checked against the package's own Sign.
    private static void AssertSignedWith(ReceivedWebhook received, string secret)
    {
        var expected = new StandardWebhook(secret).Sign(received.Id, DateTimeOffset.FromUnixTimeSeconds(long.Parse(received.Timestamp, System.Globalization.CultureInfo.InvariantCulture)), received.Body);
        Assert.Contains(expected, received.Signature.Split(' '));
    }

    [Fact]
    public async Task RedeliverAndReplaySendTheSameEventAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);
        var start = app.Time.GetUtcNow();
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        await WaitForAsync(receiver, 2);
        var delivery = await WaitForDeliveryAsync(webhooks, created.Id, d => d.Status == WebhookDeliveryStatus.Delivered);

        var redelivered = await webhooks.RedeliverWebhookAsync(created.Id, delivery.Id, Ct);
        Assert.Equal(WebhookDeliveryStatus.Pending, redelivered.Status);
        var received = await WaitForAsync(receiver, 3);
        Assert.Equal(delivery.EventId.ToString(), received[2].Id);

        var replay = await webhooks.ReplayWebhooksAsync(created.Id, new WebhookReplayInput { From = start, To = start.AddMinutes(1) }, Ct);
        Assert.Equal(2, replay.Queued);
        var all = await WaitForAsync(receiver, 5);
        Assert.Equal(all.Take(2).Select(r => r.Id).Order(), all.Skip(3).Select(r => r.Id).Order());

        var missing = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => webhooks.RedeliverWebhookAsync(created.Id, Guid.NewGuid(), Ct));
        Assert.Equal(404, missing.StatusCode);
        Assert.Equal("WebhookDeliveryNotFound", missing.Result.Code);
    }

    [Fact]
    public async Task ReplayReachesEventsThatHappenedWhileTheSubscriptionWasDisabled()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"], Enabled = false }, Ct);
        var start = app.Time.GetUtcNow();

        // An event of its type, committed as the engine commits them, while the subscription is disabled: fanned out to nobody.
        Guid jobId = Guid.NewGuid(), eventId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ExSyncDbContext>();
            eventId = db.RecordWebhookEvent("job.completed", jobId, new Dictionary<string, object?> { ["status"] = "Succeeded" }, start).Id;
            await db.SaveChangesAsync(Ct);
        }

        await Task.Delay(1000, Ct);
        Assert.Empty((await webhooks.ListWebhookDeliveriesAsync(created.Id, cancellationToken: Ct)).Value);
        Assert.Empty(receiver.Received);

        await webhooks.UpdateWebhookSubscriptionAsync(created.Id, new WebhookSubscriptionSettingsPatch { Enabled = true }, null, Ct);
        var replay = await webhooks.ReplayWebhooksAsync(created.Id, new WebhookReplayInput { From = start, To = start.AddSeconds(1) }, Ct);
        Assert.Equal(1, replay.Queued);
        var received = Assert.Single(await WaitForAsync(receiver, 1));
        Assert.Equal(eventId.ToString(), received.Id);
        Assert.Contains(jobId.ToString(), received.Body);
    }

    [Fact]
    public async Task EventsAndTheirDeliveriesAreDeletedAfterTheRetention()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);
        await webhooks.PingWebhookSubscriptionAsync(created.Id, Ct);
        await WaitForDeliveryAsync(webhooks, created.Id, d => d.Status == WebhookDeliveryStatus.Delivered);
        var retention = app.Services.GetServices<IHostedService>().OfType<WebhookRetention>().Single();

        app.Time.Advance(TimeSpan.FromDays(29));
        await retention.RunOnceAsync(Ct);
        Assert.Single((await webhooks.ListWebhookDeliveriesAsync(created.Id, cancellationToken: Ct)).Value);

        app.Time.Advance(TimeSpan.FromDays(2));
        await retention.RunOnceAsync(Ct);
        Assert.Empty((await webhooks.ListWebhookDeliveriesAsync(created.Id, cancellationToken: Ct)).Value);
    }

    [Theory]
    [InlineData("{\"url\":\"ftp://crm.example/hooks\",\"eventTypes\":[\"job.completed\"]}", "url", "InvalidUrl")]
    [InlineData("{\"url\":\"http://crm.example/hooks\",\"eventTypes\":[\"job.completed\"]}", "url", "InsecureUrl")]
    [InlineData("{\"url\":\"https://user:pw@crm.example/hooks\",\"eventTypes\":[\"job.completed\"]}", "url", "InvalidUrl")]
    [InlineData("{\"url\":\"https://crm.example/hooks\",\"eventTypes\":[]}", "eventTypes", "Required")]
    [InlineData("{\"url\":\"https://crm.example/hooks\",\"eventTypes\":[\"email.deleted\"]}", "eventTypes[0]", "NotAllowed")]
    [InlineData("{\"url\":\"https://crm.example/hooks\",\"eventTypes\":[\"webhook.ping\"]}", "eventTypes[0]", "NotAllowed")]
    [InlineData("{\"url\":\"https://crm.example/hooks\",\"eventTypes\":[\"job.completed\"],\"secret\":\"whsec_c2hvcnQ=\"}", "secret", "InvalidFormat")]
    [InlineData("{\"url\":\"https://crm.example/hooks\",\"eventTypes\":[\"job.completed\"],\"secret\":\"plain-text-secret-of-some-length\"}", "secret", "InvalidFormat")]
    public async Task BadSubscriptionsAreRefusedWithTheFieldAndCode(string json, string field, string code)
    {
        await using var app = new ExSyncApplication();
        var response = await app.CreateClient().PostAsync("/api/v1/webhook-subscriptions", new StringContent(json, Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("ValidationFailed", problem.RootElement.GetProperty("code").GetString());
        var detail = Assert.Single(problem.RootElement.GetProperty("details").EnumerateArray());
        Assert.Equal(field, detail.GetProperty("target").GetString());
        Assert.Equal(code, detail.GetProperty("code").GetString());
        Assert.DoesNotContain("plain-text-secret", problem.RootElement.ToString());
    }

    [Fact]
    public async Task APatchIsValidatedAndConditional()
    {
        await using var app = new ExSyncApplication();
        var webhooks = new WebhooksClient(app.CreateClient());
        var created = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = "https://crm.example/hooks", EventTypes = ["job.completed"] }, Ct);

        var bad = await Assert.ThrowsAsync<ExSyncApiException<ApiValidationProblem>>(
            () => webhooks.UpdateWebhookSubscriptionAsync(created.Id, new WebhookSubscriptionSettingsPatch { Description = new string('d', 501) }, null, Ct));
        Assert.Equal(400, bad.StatusCode);
        var updated = await webhooks.UpdateWebhookSubscriptionAsync(created.Id, new WebhookSubscriptionSettingsPatch { EventTypes = ["alert.created", "job.completed"] }, created.Etag, Ct);
        Assert.Equal(["alert.created", "job.completed"], updated.EventTypes);
        var stale = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(
            () => webhooks.UpdateWebhookSubscriptionAsync(created.Id, new WebhookSubscriptionSettingsPatch { Enabled = false }, created.Etag, Ct));
        Assert.Equal(412, stale.StatusCode);
        var secretInPatch = await app.CreateClient().PatchAsync(
            $"/api/v1/webhook-subscriptions/{created.Id}", new StringContent("{\"secret\":\"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}", Encoding.UTF8, "application/merge-patch+json"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, secretInPatch.StatusCode);
        await webhooks.DeleteWebhookSubscriptionAsync(created.Id, null, Ct);
        var gone = await Assert.ThrowsAsync<ExSyncApiException<ApiProblem>>(() => webhooks.GetWebhookSubscriptionAsync(created.Id, Ct));
        Assert.Equal(404, gone.StatusCode);
    }

    /// <summary>Waits until the receiver got <paramref name="count"/> requests, and returns them.</summary>
    internal static async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(WebhookReceiver receiver, int count, int seconds = 15)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (receiver.Received.Count < count)
        {
            Assert.True(DateTime.UtcNow < until, $"The receiver got {receiver.Received.Count} of {count} webhooks.");
            await Task.Delay(20, Ct);
        }

        return receiver.Received.ToList();
    }

    private static async Task<WebhookDelivery> WaitForDeliveryAsync(WebhooksClient webhooks, Guid subscriptionId, Func<WebhookDelivery, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var page = await webhooks.ListWebhookDeliveriesAsync(subscriptionId, cancellationToken: Ct);
            if (page.Value.FirstOrDefault(condition) is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < until, $"No delivery matched: {JsonSerializer.Serialize(page.Value)}");
            await Task.Delay(50, Ct);
        }
    }
}
