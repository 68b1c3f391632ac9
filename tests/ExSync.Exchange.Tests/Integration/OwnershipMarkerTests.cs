using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>The organization ownership marker rules of the ACT direction.</summary>
public sealed class OwnershipMarkerTests : SimulatorTestBase
{
    private async Task<(MailboxConnectivityReport Report, ConnectivityStep Step)> TestAsync(string? marker, bool takeOwnership)
    {
        Simulator.State.SetOwnerOrganizationId(Scenarios.Alice, marker);
        Simulator.Requests.Reset();
        var connection = Scenarios.Connection(Simulator);
        var report = await Client.Tester.TestAsync(new MailboxConnectivityRequest
        {
            MailboxSmtpAddress = Scenarios.Alice,
            Directions = MailboxDirections.AppointmentsContactsAndTasks,
            Incoming = connection,
            Outgoing = connection,
            OrganizationId = Scenarios.OurOrganization,
            TakeOwnership = takeOwnership,
        }, Ct);
        var act = Assert.Single(report.Steps, s => s.Id == ConnectivityStepIds.AppointmentsContactsAndTasks);
        return (report, Assert.Single(act.Children, s => s.Id == ConnectivityStepIds.OrganizationOwnership));
    }

    [Fact]
    public async Task Absent_marker_without_taking_ownership_passes_and_writes_nothing()
    {
        var (report, step) = await TestAsync(marker: null, takeOwnership: false);

        Assert.Equal(ConnectivityStepOutcome.Passed, step.Outcome);
        Assert.Contains("No ExSync organization has claimed", step.Detail, StringComparison.Ordinal);
        Assert.Null(Simulator.State.GetOwnerOrganizationId(Scenarios.Alice));
        Assert.Equal(0, Simulator.Requests.Count("UpdateFolder"));
        Assert.Equal(1, Simulator.Requests.CountForMailbox(Scenarios.Alice));
        Assert.Equal(DirectionOutcome.Passed, report.AppointmentsContactsAndTasks.Outcome);
    }

    [Fact]
    public async Task Absent_marker_with_taking_ownership_claims_the_mailbox()
    {
        var (report, step) = await TestAsync(marker: null, takeOwnership: true);

        Assert.Equal(ConnectivityStepOutcome.Passed, step.Outcome);
        Assert.Equal(Scenarios.OurOrganization, Simulator.State.GetOwnerOrganizationId(Scenarios.Alice));
        Assert.Equal(1, Simulator.Requests.Count("UpdateFolder"));
        Assert.Equal(DirectionOutcome.Passed, report.AppointmentsContactsAndTasks.Outcome);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Our_own_marker_passes_without_a_write(bool takeOwnership)
    {
        var (_, step) = await TestAsync(Scenarios.OurOrganization, takeOwnership);

        Assert.Equal(ConnectivityStepOutcome.Passed, step.Outcome);
        Assert.Contains("already synchronized with this organization", step.Detail, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.Requests.Count("UpdateFolder"));
    }

    [Fact]
    public async Task Another_organizations_marker_fails_permanently_and_names_the_switch()
    {
        var (report, step) = await TestAsync(Scenarios.OtherOrganization, takeOwnership: false);

        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.MailboxOwnedByAnotherOrganization), (step.Outcome, step.ErrorCode));
        Assert.Contains(Scenarios.OtherOrganization, step.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("from this organization only", step.Remediation, StringComparison.Ordinal);
        Assert.Equal((DirectionOutcome.Failed, ExchangeErrorClass.Permanent), (report.AppointmentsContactsAndTasks.Outcome, report.AppointmentsContactsAndTasks.Error!.ErrorClass));
        Assert.Equal(Scenarios.OtherOrganization, Simulator.State.GetOwnerOrganizationId(Scenarios.Alice));
        Assert.Equal(0, Simulator.Requests.Count("UpdateFolder"));
    }

    [Fact]
    public async Task Another_organizations_marker_is_replaced_when_taking_ownership()
    {
        var (report, step) = await TestAsync(Scenarios.OtherOrganization, takeOwnership: true);

        Assert.Equal(ConnectivityStepOutcome.Passed, step.Outcome);
        Assert.Contains($"Ownership taken from organization {Scenarios.OtherOrganization}", step.Detail, StringComparison.Ordinal);
        Assert.Equal(Scenarios.OurOrganization, Simulator.State.GetOwnerOrganizationId(Scenarios.Alice));
        Assert.Equal(DirectionOutcome.Passed, report.AppointmentsContactsAndTasks.Outcome);
        Assert.Equal(2, Simulator.Requests.CountForMailbox(Scenarios.Alice));
    }
}
