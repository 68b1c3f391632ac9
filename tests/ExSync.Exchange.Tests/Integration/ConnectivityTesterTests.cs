using System.Net;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>The Test &amp; Enable step tree, direction outcomes and round trips per mailbox.</summary>
public sealed class ConnectivityTesterTests : SimulatorTestBase
{
    private static readonly string[] ChainIds =
        [ConnectivityStepIds.ResolveServerLocation, ConnectivityStepIds.Connect, ConnectivityStepIds.Authenticate, ConnectivityStepIds.ServerVersion, ConnectivityStepIds.Impersonate];

    private MailboxConnectivityRequest Request(
        MailboxDirections directions = MailboxDirections.All, string mailbox = Scenarios.Alice, ExchangeConnectionSettings? connection = null,
        ExchangeConnectionSettings? outgoing = null, bool takeOwnership = false, bool sendTestMessage = false)
    {
        var incoming = connection ?? Scenarios.Connection(Simulator);
        return new MailboxConnectivityRequest
        {
            MailboxSmtpAddress = mailbox,
            Directions = directions,
            Incoming = incoming,
            Outgoing = outgoing ?? incoming,
            OrganizationId = Scenarios.OurOrganization,
            TakeOwnership = takeOwnership,
            SendTestMessage = sendTestMessage,
        };
    }

    private Task<MailboxConnectivityReport> TestAsync(MailboxConnectivityRequest request) => Client.Tester.TestAsync(request, Ct);

    private static ConnectivityStep Step(MailboxConnectivityReport report, string id) => Step(report.Steps, id);

    private static ConnectivityStep Step(IEnumerable<ConnectivityStep> steps, string id) =>
        steps.SelectMany(Flatten).First(s => s.Id == id);

    private static IEnumerable<ConnectivityStep> Flatten(ConnectivityStep step) => step.Children.SelectMany(Flatten).Prepend(step);

    [Fact]
    public async Task Full_test_passes_in_three_requests_and_leaves_no_draft_behind()
    {
        var report = await TestAsync(Request());

        Assert.True(report.Succeeded);
        Assert.Equal(
            [.. ChainIds, ConnectivityStepIds.Incoming, ConnectivityStepIds.Outgoing, ConnectivityStepIds.AppointmentsContactsAndTasks],
            report.Steps.Select(s => s.Id));
        Assert.All(report.Steps.SelectMany(Flatten), s => Assert.Equal(ConnectivityStepOutcome.Passed, s.Outcome));
        Assert.All([report.Incoming, report.Outgoing, report.AppointmentsContactsAndTasks], d => Assert.Equal(DirectionOutcome.Passed, d.Outcome));

        Assert.Equal(3, Simulator.Requests.CountForMailbox(Scenarios.Alice));
        Assert.Equal((1, 1, 1), (Simulator.Requests.Count("GetFolder"), Simulator.Requests.Count("CreateItem"), Simulator.Requests.Count("DeleteItem")));
        Assert.Empty(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.Drafts));

        Assert.Equal(Simulator.EwsUrl, report.EwsUrl);
        Assert.Equal(ExchangeProduct.Exchange2019, report.ServerVersion?.Product);
        Assert.Equal("Exchange Server 2019, build 15.2.1544.4.", Step(report, ConnectivityStepIds.ServerVersion).Detail);
        Assert.Contains("3 items", Step(report, ConnectivityStepIds.Incoming).Detail, StringComparison.Ordinal);
        Assert.Single(report.Connections);
    }

    [Fact]
    public async Task Incoming_only_costs_one_request_and_reports_the_rest_as_not_tested()
    {
        var report = await TestAsync(Request(MailboxDirections.Incoming));

        Assert.Equal(1, Simulator.Requests.CountForMailbox(Scenarios.Alice));
        Assert.Equal(DirectionOutcome.Passed, report.Incoming.Outcome);
        Assert.Equal(DirectionOutcome.NotTested, report.Outgoing.Outcome);
        Assert.Equal(DirectionOutcome.NotTested, report.AppointmentsContactsAndTasks.Outcome);
        Assert.Equal([.. ChainIds, ConnectivityStepIds.Incoming], report.Steps.Select(s => s.Id));
    }

    [Fact]
    public async Task The_optional_confirmation_message_is_sent_to_the_mailbox_itself()
    {
        var report = await TestAsync(Request(MailboxDirections.Outgoing, sendTestMessage: true));

        Assert.Equal(DirectionOutcome.Passed, report.Outgoing.Outcome);
        Assert.Equal(4, Simulator.Requests.CountForMailbox(Scenarios.Alice));
        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.SendTestMessage).Outcome);
        Assert.Contains(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.SentItems), i => i.Subject == "Your mailbox is now connected to ExSync");
    }

    [Theory]
    [InlineData(SimulatedExchangeVersion.Exchange2013Sp1, ExchangeProduct.Exchange2013Sp1OrLater, "15.0.847.32")]
    [InlineData(SimulatedExchangeVersion.Exchange2016, ExchangeProduct.Exchange2016, "15.1.2507.6")]
    [InlineData(SimulatedExchangeVersion.Exchange2019, ExchangeProduct.Exchange2019, "15.2.1544.4")]
    [InlineData(SimulatedExchangeVersion.ExchangeSE, ExchangeProduct.ExchangeSE, "15.2.2562.17")]
    public async Task Supported_versions_pass_the_version_gate(SimulatedExchangeVersion simulated, ExchangeProduct product, string build)
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(Scenarios.Contoso(simulated), Ct);

        var report = await Client.Tester.TestAsync(Request(connection: Scenarios.Connection(simulator)), Ct);

        Assert.True(report.Succeeded, string.Join("; ", report.Steps.SelectMany(Flatten).Where(s => s.Error is not null).Select(s => s.Error!.ToString())));
        Assert.Equal(product, report.ServerVersion?.Product);
        Assert.Equal(build, report.ServerVersion?.Build);
        Assert.Contains(build, Step(report, ConnectivityStepIds.ServerVersion).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SimulatedExchangeVersion.Exchange2010)]
    [InlineData(SimulatedExchangeVersion.Exchange2013)]
    public async Task Versions_before_2013_sp1_fail_the_version_gate_permanently(SimulatedExchangeVersion simulated)
    {
        await using var simulator = await ExchangeSimulatorHost.StartAsync(Scenarios.Contoso(simulated), Ct);

        var report = await Client.Tester.TestAsync(Request(connection: Scenarios.Connection(simulator)), Ct);

        var version = Step(report, ConnectivityStepIds.ServerVersion);
        Assert.Equal(ConnectivityStepOutcome.Failed, version.Outcome);
        Assert.Equal(ExchangeErrorCodes.UnsupportedServerVersion, version.ErrorCode);
        Assert.Contains("2013 SP1", version.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.Authenticate).Outcome);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.Impersonate).Outcome);
        Assert.All([report.Incoming, report.Outgoing, report.AppointmentsContactsAndTasks], d =>
        {
            Assert.Equal(DirectionOutcome.Failed, d.Outcome);
            Assert.Equal(ExchangeErrorClass.Permanent, d.Error!.ErrorClass);
        });
        Assert.Equal(1, simulator.Requests.Total);
    }

    [Fact]
    public async Task A_mailbox_left_on_an_older_server_fails_the_version_gate()
    {
        Simulator.State.AddMailbox(new ScenarioMailbox { SmtpAddress = "old@contoso.local", Version = SimulatedExchangeVersion.Exchange2010 });

        var report = await TestAsync(Request(mailbox: "old@contoso.local"));

        Assert.Equal(ExchangeErrorCodes.UnsupportedServerVersion, Step(report, ConnectivityStepIds.ServerVersion).ErrorCode);
        Assert.Equal(DirectionOutcome.Failed, report.Incoming.Outcome);
    }

    [Fact]
    public async Task Missing_impersonation_rights_fail_the_impersonation_step_and_skip_the_directions()
    {
        var connection = Scenarios.Connection(Simulator, Scenarios.Basic(Scenarios.LimitedUser, Scenarios.LimitedPassword));

        var report = await TestAsync(Request(mailbox: Scenarios.Bob, connection: connection));

        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.Connect).Outcome);
        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.Authenticate).Outcome);
        var impersonate = Step(report, ConnectivityStepIds.Impersonate);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.ImpersonationDenied), (impersonate.Outcome, impersonate.ErrorCode));
        Assert.Contains("New-ManagementRoleAssignment", impersonate.Remediation, StringComparison.Ordinal);
        foreach (var id in new[] { ConnectivityStepIds.Incoming, ConnectivityStepIds.Outgoing, ConnectivityStepIds.AppointmentsContactsAndTasks })
        {
            var step = Step(report, id);
            Assert.Equal(ConnectivityStepOutcome.Skipped, step.Outcome);
            Assert.Contains("Impersonate", step.Detail, StringComparison.Ordinal);
        }

        Assert.Equal((DirectionOutcome.Failed, ExchangeErrorClass.Permanent), (report.Outgoing.Outcome, report.Outgoing.Error!.ErrorClass));
        Assert.Equal(1, Simulator.Requests.Total);
    }

    [Fact]
    public async Task Wrong_credentials_fail_authentication_and_skip_everything_after_it()
    {
        var report = await TestAsync(Request(connection: Scenarios.Connection(Simulator, Scenarios.Basic(password: "wrong"))));

        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.Connect).Outcome);
        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, Step(report, ConnectivityStepIds.Authenticate).ErrorCode);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.ServerVersion).Outcome);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.Impersonate).Outcome);
        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, report.Incoming.Error?.Code);
    }

    [Fact]
    public async Task A_missing_mailbox_fails_at_impersonation()
    {
        var report = await TestAsync(Request(mailbox: Scenarios.Nobody));

        Assert.Equal(ExchangeErrorCodes.MailboxNotFound, Step(report, ConnectivityStepIds.Impersonate).ErrorCode);
        Assert.Equal(ExchangeErrorClass.Permanent, report.Incoming.Error?.ErrorClass);
    }

    [Fact]
    public async Task An_untrusted_certificate_fails_the_connect_step()
    {
        var connection = Scenarios.Connection(Simulator) with { TrustedCertificateAuthorityPem = null };

        var report = await TestAsync(Request(connection: connection));

        var connect = Step(report, ConnectivityStepIds.Connect);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.CertificateUntrusted), (connect.Outcome, connect.ErrorCode));
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.Authenticate).Outcome);
        Assert.Equal(0, Simulator.Requests.Total);
    }

    [Fact]
    public async Task A_database_failover_fails_the_directions_as_transient_so_the_api_retries()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.MailboxStoreUnavailable });

        var report = await TestAsync(Request());

        Assert.Equal(ExchangeErrorCodes.MailboxStoreUnavailable, Step(report, ConnectivityStepIds.Impersonate).ErrorCode);
        Assert.All([report.Incoming, report.Outgoing, report.AppointmentsContactsAndTasks], d =>
            Assert.Equal((DirectionOutcome.Failed, ExchangeErrorClass.Transient), (d.Outcome, d.Error!.ErrorClass)));
    }

    [Fact]
    public async Task A_throttled_request_shows_each_attempt_and_each_wait_as_a_child_of_the_step_it_timed()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.ServerBusy, Times = 2, BackOffMilliseconds = 150 });

        var report = await TestAsync(Request(MailboxDirections.Incoming));

        Assert.True(report.Succeeded);
        var connect = Step(report, ConnectivityStepIds.Connect);
        Assert.Equal(ConnectivityStepOutcome.Passed, connect.Outcome);
        Assert.True(connect.Duration >= TimeSpan.FromMilliseconds(300), $"{connect.Duration}: the waits are part of the step's time");
        Assert.Equal(["attempt.1", "attempt.2", "attempt.3"], connect.Children.Select(c => c.Id));
        Assert.Equal(["Attempt 1 of the GetFolder request", "Attempt 2 of the GetFolder request", "Attempt 3 of the GetFolder request"], connect.Children.Select(c => c.Title));
        Assert.Equal(
            [
                (ConnectivityStepOutcome.Failed, ExchangeErrorCodes.ServerBusy, true),
                (ConnectivityStepOutcome.Failed, ExchangeErrorCodes.ServerBusy, true),
                (ConnectivityStepOutcome.Passed, null, false),
            ],
            connect.Children.Select(c => (c.Outcome, c.ErrorCode, c.Detail!.StartsWith("Exchange is throttling requests", StringComparison.Ordinal))));
        Assert.EndsWith("Waited 150 ms, as Exchange asked, before attempt 2.", connect.Children[0].Detail, StringComparison.Ordinal);
        Assert.EndsWith("Waited 150 ms, as Exchange asked, before attempt 3.", connect.Children[1].Detail, StringComparison.Ordinal);
        Assert.Equal("Exchange answered.", connect.Children[2].Detail);
        Assert.All(ChainIds.Where(id => id != ConnectivityStepIds.Connect), id => Assert.Empty(Step(report, id).Children));
    }

    [Fact]
    public async Task A_retried_draft_shows_its_attempts_and_a_wait_exsync_chose_is_not_attributed_to_exchange()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "CreateItem", Kind = SimulatedFaultKind.Http503, Times = 1, BackOffMilliseconds = 0 });

        var report = await TestAsync(Request(MailboxDirections.Outgoing));

        Assert.True(report.Succeeded);
        Assert.Empty(Step(report, ConnectivityStepIds.Connect).Children);
        Assert.Empty(Step(report, ConnectivityStepIds.DeleteDraft).Children);
        var attempts = Step(report, ConnectivityStepIds.CreateDraft).Children;
        Assert.Equal(
            [("Attempt 1 of the CreateItem request", ExchangeErrorCodes.ServiceUnavailable), ("Attempt 2 of the CreateItem request", null)],
            attempts.Select(a => (a.Title, a.ErrorCode)));
        Assert.Matches(@" Waited \d+ ms before attempt 2\.$", attempts[0].Detail);
    }

    [Fact]
    public async Task A_back_off_beyond_the_connection_timeout_shows_the_one_attempt_and_why_it_was_not_retried()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.ServerBusy, Times = 0, BackOffMilliseconds = 60_000 });

        var report = await TestAsync(Request(MailboxDirections.Incoming, connection: Scenarios.Connection(Simulator, timeout: TimeSpan.FromSeconds(5))));

        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.ServerBusy), (Step(report, ConnectivityStepIds.Impersonate).Outcome, Step(report, ConnectivityStepIds.Impersonate).ErrorCode));
        var attempt = Assert.Single(Step(report, ConnectivityStepIds.Connect).Children);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.ServerBusy), (attempt.Outcome, attempt.ErrorCode));
        Assert.EndsWith(
            "Not retried: waiting 60,000 ms for the next attempt would end after the connection timeout of the server profile.", attempt.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outgoing_failure_does_not_fail_incoming_and_skips_the_steps_after_it()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "CreateItem", Kind = SimulatedFaultKind.SoapFault, ResponseCode = "ErrorAccessDenied", Message = "Access is denied." });

        var report = await TestAsync(Request(sendTestMessage: true));

        Assert.Equal(DirectionOutcome.Passed, report.Incoming.Outcome);
        Assert.Equal(DirectionOutcome.Passed, report.AppointmentsContactsAndTasks.Outcome);
        Assert.Equal((DirectionOutcome.Failed, ExchangeErrorCodes.AccessDenied), (report.Outgoing.Outcome, report.Outgoing.Error?.Code));
        Assert.Equal(ConnectivityStepOutcome.Failed, Step(report, ConnectivityStepIds.CreateDraft).Outcome);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.DeleteDraft).Outcome);
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.SendTestMessage).Outcome);
        Assert.Equal(0, Simulator.Requests.Count("DeleteItem"));
    }

    [Fact]
    public async Task Different_incoming_and_outgoing_settings_run_two_flows_grouped_by_connection()
    {
        var incoming = Scenarios.Connection(Simulator, Scenarios.Basic());
        var outgoing = Scenarios.Connection(Simulator, Scenarios.Ntlm());

        var report = await TestAsync(Request(connection: incoming, outgoing: outgoing));

        Assert.True(report.Succeeded);
        Assert.Equal([ConnectivityStepIds.IncomingConnection, ConnectivityStepIds.OutgoingConnection], report.Steps.Select(s => s.Id));
        Assert.Equal([.. ChainIds, ConnectivityStepIds.Incoming, ConnectivityStepIds.AppointmentsContactsAndTasks], report.Steps[0].Children.Select(s => s.Id));
        Assert.Equal([.. ChainIds, ConnectivityStepIds.Outgoing], report.Steps[1].Children.Select(s => s.Id));
        Assert.Equal(2, report.Connections.Count);
        Assert.Equal(2, Simulator.Requests.Count("GetFolder", Scenarios.Alice));
        Assert.Equal(4, Simulator.Requests.CountForMailbox(Scenarios.Alice));
    }

    [Fact]
    public async Task A_configured_url_with_a_port_override_uses_the_override()
    {
        Client.MapHostAddress("mail.contoso.local", IPAddress.Loopback);
        var connection = Scenarios.Connection(Simulator) with
        {
            EwsUrl = new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
            Port = Simulator.EwsUrl.Port,
        };

        var report = await TestAsync(Request(MailboxDirections.Incoming, connection: connection));

        Assert.True(report.Succeeded, report.Incoming.Error?.Message);
        Assert.Equal(new Uri($"https://mail.contoso.local:{Simulator.EwsUrl.Port}/EWS/Exchange.asmx"), report.EwsUrl);
    }

    [Fact]
    public async Task Autodiscover_is_used_when_no_url_is_configured_and_each_candidate_is_a_child_step()
    {
        Client.MapHost("autodiscover.contoso.local", Simulator.HttpsBaseAddress);
        var connection = Scenarios.Connection(Simulator) with { EwsUrl = null };

        var report = await TestAsync(Request(MailboxDirections.Incoming, connection: connection));

        Assert.True(report.Succeeded, report.Incoming.Error?.Message);
        var resolve = Step(report, ConnectivityStepIds.ResolveServerLocation);
        Assert.Equal(["autodiscoverAttempt.1", "autodiscoverAttempt.2", "autodiscoverAttempt.3"], resolve.Children.Select(c => c.Id));
        Assert.Equal(ExchangeErrorCodes.HostNotFound, resolve.Children[0].ErrorCode);
        Assert.Equal(ConnectivityStepOutcome.Passed, resolve.Children[2].Outcome);
        Assert.Equal(Simulator.EwsUrl, report.EwsUrl);
        Assert.True(report.Connections[0].UsedAutodiscover);
        Assert.Equal(1, Simulator.Requests.CountForMailbox(Scenarios.Alice));
    }

    [Fact]
    public async Task Failed_autodiscover_fails_location_and_skips_the_chain()
    {
        var connection = Scenarios.Connection(Simulator) with { EwsUrl = null };

        var report = await TestAsync(Request(connection: connection));

        var resolve = Step(report, ConnectivityStepIds.ResolveServerLocation);
        Assert.Equal((ConnectivityStepOutcome.Failed, ExchangeErrorCodes.AutodiscoverFailed), (resolve.Outcome, resolve.ErrorCode));
        Assert.Equal(4, resolve.Children.Count);
        Assert.All(ChainIds.Skip(1), id => Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, id).Outcome));
        Assert.Equal(ExchangeErrorCodes.AutodiscoverFailed, report.Incoming.Error?.Code);
        Assert.Null(report.EwsUrl);
    }

    [Fact]
    public async Task Only_requested_directions_read_their_folders()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.ItemError, ResponseCode = "ErrorFolderNotFound", Message = "not found" });

        var report = await TestAsync(Request(MailboxDirections.AppointmentsContactsAndTasks));

        Assert.Equal(ConnectivityStepOutcome.Passed, Step(report, ConnectivityStepIds.Impersonate).Outcome);
        Assert.Equal((DirectionOutcome.Failed, ExchangeErrorCodes.FolderNotFound), (report.AppointmentsContactsAndTasks.Outcome, report.AppointmentsContactsAndTasks.Error?.Code));
        Assert.Equal(ConnectivityStepOutcome.Skipped, Step(report, ConnectivityStepIds.OrganizationOwnership).Outcome);
        Assert.Equal(0, Simulator.Requests.Count("UpdateFolder"));
    }
}
