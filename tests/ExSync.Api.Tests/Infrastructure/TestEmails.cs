using ExSync.Domain.Changes;
using ExSync.Domain.Emails;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// Email activities made the way the synchronization engine makes them — the domain factory, the change feed, one unit of work on the
/// application's own database — since no endpoint creates email.
/// </summary>
public static class TestEmails
{
    /// <summary>An incoming message received by <paramref name="mailboxId"/>, with a fresh Message-ID unless one is given.</summary>
    public static IncomingEmail Incoming(Guid mailboxId, string? messageId = null) => new()
    {
        MailboxId = mailboxId,
        InternetMessageId = messageId ?? $"<{Guid.NewGuid():N}@mail.fabrikam.com>",
        Subject = "Quote for 200 licences",
        From = new EmailParty("maria.garcia@fabrikam.com", "Maria Garcia"),
        To = [new EmailParty("sales@contoso.com", "Contoso Sales")],
        BodyContentType = EmailBodyContentType.Html,
        Body = "<p>Hello, could you send us a quote?</p>",
        TextBody = "Hello, could you send us a quote?",
        ReceivedAt = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero),
        SentAt = new DateTimeOffset(2026, 12, 1, 9, 29, 58, TimeSpan.Zero),
        ConversationId = "AAQkAGI2TG93AAA=",
        TrackedBecause = TrackingReason.AllEmailMessages,
    };

    /// <summary>Creates the activity of <paramref name="email"/> with its Created change, in one transaction, and returns it.</summary>
    public static async Task<EmailActivity> CreateEmailAsync(this ExSyncApplication app, IncomingEmail email)
    {
        var ids = app.Services.GetRequiredService<SequentialIds>();
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var now = app.Time.GetUtcNow();
        var activity = EmailActivity.CreateIncoming(email, ids.Next, now);
        db.Emails.Add(activity);
        db.RecordEmailChange(activity, ChangeOperation.Created, now);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return activity;
    }

    /// <summary>Creates an incoming email received by <paramref name="mailboxId"/> (a new mailbox id when none is given).</summary>
    public static Task<EmailActivity> CreateEmailAsync(this ExSyncApplication app, Guid? mailboxId = null, Func<IncomingEmail, IncomingEmail>? change = null) =>
        app.CreateEmailAsync((change ?? (e => e))(Incoming(mailboxId ?? Guid.NewGuid())));

    /// <summary>Adds a receiving mailbox to the email with this Message-ID, as the engine does when another mailbox has the message; records the change.</summary>
    public static async Task<EmailActivity> AddReceivingMailboxAsync(this ExSyncApplication app, string messageId, Guid mailboxId)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var activity = await db.FindEmailByDeduplicationKeyAsync(EmailActivity.DeduplicationKeyFor(messageId, null), TestContext.Current.CancellationToken)
            ?? throw new InvalidOperationException($"No email has the Message-ID {messageId}.");
        var now = app.Time.GetUtcNow();
        if (activity.AddReceivingMailbox(mailboxId, now))
        {
            db.RecordEmailChange(activity, ChangeOperation.Updated, now);
            await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        return activity;
    }
}
