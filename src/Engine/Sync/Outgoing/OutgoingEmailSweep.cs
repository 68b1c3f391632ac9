using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Domain.Webhooks;
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
/// own polls can be an hour apart. It also fails, with the reason <c>send</c> would give now, email that has waited longer than
/// <see cref="OutgoingEmailOptions.UnsendableAfter"/> in a mailbox that stopped being able to send after the CRM asked (disabled,
/// unapproved, its profile deactivated): Dynamics leaves such email in Pending Send where nobody sees it. Email abandoned while Sending in
/// such a mailbox fails the same way once its lease has been out that long, marked as possibly sent.
/// </summary>
internal sealed partial class OutgoingEmailSweep(
    IDbContextFactory<ExSyncDbContext> contexts,
    SingletonLeases leases,
    SyncSignal signal,
    SendFailures failures,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> syncOptions,
    IOptionsMonitor<OutgoingEmailOptions> options,
    ILogger<OutgoingEmailSweep> logger) : SingletonDuty(leases, logger)
{
    // Each round fails at most this many; the rest go in the next rounds.
    private const int MaxFailedPerRound = 500;

    protected override string Duty => "outgoing-email-sweep";

    protected override bool TakesPart => syncOptions.CurrentValue.Enabled;

    protected override Task WaitForNextRoundAsync(CancellationToken cancellationToken) =>
        Task.Delay(options.CurrentValue.SweepInterval, time, cancellationToken);

    public override async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();

        // The emails are found as the send claim finds them: by mailbox and status, through their index, without the direction.
        // A workload under a live lease is running: its cycle claims what is due, or its completion schedules it. Email Sending under no
        // live lease was abandoned, and the next cycle looks it up in Sent Items.
        var found = await db.SyncWorkloads
            .Where(w => w.Direction == SyncDirection.OutgoingEmail && w.State != SyncWorkloadState.Paused && w.NextRunAt > now
                && (w.LeaseExpiresAt == null || w.LeaseExpiresAt < now)
                && db.Emails.Any(e => e.MailboxId == w.MailboxId && (e.Status == EmailStatus.PendingSend || e.Status == EmailStatus.Sending)
                    && (e.Status == EmailStatus.Sending || e.NextSendAttemptAt <= now)))
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.NextRunAt, now).SetProperty(w => w.Revision, w => w.Revision + 1), cancellationToken);
        if (found > 0)
        {
            LogSwept(logger, found);
            signal.Wake();
        }

        await FailUnsendableAsync(db, now, cancellationToken);
    }

    private async Task FailUnsendableAsync(ExSyncDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Only paused workloads' mailboxes can hold such email: the reconciler pauses the workload of a mailbox that cannot send.
        var overdue = now - options.CurrentValue.UnsendableAfter;
        var paused = db.SyncWorkloads.Where(w => w.Direction == SyncDirection.OutgoingEmail && w.State == SyncWorkloadState.Paused).Select(w => w.MailboxId);
        var waiting = await db.Emails
            .Where(e => paused.Contains(e.MailboxId) && (e.Status == EmailStatus.PendingSend || e.Status == EmailStatus.Sending))
            .Where(e => (e.Status == EmailStatus.PendingSend && e.NextSendAttemptAt <= overdue) || (e.Status == EmailStatus.Sending && e.SendLeaseUntil <= overdue))
            .OrderBy(e => e.NextSendAttemptAt ?? e.SendLeaseUntil)
            .Take(MaxFailedPerRound)
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            return;
        }

        var organization = await db.FindOrganizationSettingsAsync(cancellationToken);
        var failed = 0;
        foreach (var group in waiting.GroupBy(e => e.MailboxId))
        {
            var mailbox = await db.FindMailboxAsync(group.Key, cancellationToken);
            var profile = mailbox is null ? null : await db.FindEffectiveServerProfileAsync(mailbox, organization, cancellationToken);
            if (OutgoingSendGate.Check(mailbox, profile, organization) is not { } refusal)
            {
                // It can send again: the reconciler resumes its workload.
                continue;
            }

            foreach (var email in group)
            {
                email.FailUnsendable(refusal.Code, UnsendableMessage(email, refusal.Message), now);
                db.RecordEmailChange(email, ChangeOperation.Updated, now);
                db.RecordWebhookEvent(WebhookEventTypes.EmailSendFailed, email.Id, new Dictionary<string, object?> { ["mailboxId"] = email.MailboxId, ["code"] = refusal.Code }, now);
                if (mailbox is not null)
                {
                    db.Alerts.AddRange(failures.AlertsFor(mailbox, profile?.Id, organization, email, refusal.Code, email.LastSendErrorMessage!, now));
                }

                failed++;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        if (failed > 0)
        {
            LogFailedUnsendable(logger, failed);
        }
    }

    // An attempt abandoned while Sending (its instance stopped) may have reached Exchange, and this mailbox's Sent Items cannot be looked at.
    private static string UnsendableMessage(EmailActivity email, string refusal) =>
        email.Status == EmailStatus.Sending || email.SendOutcomeUnknown
            ? $"{refusal} An attempt to send the email, asked for at {email.SendRequestedAt:O}, may have reached Exchange; if it is asked to be sent again, ExSync looks for it in Sent Items first."
            : $"{refusal} The email waited since {email.SendRequestedAt:O} and was not sent.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} emails waiting to be sent from mailboxes that can no longer send failed with the reason")]
    private static partial void LogFailedUnsendable(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} mailboxes had email due to be sent but were not due to run; they run now")]
    private static partial void LogSwept(ILogger logger, int count);
}
