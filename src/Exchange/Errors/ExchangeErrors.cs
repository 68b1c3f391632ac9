using System.Globalization;

namespace ExSync.Exchange;

/// <summary>
/// Builds every <see cref="ExchangeError"/> with its code, class, retry scope, message and remediation, so wording
/// and classification live in one place. The classifier decides which of these applies.
/// </summary>
internal static partial class ExchangeErrors
{
    private const string SupportedVersions = "Exchange Server 2013 SP1 or later, Exchange Server 2016, Exchange Server 2019 and Exchange Server SE";

    public static ExchangeError Create(
        string code, ExchangeErrorClass errorClass, RetryScope scope, string message, string remediation,
        string? responseCode = null, int? httpStatus = null, TimeSpan? backOff = null) => new()
    {
        Code = code,
        ErrorClass = errorClass,
        RetryScope = errorClass == ExchangeErrorClass.Permanent ? RetryScope.None : scope,
        Message = message,
        Remediation = remediation,
        ResponseCode = responseCode,
        HttpStatusCode = httpStatus,
        BackOff = backOff,
    };

    private static ExchangeError Permanent(string code, string message, string remediation, string? responseCode = null, int? httpStatus = null) =>
        Create(code, ExchangeErrorClass.Permanent, RetryScope.None, message, remediation, responseCode, httpStatus);

    // ---- Configuration and outbound safety ----------------------------------------------------------------------

    public static ExchangeError InvalidUrl(string url, string reason) => Permanent(
        ExchangeErrorCodes.InvalidEwsUrl,
        $"'{url}' cannot be used as an Exchange URL: {reason}.",
        "Enter the full EWS URL, for example https://mail.contoso.com/EWS/Exchange.asmx, or turn on autodiscover.");

    public static ExchangeError InsecureHttp(Uri url) => Permanent(
        ExchangeErrorCodes.InsecureHttpNotAllowed,
        $"The URL {url.GetLeftPart(UriPartial.Path)} uses plain http, which would send credentials unencrypted.",
        "Use the https URL of the EWS virtual directory. (ExchangeClientOptions.AllowInsecureHttp exists for local development only.)");

    public static ExchangeError InvalidTrustedCertificate(string detail) => Permanent(
        ExchangeErrorCodes.InvalidTrustedCertificate,
        $"The trusted certificate authority configured for this connection could not be read: {detail}.",
        "Paste the CA certificate in PEM form (the text between -----BEGIN CERTIFICATE----- and -----END CERTIFICATE-----, inclusive). Export it from the issuing CA or from the certificate chain of the Exchange server's certificate.");

    public static ExchangeError OutboundBlocked(string host, string address, Http.AddressVerdict verdict)
    {
        var setting = verdict.Kind switch
        {
            Http.BlockedAddressKind.Loopback => $"If this really is your Exchange server, allow it with ExchangeClientOptions.OutboundPolicy.AllowLoopback or add \"{address}/32\" to OutboundPolicy.AllowedNetworks.",
            Http.BlockedAddressKind.PrivateNetwork => $"On-premises Exchange normally has a private address: add its subnet (for example \"{address}/32\" or the whole server subnet) to ExchangeClientOptions.OutboundPolicy.AllowedNetworks, or set OutboundPolicy.AllowPrivateNetworks.",
            _ => "ExSync never connects to such addresses, whatever the configuration. Check the URL and the DNS record of the host.",
        };
        return Permanent(
            ExchangeErrorCodes.OutboundAddressBlocked,
            $"ExSync refused to connect to {host} because it resolves to {address}, which is {verdict.Reason}.",
            setting);
    }

    // ---- Network and TLS ----------------------------------------------------------------------------------------

    public static ExchangeError HostNotFound(ErrorContext context) => Permanent(
        ExchangeErrorCodes.HostNotFound,
        $"The host name {context.Host} does not exist in DNS (as seen from the ExSync server).",
        "Check the spelling of the host name in the URL, and that the ExSync server uses a DNS server that knows your internal Exchange names (split-horizon DNS).");

    public static ExchangeError DnsFailed(ErrorContext context, string detail) => Create(
        ExchangeErrorCodes.DnsResolutionFailed, ExchangeErrorClass.Transient, RetryScope.AnyOperation,
        $"The host name {context.Host} could not be resolved right now ({detail}).",
        "This is usually temporary. If it persists, check the DNS servers configured on the ExSync server.");

    public static ExchangeError ConnectionRefused(ErrorContext context) => Create(
        ExchangeErrorCodes.ConnectionRefused, ExchangeErrorClass.Transient, RetryScope.AnyOperation,
        $"{context.Host} refused the connection on port {context.Url?.Port}.",
        "Check that the port is right (443 for https) and that IIS on the Exchange server is running. ExSync will retry.");

    public static ExchangeError ConnectionFailed(ErrorContext context, string detail) => Create(
        ExchangeErrorCodes.ConnectionFailed, ExchangeErrorClass.Transient, RetryScope.AnyOperation,
        $"Could not open a connection to {context.Host} on port {context.Url?.Port} ({detail}).",
        "Check that the server is reachable from the ExSync server: firewalls, routing and the port. ExSync will retry.");

    public static ExchangeError ConnectionDropped(ErrorContext context, string detail) => Create(
        ExchangeErrorCodes.ConnectionDropped, ExchangeErrorClass.Transient, RetryScope.IdempotentOnly,
        $"The connection to {context.Host} was closed before the response to {context.Operation} was complete ({detail}).",
        "Usually temporary (an IIS recycle or a load balancer timeout). If it repeats, check load balancer idle timeouts and the IIS logs on the Exchange server.");

    public static ExchangeError Timeout(ErrorContext context, TimeSpan timeout, ExchangeError? lastError)
    {
        var last = lastError is null ? string.Empty : $" The last attempt failed with {lastError.Code}: {lastError.Message}";
        return Create(
            ExchangeErrorCodes.Timeout, ExchangeErrorClass.Transient, RetryScope.IdempotentOnly,
            $"{context.Operation} at {context.Target} did not complete within the connection timeout of {timeout.TotalSeconds:0.#} s.{last}",
            "If the server is just slow, raise the server profile's connection timeout (up to 100 s). Otherwise check the network path and the load on the Exchange server.");
    }

    public static ExchangeError TlsHandshakeFailed(ErrorContext context, string detail) => Permanent(
        ExchangeErrorCodes.TlsHandshakeFailed,
        $"A TLS connection to {context.Host}:{context.Url?.Port} could not be negotiated ({detail}).",
        "Check that the URL points to the https port of IIS, and that Exchange allows TLS 1.2 or later (older protocols are disabled on the ExSync server).");

    public static ExchangeError CertificateRejected(Http.CertificateRejection rejection)
    {
        var certificate = rejection.Subject.Length == 0
            ? string.Empty
            : string.Create(CultureInfo.InvariantCulture, $" Certificate: subject '{rejection.Subject}', issued by '{rejection.Issuer}', valid {rejection.NotBefore:yyyy-MM-dd} to {rejection.NotAfter:yyyy-MM-dd}.");
        var remediation = rejection.Code switch
        {
            ExchangeErrorCodes.CertificateUntrusted =>
                "If Exchange uses a certificate from your internal CA, add that CA's certificate (PEM) to the server profile as the trusted certificate authority. Otherwise install a certificate from a public CA on the Exchange server (Enable-ExchangeCertificate -Services IIS).",
            ExchangeErrorCodes.CertificateNameMismatch =>
                "Use the host name that the certificate was issued for in the URL, or add this host name to the certificate's subject alternative names.",
            _ => "Renew or replace the Exchange server's IIS certificate (New-ExchangeCertificate / Enable-ExchangeCertificate -Services IIS).",
        };
        return Permanent(rejection.Code, $"The TLS certificate of {rejection.Host} was rejected: {rejection.Detail}.{certificate}", remediation);
    }

    // ---- HTTP ---------------------------------------------------------------------------------------------------

    public static ExchangeError AuthenticationFailed(ErrorContext context, IReadOnlyCollection<string> offeredSchemes)
    {
        var offered = offeredSchemes.Count == 0 ? string.Empty : $" The server offers: {string.Join(", ", offeredSchemes)}.";
        var (message, remediation) = context.Authentication switch
        {
            HybridModernAuthentication oauth => (
                $"{context.Target} rejected the OAuth token of application {oauth.ClientId} (HTTP 401).{offered}",
                $"Check that Hybrid Modern Auth is enabled on Exchange (2013 CU19+ / 2016 CU8+, OAuth enabled on the EWS virtual directory), that the application has the full_access_as_app permission with admin consent, and that the resource URI ('{oauth.ResourceUri}') matches the Exchange host."),
            ServiceAccountAuthentication account => (
                $"{context.Target} rejected the credentials of {account.UserName} using {account.Protocol} (HTTP 401).{offered}",
                account.Protocol switch
                {
                    AuthenticationProtocol.Basic =>
                        "Check the user name and password; use the UPN form (user@contoso.com) rather than DOMAIN\\user. Basic authentication must be enabled on the EWS virtual directory (Set-WebServicesVirtualDirectory -BasicAuthentication $true), or choose NTLM. Also check that the account is not locked out and its password has not expired.",
                    _ =>
                        "Check the user name and password; the UPN form (user@contoso.com) is the most reliable. Windows authentication (NTLM/Negotiate) must be enabled on the EWS virtual directory (Set-WebServicesVirtualDirectory -WindowsAuthentication $true). Also check that the account is not locked out and its password has not expired.",
                }),
            _ => ($"{context.Target} rejected the request (HTTP 401).{offered}", "Check the credentials of the server profile."),
        };
        return Permanent(ExchangeErrorCodes.AuthenticationFailed, message, remediation, httpStatus: 401);
    }

    public static ExchangeError AccessForbidden(ErrorContext context) => Permanent(
        ExchangeErrorCodes.AccessForbidden,
        $"{context.Target} refused access to {context.Account} (HTTP 403).",
        "EWS may be disabled for the account (Set-CASMailbox <account> -EwsEnabled $true) or blocked by an EWS application access policy (Get-OrganizationConfig | fl Ews*), or IIS requires a client certificate or restricts client IP addresses on the EWS virtual directory.",
        httpStatus: 403);

    public static ExchangeError EndpointNotFound(ErrorContext context, int status) => Permanent(
        ExchangeErrorCodes.EwsEndpointNotFound,
        $"There is no EWS endpoint at {context.Target} (HTTP {status}).",
        "The EWS URL normally ends in /EWS/Exchange.asmx (check with Get-WebServicesVirtualDirectory | fl InternalUrl,ExternalUrl), or turn on autodiscover.",
        httpStatus: status);

    public static ExchangeError UnexpectedRedirect(ErrorContext context, int status, Uri? location) => Permanent(
        ExchangeErrorCodes.UnexpectedRedirect,
        $"{context.Target} answered with a redirect (HTTP {status}) to {location?.GetLeftPart(UriPartial.Path) ?? "an unspecified location"}; EWS never redirects, so this is probably not the EWS endpoint or it sits behind a login portal.",
        "Use the EWS URL itself (…/EWS/Exchange.asmx) and make sure no reverse proxy applies forms-based pre-authentication to /EWS.",
        httpStatus: status);

    public static ExchangeError ServiceUnavailable(ErrorContext context, int status, TimeSpan? retryAfter) => Create(
        ExchangeErrorCodes.ServiceUnavailable, ExchangeErrorClass.Transient,
        status == 503 ? RetryScope.AnyOperation : RetryScope.IdempotentOnly,
        $"{context.Target} is temporarily unavailable (HTTP {status}).",
        "Usually temporary (the EWS application pool is restarting or overloaded, or a load balancer has no healthy server). ExSync will retry; if it persists, check the MSExchangeServicesAppPool on the Exchange server.",
        httpStatus: status, backOff: retryAfter);

    public static ExchangeError UnexpectedHttpStatus(ErrorContext context, int status) => Create(
        ExchangeErrorCodes.UnexpectedHttpStatus,
        status >= 500 ? ExchangeErrorClass.Transient : ExchangeErrorClass.Permanent, RetryScope.IdempotentOnly,
        $"{context.Target} answered {context.Operation} with HTTP {status}, which EWS does not use.",
        "Check that the URL points to Exchange EWS directly and not to another web application or proxy.",
        httpStatus: status);

    public static ExchangeError UnexpectedResponse(ErrorContext context, string detail, int? status) => Permanent(
        ExchangeErrorCodes.UnexpectedResponse,
        $"{context.Target} did not answer {context.Operation} with an EWS SOAP response ({detail}).",
        "Check that the URL points to Exchange EWS (…/EWS/Exchange.asmx) and that no proxy or login portal answers in its place.",
        httpStatus: status);

    public static ExchangeError MalformedResponse(ErrorContext context, string detail, int? status) => Create(
        ExchangeErrorCodes.MalformedResponse, ExchangeErrorClass.Transient, RetryScope.IdempotentOnly,
        $"The response of {context.Target} to {context.Operation} could not be read ({detail}).",
        "Usually a truncated response; ExSync will retry. If it persists, check proxies or load balancers between ExSync and Exchange.",
        httpStatus: status);
}
