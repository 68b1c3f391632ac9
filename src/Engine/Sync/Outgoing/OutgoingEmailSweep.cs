using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Instances;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Every <see cref="OutgoingEmailOptions.SweepInterval"/>, on one instance: brings forward the outgoing workload of every mailbox that has
/// email due to be sent but is not due to run, in one statement for all mailboxes. <c>send</c> runs the mailbox itself after its commit;
/// this covers the instance that stopped in between, and email left Sending by a cycle whose outcome write failed, so an idle mailbox's
/// own polls can be an hour apart.
/// </summary>
internal sealed partial class OutgoingEmailSweep(
    IDbContextFactory<ExSyncDbContext> contexts,
    SingletonLeases leases,
    SyncSignal signal,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> syncOptions,
    IOptionsMonitor<OutgoingEmailOptions> options,
    ILogger<OutgoingEmailSweep> logger) : SingletonDuty(leases, logger)
{
    protected override string Duty => "outgoing-email-sweep";

    protected override bool TakesPart => syncOptions.CurrentValue.Enabled;

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        Task.Delay(options.CurrentValue.SweepInterval, time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();

        // A workload under a live lease is running: its cycle claims what is due, or its completion schedules it. Email Sending under no
        // live lease was abandoned, and the next cycle looks it up in Sent Items.
        var found = await db.SyncWorkloads
            .Where(w => w.Direction == SyncDirection.OutgoingEmail && w.State != SyncWorkloadState.Paused && w.NextRunAt > now
                && (w.LeaseExpiresAt == null || w.LeaseExpiresAt < now)
                && db.Emails.Any(e => e.MailboxId == w.MailboxId && e.Direction == EmailDirection.Outgoing
                    && ((e.Status == EmailStatus.PendingSend && e.NextSendAttemptAt <= now) || e.Status == EmailStatus.Sending)))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.NextRunAt, now).SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);
        if (found > 0)
        {
            LogSwept(logger, found);
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} mailboxes had email due to be sent but were not due to run; they run now")]
    private static partial void LogSwept(ILogger logger, int count);
}
