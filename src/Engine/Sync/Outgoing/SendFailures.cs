using ExSync.Domain.Alerts;
using ExSync.Domain.Emails;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Exchange;
using ExSync.Persistence;

namespace ExSync.Engine.Sync.Outgoing;

/// <summary>
/// Which send errors concern the message itself, and so fail it at once with nothing retried (a recipient Exchange rejects, a mailbox over
/// its quota, send-as refused, a message too large), as opposed to errors of Exchange or of the connection, which are retried; and the
/// alert its owner gets when an email fails.
/// </summary>
internal sealed class SendFailures(SequentialIds ids)
{
    private static readonly HashSet<string> MessageErrors =
    [
        ExchangeErrorCodes.InvalidRecipients,
        ExchangeErrorCodes.MailboxQuotaExceeded,
        ExchangeErrorCodes.SendAsDenied,
        ExchangeErrorCodes.MessageSizeExceeded,
        ExchangeErrorCodes.AccessDenied,
    ];

    public static bool IsAboutTheMessage(ExchangeError error) => MessageErrors.Contains(error.Code);

    /// <summary>The alert to the sending mailbox's owner, when the organization's alert settings ask for errors.</summary>
    public IReadOnlyList<Alert> AlertsFor(SyncCycle cycle, EmailActivity email, string code, string message, DateTimeOffset now) =>
        AlertsFor(cycle.Mailbox, cycle.Profile.Id, cycle.Organization, email, code, message, now);

    /// <summary>The alert to the sending mailbox's owner, when the organization's alert settings ask for errors.</summary>
    public IReadOnlyList<Alert> AlertsFor(Mailbox mailbox, Guid? profileId, OrganizationEmailSettings organization, EmailActivity email, string code, string message, DateTimeOffset now) =>
        organization.Alerts.Errors
            ?
            [
                Alert.Create(ids.Next(), now, AlertSeverity.Error, new AlertContent(
                        code,
                        $"Email \"{Shorten(email.Subject)}\" from {mailbox.EmailAddress} could not be sent",
                        $"{message} The email is Failed (email id {email.Id}); correct it and send it again.",
                        null),
                    AlertRecipients.MailboxOwner(mailbox),
                    new AlertSubject(mailbox.Id, profileId, JobId: null)),
            ]
            : [];

    private static string Shorten(string subject) => subject.Length <= 100 ? subject : string.Concat(subject.AsSpan(0, 99), "…");
}
