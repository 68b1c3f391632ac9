namespace ExSync.Exchange.Autodiscover;

/// <summary>Discovery state, candidate lists and the errors autodiscover itself produces.</summary>
internal sealed partial class ExchangeAutodiscoverClient
{
    // Codes that explain a failed discovery better than a generic "nothing worked": security refusals and decisive
    // answers. The first one found becomes the result's code (after a 401, which always wins).
    private static readonly HashSet<string> DecisiveCodes =
    [
        ExchangeErrorCodes.OutboundAddressBlocked,
        ExchangeErrorCodes.AutodiscoverRedirectRejected,
        ExchangeErrorCodes.AutodiscoverRedirectLoop,
        ExchangeErrorCodes.CertificateUntrusted,
        ExchangeErrorCodes.CertificateNameMismatch,
        ExchangeErrorCodes.CertificateInvalid,
        ExchangeErrorCodes.TlsHandshakeFailed,
        ExchangeErrorCodes.InsecureHttpNotAllowed,
        ExchangeErrorCodes.InvalidTrustedCertificate,
        ExchangeErrorCodes.MailboxNotFound,
    ];

    /// <summary>The candidate URLs for a domain, in the documented order.</summary>
    internal static IEnumerable<Candidate> CandidatesFor(string domain)
    {
        foreach (var host in new[] { domain, "autodiscover." + domain })
        {
            yield return new Candidate(new Uri($"https://{host}/autodiscover/autodiscover.svc"), AutodiscoverProtocol.Soap);
            yield return new Candidate(new Uri($"https://{host}/autodiscover/autodiscover.xml"), AutodiscoverProtocol.Pox);
        }
    }

    private static ExchangeError Summarize(string mailbox, ExchangeConnectionSettings settings, List<AutodiscoverAttempt> attempts)
    {
        var tried = string.Join("; ", attempts.Select(a => $"{a.Url} → {a.Error?.Code ?? a.Outcome.ToString()}"));
        var rejectedBy = attempts.Where(a => a.Outcome == AutodiscoverAttemptOutcome.Unauthorized).Select(a => a.Url.GetLeftPart(UriPartial.Authority)).Distinct().ToArray();
        if (rejectedBy.Length > 0)
        {
            // Dynamics' pain point: a wrong password must not look like "autodiscover is not configured".
            return ExchangeErrors.Create(
                ExchangeErrorCodes.AutodiscoverAuthenticationFailed, ExchangeErrorClass.Permanent, RetryScope.None,
                $"Autodiscover for {mailbox} reached {string.Join(", ", rejectedBy)}, which rejected the credentials of {settings.Authentication.Describe()} (HTTP 401); no other candidate returned an EWS URL. Tried: {tried}.",
                "The password or user name is most likely wrong: check them and use the UPN form (user@contoso.com). If they are right, check the authentication methods of the Autodiscover virtual directory (Get-AutodiscoverVirtualDirectory | fl *Authentication*), or turn off autodiscover and enter the EWS URL.",
                httpStatus: 401);
        }

        if (attempts.Select(a => a.Error).FirstOrDefault(e => e is not null && DecisiveCodes.Contains(e.Code)) is { } decisive)
        {
            return decisive with { Message = $"Autodiscover for {mailbox} failed: {decisive.Message} Tried: {tried}." };
        }

        var domain = DomainOf(mailbox);
        return ExchangeErrors.Create(
            ExchangeErrorCodes.AutodiscoverFailed,
            attempts.Any(a => a.Error?.IsTransient == true) ? ExchangeErrorClass.Transient : ExchangeErrorClass.Permanent,
            RetryScope.None,
            $"Autodiscover could not find the EWS URL of {mailbox}. Tried: {(tried.Length == 0 ? "nothing" : tried)}.",
            $"Check that autodiscover.{domain} (or {domain}) resolves from the ExSync server and serves /autodiscover/autodiscover.svc over https with a trusted certificate (Get-ClientAccessService | fl AutoDiscoverServiceInternalUri), or turn off autodiscover and enter the EWS URL (https://<server>/EWS/Exchange.asmx) in the server profile.");
    }

    private static ExchangeError AnswerError(ErrorContext context, AutodiscoverAnswer answer)
    {
        var text = string.IsNullOrWhiteSpace(answer.ErrorMessage) ? answer.ErrorCode : $"{answer.ErrorCode}: {answer.ErrorMessage}";
        return answer.ErrorCode switch
        {
            "ServerBusy" => ExchangeErrors.ServerBusy(context, "ServerBusy", 200, null),
            "InvalidUser" =>
                ExchangeErrors.Create(ExchangeErrorCodes.MailboxNotFound, ExchangeErrorClass.Permanent, RetryScope.None,
                    $"Autodiscover at {context.Target} does not know the mailbox {context.MailboxOrDefault} ({text}).",
                    $"Check that the email address in ExSync is the mailbox's primary SMTP address (Get-Mailbox \"{context.MailboxOrDefault}\" | fl PrimarySmtpAddress)."),
            _ => ExchangeErrors.Create(ExchangeErrorCodes.AutodiscoverFailed, ExchangeErrorClass.Permanent, RetryScope.None,
                $"Autodiscover at {context.Target} answered with an error ({text}).",
                "Check the Autodiscover virtual directory and the mailbox, or turn off autodiscover and enter the EWS URL."),
        };
    }

    private static ExchangeError InvalidAddress(string address) => ExchangeErrors.Create(
        ExchangeErrorCodes.InvalidMailboxAddress, ExchangeErrorClass.Permanent, RetryScope.None,
        $"'{address}' is not an SMTP address with a domain, so autodiscover has nowhere to look.",
        "Enter the mailbox's primary SMTP address (user@contoso.com).");

    private static ExchangeError RedirectLimitExceeded(string mailbox) => ExchangeErrors.Create(
        ExchangeErrorCodes.AutodiscoverRedirectLimitExceeded, ExchangeErrorClass.Permanent, RetryScope.None,
        $"Autodiscover for {mailbox} was redirected more than {MaxRedirects} times.",
        "Check the redirects configured on the autodiscover hosts (IIS HTTP redirect, Exchange TargetAddress of mail users) for chains, or enter the EWS URL directly.");

    private static ExchangeError RedirectRejected(Uri from, Uri to) => ExchangeErrors.Create(
        ExchangeErrorCodes.AutodiscoverRedirectRejected, ExchangeErrorClass.Permanent, RetryScope.None,
        $"{from} redirected autodiscover to {to}, which is not https; ExSync does not follow it because credentials would be sent unencrypted.",
        "Configure the redirect to point to the https URL of the autodiscover service, or enter the EWS URL directly.");

    private static ExchangeError RedirectLoop(Uri from, string to) => ExchangeErrors.Create(
        ExchangeErrorCodes.AutodiscoverRedirectLoop, ExchangeErrorClass.Permanent, RetryScope.None,
        $"{from} redirected autodiscover to {to}, which was already tried; following it would loop.",
        "Check the autodiscover redirects (and the TargetAddress of mail users for address redirects), or enter the EWS URL directly.");

    internal sealed record Candidate(Uri Url, AutodiscoverProtocol Protocol);

    private enum CandidateResultKind
    {
        Settings,
        RedirectUrl,
        RedirectAddress,
        Unauthorized,
        Failed,
    }

    private sealed record CandidateResult(CandidateResultKind Kind, ExchangeError? Error, string Detail)
    {
        public string? EwsUrl { get; init; }

        public Uri? RedirectUrl { get; init; }

        public string? RedirectAddress { get; init; }

        public static CandidateResult Found(string ewsUrl) => new(CandidateResultKind.Settings, null, string.Empty) { EwsUrl = ewsUrl };

        public static CandidateResult Redirect(Uri target) => new(CandidateResultKind.RedirectUrl, null, string.Empty) { RedirectUrl = target };

        public static CandidateResult Failed(ExchangeError error) => new(CandidateResultKind.Failed, error, error.Message);
    }

    /// <summary>The moving parts of one discovery: the address asked about, the queue, what was visited, the hops.</summary>
    /// <remarks>
    /// A request is identified by URL and address together: after an address redirect within the same domain the
    /// same URLs are legitimately asked about a different address, while asking the same URL about the same address
    /// again would be a loop.
    /// </remarks>
    private sealed class DiscoveryRun
    {
        private readonly LinkedList<Candidate> _queue = new();
        private readonly HashSet<string> _visitedRequests = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<string> _visitedAddresses = new(StringComparer.OrdinalIgnoreCase);

        public DiscoveryRun(string address)
        {
            OriginalAddress = address;
            RestartWith(address);
        }

        public string OriginalAddress { get; }

        public string Address { get; private set; } = string.Empty;

        public int Hops { get; private set; }

        public bool TryNext(out Candidate candidate)
        {
            while (_queue.First is { } first)
            {
                _queue.RemoveFirst();
                if (_visitedRequests.Add(RequestKey(first.Value.Url, Address)))
                {
                    candidate = first.Value;
                    return true;
                }
            }

            candidate = null!;
            return false;
        }

        /// <summary>Counts a redirect; false when it would exceed <see cref="MaxRedirects"/>.</summary>
        public bool CountHop()
        {
            if (Hops >= MaxRedirects)
            {
                return false;
            }

            Hops++;
            return true;
        }

        public bool WasVisited(Uri url) => _visitedRequests.Contains(RequestKey(url, Address));

        public bool WasAddressVisited(string address) => _visitedAddresses.Contains(address.Trim());

        public void FollowNext(Candidate candidate) => _queue.AddFirst(candidate);

        private static string RequestKey(Uri url, string address) => $"{address}\n{url.AbsoluteUri}";

        /// <summary>An address redirect starts over with the new domain's candidates.</summary>
        public void RestartWith(string address)
        {
            Address = address.Trim();
            _visitedAddresses.Add(Address);
            _queue.Clear();
            foreach (var candidate in CandidatesFor(DomainOf(Address)!))
            {
                _queue.AddLast(candidate);
            }
        }
    }
}
