using ExSync.Domain.Common;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.Organization;
using ExSync.Domain.Sync;
using static ExSync.Domain.Tests.Builders;

namespace ExSync.Domain.Tests;

public sealed class SyncWorkloadTests
{
    private static readonly SyncCadence Cadence = SyncCadence.Default;

    private static SyncCycleOutcome Found(int items) => new(items, 0, 0, null);

    private static SyncCycleOutcome Failed(bool transient) => new(0, 0, 0, new SyncError("ErrorX", "It failed.", "Fix it.", transient, Now));

    [Fact]
    public void EmptyCyclesDoubleTheWaitUpToTheIdleIntervalAndMailResetsIt()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);
        var waits = new List<TimeSpan>();
        for (var cycle = 0; cycle < 5; cycle++)
        {
            workload.Complete(Found(0), Cadence, TimeSpan.Zero, Now, Now.AddSeconds(3));
            waits.Add(workload.NextRunAt - Now);
        }

        // Counted from the cycle's start, not its end: a slow mailbox does not push its own schedule back.
        Assert.Equal([TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(8), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10)], waits);

        workload.Complete(Found(3), Cadence, TimeSpan.Zero, Now, Now.AddSeconds(3));
        Assert.Equal(Now + Cadence.ActiveInterval, workload.NextRunAt);
        Assert.Equal(0, workload.EmptyCycles);
        Assert.Equal(3, workload.ItemsProcessedTotal);
    }

    [Fact]
    public void TheProfilesMinimumPollingIntervalIsTheFloor()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);

        workload.Complete(Found(5), Cadence, TimeSpan.FromMinutes(30), Now, Now.AddSeconds(1));

        Assert.Equal(Now.AddMinutes(30), workload.NextRunAt);
    }

    [Fact]
    public void ABacklogContinuesAtOnce()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);

        workload.Complete(new SyncCycleOutcome(2_000, 0, 350, null), Cadence, TimeSpan.FromMinutes(30), Now, Now.AddSeconds(40));

        Assert.Equal(Now.AddSeconds(40), workload.NextRunAt);
        Assert.Equal(350, workload.Backlog);
    }

    [Fact]
    public void ARunAskedForDuringTheCycleRunsAtOnceEvenAtTheCyclesStartInstantButNotBeforeExchangesBackOff()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.OutgoingEmail, Now);

        // Asked at the very instant the cycle started: the time says nothing; the revision that moved does.
        workload.RequestRun(Now, Now);
        workload.Complete(Found(1), Cadence, TimeSpan.Zero, Now, Now.AddSeconds(1));
        Assert.Equal(Now.AddMinutes(2), workload.NextRunAt);
        workload.RequestRun(Now, Now);
        workload.Complete(Found(1), Cadence, TimeSpan.Zero, Now, Now.AddSeconds(1), requestedDuringCycle: true);
        Assert.Equal(Now.AddSeconds(1), workload.NextRunAt);

        // Throttled: the run asked for waits for the pause Exchange asked for.
        workload.RequestRun(Now.AddSeconds(2), Now.AddSeconds(2));
        workload.Complete(Failed(transient: true) with { RetryNotSooner = TimeSpan.FromMinutes(5) }, Cadence, TimeSpan.Zero, Now, Now.AddSeconds(3), requestedDuringCycle: true);
        Assert.Equal(Now.AddSeconds(3).AddMinutes(5), workload.NextRunAt);
    }

    [Fact]
    public void WorkDueAtASetTimeBringsTheNextRunForward()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.OutgoingEmail, Now);

        workload.Complete(Found(1) with { DueAgainAt = Now.AddSeconds(30) }, Cadence, TimeSpan.FromMinutes(5), Now, Now.AddSeconds(1));

        Assert.Equal(Now.AddSeconds(30), workload.NextRunAt);
    }

    [Fact]
    public void TransientErrorsRetryWithExponentialBackOffAndFailOnlyAfterSeveralInARow()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);
        var cadence = Cadence with { TransientErrorsBeforeFailure = 3 };

        Assert.Equal(SyncHealthChange.Changed, workload.Complete(Failed(transient: true), cadence, TimeSpan.Zero, Now, Now));
        Assert.Equal(SyncWorkloadState.Retrying, workload.State);
        Assert.Equal(Now + TimeSpan.FromSeconds(30), workload.NextRunAt);

        Assert.Equal(SyncHealthChange.None, workload.Complete(Failed(transient: true), cadence, TimeSpan.Zero, Now, Now));
        Assert.Equal(Now + TimeSpan.FromSeconds(60), workload.NextRunAt);

        Assert.Equal(SyncHealthChange.StartedFailing, workload.Complete(Failed(transient: true), cadence, TimeSpan.Zero, Now, Now));
        Assert.Equal(SyncWorkloadState.Failing, workload.State);
        Assert.Equal(Now + TimeSpan.FromSeconds(120), workload.NextRunAt);
    }

    [Fact]
    public void APermanentErrorFailsAtOnceProbingGoesOnCappedAndSuccessRecovers()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);

        Assert.Equal(SyncHealthChange.StartedFailing, workload.Complete(Failed(transient: false), Cadence, TimeSpan.Zero, Now, Now));
        Assert.Equal(Now + Cadence.ProbeInterval, workload.NextRunAt);
        for (var i = 0; i < 20; i++)
        {
            workload.Complete(Failed(transient: false), Cadence, TimeSpan.Zero, Now, Now);
        }

        Assert.Equal(Now + Cadence.ProbeIntervalCap, workload.NextRunAt);
        Assert.Equal(21, workload.ConsecutiveErrors);

        Assert.Equal(SyncHealthChange.Recovered, workload.Complete(Found(0), Cadence, TimeSpan.Zero, Now, Now));
        Assert.Equal(SyncWorkloadState.Active, workload.State);
        Assert.Equal(0, workload.ConsecutiveErrors);
        Assert.Equal("ErrorX", workload.LastError!.Code);
    }

    [Fact]
    public void ARunRequestedDuringACycleRunsAgainAtOnceAndOneRequestedBeforeItIsConsumed()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);
        workload.RequestRun(Now.AddSeconds(5), Now.AddSeconds(6));

        workload.Complete(Found(1), Cadence, TimeSpan.Zero, startedAt: Now.AddSeconds(2), now: Now.AddSeconds(8));
        Assert.Equal(Now.AddSeconds(8), workload.NextRunAt);
        Assert.NotNull(workload.RunRequestedAt);

        workload.Complete(Found(1), Cadence, TimeSpan.Zero, startedAt: Now.AddSeconds(9), now: Now.AddSeconds(10));
        Assert.Equal(Now.AddSeconds(9) + Cadence.ActiveInterval, workload.NextRunAt);
        Assert.Null(workload.RunRequestedAt);
    }

    [Fact]
    public void APausedWorkloadResumesDueAtOnceWithACleanSlate()
    {
        var workload = SyncWorkload.Create(Guid.NewGuid(), SyncDirection.IncomingEmail, Now);
        workload.Complete(Failed(transient: false), Cadence, TimeSpan.Zero, Now, Now);

        Assert.True(workload.Pause());
        Assert.False(workload.Pause());
        Assert.True(workload.Resume(Now.AddHours(1)));

        Assert.Equal(SyncWorkloadState.NotStarted, workload.State);
        Assert.Equal(Now.AddHours(1), workload.NextRunAt);
        Assert.Equal(0, workload.ConsecutiveErrors);
    }

    [Fact]
    public void AnItemIsGivenUpAfterTheMaximumAttemptsAndItsOwnWriteIsRecognised()
    {
        var link = ExchangeItemLink.Create(Guid.NewGuid(), "AAMk=", SyncFolder.Inbox, Now);
        for (var attempt = 1; attempt < 5; attempt++)
        {
            Assert.False(link.Fail(ItemReasons.Malformed, 5, Now));
            Assert.Equal(ItemLinkState.Failed, link.State);
        }

        Assert.True(link.Fail(ItemReasons.Malformed, 5, Now));
        Assert.Equal(ItemLinkState.Undeliverable, link.State);
        Assert.True(link.StampPending);

        link.Stamped("AAMk=", "CQAAABYA", Now);
        Assert.True(link.IsEchoOf("CQAAABYA"));
        Assert.False(link.IsEchoOf("CQAAABYB"));
        Assert.False(link.IsEchoOf(null));
    }

    [Theory]
    [MemberData(nameof(MailboxStates))]
    public void TheQueryAndTheInMemoryRuleAgreeOnWhichMailboxesAreSynchronized(string name, Func<(Mailbox Mailbox, bool ProfileActive, bool Approval)> arrange)
    {
        var (mailbox, profileActive, approval) = arrange();
        var profile = profileActive ? Profile() : InactiveProfile();
        var organization = OrganizationEmailSettings.CreateDefault(Guid.NewGuid(), Now);
        Arrange(organization, nameof(OrganizationEmailSettings.ProcessEmailsOnlyForApprovedUsers), approval);
        Arrange(mailbox, nameof(Mailbox.ServerProfileId), profile.Id);

        foreach (var direction in new[] { SyncDirection.IncomingEmail, SyncDirection.OutgoingEmail, SyncDirection.AppointmentsContactsAndTasks })
        {
            var inMemory = SyncEligibility.Synchronizes(mailbox, profile, organization, direction);
            var query = SyncEligibility.Query(direction, organization, profileActive ? [profile.Id] : []).Compile()(mailbox);
            Assert.True(inMemory == query, $"{name}, {direction}: the rule says {inMemory}, the query {query}");
        }
    }

    public static TheoryData<string, Func<(Mailbox Mailbox, bool ProfileActive, bool Approval)>> MailboxStates() => new()
    {
        { "enabled and approved", () => (Enabled(approved: true), true, true) },
        { "enabled, not approved, approval required", () => (Enabled(approved: false), true, true) },
        { "enabled, not approved, approval not required", () => (Enabled(approved: false), true, false) },
        { "enabled, profile inactive", () => (Enabled(approved: true), false, true) },
        { "not enabled", () => (NotEnabled(), true, false) },
        { "inactive", () => (Enabled(approved: true, state: RecordState.Inactive), true, true) },
    };

    private static Mailbox NotEnabled()
    {
        var profile = Profile();
        return Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile), profile, null, Now);
    }

    private static Mailbox Enabled(bool approved, RecordState state = RecordState.Active)
    {
        var profile = Profile();
        var mailbox = Mailbox.Create(Guid.NewGuid(), SyncedMailboxSettings(profile) with { State = state }, profile, null, Now);
        Arrange(mailbox, nameof(Mailbox.EnabledForIncomingEmail), true);
        Arrange(mailbox, nameof(Mailbox.EnabledForAct), true);
        if (approved)
        {
            mailbox.ApproveEmail(Now);
        }

        return mailbox;
    }
}
