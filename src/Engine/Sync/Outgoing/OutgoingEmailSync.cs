using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Sync;
using ExSync.Engine.Exchange;
using ExSync.Engine.Sync.Incoming;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Outgoing email of one mailbox, one cycle: the emails waiting to be sent are moved to Sending in batches (one transaction each), then
/// each is handed to Exchange with CreateItem SendAndSaveCopy under impersonation of the mailbox, stamped with ExSync's link property so
/// that the Sent Items copy is recognised as this email. An email found Sending when a cycle starts may have reached Exchange before
/// an instance stopped or a connection dropped: Sent Items is searched for its stamp first, and it is sent again only when no copy is
/// there. <c>send</c> brings the mailbox's next cycle forward, so sending starts within a second or so.
/// </summary>
internal sealed partial class OutgoingEmailSync(
    IDbContextFactory<ExSyncDbContext> contexts,
    IEwsClient ews,
    SendOutcomeRecorder recorder,
    SendFailures failures,
    TimeProvider time,
    IOptionsMonitor<SyncOptions> syncOptions,
    IOptionsMonitor<OutgoingEmailOptions> options,
    ILogger<OutgoingEmailSync> logger) : ISyncWorkloadHandler
{
    public SyncDirection Direction => SyncDirection.OutgoingEmail;

    // Work arrives by signal (send), by the retry time a cycle reports, or by the sweep: polling a quiet mailbox finds nothing.
    public SyncCadence Cadence(SyncCadence configured)
    {
        var idle = options.CurrentValue.IdleInterval;
        return configured with { ActiveInterval = idle, IdleInterval = idle };
    }

    public async Task<SyncCycleOutcome> RunAsync(SyncCycle cycle, CancellationToken cancellationToken)
    {
        if (MailboxTargets.For(cycle.Mailbox, cycle.Connections.Outgoing) is not { } target)
        {
            return new SyncCycleOutcome(0, 0, 0, SyncErrors.EwsUrlUnknown(time.GetUtcNow()));
        }

        var settings = options.CurrentValue;
        var run = new OutgoingRun(cycle, target);
        var recordings = new List<Task>();
        SyncError? stoppedBy = null;
        TimeSpan? retryNotSooner = null;
        var sent = 0;
        var failed = 0;
        var backlog = false;
        try
        {
            while (stoppedBy is null)
            {
                var budget = settings.MaxEmailsPerCycle - sent - failed;
                if (budget <= 0)
                {
                    backlog = true;
                    break;
                }

                // The previous batch's outcomes are written first: an email still Sending in the database is one nobody is sending.
                await Task.WhenAll(recordings);
                var batch = await ClaimAsync(run, Math.Min(settings.ClaimBatchSize, budget), cancellationToken);
                if (batch.Count == 0)
                {
                    break;
                }

                foreach (var claimed in batch)
                {
                    if (stoppedBy is not null)
                    {
                        recordings.Add(recorder.RecordAsync(new SendOutcome(claimed.Email.Id, SendResult.NotAttempted, time.GetUtcNow())));
                        continue;
                    }

                    var (outcome, error) = await SendAsync(run, claimed, settings, cancellationToken);
                    recordings.Add(recorder.RecordAsync(outcome));
                    if (outcome.Result == SendResult.Sent)
                    {
                        sent++;
                    }
                    else
                    {
                        failed++;
                    }

                    if (error is not null)
                    {
                        stoppedBy = new SyncError(error.Code, error.Message, error.Remediation, error.IsTransient, time.GetUtcNow());
                        retryNotSooner = error.BackOff;
                    }
                }
            }
        }
        finally
        {
            // The cycle ends once what it did is written; a write that failed leaves its emails Sending, for the next cycle to look up.
            try
            {
                await Task.WhenAll(recordings);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }

        var dueAgainAt = await NextDueAsync(run.MailboxId, cancellationToken);
        return new SyncCycleOutcome(sent + failed, failed, backlog ? 1 : 0, stoppedBy, retryNotSooner) { DueAgainAt = dueAgainAt };
    }

    /// <summary>
    /// Moves the mailbox's next emails to Sending in one transaction: those due to be sent, and any left Sending by an earlier cycle whose
    /// lease ran out.
    /// </summary>
    private async Task<IReadOnlyList<ClaimedEmail>> ClaimAsync(OutgoingRun run, int count, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = time.GetUtcNow();
        // Found through the (MailboxId, Status, NextSendAttemptAt) index: both statuses are named on their own, and the direction is left
        // out (only outgoing email is ever PendingSend or Sending). Either, combined with the due time in one OR or offered as a filter,
        // led SQLite to read every outgoing email of every mailbox instead.
        var emails = await db.Emails
            .Where(e => e.MailboxId == run.MailboxId && (e.Status == EmailStatus.PendingSend || e.Status == EmailStatus.Sending))
            .Where(e => e.Status == EmailStatus.Sending || e.NextSendAttemptAt <= now)
            .OrderByDescending(e => e.Status == EmailStatus.Sending)
            .ThenBy(e => e.NextSendAttemptAt)
            .Take(count)
            .ToListAsync(cancellationToken);
        if (emails.Count == 0)
        {
            return [];
        }

        // This cycle holds the mailbox's workload alone, and each cycle writes its outcomes before it claims more or ends: an email left
        // Sending was abandoned (an instance killed mid-send, an outcome never written) and is taken over with its outcome unknown.
        var leaseUntil = now + syncOptions.CurrentValue.LeaseDuration;
        var claimed = emails.Where(e => e.BeginSending(now, leaseUntil, senderGone: true)).ToList();
        foreach (var email in claimed)
        {
            db.RecordEmailChange(email, ChangeOperation.Updated, now);
        }

        await db.SaveChangesAsync(cancellationToken);

        // What is sent is only read: bodies and attachments are not tracked, which keeps the claim's unit of work to the state it changes.
        var ids = claimed.Select(e => e.Id).ToArray();
        var bodies = await db.EmailBodies.AsNoTracking().Where(b => ids.Contains(b.EmailId)).ToDictionaryAsync(b => b.EmailId, cancellationToken);
        var attachments = (await db.EmailAttachments.AsNoTracking().Where(a => ids.Contains(a.EmailId) && a.SkipReason == null).ToListAsync(cancellationToken))
            .ToLookup(a => a.EmailId);
        var attachmentIds = attachments.SelectMany(a => a).Select(a => a.Id).ToArray();
        var contents = attachmentIds.Length == 0
            ? []
            : await db.EmailAttachmentContents.AsNoTracking().Where(c => attachmentIds.Contains(c.AttachmentId)).ToDictionaryAsync(c => c.AttachmentId, c => c.Data, cancellationToken);
        return claimed.Select(email => new ClaimedEmail(
            email,
            bodies.GetValueOrDefault(email.Id),
            email.SendOutcomeUnknown,
            attachments[email.Id].OrderBy(a => a.Position).Where(a => contents.ContainsKey(a.Id)).Select(a => (a, contents[a.Id])).ToList())).ToList();
    }

    /// <summary>Sends one email; the error is returned when it stops the cycle (Exchange or the mailbox, not the message, is at fault).</summary>
    private async Task<(SendOutcome Outcome, ExchangeError? StopsCycle)> SendAsync(OutgoingRun run, ClaimedEmail claimed, OutgoingEmailOptions settings, CancellationToken cancellationToken)
    {
        var email = claimed.Email;
        var earlierOutcomeUnknown = claimed.OutcomeUnknown;
        try
        {
            if (earlierOutcomeUnknown)
            {
                if (await FindSentCopyAsync(run, email.Id, cancellationToken) is { } copySentAt)
                {
                    LogFoundInSentItems(logger, email.Id, run.MailboxId);
                    return (new SendOutcome(email.Id, SendResult.Sent, copySentAt), null);
                }

                earlierOutcomeUnknown = false;
            }

            var mime = OutgoingMessage.Compose(email, claimed.Body, run.SenderAddress, claimed.Attachments, time.GetUtcNow());
            await ews.SendMessageAsync(run.Target, new SendMessageRequest
            {
                MimeContent = mime,
                ToRecipients = Recipients(email.To),
                CcRecipients = Recipients(email.Cc),
                BccRecipients = Recipients(email.Bcc),
                ExtendedProperties = ExSyncItemStamp.For(email.Id, run.DeploymentId),
            }, cancellationToken);
            return (new SendOutcome(email.Id, SendResult.Sent, time.GetUtcNow()), null);
        }
        catch (ExchangeException ex)
        {
            var now = time.GetUtcNow();
            var error = ex.Error;
            if (SendFailures.IsAboutTheMessage(error))
            {
                LogSendFailed(logger, email.Id, run.MailboxId, error.Code, error.Message);
                return (new SendOutcome(email.Id, SendResult.Failed, now, error.Code, error.Message, OutcomeUnknown: earlierOutcomeUnknown, Alerts: failures.AlertsFor(run.Cycle, email, error.Code, error.Message, now)), null);
            }

            // This attempt may have reached Exchange, or an earlier one may have and Sent Items could not be looked at.
            var outcomeUnknown = error.OutcomeUnknown || earlierOutcomeUnknown;
            var attempts = email.SendAttempts;
            var requestedAt = email.SendRequestedAt ?? now;
            if (attempts >= settings.MaxAttempts || now - requestedAt >= settings.RetryFor)
            {
                var message = $"Sending gave up after {attempts} attempts over {(now - requestedAt).TotalMinutes:0} minutes. The last: {error.Message}"
                    + (outcomeUnknown ? " An attempt may have reached Exchange: if the email is asked to be sent again, ExSync looks for it in Sent Items first." : string.Empty);
                LogSendFailed(logger, email.Id, run.MailboxId, error.Code, message);
                return (new SendOutcome(email.Id, SendResult.Failed, now, error.Code, message, OutcomeUnknown: outcomeUnknown, Alerts: failures.AlertsFor(run.Cycle, email, error.Code, message, now)), error);
            }

            var next = now + settings.RetryDelay(attempts);
            if (error.BackOff is { } backOff && now + backOff > next)
            {
                next = now + backOff;
            }

            LogSendRetry(logger, email.Id, run.MailboxId, error.Code, attempts, next);
            return (new SendOutcome(email.Id, SendResult.RetryLater, now, error.Code, error.Message, next, outcomeUnknown), error);
        }
    }

    /// <summary>The time Exchange sent the copy in Sent Items stamped as this email, or null when there is none.</summary>
    private async Task<DateTimeOffset?> FindSentCopyAsync(OutgoingRun run, Guid emailId, CancellationToken cancellationToken)
    {
        var found = await ews.FindItemAsync(run.Target, new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.SentItems),
            MaxEntriesReturned = 1,
            AdditionalFieldUris = ["item:DateTimeReceived"],
            Restriction = ItemRestriction.IsEqualTo(ExSyncItemStamp.EmailId, emailId.ToString("D")),
        }, cancellationToken);

        // Exchange files the copy in Sent Items as it sends the message: its receive time there is the send time.
        return found.Items.Count == 0 ? null : found.Items[0].DateTimeReceived ?? time.GetUtcNow();
    }

    private async Task<DateTimeOffset?> NextDueAsync(Guid mailboxId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Emails
            .Where(e => e.MailboxId == mailboxId && e.Direction == EmailDirection.Outgoing && e.Status == EmailStatus.PendingSend)
            .MinAsync(e => e.NextSendAttemptAt, cancellationToken);
    }

    private static List<SmtpRecipient> Recipients(IEnumerable<EmailParty> parties) => parties.Select(p => new SmtpRecipient(p.EmailAddress, p.Name)).ToList();

    private sealed record ClaimedEmail(EmailActivity Email, EmailBody? Body, bool OutcomeUnknown, IReadOnlyList<(EmailAttachment Attachment, byte[] Content)> Attachments);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} of mailbox {MailboxId} was already in Sent Items: Exchange had accepted it before the outcome was known; it is not sent again")]
    private static partial void LogFoundInSentItems(ILogger logger, Guid emailId, Guid mailboxId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email {EmailId} of mailbox {MailboxId} could not be sent: {Code}: {Message}")]
    private static partial void LogSendFailed(ILogger logger, Guid emailId, Guid mailboxId, string code, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Email {EmailId} of mailbox {MailboxId} was not sent ({Code}, attempt {Attempt}); next attempt at {NextAttemptAt:O}")]
    private static partial void LogSendRetry(ILogger logger, Guid emailId, Guid mailboxId, string code, int attempt, DateTimeOffset nextAttemptAt);
}
