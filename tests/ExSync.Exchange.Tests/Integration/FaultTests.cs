using System.Diagnostics;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;
using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Every injected fault yields the right code and class, and retries honour back-off and deadlines.</summary>
public sealed class FaultTests : SimulatorTestBase
{
    private void Inject(SimulatedFaultKind kind, int times, string operation = "GetFolder", int backOffMilliseconds = 0, string? mailbox = null) =>
        Simulator.State.AddFault(new ScenarioFault
        {
            Operation = operation,
            Kind = kind,
            Times = times,
            BackOffMilliseconds = backOffMilliseconds,
            Mailbox = mailbox,
        });

    [Fact]
    public async Task Server_busy_is_retried_after_the_servers_back_off_and_then_succeeds()
    {
        Inject(SimulatedFaultKind.ServerBusy, times: 2, backOffMilliseconds: 150);
        var stopwatch = Stopwatch.StartNew();

        var response = await GetInboxAsync();

        Assert.True(response.Folders[0].Succeeded);
        Assert.Equal(3, Simulator.Requests.Count("GetFolder", Scenarios.Alice));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(300), $"only {stopwatch.Elapsed} elapsed: the back-off was not honoured");
    }

    [Fact]
    public async Task Throttling_that_clears_logs_one_line_per_retry_without_a_stack_trace()
    {
        Inject(SimulatedFaultKind.ServerBusy, times: 2, backOffMilliseconds: 150);

        await GetInboxAsync();

        AssertNoStackTraceAndNoNull(Client.Logs.AtOrAbove(LogLevel.Information).Concat(ExSyncLines()));
        Assert.Equal(
            [
                $"[Information] ExSync.Exchange.Ews.EwsClient: EWS GetFolder for {Scenarios.Alice}: ServerBusy (EWS ErrorServerBusy, HTTP 500); retry 1 in 150 ms ",
                $"[Information] ExSync.Exchange.Ews.EwsClient: EWS GetFolder for {Scenarios.Alice}: ServerBusy (EWS ErrorServerBusy, HTTP 500); retry 2 in 150 ms ",
            ],
            Client.Logs.AtOrAbove(LogLevel.Information).Intersect(ExSyncLines()));
    }

    [Fact]
    public async Task A_failed_call_is_logged_with_only_what_the_server_said()
    {
        Inject(SimulatedFaultKind.Http503, times: 0, backOffMilliseconds: 10);
        Inject(SimulatedFaultKind.DropConnection, times: 1, operation: "CreateItem");

        await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync());
        await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.CreateMessageAsync(
            Scenarios.Target(Simulator), new CreateMessageRequest { Disposition = MessageDisposition.SaveOnly, Subject = "s" }, Ct));

        // (IHttpClientFactory's own request logging reports the dropped connection with its exception; hosts can
        // raise its category, see src/Exchange/README.md.)
        AssertNoStackTraceAndNoNull(ExSyncLines());
        var warnings = Client.Logs.AtOrAbove(LogLevel.Warning).Intersect(ExSyncLines()).ToArray();
        Assert.Equal(2, warnings.Length);
        Assert.EndsWith("ms: ServiceUnavailable (Transient; HTTP 503) ", warnings[0], StringComparison.Ordinal);
        Assert.EndsWith("ms: ConnectionDropped (Transient; no response; outcome unknown) ", warnings[1], StringComparison.Ordinal);
        Assert.Contains(Client.Logs.Lines, line => line.Contains("ServiceUnavailable (HTTP 503); retry 4 in ", StringComparison.Ordinal));
    }

    /// <summary>What ExSync's Exchange client logged, at every level.</summary>
    private IEnumerable<string> ExSyncLines() => Client.Logs.Lines.Where(line => line.Contains("] ExSync.Exchange.", StringComparison.Ordinal));

    private static void AssertNoStackTraceAndNoNull(IEnumerable<string> lines)
    {
        var printed = lines.ToArray();
        Assert.NotEmpty(printed);
        Assert.All(printed, line =>
        {
            Assert.DoesNotContain("   at ", line, StringComparison.Ordinal);
            Assert.DoesNotContain("(null)", line, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Server_busy_with_a_back_off_beyond_the_deadline_fails_at_once_as_transient()
    {
        Inject(SimulatedFaultKind.ServerBusy, times: 0, backOffMilliseconds: 60_000);
        var stopwatch = Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, timeout: TimeSpan.FromSeconds(5))));

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"{stopwatch.Elapsed} elapsed: it slept towards the deadline");
        Assert.Equal(ExchangeErrorCodes.ServerBusy, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
        Assert.Equal(TimeSpan.FromMinutes(1), exception.Error.BackOff);
        Assert.Equal("ErrorServerBusy", exception.Error.ResponseCode);
        Assert.Equal(1, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task Http_503_is_retried_then_reported_as_transient_service_unavailable()
    {
        Inject(SimulatedFaultKind.Http503, times: 0, backOffMilliseconds: 10);

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync());

        Assert.Equal(ExchangeErrorCodes.ServiceUnavailable, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
        Assert.Equal(503, exception.Error.HttpStatusCode);
        Assert.Equal(5, Simulator.Requests.Count("GetFolder")); // first attempt + MaxRetryAttempts (4)
    }

    [Fact]
    public async Task A_single_503_is_absorbed_by_a_retry()
    {
        Inject(SimulatedFaultKind.Http503, times: 1, backOffMilliseconds: 10);

        var response = await GetInboxAsync();

        Assert.True(response.Folders[0].Succeeded);
    }

    [Fact]
    public async Task A_dropped_connection_is_retried_for_reads()
    {
        Inject(SimulatedFaultKind.DropConnection, times: 1);

        var response = await GetInboxAsync();

        Assert.True(response.Folders[0].Succeeded);
        Assert.Equal(2, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task A_dropped_connection_is_not_retried_for_create_item_because_the_message_may_exist()
    {
        Inject(SimulatedFaultKind.DropConnection, times: 0, operation: "CreateItem");

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.CreateMessageAsync(Scenarios.Target(Simulator), new CreateMessageRequest
        {
            Disposition = MessageDisposition.SendAndSaveCopy,
            Subject = "once only",
            ToRecipients = [Scenarios.Alice],
        }, Ct));

        Assert.Equal(ExchangeErrorCodes.ConnectionDropped, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
        Assert.True(exception.Error.OutcomeUnknown);
        Assert.Equal(1, Simulator.Requests.Count("CreateItem"));
    }

    [Fact]
    public async Task Throttled_create_item_is_retried_because_exchange_did_not_process_it()
    {
        Inject(SimulatedFaultKind.ServerBusy, times: 1, operation: "CreateItem", backOffMilliseconds: 20);

        var created = await Client.Ews.CreateMessageAsync(Scenarios.Target(Simulator), new CreateMessageRequest
        {
            Disposition = MessageDisposition.SaveOnly,
            SavedItemFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Drafts),
            Subject = "after throttling",
        }, Ct);

        Assert.NotNull(created.ItemId);
        Assert.Equal(2, Simulator.Requests.Count("CreateItem"));
        Assert.Single(Simulator.State.GetItems(Scenarios.Alice, SimulatedFolder.Drafts));
    }

    [Fact]
    public async Task Mailbox_store_unavailable_is_transient()
    {
        Inject(SimulatedFaultKind.MailboxStoreUnavailable, times: 0);

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync());

        Assert.Equal(ExchangeErrorCodes.MailboxStoreUnavailable, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
        Assert.Equal("ErrorMailboxStoreUnavailable", exception.Error.ResponseCode);
    }

    [Fact]
    public async Task Mailbox_move_in_progress_and_exceeded_connection_count_are_transient()
    {
        Inject(SimulatedFaultKind.MailboxMoveInProgress, times: 0, mailbox: Scenarios.Alice);
        Inject(SimulatedFaultKind.ExceededConnectionCount, times: 0, mailbox: Scenarios.Bob);

        var move = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, Scenarios.Alice)));
        var connections = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, Scenarios.Bob)));

        Assert.Equal((ExchangeErrorCodes.MailboxMoveInProgress, ExchangeErrorClass.Transient), (move.Error.Code, move.Error.ErrorClass));
        Assert.Equal((ExchangeErrorCodes.TooManyConcurrentConnections, ExchangeErrorClass.Transient), (connections.Error.Code, connections.Error.ErrorClass));
    }

    [Fact]
    public async Task Internal_server_error_with_inner_server_busy_is_throttling_and_retried()
    {
        Inject(SimulatedFaultKind.InternalServerError, times: 1, backOffMilliseconds: 50);

        var response = await GetInboxAsync();

        Assert.True(response.Folders[0].Succeeded);
        Assert.Equal(2, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task A_missing_mailbox_is_permanent_and_not_retried()
    {
        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, Scenarios.Nobody)));

        Assert.Equal(ExchangeErrorCodes.MailboxNotFound, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.Contains(Scenarios.Nobody, exception.Error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task Impersonation_without_the_role_is_permanent_and_names_the_fix()
    {
        var target = Scenarios.Target(Simulator, Scenarios.Bob, Scenarios.Basic(Scenarios.LimitedUser, Scenarios.LimitedPassword));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(target));

        Assert.Equal(ExchangeErrorCodes.ImpersonationDenied, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.Contains("ApplicationImpersonation", exception.Error.Remediation, StringComparison.Ordinal);
        Assert.Equal(1, Simulator.Requests.Count("GetFolder"));
    }

    [Fact]
    public async Task A_wrong_password_is_a_permanent_authentication_failure_and_not_retried()
    {
        var target = Scenarios.Target(Simulator, authentication: Scenarios.Basic(password: "wrong"));

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(target));

        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
        Assert.Equal(401, exception.Error.HttpStatusCode);
        Assert.Equal(1, Simulator.Requests.AuthenticationChallenges);
        Assert.DoesNotContain("wrong", exception.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_hanging_server_is_cut_off_at_the_connection_timeout()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.Hang, Times = 0 });
        var stopwatch = Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => GetInboxAsync(Scenarios.Target(Simulator, timeout: TimeSpan.FromSeconds(1))));

        Assert.Equal(ExchangeErrorCodes.Timeout, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, exception.Error.ErrorClass);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_an_exchange_error()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.Hang, Times = 0 });
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client.Ews.GetFolderAsync(Scenarios.Target(Simulator, timeout: TimeSpan.FromSeconds(30)), Inbox(), cancellation.Token));
    }

    [Fact]
    public async Task Soap_faults_and_per_item_errors_carry_the_ews_response_code()
    {
        Simulator.State.AddFault(new ScenarioFault { Operation = "FindItem", Kind = SimulatedFaultKind.SoapFault, ResponseCode = "ErrorAccessDenied", Message = "Access is denied." });
        Simulator.State.AddFault(new ScenarioFault { Operation = "GetFolder", Kind = SimulatedFaultKind.ItemError, ResponseCode = "ErrorFolderNotFound", Message = "The specified folder could not be found in the store." });

        var fault = await Assert.ThrowsAsync<ExchangeException>(() => Client.Ews.FindItemAsync(Scenarios.Target(Simulator),
            new FindItemRequest { ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox) }, Ct));
        var perItem = await GetInboxAsync();

        Assert.Equal((ExchangeErrorCodes.AccessDenied, "ErrorAccessDenied", 500), (fault.Error.Code, fault.Error.ResponseCode, fault.Error.HttpStatusCode));
        var itemError = perItem.Folders[0].Error;
        Assert.NotNull(itemError);
        Assert.Equal((ExchangeErrorCodes.FolderNotFound, "ErrorFolderNotFound", 200), (itemError.Code, itemError.ResponseCode, itemError.HttpStatusCode));
    }
}
