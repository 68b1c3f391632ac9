using System.Web;
using ExSync.Client;
using ExSync.ExchangeSimulator;
using MimeKit;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Mail delivered into the simulator, and waiting for what incoming synchronization makes of it.</summary>
public static class IncomingMail
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A text and HTML message with a fresh Message-ID.</summary>
    public static MimeMessage Message(string from, IEnumerable<string> to, string subject, string? inReplyTo = null, IEnumerable<string>? cc = null, string? body = null)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.AddRange(to.Select(MailboxAddress.Parse));
        message.Cc.AddRange((cc ?? []).Select(MailboxAddress.Parse));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("fabrikam.example");
        message.Date = DateTimeOffset.UtcNow;
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
            message.References.Add(inReplyTo);
        }

        var text = body ?? $"Hello, this is {subject}.";
        message.Body = new BodyBuilder { TextBody = text, HtmlBody = $"<p>{System.Net.WebUtility.HtmlEncode(text)}</p>" }.ToMessageBody();
        return message;
    }

    /// <summary>Adds a file attachment.</summary>
    public static MimeMessage WithAttachment(this MimeMessage message, string name, byte[] content, string contentType = "application/pdf")
    {
        var builder = new BodyBuilder { TextBody = ((TextPart)message.BodyParts.OfType<TextPart>().First()).Text };
        builder.Attachments.Add(name, content, ContentType.Parse(contentType));
        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>Runs the mailboxes' incoming synchronization now.</summary>
    public static async Task SyncAsync(this ExSyncApplication app, params Guid[] mailboxIds)
    {
        foreach (var id in mailboxIds)
        {
            await app.Mailboxes().SyncMailboxAsync(id, cancellationToken: Ct);
        }
    }

    /// <summary>Waits until the mailbox's emails satisfy <paramref name="condition"/> (running its synchronization meanwhile), and returns them.</summary>
    public static async Task<IList<Email>> WaitForEmailsAsync(this ExSyncApplication app, Guid mailboxId, Func<IList<Email>, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var nextSync = DateTime.MinValue;
        while (true)
        {
            var emails = (await app.Emails().ListEmailsAsync(mailboxId: mailboxId, pageSize: 200, cancellationToken: Ct)).Value;
            if (condition(emails))
            {
                return emails;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"The emails of mailbox {mailboxId} did not reach the expected state: {emails.Count} email(s): {string.Join(", ", emails.Select(e => e.Subject))}");
            }

            if (DateTime.UtcNow > nextSync)
            {
                await app.SyncAsync(mailboxId);
                nextSync = DateTime.UtcNow.AddSeconds(1);
            }

            await Task.Delay(50, Ct);
        }
    }

    /// <summary>Runs a cycle of the mailbox now and waits until it has completed (see <see cref="IncomingSyncCycles.RunCycleAsync"/>).</summary>
    public static Task SyncAndWaitAsync(this ExSyncApplication app, Guid mailboxId) => app.RunCycleAsync(mailboxId);

    /// <summary>The cursor in a change feed link.</summary>
    public static string CursorOf(string link) => HttpUtility.ParseQueryString(new Uri(link, UriKind.RelativeOrAbsolute).IsAbsoluteUri ? new Uri(link).Query : link[link.IndexOf('?', StringComparison.Ordinal)..])["cursor"]!;

    /// <summary>Every change after <paramref name="cursor"/> until the feed is caught up.</summary>
    public static async Task<List<Change>> ChangesSinceAsync(this ExSyncApplication app, string cursor)
    {
        var changes = new List<Change>();
        while (true)
        {
            var page = await app.Changes().ListChangesAsync(cursor, cancellationToken: Ct);
            changes.AddRange(page.Value);
            if (page.NextLink is null)
            {
                return changes;
            }

            cursor = CursorOf(page.NextLink);
        }
    }

    /// <summary>The simulator's Inbox items of a mailbox.</summary>
    public static IReadOnlyList<SimulatedItemInfo> Inbox(this ExchangeSimulatorHost simulator, string address) =>
        simulator.State.GetItems(address, SimulatedFolder.Inbox);
}
