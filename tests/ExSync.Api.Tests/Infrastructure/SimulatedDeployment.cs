using ExSync.Client;
using ExSync.ExchangeSimulator;
using Microsoft.AspNetCore.WebUtilities;

namespace ExSync.Api.Tests.Infrastructure;

/// <summary>
/// ExSync with a default server profile that reaches a running Exchange simulator, whose service account may impersonate every
/// mailbox (so tests can add mailboxes while it runs) and whose second account may impersonate none. Shared by the tests of a
/// class that leave organization-wide settings and the simulator's global latency alone; each test uses addresses of its own.
/// </summary>
public class SimulatedDeployment : IAsyncLifetime
{
    /// <summary>An account that authenticates but may impersonate nobody.</summary>
    public const string RestrictedAccount = "svc-restricted@contoso.local";

    public const string RestrictedAccountPassword = "Sim-Restricted-Pa55!";

    public ExchangeSimulatorHost Simulator { get; private set; } = null!;

    public ExSyncApplication App { get; } = new();

    /// <summary>Whether the application synchronizes the mailboxes its tests enable (not for the job tests, which count requests).</summary>
    protected virtual bool Synchronizes => false;

    /// <summary>The organization's default profile, owned by <c>profile-owner</c>.</summary>
    public ServerProfile DefaultProfile { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Simulator = await ExchangeSimulatorHost.StartAsync(Scenario(), TestContext.Current.CancellationToken);
        Configure(App);

        // Job tests count the Exchange requests of jobs: mailboxes they enable must not start synchronizing.
        App.Settings["Sync:Enabled"] = Synchronizes ? "true" : "false";
        DefaultProfile = await App.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(Simulator), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Simulator.DisposeAsync();
    }

    /// <summary>
    /// Settings every job test needs before the application starts. The EWS client backs off on the application's clock, which
    /// is fake: with in-call retries a transient fault would wait for a clock nobody advances.
    /// </summary>
    public static void Configure(ExSyncApplication app) => app.Settings["Exchange:MaxRetryAttempts"] = "0";

    /// <summary>An Exchange 2019 server with no mailboxes yet, an all-impersonating service account and a restricted one.</summary>
    public static SimulatorScenario Scenario(int latencyMilliseconds = 0) => new()
    {
        Server = new ScenarioServer { Version = SimulatedExchangeVersion.Exchange2019, LatencyMilliseconds = latencyMilliseconds, HostNames = ["localhost"] },
        Accounts =
        [
            new ScenarioAccount
            {
                UserName = SimulatedExchange.ServiceAccount,
                Domain = "CONTOSO",
                SamAccountName = "svc-exsync",
                Password = SimulatedExchange.ServiceAccountPassword,
                CanImpersonateAll = true,
            },
            new ScenarioAccount
            {
                UserName = RestrictedAccount,
                Domain = "CONTOSO",
                SamAccountName = "svc-restricted",
                Password = RestrictedAccountPassword,
            },
        ],
        Mailboxes = [new ScenarioMailbox { SmtpAddress = "seed@contoso.local" }],
    };
}

/// <summary>Steps most Test &amp; Enable tests take: mailboxes in Exchange and in ExSync, running a job, reading what it left.</summary>
public static class JobTesting
{
    /// <summary>Polling interval for <see cref="JobsClient.WaitForCompletionAsync"/>: jobs against the simulator take milliseconds.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A unique address (not added to Exchange).</summary>
    public static string UniqueAddress(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)] + "@contoso.local";

    /// <summary>Adds a mailbox with a unique address to the simulated Exchange and returns the address.</summary>
    public static string AddExchangeMailbox(this ExchangeSimulatorHost simulator, string prefix, string? ownerOrganizationId = null)
    {
        var address = UniqueAddress(prefix);
        simulator.State.AddMailbox(new ScenarioMailbox { SmtpAddress = address, OwnerOrganizationId = ownerOrganizationId });
        return address;
    }

    /// <summary>Creates a user mailbox (organization defaults for what <paramref name="configure"/> leaves unset).</summary>
    public static async Task<Mailbox> CreateMailboxAsync(this ExSyncApplication app, string address, Action<MailboxInput>? configure = null, bool approve = true)
    {
        var input = TestData.Mailbox(address);
        configure?.Invoke(input);
        var mailbox = await app.Mailboxes().CreateMailboxAsync(input, Ct);
        if (approve)
        {
            await app.Mailboxes().ApproveEmailAsync(new MailboxIdsInput { MailboxIds = [mailbox.Id] }, Ct);
            mailbox = await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct);
        }

        return mailbox;
    }

    /// <summary>Sets every delivery method of a mailbox input.</summary>
    public static void Directions(this MailboxInput input, IncomingEmailDeliveryMethod incoming, DeliveryMethod outgoing, DeliveryMethod act)
    {
        input.IncomingDeliveryMethod = incoming;
        input.OutgoingDeliveryMethod = outgoing;
        input.ActDeliveryMethod = act;
    }

    /// <summary>Starts Test &amp; Enable of the mailboxes and waits until the job finishes.</summary>
    public static async Task<Job> TestAndEnableAsync(this ExSyncApplication app, params Guid[] mailboxIds)
    {
        var job = await app.Mailboxes().TestAndEnableMailboxesAsync(new TestAndEnableInput { MailboxIds = mailboxIds }, cancellationToken: Ct);
        return await app.Jobs().WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);
    }

    /// <summary>Waits for a job started elsewhere.</summary>
    public static Task<Job> WaitAsync(this ExSyncApplication app, Job job) => app.Jobs().WaitForCompletionAsync(job.Id, Poll, cancellationToken: Ct);

    /// <summary>Every result of a job, following nextLink page by page.</summary>
    public static async Task<List<JobResult>> AllResultsAsync(this ExSyncApplication app, Guid jobId, JobItemOutcome? outcome = null, int? pageSize = null)
    {
        var jobs = app.Jobs();
        var all = new List<JobResult>();
        string? token = null;
        do
        {
            var page = await jobs.ListJobResultsAsync(jobId, outcome, pageSize, token, Ct);
            all.AddRange(page.Value);
            token = ContinuationToken(page.NextLink);
        }
        while (token is not null);

        return all;
    }

    /// <summary>The one result of a mailbox in a job.</summary>
    public static async Task<JobResult> ResultOfAsync(this ExSyncApplication app, Guid jobId, Guid mailboxId) =>
        Assert.Single(await app.AllResultsAsync(jobId), r => r.MailboxId == mailboxId);

    /// <summary>Every alert about a mailbox.</summary>
    public static async Task<List<Alert>> AlertsOfAsync(this ExSyncApplication app, Guid mailboxId) =>
        [.. (await app.Mailboxes().ListMailboxAlertsAsync(mailboxId, pageSize: 1000, cancellationToken: Ct)).Value];

    /// <summary>Every alert matching the filters.</summary>
    public static async Task<List<Alert>> AlertsAsync(
        this ExSyncApplication app, Guid? serverProfileId = null, string? recipientId = null, AlertSeverity? severity = null, DateTimeOffset? since = null, Guid? mailboxId = null)
    {
        var alerts = app.Alerts();
        var all = new List<Alert>();
        string? token = null;
        do
        {
            var page = await alerts.ListAlertsAsync(serverProfileId, recipientId, severity, since, 1000, token, mailboxId, Ct);
            all.AddRange(page.Value);
            token = ContinuationToken(page.NextLink);
        }
        while (token is not null);

        return all;
    }

    /// <summary>The continuationToken of a nextLink, or null on the last page.</summary>
    public static string? ContinuationToken(string? nextLink) =>
        nextLink is null ? null : QueryHelpers.ParseQuery(new Uri(nextLink).Query)["continuationToken"].Single();

    /// <summary>Every step of a tree, depth first.</summary>
    public static IEnumerable<TestStep> Flatten(this IEnumerable<TestStep> steps) =>
        steps.SelectMany(s => new[] { s }.Concat((s.Children ?? []).Flatten()));

    /// <summary>A profile reaching the simulator, not the organization default, owned by a user of its own.</summary>
    public static ServerProfileInput Profile(ExchangeSimulatorHost simulator, string? ownerId = null, string? userName = null, string? password = null)
    {
        var input = SimulatedExchange.Profile(simulator, password, setAsDefault: false);
        input.Owner = new ServerProfileOwnerInput { Id = ownerId ?? "owner-" + Guid.NewGuid().ToString("N")[..8], EmailAddress = "profile-owner@contoso.local" };
        if (userName is not null)
        {
            input.Authentication!.Impersonation!.UserName = userName;
        }

        return input;
    }
}

/// <summary>A <see cref="SimulatedDeployment"/> whose application synchronizes the mailboxes it enables.</summary>
public sealed class SynchronizingDeployment : SimulatedDeployment
{
    protected override bool Synchronizes => true;
}
