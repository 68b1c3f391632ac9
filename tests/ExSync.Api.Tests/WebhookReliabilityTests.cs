using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;

namespace ExSync.Api.Tests;

/// <summary>
/// Webhook delivery by a real ExSync process killed the hard way (SIGKILL) while it delivers, then restarted on the same database: no
/// event is lost, and an event delivered twice carries the same webhook-id and body both times.
/// </summary>
public sealed class WebhookReliabilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProcessKilledWhileDeliveringLosesNoEventAndRepeatsOnlyUnderTheSameWebhookId()
    {
        const int Events = 300;
        await using var receiver = await WebhookReceiver.StartAsync();

        // A receiver that waits until every event is committed, then takes 20 ms per request, four at a time: the backlog takes a couple of
        // seconds however fast the database commits, so the kill lands mid-flight.
        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Answer = async (_, ct) =>
        {
            await committed.Task.WaitAsync(ct);
            await Task.Delay(20, ct);
            return 200;
        };
        var directory = Directory.CreateTempSubdirectory("exsync-webhooks-").FullName;
        var settings = new Dictionary<string, string>(TestDatabase.ForDirectory(directory).Settings)
        {
            ["Webhooks:MaxConcurrentDeliveries"] = "4",
            ["Webhooks:Timeout"] = "00:00:05",
            ["Webhooks:LeaseMargin"] = "00:00:01",
        };
        var api = await ApiProcess.StartAsync(directory, settings, Ct);
        try
        {
            var webhooks = new WebhooksClient(api.CreateClient());
            var subscription = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);
            var expected = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < Events; i++)
            {
                expected.Add((await webhooks.PingWebhookSubscriptionAsync(subscription.Id, Ct)).EventId.ToString());
            }

            committed.SetResult();

            await EventuallyAsync(() => receiver.Received.Count >= Events / 3, TimeSpan.FromSeconds(30));
            api.Kill();
            var receivedBeforeKill = receiver.Received.Select(r => r.Id).Distinct().Count();
            Assert.True(receivedBeforeKill < Events, "Everything was delivered before the kill; the test proved nothing.");

            api = await ApiProcess.StartAsync(directory, settings, Ct);
            await EventuallyAsync(() => expected.IsSubsetOf(receiver.Received.Select(r => r.Id)), TimeSpan.FromSeconds(60));

            // The log agrees: every delivery ended Delivered, in this process or the one before. Those the dead process had in flight are
            // sent again when their leases end: received twice, the same way.
            webhooks = new WebhooksClient(api.CreateClient());
            await EventuallyAsync(async () => (await webhooks.ListWebhookDeliveriesAsync(subscription.Id, WebhookDeliveryStatus.Pending, cancellationToken: Ct)).Value.Count == 0, TimeSpan.FromSeconds(30));
            var delivered = await webhooks.ListWebhookDeliveriesAsync(subscription.Id, WebhookDeliveryStatus.Delivered, pageSize: 1000, cancellationToken: Ct);
            Assert.Equal(Events, delivered.Value.Count);

            var received = receiver.Received.ToList();
            Assert.Equal(expected.Order(), received.Select(r => r.Id).Distinct().Order());
            Assert.All(received.GroupBy(r => r.Id), copies => Assert.Single(copies.Select(c => c.Body).Distinct()));
            TestContext.Current.SendDiagnosticMessage($"{receivedBeforeKill} of {Events} delivered before the kill; {received.Count - Events} delivered twice.");
        }
        finally
        {
            await api.DisposeAsync();
            await TestDatabase.DropAsync(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task TwoInstancesShareTheOutboxWithoutSendingAnEventTwice()
    {
        const int Events = 400;
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = async (_, ct) =>
        {
            await Task.Delay(5, ct);
            return 200;
        };
        var directory = Directory.CreateTempSubdirectory("exsync-webhooks-").FullName;
        var settings = new Dictionary<string, string>(TestDatabase.ForDirectory(directory).Settings) { ["Webhooks:MaxConcurrentDeliveries"] = "8" };
        var first = await ApiProcess.StartAsync(directory, settings, Ct);
        var second = await ApiProcess.StartAsync(directory, settings, Ct);
        try
        {
            var clients = new[] { new WebhooksClient(first.CreateClient()), new WebhooksClient(second.CreateClient()) };
            var subscription = await clients[0].CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["job.completed"] }, Ct);

            // Both instances commit events (each wakes its own worker) and both deliver: every event once, whoever sent it.
            var ids = await Task.WhenAll(Enumerable.Range(0, Events).Select(async i =>
                (await clients[i % 2].PingWebhookSubscriptionAsync(subscription.Id, Ct)).EventId.ToString()));
            await EventuallyAsync(() => receiver.Received.Count >= Events, TimeSpan.FromSeconds(60));
            await EventuallyAsync(async () => (await clients[1].ListWebhookDeliveriesAsync(subscription.Id, WebhookDeliveryStatus.Pending, cancellationToken: Ct)).Value.Count == 0, TimeSpan.FromSeconds(30));

            Assert.Equal(ids.Order(), receiver.Received.Select(r => r.Id).Order());
            var delivered = await clients[0].ListWebhookDeliveriesAsync(subscription.Id, WebhookDeliveryStatus.Delivered, pageSize: 1000, cancellationToken: Ct);
            Assert.Equal(Events, delivered.Value.Count);
            Assert.All(delivered.Value, d => Assert.Equal(1, d.Attempts));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            await TestDatabase.DropAsync(directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task EventuallyAsync(Func<bool> condition, TimeSpan timeout) => EventuallyAsync(() => Task.FromResult(condition()), timeout);

    private static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(watch.Elapsed < timeout, $"Not within {timeout.TotalSeconds} s.");
            await Task.Delay(100, Ct);
        }
    }
}
