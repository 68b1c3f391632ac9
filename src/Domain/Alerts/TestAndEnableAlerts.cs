using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.ServerProfiles;
using ExSync.Domain.TestAndEnable;

namespace ExSync.Domain.Alerts;

/// <summary>
/// The alerts of Test &amp; Enable, as Dynamics 365 raises them: success informs the mailbox owner; a permanent failure alerts
/// the mailbox owner and the profile owner with the failing step's message and remediation; a transient failure warns the mailbox
/// owner that ExSync will retry. The organization's alert levels decide which are recorded.
/// </summary>
public static class TestAndEnableAlerts
{
    /// <summary>Code of the alert raised when a mailbox is enabled.</summary>
    public const string MailboxEnabled = "MailboxEnabled";

    /// <summary>Code of the alert raised when a transient failure schedules a retry.</summary>
    public const string TestRetryScheduled = "TestRetryScheduled";

    /// <summary>Code of the alert raised when more than half of a profile's mailboxes failed within an hour.</summary>
    public const string MajorFailures = "MajorFailures";

    /// <summary>The window of the major-failure rule.</summary>
    public static readonly TimeSpan MajorFailureWindow = TimeSpan.FromHours(1);

    /// <summary>The alerts for a recorded test.</summary>
    public static IReadOnlyList<Alert> For(TestRecord record, Mailbox mailbox, ServerProfile? profile, AlertLevels levels, Func<Guid> newId, DateTimeOffset now, Guid? jobId)
    {
        var subject = new AlertSubject(mailbox.Id, profile?.Id, jobId);
        var mailboxOwner = AlertRecipients.MailboxOwner(mailbox);
        var alerts = new List<Alert>(2);
        switch (record.Resolution)
        {
            case TestResolution.Enabled when levels.Information:
                alerts.Add(Alert.Create(newId(), now, AlertSeverity.Information, new AlertContent(
                    MailboxEnabled,
                    $"Mailbox {mailbox.EmailAddress} is enabled",
                    $"The mailbox {mailbox.EmailAddress} passed Test & Enable and is enabled for {Describe(record.Enabled)}.",
                    null), mailboxOwner, subject));
                break;

            case TestResolution.RetryScheduled when levels.Warnings:
                alerts.Add(Alert.Create(newId(), now, AlertSeverity.Warning, new AlertContent(
                    TestRetryScheduled,
                    $"Mailbox {mailbox.EmailAddress} will be tested again",
                    $"{record.Failure!.Message} This looks temporary: ExSync will test the mailbox again at {record.RetryAt:u} (retry {record.RetryCount}).",
                    record.Failure.Remediation), mailboxOwner, subject));
                break;

            case TestResolution.Disabled when levels.Errors:
                var failure = record.Failure!;
                var notified = profile is null ? string.Empty : $" The owner of the server profile '{profile.Name}' was notified.";
                var content = new AlertContent(
                    failure.Code,
                    $"Mailbox {mailbox.EmailAddress} failed Test & Enable",
                    $"{failure.Message} {Capitalize(Describe(record.Failed))} {(record.Failed.Count == 1 ? "is" : "are")} disabled.{notified}",
                    failure.Remediation);
                alerts.Add(Alert.Create(newId(), now, AlertSeverity.Error, content, mailboxOwner, subject));
                if (profile is not null)
                {
                    alerts.Add(Alert.Create(newId(), now, AlertSeverity.Error, content, AlertRecipients.ProfileOwner(profile), subject));
                }

                break;
        }

        return alerts;
    }

    /// <summary>Whether failures cross the major-failure threshold: more than half of the profile's mailboxes.</summary>
    public static bool IsMajorFailure(int failedMailboxes, int totalMailboxes) => totalMailboxes > 0 && failedMailboxes * 2 > totalMailboxes;

    /// <summary>The alert to the profile owner when more than half of the profile's mailboxes failed within one hour.</summary>
    public static Alert MajorFailure(ServerProfile profile, int failedMailboxes, int totalMailboxes, Guid id, DateTimeOffset now, Guid? jobId) =>
        Alert.Create(id, now, AlertSeverity.Error, new AlertContent(
            MajorFailures,
            $"Most mailboxes of '{profile.Name}' are failing",
            $"{failedMailboxes} of the {totalMailboxes} mailboxes of the server profile '{profile.Name}' failed within the last hour.",
            "This usually means a problem with the profile or with Exchange itself rather than with individual mailboxes: " +
            "check the service account's password and impersonation rights, the server location and Exchange's availability. " +
            "Run a connection test on the profile to see which step fails."),
            AlertRecipients.ProfileOwner(profile),
            new AlertSubject(null, profile.Id, jobId));

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Describe(IReadOnlyList<SyncDirection> directions)
    {
        var names = directions.Select(d => d switch
        {
            SyncDirection.IncomingEmail => "incoming email",
            SyncDirection.OutgoingEmail => "outgoing email",
            _ => "appointments, contacts and tasks",
        }).ToList();
        return names.Count switch
        {
            0 => "nothing",
            1 => names[0],
            _ => string.Join(", ", names[..^1]) + " and " + names[^1],
        };
    }
}
