using ExSync.Domain.Jobs;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Webhooks;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;

namespace ExSync.Engine.Webhooks;

/// <summary>The engine's webhook events, each added to the unit of work of the change it tells about.</summary>
public static class WebhookEmissions
{
    /// <summary>
    /// <c>profile.credentials_rejected</c>, the first time Exchange rejects the profile's credentials: not again until the profile is
    /// changed (new credentials), so that a profile whose hundred mailboxes fail on the same password raises one event, not a hundred.
    /// </summary>
    public static async Task RecordCredentialsRejectedOnceAsync(this ExSyncDbContext db, ServerProfile profile, string code, Guid? mailboxId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var since = profile.ModifiedAt;
        var profileId = profile.Id;
        if (db.WebhookEvents.Local.Any(e => e.Type == WebhookEventTypes.ProfileCredentialsRejected && e.ObjectId == profileId)
            || await db.WebhookEvents.AnyAsync(e => e.Type == WebhookEventTypes.ProfileCredentialsRejected && e.ObjectId == profileId && e.OccurredAt >= since, cancellationToken))
        {
            return;
        }

        db.RecordWebhookEvent(WebhookEventTypes.ProfileCredentialsRejected, profileId, new Dictionary<string, object?> { ["code"] = code, ["mailboxId"] = mailboxId }, now);
    }

    /// <summary><c>mailbox.sync_failed</c> or <c>mailbox.sync_recovered</c>, when a direction's synchronization starts failing or recovers.</summary>
    public static void RecordSyncHealthChange(this ExSyncDbContext db, Guid mailboxId, SyncDirection direction, bool failing, string? errorCode, DateTimeOffset now) =>
        db.RecordWebhookEvent(
            failing ? WebhookEventTypes.MailboxSyncFailed : WebhookEventTypes.MailboxSyncRecovered,
            mailboxId,
            failing ? new Dictionary<string, object?> { ["direction"] = direction, ["code"] = errorCode } : new Dictionary<string, object?> { ["direction"] = direction },
            now);

    /// <summary><c>job.completed</c>, when a job reaches its final status.</summary>
    public static void RecordJobCompleted(this ExSyncDbContext db, Guid jobId, JobKind kind, JobStatus status, string? errorCode, DateTimeOffset now) =>
        db.RecordWebhookEvent(WebhookEventTypes.JobCompleted, jobId, new Dictionary<string, object?> { ["kind"] = kind, ["status"] = status, ["errorCode"] = errorCode }, now);
}
