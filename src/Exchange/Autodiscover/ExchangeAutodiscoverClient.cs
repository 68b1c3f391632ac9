using System.Net;
using System.Net.Http;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Http;
using ExSync.Exchange.Logging;
using ExSync.Exchange.Telemetry;
using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Autodiscover;

/// <summary>
/// Autodiscover as the EWS Managed API does it, minus the parts that do not apply to a Linux server (SCP lookup in
/// Active Directory) or that weaken security (plain-http redirect probing, redirects to http).
/// </summary>
/// <remarks>
/// The unauthenticated <c>GET …/autodiscover.xml</c> probe for <c>X-SOAP-Enabled</c> is deliberately skipped: it only
/// tells a client whether to try SOAP, and ExSync tries SOAP first and falls back to POX on the same host when SOAP
/// fails, which reaches the same answer with one request fewer per host in the common case (every supported Exchange
/// version serves SOAP autodiscover).
/// </remarks>
internal sealed partial class ExchangeAutodiscoverClient : IExchangeAutodiscoverClient
{
    /// <summary>Redirect hops followed at most (the Managed API's AutodiscoverMaxRedirections).</summary>
    public const int MaxRedirects = 10;

    private readonly ExchangeHttpClientProvider _clients;
    private readonly ExchangeRequestSender _sender;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ExchangeAutodiscoverClient> _logger;

    public ExchangeAutodiscoverClient(
        ExchangeHttpClientProvider clients, ExchangeRequestSender sender, TimeProvider timeProvider, ILogger<ExchangeAutodiscoverClient> logger)
    {
        _clients = clients;
        _sender = sender;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task<AutodiscoverResult> DiscoverEwsUrlAsync(
        string mailboxSmtpAddress, ExchangeConnectionSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var attempts = new List<AutodiscoverAttempt>();
        if (DomainOf(mailboxSmtpAddress) is null)
        {
            return Finish(mailboxSmtpAddress, null, InvalidAddress(mailboxSmtpAddress), attempts);
        }

        ConnectionProfile profile;
        try
        {
            profile = _clients.GetProfile(settings);
        }
        catch (ExchangeException exception)
        {
            return Finish(mailboxSmtpAddress, null, exception.Error, attempts);
        }

        // One budget for the whole discovery: the profile's connection timeout.
        using var budget = new CancellationTokenSource(settings.ConnectionTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var run = new DiscoveryRun(mailboxSmtpAddress);
        ExchangeError? terminal = null;

        while (terminal is null && run.TryNext(out var candidate))
        {
            var started = _timeProvider.GetTimestamp();
            CandidateResult result;
            try
            {
                result = await TryCandidateAsync(profile, settings, candidate, run.Address, linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var timeout = ExchangeErrors.Timeout(
                    new ErrorContext("autodiscover", candidate.Url, settings.Authentication, run.Address), settings.ConnectionTimeout, null);
                Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, "no answer within the connection timeout", timeout, started);
                break;
            }

            switch (result.Kind)
            {
                case CandidateResultKind.Settings:
                    var ewsUrl = ValidateEwsUrl(result.EwsUrl!, out var urlError);
                    if (ewsUrl is not null)
                    {
                        Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Succeeded, $"EWS URL {ewsUrl}", null, started);
                        return Finish(mailboxSmtpAddress, ewsUrl, null, attempts);
                    }

                    Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, urlError!.Message, urlError, started);
                    break;

                case CandidateResultKind.RedirectUrl:
                    terminal = FollowUrlRedirect(run, candidate, result, attempts, started);
                    break;

                case CandidateResultKind.RedirectAddress:
                    terminal = FollowAddressRedirect(run, candidate, result, attempts, started);
                    break;

                case CandidateResultKind.Unauthorized:
                    Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Unauthorized, result.Detail, result.Error, started);
                    break;

                default:
                    Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, result.Detail, result.Error, started);
                    break;
            }
        }

        return Finish(mailboxSmtpAddress, null, terminal ?? Summarize(mailboxSmtpAddress, settings, attempts), attempts);
    }

    private ExchangeError? FollowUrlRedirect(
        DiscoveryRun run, Candidate candidate, CandidateResult result, List<AutodiscoverAttempt> attempts, long started)
    {
        var target = result.RedirectUrl!;
        if (!run.CountHop())
        {
            var limit = RedirectLimitExceeded(run.OriginalAddress);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, $"redirect to {target} not followed: {limit.Message}", limit, started);
            return limit;
        }

        if (target.Scheme != Uri.UriSchemeHttps)
        {
            var rejected = RedirectRejected(candidate.Url, target);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, rejected.Message, rejected, started);
            return null;
        }

        if (run.WasVisited(target))
        {
            var loop = RedirectLoop(candidate.Url, target.AbsoluteUri);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, loop.Message, loop, started);
            return null;
        }

        Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Redirected,
            $"redirected to {target} (redirect {run.Hops} of at most {MaxRedirects})", null, started);
        run.FollowNext(new Candidate(target, ProtocolFor(target, candidate.Protocol)));
        return null;
    }

    private ExchangeError? FollowAddressRedirect(
        DiscoveryRun run, Candidate candidate, CandidateResult result, List<AutodiscoverAttempt> attempts, long started)
    {
        var address = result.RedirectAddress;
        if (!run.CountHop())
        {
            var limit = RedirectLimitExceeded(run.OriginalAddress);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, $"redirect to {address} not followed: {limit.Message}", limit, started);
            return limit;
        }

        if (address is null || DomainOf(address) is null)
        {
            var invalid = InvalidAddress(address ?? string.Empty);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, invalid.Message, invalid, started);
            return null;
        }

        // Equal to the current address, or one already tried: following it would loop.
        if (run.WasAddressVisited(address))
        {
            var loop = RedirectLoop(candidate.Url, address);
            Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Failed, loop.Message, loop, started);
            return null;
        }

        Record(attempts, candidate, run.Address, AutodiscoverAttemptOutcome.Redirected,
            $"redirected to the address {address} (redirect {run.Hops} of at most {MaxRedirects})", null, started);
        run.RestartWith(address);
        return null;
    }

    private async Task<CandidateResult> TryCandidateAsync(
        ConnectionProfile profile, ExchangeConnectionSettings settings, Candidate candidate, string address, CancellationToken cancellationToken)
    {
        using var telemetry = ExchangeTelemetry.StartRequest("Autodiscover", settings.Limit, candidate.Url);
        var result = await TryCandidateUntracedAsync(profile, settings, candidate, address, cancellationToken).ConfigureAwait(false);
        if (result.Error is { } error)
        {
            telemetry.Failed(error);
        }
        else
        {
            telemetry.Succeeded();
        }

        return result;
    }

    private async Task<CandidateResult> TryCandidateUntracedAsync(
        ConnectionProfile profile, ExchangeConnectionSettings settings, Candidate candidate, string address, CancellationToken cancellationToken)
    {
        var context = new ErrorContext($"autodiscover ({candidate.Protocol})", candidate.Url, settings.Authentication, address);
        var body = candidate.Protocol == AutodiscoverProtocol.Soap
            ? AutodiscoverXml.WriteSoapRequest(candidate.Url, address)
            : AutodiscoverXml.WritePoxRequest(address);

        HttpResponseMessage response;
        try
        {
            response = await _sender.PostXmlAsync(
                profile, candidate.Url, body, anchorMailbox: null, context, cancellationToken, CredentialTiming.OnChallenge).ConfigureAwait(false);
        }
        catch (ExchangeException exception)
        {
            return CandidateResult.Failed(exception.Error);
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (status is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                return CandidateResult.Redirect(location.IsAbsoluteUri ? location : new Uri(candidate.Url, location));
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                var error = ExchangeErrorClassifier.FromHttpStatus(response, context);
                return new CandidateResult(CandidateResultKind.Unauthorized, error, $"HTTP 401: {error.Message}");
            }

            AutodiscoverAnswer answer;
            try
            {
                if (candidate.Protocol == AutodiscoverProtocol.Soap && (status == 200 || status == 500))
                {
                    var envelope = EwsResponseReader.ReadEnvelope(response.Content.ReadAsStream(cancellationToken));
                    if (envelope.Fault is { } fault)
                    {
                        return CandidateResult.Failed(ExchangeErrorClassifier.FromFault(fault, context, status, null));
                    }

                    if (status != 200 || envelope.BodyContent is null)
                    {
                        return CandidateResult.Failed(ExchangeErrorClassifier.FromHttpStatus(response, context));
                    }

                    answer = AutodiscoverXml.ParseSoapResponse(envelope.BodyContent);
                }
                else if (candidate.Protocol == AutodiscoverProtocol.Pox && status == 200)
                {
                    answer = AutodiscoverXml.ParsePoxResponse(response.Content.ReadAsStream(cancellationToken));
                }
                else
                {
                    return CandidateResult.Failed(ExchangeErrorClassifier.FromHttpStatus(response, context));
                }
            }
            catch (EwsResponseFormatException exception)
            {
                return CandidateResult.Failed(ExchangeErrorClassifier.FromFormatException(exception, context, status));
            }

            return answer.Kind switch
            {
                AutodiscoverAnswerKind.Settings => CandidateResult.Found(
                    _sender.Options.PreferExternalEwsUrl
                        ? NonEmpty(answer.ExternalEwsUrl) ?? answer.InternalEwsUrl!
                        : NonEmpty(answer.InternalEwsUrl) ?? answer.ExternalEwsUrl!),
                AutodiscoverAnswerKind.RedirectUrl when Uri.TryCreate(answer.RedirectTarget, UriKind.Absolute, out var target) =>
                    CandidateResult.Redirect(target),
                AutodiscoverAnswerKind.RedirectAddress => new CandidateResult(CandidateResultKind.RedirectAddress, null, string.Empty)
                {
                    RedirectAddress = answer.RedirectTarget,
                },
                _ => CandidateResult.Failed(AnswerError(context, answer)),
            };
        }
    }

    private Uri? ValidateEwsUrl(string url, out ExchangeError? error)
    {
        error = null;
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
        {
            error = ExchangeErrors.InvalidUrl(url, "autodiscover returned an EWS URL that is not absolute");
            return null;
        }

        try
        {
            _sender.EnsureUrlAllowed(uri);
            return uri;
        }
        catch (ExchangeException exception)
        {
            error = exception.Error;
            return null;
        }
    }

    private AutodiscoverResult Finish(string mailbox, Uri? ewsUrl, ExchangeError? error, List<AutodiscoverAttempt> attempts)
    {
        if (ewsUrl is not null)
        {
            Log.AutodiscoverSucceeded(_logger, ewsUrl.AbsoluteUri, mailbox, attempts.Count);
        }
        else if (error is not null)
        {
            Log.AutodiscoverFailed(_logger, mailbox, attempts.Count, error.Code, error.ErrorClass);
        }

        return new AutodiscoverResult(ewsUrl, error, attempts);
    }

    private void Record(
        List<AutodiscoverAttempt> attempts, Candidate candidate, string address, AutodiscoverAttemptOutcome outcome, string detail,
        ExchangeError? error, long started)
    {
        attempts.Add(new AutodiscoverAttempt(candidate.Url, candidate.Protocol, address, outcome, detail, error, _timeProvider.GetElapsedTime(started)));
        Log.AutodiscoverAttempt(_logger, candidate.Protocol.ToString(), candidate.Url.AbsoluteUri, address, outcome.ToString(), error?.Code);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    internal static string? DomainOf(string? address)
    {
        var at = address?.LastIndexOf('@') ?? -1;
        var domain = at > 0 && at < address!.Length - 1 ? address[(at + 1)..].Trim() : null;
        return domain is not null && Uri.CheckHostName(domain) == UriHostNameType.Dns ? domain.ToLowerInvariant() : null;
    }

    internal static AutodiscoverProtocol ProtocolFor(Uri url, AutodiscoverProtocol fallback) =>
        url.AbsolutePath.EndsWith(".svc", StringComparison.OrdinalIgnoreCase) ? AutodiscoverProtocol.Soap
        : url.AbsolutePath.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) ? AutodiscoverProtocol.Pox
        : fallback;
}
