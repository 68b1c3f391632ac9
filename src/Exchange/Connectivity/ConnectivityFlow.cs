using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Http;

namespace ExSync.Exchange.Connectivity;

/// <summary>What one connection flow produced.</summary>
internal sealed record FlowResult(
    IReadOnlyList<ConnectivityStep> Steps,
    ConnectionTestResult Connection,
    IReadOnlyDictionary<MailboxDirections, DirectionResult> Directions);

/// <summary>
/// Tests one connection (one set of connection settings) for some directions of a mailbox. The first GetFolder
/// reads every folder the directions need and, by succeeding or by how it fails, shows whether connect/TLS,
/// authentication, the server version and impersonation work: one request covers all of them.
/// </summary>
internal sealed partial class ConnectivityFlow
{
    private readonly IEwsClient _ews;
    private readonly IExchangeAutodiscoverClient _autodiscover;
    private readonly ExchangeRequestSender _sender;
    private readonly TimeProvider _timeProvider;
    private readonly MailboxConnectivityRequest _request;
    private readonly ExchangeConnectionSettings _settings;
    private readonly MailboxDirections _directions;

    public ConnectivityFlow(
        IEwsClient ews, IExchangeAutodiscoverClient autodiscover, ExchangeRequestSender sender, TimeProvider timeProvider,
        MailboxConnectivityRequest request, ExchangeConnectionSettings settings, MailboxDirections directions)
    {
        _ews = ews;
        _autodiscover = autodiscover;
        _sender = sender;
        _timeProvider = timeProvider;
        _request = request;
        _settings = settings;
        _directions = directions;
    }

    private string Mailbox => _request.MailboxSmtpAddress;

    public async Task<FlowResult> RunAsync(CancellationToken cancellationToken)
    {
        var steps = new List<ConnectivityStep>();

        // 1. Where is EWS?
        var (locationStep, ewsUrl) = await ResolveLocationAsync(cancellationToken).ConfigureAwait(false);
        steps.Add(locationStep);
        if (ewsUrl is null)
        {
            steps.AddRange(ChainSteps(failedAt: null, error: null, TimeSpan.Zero, null, ewsUrl: null, skippedBecause: locationStep.Title, attempts: []));
            return Failed(steps, locationStep.Error!, ewsUrl: null, version: null, skippedBecause: locationStep.Title);
        }

        // 2. One GetFolder: connect, TLS, authentication, version, impersonation and every folder.
        var target = new EwsTarget(ewsUrl, _settings, Mailbox);
        var call = await TraceAsync(() => _ews.GetFolderAsync(target, BuildFolderRequest(), cancellationToken)).ConfigureAwait(false);
        var (response, error) = (call.Result, call.Error);
        var version = response?.ServerVersion;
        if (error is null)
        {
            // A known but unsupported version explains everything after it, so it wins over per-folder symptoms;
            // a missing version only matters once the mailbox itself could be opened.
            var mailboxFailure = MailboxLevelFailure(response!);
            error = version is { IsSupported: false } ? ExchangeErrors.UnsupportedVersionDetected(version)
                : mailboxFailure ?? (version is null ? ExchangeErrors.UnsupportedVersionDetected(null) : null);
        }

        var failedAt = error is null ? (Stage?)null : StageOf(error.Code);
        var chain = ChainSteps(failedAt, error, call.Duration, version, ewsUrl, skippedBecause: null, call.Attempts);
        steps.AddRange(chain);
        if (error is not null)
        {
            var failedTitle = chain.First(s => s.Outcome == ConnectivityStepOutcome.Failed).Title;
            return Failed(steps, error, ewsUrl, version, failedTitle);
        }

        // 3. The directions.
        var results = new Dictionary<MailboxDirections, DirectionResult>();
        if (_directions.HasFlag(MailboxDirections.Incoming))
        {
            var step = TestIncoming(response!);
            steps.Add(step);
            results[MailboxDirections.Incoming] = ToDirectionResult(MailboxDirections.Incoming, step);
        }

        if (_directions.HasFlag(MailboxDirections.Outgoing))
        {
            var step = await TestOutgoingAsync(target, response!, cancellationToken).ConfigureAwait(false);
            steps.Add(step);
            results[MailboxDirections.Outgoing] = ToDirectionResult(MailboxDirections.Outgoing, step);
        }

        if (_directions.HasFlag(MailboxDirections.AppointmentsContactsAndTasks))
        {
            var step = await TestAppointmentsContactsAndTasksAsync(target, response!, cancellationToken).ConfigureAwait(false);
            steps.Add(step);
            results[MailboxDirections.AppointmentsContactsAndTasks] = ToDirectionResult(MailboxDirections.AppointmentsContactsAndTasks, step);
        }

        return new FlowResult(steps, new ConnectionTestResult(_directions, ewsUrl, _settings.UseAutodiscover, version), results);
    }

    private async Task<(ConnectivityStep Step, Uri? EwsUrl)> ResolveLocationAsync(CancellationToken cancellationToken)
    {
        if (_settings.EwsUrl is { } configured)
        {
            try
            {
                _sender.EnsureUrlAllowed(configured);
                var url = _settings.ApplyPortOverride(configured);
                return (Step(ConnectivityStepIds.ResolveServerLocation, "Use the configured EWS URL", ConnectivityStepOutcome.Passed,
                    detail: $"EWS URL {url}"), url);
            }
            catch (ExchangeException exception)
            {
                return (Step(ConnectivityStepIds.ResolveServerLocation, "Use the configured EWS URL", ConnectivityStepOutcome.Failed,
                    error: exception.Error), null);
            }
        }

        var started = _timeProvider.GetTimestamp();
        var result = await _autodiscover.DiscoverEwsUrlAsync(Mailbox, _settings, cancellationToken).ConfigureAwait(false);
        var children = result.Attempts.Select((attempt, index) => Step(
            $"{ConnectivityStepIds.AutodiscoverAttempt}.{index + 1}",
            $"{(attempt.Protocol == AutodiscoverProtocol.Soap ? "SOAP" : "POX")} autodiscover request to {attempt.Url}" +
                (string.Equals(attempt.Mailbox, Mailbox, StringComparison.OrdinalIgnoreCase) ? string.Empty : $" for {attempt.Mailbox}"),
            attempt.Outcome is AutodiscoverAttemptOutcome.Succeeded or AutodiscoverAttemptOutcome.Redirected
                ? ConnectivityStepOutcome.Passed : ConnectivityStepOutcome.Failed,
            attempt.Duration,
            detail: attempt.Detail,
            error: attempt.Error)).ToArray();
        var duration = _timeProvider.GetElapsedTime(started);
        const string Title = "Find the EWS URL with autodiscover";
        if (result.EwsUrl is { } discovered)
        {
            var url = _settings.ApplyPortOverride(discovered);
            return (Step(ConnectivityStepIds.ResolveServerLocation, Title, ConnectivityStepOutcome.Passed, duration,
                detail: $"Autodiscover returned {discovered}" + (url == discovered ? "." : $"; using {url} (port override)."), children: children), url);
        }

        return (Step(ConnectivityStepIds.ResolveServerLocation, Title, ConnectivityStepOutcome.Failed, duration, error: result.Error, children: children), null);
    }

    private GetFolderRequest BuildFolderRequest()
    {
        var folders = new List<EwsFolderId>();
        if (_directions.HasFlag(MailboxDirections.Incoming))
        {
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.Inbox));
        }

        if (_directions.HasFlag(MailboxDirections.Outgoing))
        {
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.Drafts));
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.SentItems));
        }

        var act = _directions.HasFlag(MailboxDirections.AppointmentsContactsAndTasks);
        if (act)
        {
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.Calendar));
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.Contacts));
            folders.Add(EwsFolderId.Distinguished(DistinguishedFolderName.Tasks));
            folders.Add(OwnershipMarker.Folder);
        }

        return new GetFolderRequest
        {
            Folders = folders,
            BaseShape = BaseShape.Default,
            AdditionalExtendedProperties = act ? [OwnershipMarker.Property] : [],
        };
    }

    /// <summary>
    /// When every folder failed with the same mailbox-level error (some servers report a missing mailbox or a
    /// denied impersonation per item rather than as a fault), the mailbox could not be opened at all.
    /// </summary>
    private static ExchangeError? MailboxLevelFailure(GetFolderResponse response)
    {
        var errors = response.Folders.Select(f => f.Error).ToArray();
        if (errors.Any(e => e is null) || errors.Select(e => e!.Code).Distinct().Count() != 1)
        {
            return null;
        }

        var error = errors[0]!;
        return StageOf(error.Code) <= Stage.Impersonate && error.Code is not (ExchangeErrorCodes.AccessDenied or ExchangeErrorCodes.FolderNotFound)
            ? error
            : null;
    }

    private FlowResult Failed(List<ConnectivityStep> steps, ExchangeError error, Uri? ewsUrl, ExchangeServerVersion? version, string skippedBecause)
    {
        var results = new Dictionary<MailboxDirections, DirectionResult>();
        foreach (var (direction, id, title) in DirectionSteps())
        {
            steps.Add(Step(id, title, ConnectivityStepOutcome.Skipped, detail: $"Skipped because \"{skippedBecause}\" failed."));
            results[direction] = new DirectionResult(direction, DirectionOutcome.Failed, error);
        }

        return new FlowResult(steps, new ConnectionTestResult(_directions, ewsUrl, _settings.UseAutodiscover, version), results);
    }

    private IEnumerable<(MailboxDirections Direction, string Id, string Title)> DirectionSteps()
    {
        if (_directions.HasFlag(MailboxDirections.Incoming))
        {
            yield return (MailboxDirections.Incoming, ConnectivityStepIds.Incoming, IncomingTitle);
        }

        if (_directions.HasFlag(MailboxDirections.Outgoing))
        {
            yield return (MailboxDirections.Outgoing, ConnectivityStepIds.Outgoing, OutgoingTitle);
        }

        if (_directions.HasFlag(MailboxDirections.AppointmentsContactsAndTasks))
        {
            yield return (MailboxDirections.AppointmentsContactsAndTasks, ConnectivityStepIds.AppointmentsContactsAndTasks, ActTitle);
        }
    }

    private static DirectionResult ToDirectionResult(MailboxDirections direction, ConnectivityStep step) =>
        step.Outcome == ConnectivityStepOutcome.Passed
            ? new DirectionResult(direction, DirectionOutcome.Passed, null)
            : new DirectionResult(direction, DirectionOutcome.Failed, step.Error ?? FirstError(step));

    private static ExchangeError? FirstError(ConnectivityStep step) =>
        step.Error ?? step.Children.Select(FirstError).FirstOrDefault(e => e is not null);

    internal static ConnectivityStep Step(
        string id, string title, ConnectivityStepOutcome outcome, TimeSpan duration = default, string? detail = null,
        ExchangeError? error = null, IReadOnlyList<ConnectivityStep>? children = null) => new()
    {
        Id = id,
        Title = title,
        Outcome = outcome,
        Duration = duration,
        Detail = detail,
        Error = error,
        Children = children ?? [],
    };
}
