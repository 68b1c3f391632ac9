using System.Globalization;
using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Sync;
using ExSync.ExchangeSimulator;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Api.Demo;

/// <summary>The Exchange simulator demo mode started; set once it runs.</summary>
internal sealed class DemoExchange
{
    private readonly TaskCompletionSource<ExchangeSimulatorHost> started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Started(ExchangeSimulatorHost host) => started.TrySetResult(host);

    public Task<ExchangeSimulatorHost> WhenStartedAsync(CancellationToken cancellationToken) => started.Task.WaitAsync(cancellationToken);
}

/// <summary>
/// Delivers the sample emails into a demo mailbox when its incoming email starts being synchronized (Test &amp; Enable passed it and its
/// workload was just made), so that they arrive after the mailbox's "process email received after" date and the engine tracks them.
/// Each mailbox gets them once per demo database: a table of the demo database remembers which did, since the simulator forgets its
/// mail at every start. Registered in demo mode only.
/// </summary>
internal sealed partial class DemoMailDelivery(
    DemoExchange exchange,
    IDbContextFactory<ExSyncDbContext> contexts,
    IServiceProvider services,
    TimeProvider time,
    ILogger<DemoMailDelivery> logger) : ISyncStartObserver
{
    public async Task MailboxesStartedAsync(IReadOnlyList<Guid> mailboxIds, SyncDirection direction, CancellationToken cancellationToken)
    {
        if (direction != SyncDirection.IncomingEmail)
        {
            return;
        }

        var simulator = await exchange.WhenStartedAsync(cancellationToken);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);

        // Demo mode's own bookkeeping, in its own SQLite database and outside the migrations: a normal database never has it.
        await db.Database.ExecuteSqlRawAsync(
            """CREATE TABLE IF NOT EXISTS "DemoSampleMailDeliveries" ("MailboxId" TEXT NOT NULL PRIMARY KEY, "DeliveredAt" TEXT NOT NULL)""", cancellationToken);
        var delivered = await db.Database.SqlQueryRaw<Delivery>("""SELECT "MailboxId", "DeliveredAt" FROM "DemoSampleMailDeliveries" """).ToListAsync(cancellationToken);
        var demoAddresses = DemoScenario.Mailboxes.Select(m => Mailbox.NormalizeEmailAddress(m.EmailAddress)).ToList();
        var started = await db.Mailboxes
            .Where(m => mailboxIds.Contains(m.Id) && demoAddresses.Contains(m.NormalizedEmailAddress))
            .Select(m => new { m.Id, m.EmailAddress })
            .ToListAsync(cancellationToken);

        // Resolved here, not injected: the engine's SyncWorkloads tells this observer, and depends on it.
        var workloads = services.GetRequiredService<SyncWorkloads>();
        foreach (var mailbox in started.Where(m => !delivered.Any(d => d.MailboxId == m.Id.ToString("D"))))
        {
            var now = time.GetUtcNow();

            // A message has one Date in every mailbox it reaches, even when Test & Enable passed the mailboxes in different rounds.
            var firstDelivery = delivered.Select(d => DateTimeOffset.Parse(d.DeliveredAt, CultureInfo.InvariantCulture)).DefaultIfEmpty(now).Min();
            var samples = DemoSampleMail.For(mailbox.EmailAddress).ToList();
            foreach (var sample in samples)
            {
                using var message = sample.ToMimeMessage(DemoSampleMail.SentAt(sample, firstDelivery));
                simulator.DeliverMessage(message, [mailbox.EmailAddress]);
            }

            await db.Database.ExecuteSqlAsync(
                $"""INSERT INTO "DemoSampleMailDeliveries" ("MailboxId", "DeliveredAt") VALUES ({mailbox.Id.ToString("D")}, {now.ToString("O", CultureInfo.InvariantCulture)})""", cancellationToken);
            delivered.Add(new Delivery(mailbox.Id.ToString("D"), now.ToString("O", CultureInfo.InvariantCulture)));
            LogDelivered(logger, samples.Count, mailbox.EmailAddress);

            // The newcomer sees them in seconds, whether or not the mailbox's notifications were subscribed yet.
            await workloads.RunNowAsync(mailbox.Id, SyncDirection.IncomingEmail, cancellationToken);
        }
    }

    private sealed record Delivery(string MailboxId, string DeliveredAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DEMO MODE: delivered {Count} sample emails to {Mailbox}, which passed Test and Enable. Once synchronized they are in GET /api/v1/emails and the change feed.")]
    private static partial void LogDelivered(ILogger logger, int count, string mailbox);
}
