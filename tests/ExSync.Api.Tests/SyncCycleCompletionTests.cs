using ExSync.Api.Tests.Infrastructure;
using ExSync.Engine.Instances;
using ExSync.Engine.Sync;
using ExSync.ExchangeSimulator;
using ExSync.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using DomainSync = ExSync.Domain.Sync;
using MailboxDirection = ExSync.Domain.Mailboxes.SyncDirection;

namespace ExSync.Api.Tests;

/// <summary>
/// How a synchronization cycle's outcome is recorded. A cycle writes its workload from what it read when it started unless the row moved
/// since; a row that moved (a run was asked for, another worker took it over) is read again, and what the cycle read is not written over
/// it. The worker is off in these tests: they claim, start and complete cycles by hand, with a real database.
/// </summary>
public sealed class SyncCycleCompletionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly DomainSync.SyncCycleOutcome NothingNew = new(0, 0, 0, null);

    [Fact]
    public async Task AnUntouchedCycleIsRecordedWithItsScheduleEvenAfterItsLeaseWasRenewed()
    {
        await using var deployment = await DeploymentAsync();
        var (claim, cycle) = await deployment.ClaimAndStartAsync();
        var workloads = deployment.App.Services.GetRequiredService<SyncWorkloads>();
        await workloads.RenewLeasesAsync([claim], Ct);
        var renewed = await deployment.WorkloadAsync();
        var startRevision = cycle.Workload.Revision;

        await workloads.CompleteAsync(claim, cycle, NothingNew, DomainSync.SyncCadence.Default, Ct);

        var completed = await deployment.WorkloadAsync();
        Assert.Null(completed.LeaseOwner);
        Assert.Null(completed.LeaseExpiresAt);
        Assert.Equal(DomainSync.SyncWorkloadState.Active, completed.State);
        Assert.Equal(2, completed.EmptyCycles);
        Assert.True(completed.Revision > startRevision);

        // The renewal moved the next run to the lease's end; the completion plans it by the cadence instead.
        Assert.NotEqual(renewed.NextRunAt, completed.NextRunAt);
        Assert.True(completed.NextRunAt > cycle.StartedAt);
    }

    [Fact]
    public async Task AnUntouchedCycleWritesEverythingItsCompletionChanged()
    {
        await using var deployment = await DeploymentAsync();
        var (claim, cycle) = await deployment.ClaimAndStartAsync();

        await deployment.App.Services.GetRequiredService<SyncWorkloads>()
            .CompleteAsync(claim, cycle, new DomainSync.SyncCycleOutcome(7, 2, 3, null), DomainSync.SyncCadence.Default, Ct);

        // The cycle's own copy holds what its completion decided; the row must hold the same in every mapped column.
        await using var db = await deployment.ContextAsync();
        var row = await db.SyncWorkloads.AsNoTracking().SingleAsync(w => w.MailboxId == claim.MailboxId && w.Direction == claim.Direction, Ct);
        Assert.Equal((7, 2, 3), (row.ItemsProcessedLastCycle, row.ItemsFailedLastCycle, row.Backlog));
        foreach (var property in db.Model.FindEntityType(typeof(DomainSync.SyncWorkload))!.GetProperties().Where(p => p.PropertyInfo is not null))
        {
            Assert.Equal(property.PropertyInfo!.GetValue(cycle.Workload), property.PropertyInfo.GetValue(row));
        }
    }

    [Fact]
    public async Task ARunAskedForDuringTheCycleRunsAtOnceAfterIt()
    {
        await using var deployment = await DeploymentAsync();
        var (claim, cycle) = await deployment.ClaimAndStartAsync();
        var workloads = deployment.App.Services.GetRequiredService<SyncWorkloads>();

        Assert.Equal(1, await workloads.RequestRunAsync([claim.MailboxId], claim.Direction, TimeSpan.Zero, Ct));
        await workloads.CompleteAsync(claim, cycle, NothingNew, DomainSync.SyncCadence.Default, Ct);

        var completed = await deployment.WorkloadAsync();
        Assert.Null(completed.LeaseOwner);
        Assert.NotNull(completed.LastSuccessAt);
        Assert.True(completed.NextRunAt <= deployment.App.Time.GetUtcNow(), $"next run {completed.NextRunAt:O} is not at once");
    }

    [Fact]
    public async Task ACycleWhoseWorkloadAnotherWorkerTookOverRecordsNothing()
    {
        await using var deployment = await DeploymentAsync();
        var (claim, cycle) = await deployment.ClaimAndStartAsync();
        var leaseEnd = (await deployment.WorkloadAsync()).LeaseExpiresAt!.Value;

        // Another instance finds the lease run out (this one looked dead) and claims the workload.
        await using (var db = await deployment.ContextAsync())
        {
            var dialect = deployment.App.Services.GetRequiredService<IDatabaseDialect>();
            var after = leaseEnd.AddSeconds(1);
            var taken = await dialect.ClaimSyncWorkloadsAsync(db, [claim.Direction], "other-instance", 10, after, after.AddMinutes(5), Ct);
            Assert.Equal([claim], taken);
        }

        await deployment.App.Services.GetRequiredService<SyncWorkloads>().CompleteAsync(claim, cycle, NothingNew, DomainSync.SyncCadence.Default, Ct);

        var workload = await deployment.WorkloadAsync();
        Assert.Equal("other-instance", workload.LeaseOwner);
        Assert.Equal(1, workload.EmptyCycles);
    }

    private static async Task<Deployment> DeploymentAsync()
    {
        var simulator = await ExchangeSimulatorHost.StartAsync(SimulatedDeployment.Scenario(), Ct);

        // Test & Enable runs; the synchronization worker does not, so only the test claims and completes cycles.
        var app = new ExSyncApplication { Settings = { ["Sync:Enabled"] = "false" } };
        SimulatedDeployment.Configure(app);
        await app.ServerProfiles().CreateServerProfileAsync(SimulatedExchange.Profile(simulator), Ct);
        var mailbox = await app.CreateMailboxAsync(simulator.AddExchangeMailbox("dana"));
        Assert.Equal(1, (await app.TestAndEnableAsync(mailbox.Id)).Counts.Succeeded);
        var workloads = app.Services.GetRequiredService<SyncWorkloads>();
        Assert.True(await workloads.RunNowAsync(mailbox.Id, MailboxDirection.IncomingEmail, Ct));

        // A first cycle makes the workload active; the tests' cycles are the ones after it, asked for at once.
        var deployment = new Deployment(simulator, app, mailbox.Id);
        var (claim, cycle) = await deployment.ClaimAndStartAsync();
        await workloads.CompleteAsync(claim, cycle, NothingNew, DomainSync.SyncCadence.Default, Ct);
        Assert.Equal(DomainSync.SyncWorkloadState.Active, (await deployment.WorkloadAsync()).State);
        Assert.Equal(1, await workloads.RequestRunAsync([mailbox.Id], MailboxDirection.IncomingEmail, TimeSpan.Zero, Ct));
        return deployment;
    }

    private sealed record Deployment(ExchangeSimulatorHost Simulator, ExSyncApplication App, Guid MailboxId) : IAsyncDisposable
    {
        public Task<ExSyncDbContext> ContextAsync() => App.Services.GetRequiredService<IDbContextFactory<ExSyncDbContext>>().CreateDbContextAsync(Ct);

        public async Task<(ClaimedWorkload Claim, SyncCycle Cycle)> ClaimAndStartAsync()
        {
            var now = App.Time.GetUtcNow();
            IReadOnlyList<ClaimedWorkload> claims;
            await using (var db = await ContextAsync())
            {
                var owner = App.Services.GetRequiredService<InstanceIdentity>().LeaseOwner;
                claims = await App.Services.GetRequiredService<IDatabaseDialect>()
                    .ClaimSyncWorkloadsAsync(db, [MailboxDirection.IncomingEmail], owner, 10, now, now.AddMinutes(5), Ct);
            }

            var claim = Assert.Single(claims);
            var cycles = await App.Services.GetRequiredService<SyncWorkloads>().StartAsync(claims, now, Ct);
            return (claim, cycles[claim]);
        }

        public async Task<DomainSync.SyncWorkload> WorkloadAsync()
        {
            await using var db = await ContextAsync();
            return await db.SyncWorkloads.AsNoTracking().SingleAsync(w => w.MailboxId == MailboxId && w.Direction == MailboxDirection.IncomingEmail, Ct);
        }

        public async ValueTask DisposeAsync()
        {
            await App.DisposeAsync();
            await Simulator.DisposeAsync();
        }
    }
}
