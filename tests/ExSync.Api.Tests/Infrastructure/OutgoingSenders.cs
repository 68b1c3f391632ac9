using ExSync.Client;
using ExSync.Domain.TestAndEnable;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DomainMailboxes = ExSync.Domain.Mailboxes;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>Sender mailboxes for outgoing email, and what the sending engine would do to an email, on the application's own database.</summary>
public static class OutgoingSenders
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// A mailbox that may send: created through the API with the organization's default profile, approved, and enabled for outgoing email
    /// as a passed Test &amp; Enable leaves it (recorded with the domain, as the job does). Each step can be left out.
    /// </summary>
    public static async Task<Mailbox> SenderAsync(
        this ExSyncApplication app,
        MailboxInput? input = null,
        bool approve = true,
        bool enable = true)
    {
        await app.ServerProfiles().CreateServerProfileAsync(TestData.Profile(setAsDefault: true), Ct);
        var mailbox = await app.Mailboxes().CreateMailboxAsync(input ?? TestData.Mailbox(), Ct);
        if (approve)
        {
            await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);
        }

        if (enable)
        {
            await app.ChangeMailboxAsync(mailbox.Id, m => m.RecordTestResult(
                new MailboxTestResult([.. m.ServerSideSynchronizationDirections.Select(d => new DirectionTestResult(d, DirectionTestOutcome.Passed))], null),
                RetryPolicy.Default,
                app.Time.GetUtcNow()));
        }

        return await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
    }

    /// <summary>Changes a mailbox as ExSync's own processes do, outside the API.</summary>
    public static async Task ChangeMailboxAsync(this ExSyncApplication app, Guid id, Action<DomainMailboxes.Mailbox> change)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);
        change(await db.Mailboxes.SingleAsync(m => m.Id == id, Ct));
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Applies a transition of the sending engine to an email and records the change, as the engine does.</summary>
    public static async Task ChangeEmailAsync(this ExSyncApplication app, Guid id, Action<ExSync.Domain.Emails.EmailActivity> change)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);
        var email = await db.Emails.SingleAsync(e => e.Id == id, Ct);
        change(email);
        db.RecordEmailChange(email, ExSync.Domain.Changes.ChangeOperation.Updated, app.Time.GetUtcNow());
        await db.SaveChangesAsync(Ct);
    }
}
