using System.Text.Json;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.ExchangeSimulator;

namespace ExSync.Api.Tests;

/// <summary>The engine's webhook events, each raised where its change happens, against the simulator and a real receiver.</summary>
public sealed class WebhookEventTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JobsEmailsSynchronizationHealthCredentialsAndAlertsEachRaiseTheirEvent()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:ReconcileInterval"] = "00:00:01";
        var webhooks = new WebhooksClient(app.CreateClient());
        var subscription = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput
        {
            Url = receiver.Url,
            EventTypes = ["email.received", "email.sent", "email.send_failed", "mailbox.sync_failed", "mailbox.sync_recovered", "profile.credentials_rejected", "job.completed", "alert.created"],
        }, Ct);

        var profile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var alice = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("alice"), input => input.IncomingEmailFilteringMethod = IncomingEmailFilteringMethod.AllEmailMessages);
        var job = await app.TestAndEnableAsync(alice.Id);
        Assert.Equal(JobStatus.Succeeded, job.Status);
        var completed = await WaitForEventAsync(receiver, "job.completed", job.Id);
        Assert.Equal("Succeeded", completed.GetProperty("status").GetString());

        simulator.DeliverMessage(IncomingMail.Message("carol@fabrikam.example", [alice.EmailAddress], "Forty chairs"));
        var email = Assert.Single(await app.WaitForEmailsAsync(alice.Id, e => e.Count == 1));
        var received = await WaitForEventAsync(receiver, "email.received", email.Id);
        Assert.Equal(alice.Id.ToString(), received.GetProperty("mailboxId").GetString());

        // The CRM sends from alice: email.sent once Exchange accepted it; to a recipient Exchange refuses, email.send_failed with the code.
        var sent = await app.SendNewAsync(alice.Id, "Quote", ["dana@fabrikam.example"]);
        Assert.Equal(alice.Id.ToString(), (await WaitForEventAsync(receiver, "email.sent", sent.Id)).GetProperty("mailboxId").GetString());
        simulator.State.SetRejectedRecipients(["nobody@fabrikam.example"]);
        var refused = await app.SendNewAsync(alice.Id, "To nobody", ["nobody@fabrikam.example"]);
        Assert.Equal("InvalidRecipients", (await WaitForEventAsync(receiver, "email.send_failed", refused.Id)).GetProperty("code").GetString());
        Assert.DoesNotContain(receiver.Received, r => Type(r) == "email.sent" && r.Body.Contains(refused.Id.ToString(), StringComparison.Ordinal));

        // The service account's password changes in Active Directory: synchronization fails on a 401, and the profile's credentials are rejected.
        await SetPasswordAsync(app, profile.Id, "Rotated-Away-Pa55!");
        await app.RunCycleAsync(alice.Id);
        var failed = await WaitForEventAsync(receiver, "mailbox.sync_failed", alice.Id);
        Assert.Equal("AuthenticationFailed", failed.GetProperty("code").GetString());
        await WaitForEventAsync(receiver, "profile.credentials_rejected", profile.Id);
        var alert = await WaitForEventAsync(receiver, "alert.created", null);
        Assert.Equal(alice.Id.ToString(), alert.GetProperty("mailboxId").GetString());

        // Another rejected cycle is no news: the event is raised on the first 401 only, until the profile changes.
        await app.RunCycleAsync(alice.Id);

        await SetPasswordAsync(app, profile.Id, SimulatedExchange.ServiceAccountPassword);
        await WaitForEventAsync(receiver, "mailbox.sync_recovered", alice.Id);
        Assert.Single(receiver.Received, r => Type(r) == "profile.credentials_rejected");
        Assert.Single(receiver.Received, r => Type(r) == "mailbox.sync_failed");
        Assert.DoesNotContain(receiver.Received, r => Type(r) == "webhook.ping");
        _ = subscription;
    }

    private static string Type(ReceivedWebhook webhook) => JsonDocument.Parse(webhook.Body).RootElement.GetProperty("type").GetString()!;

    /// <summary>Waits for an event of <paramref name="type"/> about <paramref name="objectId"/> (any object when null) and returns its data.</summary>
    private static async Task<JsonElement> WaitForEventAsync(WebhookReceiver receiver, string type, Guid? objectId)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            foreach (var webhook in receiver.Received)
            {
                var root = JsonDocument.Parse(webhook.Body).RootElement;
                var data = root.GetProperty("data");
                if (root.GetProperty("type").GetString() == type && (objectId is null || data.GetProperty("id").GetString() == objectId.ToString()))
                {
                    return data;
                }
            }

            Assert.True(DateTime.UtcNow < until, $"No {type} event for {objectId}; received: {string.Join(", ", receiver.Received.Select(Type))}");
            await Task.Delay(50, Ct);
        }
    }

    private static Task SetPasswordAsync(ExSyncApplication app, Guid profileId, string password) =>
        app.ServerProfiles().UpdateServerProfileAsync(
            profileId,
            new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = password } } },
            cancellationToken: Ct);
}
