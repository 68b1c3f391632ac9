using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Domain.Webhooks;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Records send outcomes in group commits: outcomes handed in while a write is under way go together into the next one, so the mailboxes
/// sending at the same time share transactions instead of queueing for the database one email at a time. Recording late is safe: an email
/// stays Sending in the database until its outcome is written, and a Sending email found by a later cycle is looked for in Sent Items
/// before it is sent again.
/// </summary>
internal sealed partial class SendOutcomeRecorder(
    IDbContextFactory<ExSyncDbContext> contexts,
    TimeProvider time,
    ILogger<SendOutcomeRecorder> logger)
{
    private const int MaxAttempts = 5;

    private readonly Lock gate = new();
    private List<Waiting> waiting = [];
    private bool writing;

    /// <summary>Queues an outcome; the task completes once it is committed (or faults when it could not be).</summary>
    public Task RecordAsync(SendOutcome outcome)
    {
        var entry = new Waiting(outcome, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool start;
        lock (gate)
        {
            waiting.Add(entry);
            start = !writing;
            writing = true;
        }

        if (start)
        {
            _ = Task.Run(WriteWhileWaitingAsync);
        }

        return entry.Committed.Task;
    }

    private async Task WriteWhileWaitingAsync()
    {
        while (true)
        {
            List<Waiting> batch;
            lock (gate)
            {
                if (waiting.Count == 0)
                {
                    writing = false;
                    return;
                }

                batch = waiting;
                waiting = [];
            }

            try
            {
                await WriteAsync(batch.Select(w => w.Outcome).ToList());
                batch.ForEach(w => w.Committed.SetResult());
            }
            catch (Exception ex)
            {
                LogWriteFailed(logger, ex, batch.Count);
                batch.ForEach(w => w.Committed.SetException(ex));
            }
        }
    }

    private async Task WriteAsync(IReadOnlyList<SendOutcome> outcomes)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteOnceAsync(outcomes);
                return;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxAttempts)
            {
                // The CRM changed one of these emails (its regarding) meanwhile: apply the outcomes again on fresh rows.
            }
        }
    }

    private async Task WriteOnceAsync(IReadOnlyList<SendOutcome> outcomes)
    {
        await using var db = await contexts.CreateDbContextAsync();
        var ids = outcomes.Select(o => o.EmailId).ToArray();
        var emails = await db.Emails.Where(e => ids.Contains(e.Id)).ToDictionaryAsync(e => e.Id);
        var now = time.GetUtcNow();
        foreach (var outcome in outcomes)
        {
            if (!emails.TryGetValue(outcome.EmailId, out var email) || email.Status != EmailStatus.Sending)
            {
                continue;
            }

            switch (outcome.Result)
            {
                case SendResult.Sent:
                    email.MarkSent(outcome.At, now);
                    db.RecordWebhookEvent(WebhookEventTypes.EmailSent, email.Id, new Dictionary<string, object?> { ["mailboxId"] = email.MailboxId }, now);
                    break;
                case SendResult.RetryLater:
                    if (outcome.OutcomeUnknown)
                    {
                        email.MarkSendOutcomeUnknown(now);
                    }

                    email.RetrySendLater(outcome.Code!, outcome.Message!, outcome.NextAttemptAt!.Value, now);
                    break;
                case SendResult.Failed:
                    email.FailSend(outcome.Code!, outcome.Message!, now, outcome.OutcomeUnknown);
                    db.Alerts.AddRange(outcome.Alerts ?? []);
                    db.RecordWebhookEvent(WebhookEventTypes.EmailSendFailed, email.Id, new Dictionary<string, object?> { ["mailboxId"] = email.MailboxId, ["code"] = outcome.Code }, now);
                    break;
                default:
                    email.ReturnToQueue(now);
                    break;
            }

            db.RecordEmailChange(email, ChangeOperation.Updated, now);
        }

        await db.SaveChangesAsync();
    }

    private sealed record Waiting(SendOutcome Outcome, TaskCompletionSource Committed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording the outcome of {Count} sent emails failed; they stay Sending and are looked for in Sent Items before any new attempt")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);
}
