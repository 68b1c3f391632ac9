using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using ExSync.Exchange.Authentication;
using Microsoft.Extensions.Options;

namespace ExSync.Exchange.Http;

/// <summary>
/// Sends one SOAP/XML request to Exchange (EWS or autodiscover) with the right headers and credentials, and turns
/// transport failures into classified errors. No retries here: those belong to the caller's pipeline.
/// </summary>
internal sealed class ExchangeRequestSender
{
    private const string XmlContentType = "text/xml; charset=utf-8";

    private readonly ExchangeHttpClientProvider _clients;
    private readonly OAuthTokenProvider _tokens;
    private readonly ExchangeConnectionPolicy _policy;
    private readonly ExchangeClientOptions _options;

    public ExchangeRequestSender(ExchangeHttpClientProvider clients, OAuthTokenProvider tokens, ExchangeConnectionPolicy policy, IOptions<ExchangeClientOptions> options)
    {
        _clients = clients;
        _tokens = tokens;
        _policy = policy;
        _options = options.Value;
    }

    public ExchangeClientOptions Options => _options;

    /// <summary>Throws unless <paramref name="url"/> is absolute https (or http with AllowInsecureHttp).</summary>
    public void EnsureUrlAllowed(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            throw new ExchangeException(ExchangeErrors.InvalidUrl(url.OriginalString, "it must be an absolute https URL"));
        }

        if (url.UserInfo.Length > 0)
        {
            // Credentials in a URL end up in logs and error messages; they belong in the profile's authentication.
            throw new ExchangeException(ExchangeErrors.InvalidUrl(url.GetLeftPart(UriPartial.Scheme) + url.Host, "it contains a user name or password"));
        }

        if (url.Scheme == Uri.UriSchemeHttp && !_options.AllowInsecureHttp)
        {
            throw new ExchangeException(ExchangeErrors.InsecureHttp(url));
        }
    }

    /// <summary>
    /// POSTs <paramref name="body"/> and returns the buffered response (the caller disposes it). Throws
    /// <see cref="ExchangeException"/> for transport failures; lets cancellation through as <see cref="OperationCanceledException"/>.
    /// </summary>
    /// <param name="profile">The prepared connection profile.</param>
    /// <param name="url">The EWS or autodiscover URL.</param>
    /// <param name="body">The UTF-8 XML body.</param>
    /// <param name="anchorMailbox">The X-AnchorMailbox value, if any.</param>
    /// <param name="errorContext">For error messages.</param>
    /// <param name="cancellationToken">Cancels the request (the caller's deadline).</param>
    /// <param name="credentials">
    /// When Basic and Bearer credentials are sent. EWS gets them pre-emptively (the URL is the administrator's Exchange
    /// server, and it saves a round trip per request). Autodiscover candidates include the bare mail domain, which is
    /// often a public web site run by someone else: they get Basic or Bearer only after answering 401 with a
    /// challenge for that scheme, so credentials are never handed to a host that did not ask for them.
    /// NTLM and Negotiate are challenge-based anyway.
    /// </param>
    public async Task<HttpResponseMessage> PostXmlAsync(
        ConnectionProfile profile, Uri url, ArraySegment<byte> body, string? anchorMailbox, ErrorContext errorContext,
        CancellationToken cancellationToken, CredentialTiming credentials = CredentialTiming.Preemptive)
    {
        var sendCredentials = credentials == CredentialTiming.Preemptive;
        while (true)
        {
            var response = await SendOnceAsync(profile, url, body, anchorMailbox, sendCredentials, errorContext, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                return response;
            }

            if (!sendCredentials && Challenges(response, profile))
            {
                response.Dispose();
                sendCredentials = true;
                continue;
            }

            if (sendCredentials && profile.OAuth is { } rejected)
            {
                // The token may have been revoked or issued for a stale configuration; fetch a fresh one next time.
                _tokens.Invalidate(rejected);
            }

            return response;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(
        ConnectionProfile profile, Uri url, ArraySegment<byte> body, string? anchorMailbox, bool sendCredentials, ErrorContext errorContext,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version11, // NTLM authenticates the connection; HTTP/2 cannot carry it
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body.Array!, body.Offset, body.Count),
        };

        // Exactly this string: some servers and proxies compare it literally.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", XmlContentType);
        request.Headers.TryAddWithoutValidation("Accept", "text/xml");
        request.Headers.TryAddWithoutValidation("User-Agent", "ExSync/1.0");
        if (anchorMailbox is not null)
        {
            // Routes the request to the mailbox's server; without it impersonated calls can fail with 500/503.
            request.Headers.TryAddWithoutValidation("X-AnchorMailbox", anchorMailbox);
        }

        if (sendCredentials && profile.BasicCredentials is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
        else if (sendCredentials && profile.OAuth is { } oauth)
        {
            var token = await _tokens.GetAccessTokenAsync(profile, oauth, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            // Each request, challenge round trips included, holds one of the server's connection slots while it is in flight.
            using var slot = await _policy.AcquireAsync(profile.Settings.Limit, cancellationToken).ConfigureAwait(false);
            var client = _clients.CreateClient(profile);
            return await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            var error = ExchangeErrorClassifier.FromException(exception, errorContext, profile.Handler.CertificateValidator);
            if (error is null)
            {
                throw;
            }

            throw new ExchangeException(error, exception);
        }
    }

    /// <summary>True when a 401 challenges for the scheme this profile sends per request (Basic or Bearer).</summary>
    private static bool Challenges(HttpResponseMessage response, ConnectionProfile profile)
    {
        var scheme = profile.BasicCredentials is not null ? "Basic" : profile.OAuth is not null ? "Bearer" : null;
        return scheme is not null &&
            response.Headers.WwwAuthenticate.Any(challenge => string.Equals(challenge.Scheme, scheme, StringComparison.OrdinalIgnoreCase));
    }
}

/// <summary>When per-request credentials (Basic, Bearer) are attached.</summary>
internal enum CredentialTiming
{
    /// <summary>With the first request.</summary>
    Preemptive,

    /// <summary>Only after the server answered 401 with a challenge for the scheme.</summary>
    OnChallenge,
}
