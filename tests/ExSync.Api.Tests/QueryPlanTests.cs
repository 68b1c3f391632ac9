#if !EXSYNC_POSTGRESQL
using System.Net.Mail;
using System.Text.RegularExpressions;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Engine.Sync.Outgoing;
using ExSync.ExchangeSimulator;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExSync.Api.Tests;

/// <summary>
/// The statements synchronization and the CRM's reads run must find their rows through an index, never by reading a table that grows
/// with the mail (emails, item links, events, the change feed): such a statement costs nothing on a test's few rows and seconds on a
/// real deployment's millions, in every cycle. The statements are the ones really run in an email round trip (with its change feed and
/// webhooks), taken from EF Core's command log, and SQLite's own query planner says how it runs each (SQLite only: PostgreSQL's plans
/// depend on its table statistics).
/// </summary>
public sealed partial class QueryPlanTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The tables that grow with the mail synchronized. The directory, mailboxes and workloads grow with the organization, and the
    // periodic passes (the reconciler, the sweeps) read them whole by design; they are not checked here.
    private static readonly HashSet<string> GrowingTables =
    [
        "Emails", "EmailMailboxes", "EmailBodies", "EmailAttachments", "EmailAttachmentContents", "ExchangeItemLinks", "SyncItemEvents",
        "Changes", "WebhookEvents", "WebhookDeliveries", "Alerts", "EmailRequests",
    ];

    [Fact]
    public async Task NoStatementOfAnEmailRoundTripReadsAGrowingTableWhole()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var app = new ExSyncApplication();
        app.Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = "Information";
        SimulatedDeployment.Configure(app);
        await app.Organization().UpdateOrganizationEmailSettingsAsync(new OrganizationEmailSettingsInput { TrackSentItems = true }, cancellationToken: Ct);
        var webhooks = new WebhooksClient(app.CreateClient());
        var subscription = await webhooks.CreateWebhookSubscriptionAsync(new WebhookSubscriptionInput { Url = receiver.Url, EventTypes = ["email.sent", "email.received"] }, Ct);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var alice = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("alice"));
        var bob = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("bob"));
        Assert.Equal(2, (await app.TestAndEnableAsync(alice.Id, bob.Id)).Counts.Succeeded);

        var draft = await app.DraftAsync(alice.Id, "Proposal for 40 chairs", [bob.EmailAddress]);
        await app.Emails().SendEmailAsync(draft.Id, cancellationToken: Ct);
        var sent = await app.WaitForEmailAsync(draft.Id, e => e.Status == EmailStatus.Sent, timeout: TimeSpan.FromSeconds(15));
        await app.SyncAndWaitAsync(bob.Id);
        using (var smtp = new SmtpClient(simulator.SmtpHost, simulator.SmtpPort))
        using (var answer = new MailMessage(bob.EmailAddress, alice.EmailAddress, $"RE: {sent.Subject}", "Yes, please."))
        {
            answer.Headers.Add("In-Reply-To", sent.InternetMessageId);
            await smtp.SendMailAsync(answer, Ct);
        }

        await app.WaitForEmailsAsync(alice.Id, e => e.Count == 2);
        await app.SyncAndWaitAsync(alice.Id);

        // The CRM's side: the change feed read from its start, the webhooks delivered and their log.
        var feed = await app.Changes().ListChangesAsync(cancellationToken: Ct);
        Assert.NotEmpty(feed.Value);
        await app.Changes().ListChangesAsync(cursor: "latest", cancellationToken: Ct);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (receiver.Received.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(receiver.Received.Count >= 2, $"{receiver.Received.Count} webhooks delivered");
        await webhooks.ListWebhookDeliveriesAsync(subscription.Id, cancellationToken: Ct);

        // The sweep for lost send signals reads every sending mailbox's email on its own schedule; one pass now.
        await app.Services.GetServices<IHostedService>().OfType<OutgoingEmailSweep>().Single().RunOnceAsync(Ct);

        var statements = app.Logs.Select(ExecutedStatement).OfType<string>().SelectMany(Split).Distinct().ToList();
        Assert.Contains(statements, s => s.Contains("FROM \"ExchangeItemLinks\"", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.Contains("\"Status\" = 'Sending'", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("UPDATE \"SyncWorkloads\"", StringComparison.Ordinal) && s.Contains("FROM \"Emails\"", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("SELECT", StringComparison.Ordinal) && s.Contains("FROM \"Changes\"", StringComparison.Ordinal));
        Assert.Contains(statements, s => s.StartsWith("SELECT", StringComparison.Ordinal) && s.Contains("FROM \"WebhookDeliveries\"", StringComparison.Ordinal));

        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        var wrong = new List<string>();
        foreach (var statement in statements)
        {
            wrong.AddRange(Faults(statement, await PlanAsync(connection, statement)));
        }

        Assert.True(wrong.Count == 0, string.Join("\n\n", wrong));
    }

    private static IEnumerable<string> Faults(string statement, IReadOnlyList<string> steps)
    {
        var aliases = Aliases().Matches(statement).ToDictionary(m => m.Groups["alias"].Value, m => m.Groups["table"].Value);
        foreach (var step in steps)
        {
            // Reading the whole table, or all of its rows in one direction or status, grows with every email ever synchronized.
            if (Step().Match(step) is { Success: true } match
                && aliases.GetValueOrDefault(match.Groups["name"].Value, match.Groups["name"].Value) is var table && GrowingTables.Contains(table)
                && (match.Groups["kind"].Value == "SCAN" || OnlyByKind().IsMatch(step)))
            {
                yield return $"{step} ({table}) in:\n{statement}";
            }
        }

        // A mailbox's links with work left are few among all it ever tracked; each cycle reads them from their own index.
        if (ReadsUnfinishedLinks(statement) && !steps.Any(s => s.Contains("IX_ExchangeItemLinks_Unfinished", StringComparison.Ordinal)))
        {
            yield return $"{string.Join(" / ", steps)} instead of IX_ExchangeItemLinks_Unfinished in:\n{statement}";
        }
    }

    private static bool ReadsUnfinishedLinks(string statement) =>
        statement.StartsWith("SELECT", StringComparison.Ordinal) && statement.Contains("FROM \"ExchangeItemLinks\"", StringComparison.Ordinal)
        && statement.IndexOf("WHERE", StringComparison.Ordinal) is > 0 and var where && UnfinishedLinks().IsMatch(statement[where..]);

    /// <summary>SQLite's plan of a statement, one step a line; unbound parameters do not change it.</summary>
    private static async Task<IReadOnlyList<string>> PlanAsync(System.Data.Common.DbConnection connection, string statement)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        await using var plan = await command.ExecuteReaderAsync(Ct);
        var steps = new List<string>();
        while (await plan.ReadAsync(Ct))
        {
            steps.Add(plan.GetString(3));
        }

        return steps;
    }

    /// <summary>The SQL of an "Executed DbCommand" log line: what follows its first line.</summary>
    private static string? ExecutedStatement(string line) =>
        line.Contains("Microsoft.EntityFrameworkCore.Database.Command: Executed DbCommand", StringComparison.Ordinal) && line.IndexOf('\n') is > 0 and var start
            ? line[(start + 1)..].Trim()
            : null;

    private static IEnumerable<string> Split(string batch) =>
        batch.Split(";\n").Select(s => s.Trim().TrimEnd(';').Trim())
            .Where(s => s.StartsWith("SELECT", StringComparison.OrdinalIgnoreCase) || s.StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)
                || s.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) || s.StartsWith("WITH", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("\"(?<table>\\w+)\" AS \"(?<alias>\\w+)\"")]
    private static partial Regex Aliases();

    [GeneratedRegex("^(?<kind>SCAN|SEARCH) (?<name>\\w+)")]
    private static partial Regex Step();

    [GeneratedRegex("\\((Direction|Status|State)=\\?\\)")]
    private static partial Regex OnlyByKind();

    [GeneratedRegex("\"State\" = 'Failed'|\"StampPending\"")]
    private static partial Regex UnfinishedLinks();
}
#endif
