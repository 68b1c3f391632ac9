using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.Sync;

namespace ExSync.Domain.Alerts;

/// <summary>
/// The alerts of synchronization: when a mailbox's synchronization starts failing, its owner and the profile's owner get the error and
/// what to do about it, and learn that ExSync keeps trying; when it works again, the mailbox owner is told. Nothing is alerted for each
/// retry: transient errors only alert once they have lasted long enough to count as a failure.
/// </summary>
public static class SyncAlerts
{
    /// <summary>Code of the alert raised when synchronization works again after failing.</summary>
    public const string SyncRecovered = "SyncRecovered";

    /// <summary>The alerts for a change of a workload's health.</summary>
    public static IReadOnlyList<Alert> For(SyncHealthChange change, SyncWorkload workload, Mailbox mailbox, ServerProfile profile, AlertLevels levels, Func<Guid> newId, DateTimeOffset now)
    {
        var subject = new AlertSubject(mailbox.Id, profile.Id, JobId: null);
        var mailboxOwner = AlertRecipients.MailboxOwner(mailbox);
        var direction = Describe(workload.Direction);
        switch (change)
        {
            case SyncHealthChange.StartedFailing when levels.Errors && workload.LastError is { } error:
                var content = new AlertContent(
                    error.Code,
                    $"Synchronization of {direction} for {mailbox.EmailAddress} is failing",
                    $"{error.Message} ExSync keeps trying (next attempt at {workload.NextRunAt:u}) and resumes on its own once it works; the mailbox stays enabled.",
                    error.Remediation);
                return
                [
                    Alert.Create(newId(), now, AlertSeverity.Error, content, mailboxOwner, subject),
                    Alert.Create(newId(), now, AlertSeverity.Error, content, AlertRecipients.ProfileOwner(profile), subject),
                ];

            case SyncHealthChange.Recovered when levels.Information:
                return
                [
                    Alert.Create(newId(), now, AlertSeverity.Information, new AlertContent(
                        SyncRecovered,
                        $"Synchronization of {direction} for {mailbox.EmailAddress} works again",
                        $"Synchronization of {direction} for {mailbox.EmailAddress} succeeded after {workload.LastError?.Code ?? "errors"}; nothing was lost.",
                        null), mailboxOwner, subject),
                ];

            default:
                return [];
        }
    }

    private static string Describe(SyncDirection direction) => direction switch
    {
        SyncDirection.IncomingEmail => "incoming email",
        SyncDirection.OutgoingEmail => "outgoing email",
        _ => "appointments, contacts and tasks",
    };
}
