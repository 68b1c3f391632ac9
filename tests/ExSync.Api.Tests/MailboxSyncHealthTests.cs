using System.Diagnostics;
using ExSync.Api.Tests.Infrastructure;
using ExSync.Client;
using ExSync.Exchange;
using ExSync.ExchangeSimulator;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DomainSync = ExSync.Domain.Sync;
using MailboxDirection = ExSync.Domain.Mailboxes.SyncDirection;

namespace ExSync.Api.Tests;

/// <summary>
/// Mailbox health (issue 10): the mailbox list filters on synchronization state, and changing a profile's credentials retries at once
/// the profile's mailboxes that failed on credentials, both their failing synchronization and a Test &amp; Enable that disabled them.
/// </summary>
public sealed class MailboxSyncHealthTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheMailboxListFiltersOnTheSynchronizationStateOfADirection()
    {
        // Api role only: no reconciler or worker moves the seeded workloads while the test reads them.
        await using var app = new ExSyncApplication { Settings = { ["Roles"] = "Api" } };
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mailboxes = new Dictionary<string, Guid>();
        foreach (var name in new[] { "not-started", "active", "retrying", "failing", "paused", "never", "outgoing-only" })
        {
            var created = await app.Mailboxes().CreateMailboxAsync(Unsynchronized($"{name}-{tag}@contoso.local"), Ct);
            mailboxes[name] = created.Id;
        }

        var now = app.Time.GetUtcNow();
        await SeedAsync(app, mailboxes["not-started"], MailboxDirection.IncomingEmail, _ => { });
        await SeedAsync(app, mailboxes["active"], MailboxDirection.IncomingEmail, w => Complete(w, null, now));
        await SeedAsync(app, mailboxes["retrying"], MailboxDirection.IncomingEmail, w => Complete(w, Error("ServerBusy", transient: true, now), now));
        await SeedAsync(app, mailboxes["failing"], MailboxDirection.IncomingEmail, w => Complete(w, Error("AuthenticationFailed", transient: false, now), now));
        await SeedAsync(app, mailboxes["paused"], MailboxDirection.IncomingEmail, w => w.Pause());
        await SeedAsync(app, mailboxes["outgoing-only"], MailboxDirection.OutgoingEmail, w => Complete(w, Error("AuthenticationFailed", transient: false, now), now));

        async Task<List<Guid>> ListAsync(MailboxSyncState state, SyncDirection? direction = null) =>
            [.. (await app.Mailboxes().ListMailboxesAsync(search: tag, syncState: state, syncDirection: direction, cancellationToken: Ct)).Value.Select(m => m.Id)];

        Assert.Equal([mailboxes["not-started"]], await ListAsync(MailboxSyncState.NotStarted));
        Assert.Equal([mailboxes["active"]], await ListAsync(MailboxSyncState.Active));
        Assert.Equal([mailboxes["retrying"]], await ListAsync(MailboxSyncState.Retrying));
        Assert.Equal([mailboxes["failing"]], await ListAsync(MailboxSyncState.Failing));
        Assert.Equal([mailboxes["paused"]], await ListAsync(MailboxSyncState.Paused));

        // A workload in another direction does not make a mailbox synchronized for incoming email.
        Assert.Equal([mailboxes["never"], mailboxes["outgoing-only"]], (await ListAsync(MailboxSyncState.NotSynchronized)).Order());

        Assert.Equal([mailboxes["outgoing-only"]], await ListAsync(MailboxSyncState.Failing, SyncDirection.OutgoingEmail));
        Assert.Equal(mailboxes.Count - 1, (await ListAsync(MailboxSyncState.NotSynchronized, SyncDirection.OutgoingEmail)).Count);
        Assert.Empty(await ListAsync(MailboxSyncState.Active, SyncDirection.AppointmentsContactsAndTasks));

        // The states are those of sync-status, name for name.
        var status = await app.Mailboxes().GetMailboxSyncStatusAsync(mailboxes["retrying"], Ct);
        Assert.Equal(SyncWorkloadState.Retrying, Assert.Single(status.Directions).State);
        Assert.Subset(Enum.GetNames<MailboxSyncState>().ToHashSet(), Enum.GetNames<SyncWorkloadState>().ToHashSet());
        Assert.Subset(Enum.GetNames<Api.Mailboxes.MailboxSyncState>().ToHashSet(), Enum.GetNames<DomainSync.SyncWorkloadState>().ToHashSet());
    }

    [Fact]
    public async Task TheSynchronizationStateFilterKeepsToItsPagesAndToTheCallersMailboxes()
    {
        await using var app = new ExSyncApplication { Settings = { ["Roles"] = "Api" } };
        var tag = Guid.NewGuid().ToString("N")[..8];
        var failing = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var input = Unsynchronized($"failing{i}-{tag}@contoso.local");
            input.Owner = new MailboxOwnerInput { Type = MailboxOwnerType.User, Id = i < 2 ? "owner-" + tag : "someone-else", Name = "Owner" };
            var created = await app.Mailboxes().CreateMailboxAsync(input, Ct);
            failing.Add(created.Id);
            await SeedAsync(app, created.Id, MailboxDirection.IncomingEmail, w => Complete(w, Error("AuthenticationFailed", false, app.Time.GetUtcNow()), app.Time.GetUtcNow()));
        }

        await app.Mailboxes().CreateMailboxAsync(Unsynchronized($"healthy-{tag}@contoso.local"), Ct);

        var seen = new List<Guid>();
        string? token = null;
        do
        {
            var page = await app.Mailboxes().ListMailboxesAsync(search: tag, pageSize: 2, continuationToken: token, syncState: MailboxSyncState.Failing, cancellationToken: Ct);
            Assert.True(page.Value.Count <= 2);
            Assert.True(page.NextLink is null || page.NextLink.Contains("syncState=Failing", StringComparison.Ordinal), page.NextLink);
            seen.AddRange(page.Value.Select(m => m.Id));
            token = JobTesting.ContinuationToken(page.NextLink);
        }
        while (token is not null);

        Assert.Equal(failing.Order(), seen.Order());

        // Without Mailbox.Read, the filter applies to the caller's own mailboxes only.
        var owner = new MailboxesClient(app.CreateClient("owner-" + tag));
        var own = await owner.ListMailboxesAsync(search: tag, syncState: MailboxSyncState.Failing, cancellationToken: Ct);
        Assert.Equal(failing.Take(2).Order(), own.Value.Select(m => m.Id).Order());
    }

    [Fact]
    public async Task FixingTheProfilesPasswordResumesAFailingSynchronizationAtOnce()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = SynchronizingApplication();
        var profile = await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var mailbox = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("rotated"));
        Assert.Equal(JobStatus.Succeeded, (await app.TestAndEnableAsync(mailbox.Id)).Status);
        await WaitForAsync(app, mailbox.Id, s => s.State == SyncWorkloadState.Active);

        // The service account's password was rotated in Active Directory, and ExSync holds an old one.
        await SetPasswordAsync(app, profile.Id, "Rotated-Away-Pa55!");
        await app.Mailboxes().SyncMailboxAsync(mailbox.Id, cancellationToken: Ct);
        var failing = await WaitForAsync(app, mailbox.Id, s => s.State == SyncWorkloadState.Failing);
        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, failing.LastError!.Code);
        Assert.Contains(mailbox.Id, await FailingMailboxesAsync(app));

        // Its next probe is minutes away on the application's clock, which the test never advances: only the password change can run it now.
        Assert.True(failing.NextRunAt > app.Time.GetUtcNow());

        await SetPasswordAsync(app, profile.Id, SimulatedExchange.ServiceAccountPassword);

        var recovered = await WaitForAsync(app, mailbox.Id, s => s.State == SyncWorkloadState.Active);
        Assert.Equal(0, recovered.ConsecutiveErrors);
        Assert.DoesNotContain(mailbox.Id, await FailingMailboxesAsync(app));
        Assert.Equal(SyncStatus.Success, (await app.Mailboxes().GetMailboxAsync(mailbox.Id, Ct)).IncomingEmailStatus);
        Assert.Empty((await app.Jobs().ListJobsAsync(kind: JobKind.RetestAfterCredentialsChange, cancellationToken: Ct)).Value);
    }

    [Fact]
    public async Task FixingTheProfilesPasswordRetestsTheMailboxesItsTestDisabledOnCredentials()
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);
        await using var app = SynchronizingApplication();
        var profile = await app.ServerProfiles().CreateServerProfileAsync(JobTesting.Profile(simulator, password: "Mistyped-Pa55!"), Ct);
        var rejected = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("rejected"), m => m.ServerProfileId = profile.Id);
        var missing = await app.CreateMailboxAsync(JobTesting.UniqueAddress("missing"), m => m.ServerProfileId = profile.Id);
        await app.TestAndEnableAsync(rejected.Id, missing.Id);
        foreach (var id in new[] { rejected.Id, missing.Id })
        {
            var mistyped = await app.Mailboxes().GetMailboxAsync(id, Ct);
            Assert.False(mistyped.EnabledForIncomingEmail);
            Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, mistyped.LastError!.Code);
        }

        // A change that leaves the credentials alone retests nothing.
        await app.ServerProfiles().UpdateServerProfileAsync(profile.Id, new ServerProfilePatch { Description = "Contoso on-premises" }, cancellationToken: Ct);
        Assert.Empty((await app.Jobs().ListJobsAsync(kind: JobKind.RetestAfterCredentialsChange, cancellationToken: Ct)).Value);

        // The right password: both are retested, and the one Exchange does not have now fails on that instead.
        await SetPasswordAsync(app, profile.Id, SimulatedExchange.ServiceAccountPassword);
        var retest = Assert.Single((await app.Jobs().ListJobsAsync(kind: JobKind.RetestAfterCredentialsChange, cancellationToken: Ct)).Value);
        Assert.Equal(profile.Id, retest.ServerProfileId);
        Assert.Equal("system", retest.CreatedBy);
        var finished = await app.WaitAsync(retest);

        Assert.Equal(JobStatus.Succeeded, finished.Status);
        Assert.Equal(new[] { rejected.Id, missing.Id }.Order(), (await app.AllResultsAsync(finished.Id)).Select(r => r.MailboxId!.Value).Order());
        var fixedMailbox = await app.Mailboxes().GetMailboxAsync(rejected.Id, Ct);
        Assert.True(fixedMailbox.EnabledForIncomingEmail);
        Assert.Null(fixedMailbox.LastError);
        Assert.Equal(ExchangeErrorCodes.MailboxNotFound, (await app.Mailboxes().GetMailboxAsync(missing.Id, Ct)).LastError!.Code);
        await WaitForAsync(app, rejected.Id, s => s.State == SyncWorkloadState.Active);

        // Nothing fails on credentials any more, so sending the password again retests nobody: a missing mailbox is not the credentials' fault.
        await SetPasswordAsync(app, profile.Id, SimulatedExchange.ServiceAccountPassword);
        Assert.Single((await app.Jobs().ListJobsAsync(kind: JobKind.RetestAfterCredentialsChange, cancellationToken: Ct)).Value);
    }

    /// <summary>ExSync synchronizing incoming email with its real handler, reconciling workloads every second.</summary>
    private static ExSyncApplication SynchronizingApplication()
    {
        var app = new ExSyncApplication();
        SimulatedDeployment.Configure(app);
        app.Settings["Sync:ReconcileInterval"] = "00:00:01";
        return app;
    }

    /// <summary>A mailbox that needs no server profile; the seeded workloads stand for its synchronization.</summary>
    private static MailboxInput Unsynchronized(string address)
    {
        var input = TestData.MailboxWithoutSync();
        input.EmailAddress = address;
        return input;
    }

    private static Task SetPasswordAsync(ExSyncApplication app, Guid profileId, string password) =>
        app.ServerProfiles().UpdateServerProfileAsync(
            profileId,
            new ServerProfilePatch { Authentication = new ServerProfileAuthenticationPatch { Impersonation = new ServerProfileImpersonationPatch { Password = password } } },
            cancellationToken: Ct);

    private static async Task<List<Guid>> FailingMailboxesAsync(ExSyncApplication app) =>
        [.. (await app.Mailboxes().ListMailboxesAsync(syncState: MailboxSyncState.Failing, cancellationToken: Ct)).Value.Select(m => m.Id)];

    /// <summary>Polls the mailbox's incoming email status until it satisfies <paramref name="condition"/>, for up to 20 seconds of real time.</summary>
    private static async Task<DirectionSyncStatus> WaitForAsync(ExSyncApplication app, Guid mailboxId, Func<DirectionSyncStatus, bool> condition)
    {
        var clock = Stopwatch.StartNew();
        DirectionSyncStatus? last = null;
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            var status = await app.Mailboxes().GetMailboxSyncStatusAsync(mailboxId, Ct);
            last = status.Directions.SingleOrDefault(d => d.Direction == SyncDirection.IncomingEmail);
            if (last is not null && !last.Running && condition(last))
            {
                return last;
            }

            await Task.Delay(50, Ct);
        }

        Assert.Fail($"The incoming email synchronization of {mailboxId} did not reach the expected state in 20 s; last: {last?.State} {last?.LastError?.Code}");
        return null!;
    }

    private static async Task SeedAsync(ExSyncApplication app, Guid mailboxId, MailboxDirection direction, Action<DomainSync.SyncWorkload> shape)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);
        var workload = DomainSync.SyncWorkload.Create(mailboxId, direction, app.Time.GetUtcNow());
        shape(workload);
        db.SyncWorkloads.Add(workload);
        await db.SaveChangesAsync(Ct);
    }

    private static void Complete(DomainSync.SyncWorkload workload, DomainSync.SyncError? error, DateTimeOffset now) =>
        workload.Complete(new DomainSync.SyncCycleOutcome(0, 0, 0, error), DomainSync.SyncCadence.Default, TimeSpan.FromMinutes(1), now, now);

    private static DomainSync.SyncError Error(string code, bool transient, DateTimeOffset now) =>
        new(code, code, null, transient, now);
}
