using ExSync.Client;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Outgoing email through the generated client: drafts, sending, and waiting for the sending engine.</summary>
public static class OutgoingMail
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A text draft from the mailbox to the addresses.</summary>
    public static Task<Email> DraftAsync(this ExSyncApplication app, Guid mailboxId, string subject, IEnumerable<string> to, IEnumerable<string>? bcc = null, string body = "Hello from the CRM.") =>
        app.Emails().CreateEmailAsync(new EmailInput
        {
            MailboxId = mailboxId,
            Subject = subject,
            Body = new EmailBodyInput { ContentType = EmailBodyContentType.Text, Content = body },
            To = to.Select(a => new EmailRecipientInput { EmailAddress = a }).ToList(),
            Bcc = (bcc ?? []).Select(a => new EmailRecipientInput { EmailAddress = a }).ToList(),
        }, cancellationToken: Ct);

    /// <summary>Creates and sends a draft; returns the email as <c>send</c> answered it.</summary>
    public static async Task<Email> SendNewAsync(this ExSyncApplication app, Guid mailboxId, string subject, IEnumerable<string> to, IEnumerable<string>? bcc = null)
    {
        var draft = await app.DraftAsync(mailboxId, subject, to, bcc);
        return await app.Emails().SendEmailAsync(draft.Id, cancellationToken: Ct);
    }

    /// <summary>Waits until the email satisfies <paramref name="condition"/> (30 s by default), moving the application's clock by
    /// <paramref name="clockStep"/> every 100 ms when given (retries wait on that clock).</summary>
    public static async Task<Email> WaitForEmailAsync(this ExSyncApplication app, Guid emailId, Func<Email, bool> condition, TimeSpan? clockStep = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        Email email;
        while (!condition(email = await app.Emails().GetEmailAsync(emailId, Ct)))
        {
            if (DateTime.UtcNow > deadline)
            {
                var problems = app.Logs.Where(l => l.StartsWith("Warning", StringComparison.Ordinal) || l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(10);
                throw new Xunit.Sdk.XunitException(
                    $"Email {emailId} is {email.Status} (attempts {email.SendStatus?.Attempts}, next {email.SendStatus?.NextAttemptAt:O}, last error {email.SendStatus?.LastError?.Code}: " +
                    $"{email.SendStatus?.LastError?.Message}) after {(timeout ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; clock {app.Time.GetUtcNow():O}." +
                    $"{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
            }

            await Task.Delay(100, Ct);
            if (clockStep is { } step)
            {
                app.Time.Advance(step);
            }
        }

        return email;
    }
}
