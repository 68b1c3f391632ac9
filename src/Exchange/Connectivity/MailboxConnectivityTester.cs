using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Http;
using ExSync.Exchange.Logging;
using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Connectivity;

/// <summary>
/// Test &amp; Enable for one mailbox. With a known EWS URL the full test costs at most three EWS requests
/// (GetFolder, CreateItem, DeleteItem), plus UpdateFolder when ownership is taken and CreateItem when a
/// confirmation message is sent; incoming only costs one.
/// </summary>
internal sealed class MailboxConnectivityTester : IMailboxConnectivityTester
{
    private const MailboxDirections IncomingSide = MailboxDirections.Incoming | MailboxDirections.AppointmentsContactsAndTasks;

    private readonly IEwsClient _ews;
    private readonly IExchangeAutodiscoverClient _autodiscover;
    private readonly ExchangeRequestSender _sender;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<MailboxConnectivityTester> _logger;

    public MailboxConnectivityTester(
        IEwsClient ews, IExchangeAutodiscoverClient autodiscover, ExchangeRequestSender sender, TimeProvider timeProvider,
        ILogger<MailboxConnectivityTester> logger)
    {
        _ews = ews;
        _autodiscover = autodiscover;
        _sender = sender;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<MailboxConnectivityReport> TestAsync(MailboxConnectivityRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        var startedAt = _timeProvider.GetUtcNow();
        var started = _timeProvider.GetTimestamp();
        var incomingSide = request.Directions & IncomingSide;
        var outgoingSide = request.Directions & MailboxDirections.Outgoing;

        var steps = new List<ConnectivityStep>();
        var connections = new List<ConnectionTestResult>();
        var directions = new Dictionary<MailboxDirections, DirectionResult>();
        if (incomingSide != 0 && outgoingSide != 0 && request.Incoming != request.Outgoing)
        {
            // Different settings: two independent flows, run side by side.
            var incoming = NewFlow(request, request.Incoming, incomingSide).RunAsync(cancellationToken);
            var outgoing = NewFlow(request, request.Outgoing, outgoingSide).RunAsync(cancellationToken);
            await Task.WhenAll(incoming, outgoing).ConfigureAwait(false);
            steps.Add(Group(ConnectivityStepIds.IncomingConnection, incomingSide, await incoming.ConfigureAwait(false)));
            steps.Add(Group(ConnectivityStepIds.OutgoingConnection, outgoingSide, await outgoing.ConfigureAwait(false)));
            Merge(await incoming.ConfigureAwait(false), connections, directions);
            Merge(await outgoing.ConfigureAwait(false), connections, directions);
        }
        else if (request.Directions != MailboxDirections.None)
        {
            var settings = incomingSide != 0 ? request.Incoming : request.Outgoing;
            var result = await NewFlow(request, settings, request.Directions).RunAsync(cancellationToken).ConfigureAwait(false);
            steps.AddRange(result.Steps);
            Merge(result, connections, directions);
        }

        var report = new MailboxConnectivityReport
        {
            MailboxSmtpAddress = request.MailboxSmtpAddress,
            StartedAt = startedAt,
            Duration = _timeProvider.GetElapsedTime(started),
            Incoming = Result(directions, MailboxDirections.Incoming),
            Outgoing = Result(directions, MailboxDirections.Outgoing),
            AppointmentsContactsAndTasks = Result(directions, MailboxDirections.AppointmentsContactsAndTasks),
            Connections = connections,
            Steps = steps,
        };
        Log.ConnectivityTestCompleted(_logger, request.MailboxSmtpAddress, (long)report.Duration.TotalMilliseconds,
            Describe(report.Incoming), Describe(report.Outgoing), Describe(report.AppointmentsContactsAndTasks));
        return report;
    }

    private ConnectivityFlow NewFlow(MailboxConnectivityRequest request, ExchangeConnectionSettings settings, MailboxDirections directions) =>
        new(_ews, _autodiscover, _sender, _timeProvider, request, settings, directions);

    private static void Validate(MailboxConnectivityRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.MailboxSmtpAddress, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.OrganizationId, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Incoming, nameof(request));
        ArgumentNullException.ThrowIfNull(request.Outgoing, nameof(request));
        if ((request.Directions & ~MailboxDirections.All) != 0)
        {
            throw new ArgumentException($"Unknown directions {request.Directions}.", nameof(request));
        }

        request.Incoming.Validate();
        request.Outgoing.Validate();
    }

    private static ConnectivityStep Group(string id, MailboxDirections directions, FlowResult flow)
    {
        var title = id == ConnectivityStepIds.OutgoingConnection
            ? "Outgoing email connection"
            : directions == MailboxDirections.Incoming ? "Incoming email connection"
            : directions == MailboxDirections.AppointmentsContactsAndTasks ? "Appointments, contacts and tasks connection"
            : "Incoming email and appointments, contacts and tasks connection";
        var failed = flow.Steps.FirstOrDefault(s => s.Outcome == ConnectivityStepOutcome.Failed);
        return ConnectivityFlow.Step(
            id, title, failed is null ? ConnectivityStepOutcome.Passed : ConnectivityStepOutcome.Failed,
            TimeSpan.FromTicks(flow.Steps.Sum(s => s.Duration.Ticks)),
            detail: failed is null ? "All checks passed." : $"\"{failed.Title}\" failed.",
            error: failed?.Error,
            children: flow.Steps);
    }

    private static void Merge(FlowResult flow, List<ConnectionTestResult> connections, Dictionary<MailboxDirections, DirectionResult> directions)
    {
        connections.Add(flow.Connection);
        foreach (var (direction, result) in flow.Directions)
        {
            directions[direction] = result;
        }
    }

    private static DirectionResult Result(Dictionary<MailboxDirections, DirectionResult> directions, MailboxDirections direction) =>
        directions.TryGetValue(direction, out var result) ? result : new DirectionResult(direction, DirectionOutcome.NotTested, null);

    private static string Describe(DirectionResult result) =>
        result.Error is null ? result.Outcome.ToString() : $"{result.Outcome} ({result.Error.Code})";
}
