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
        var routing = new EwsRouting(anchorMailbox, null);
        var sendCredentials = credentials == CredentialTiming.Preemptive;
        while (true)
        {
            var (response, _) = await SendOnceAsync(
                profile, url, body, routing, sendCredentials, SendMode.Buffered, errorContext, cancellationToken).ConfigureAwait(false);
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

            ForgetRejectedToken(profile);
            return response;
        }
    }

    /// <summary>
    /// POSTs an EWS request with pre-emptive credentials and the routing headers of <paramref name="routing"/>. With
    /// <see cref="SendMode.Buffered"/> the response is read whole before the connection slot is given back; with the streamed modes the
    /// caller reads the body and disposes the result, which frees the slot (an ordinary one, or a hanging-connection place).
    /// <c>onWriting</c>, when given, is told each time the body starts going onto a connection (more than once with authentication
    /// round trips), which is when the request may start to reach Exchange.
    /// </summary>
    public async Task<SentRequest> PostEwsAsync(
        ConnectionProfile profile, Uri url, ArraySegment<byte> body, EwsRouting routing, SendMode mode, ErrorContext errorContext,
        CancellationToken cancellationToken, Action? onWriting = null)
    {
        var (response, slot) = await SendOnceAsync(
                profile, url, body, routing, sendCredentials: true, mode, errorContext, cancellationToken, onWriting)
            .ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            ForgetRejectedToken(profile);
        }

        return new SentRequest(response, slot);
    }

    private void ForgetRejectedToken(ConnectionProfile profile)
    {
        if (profile.OAuth is { } rejected)
        {
            // The token may have been revoked or issued for a stale configuration; fetch a fresh one next time.
            _tokens.Invalidate(rejected);
        }
    }

    private async Task<(HttpResponseMessage Response, IDisposable? Slot)> SendOnceAsync(
        ConnectionProfile profile, Uri url, ArraySegment<byte> body, EwsRouting routing, bool sendCredentials, SendMode mode,
        ErrorContext errorContext, CancellationToken cancellationToken, Action? onWriting = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Version = HttpVersion.Version11, // NTLM authenticates the connection; HTTP/2 cannot carry it
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = onWriting is null ? new ByteArrayContent(body.Array!, body.Offset, body.Count) : new ObservedRequestContent(body, onWriting),
        };

        // Exactly this string: some servers and proxies compare it literally.
        request.Content.Headers.TryAddWithoutValidation("Content-Type", XmlContentType);
        request.Headers.TryAddWithoutValidation("Accept", "text/xml");
        request.Headers.TryAddWithoutValidation("User-Agent", "ExSync/1.0");
        routing.Apply(request.Headers);

        if (sendCredentials && profile.BasicCredentials is { } basic)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        }
        else if (sendCredentials && profile.OAuth is { } oauth)
        {
            var token = await _tokens.GetAccessTokenAsync(profile, oauth, cancellationToken).ConfigureAwait(false);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        IDisposable? slot = null;
        try
        {
            // Each request, challenge round trips included, holds one of the server's connection slots while it is in flight;
            // a hanging request holds a hanging-connection place instead (see ExchangeConnectionPolicy.AcquireHangingAsync).
            slot = mode == SendMode.Hanging
                ? (IDisposable)await _policy.AcquireHangingAsync(profile.Settings.Limit, cancellationToken).ConfigureAwait(false)
                : await _policy.AcquireAsync(profile.Settings.Limit, cancellationToken).ConfigureAwait(false);
            var client = _clients.CreateClient(profile);
            var completion = mode == SendMode.Buffered ? HttpCompletionOption.ResponseContentRead : HttpCompletionOption.ResponseHeadersRead;
            var response = await client.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
            routing.Remember(response.Headers);
            if (mode == SendMode.Buffered)
            {
                slot.Dispose();
                slot = null;
            }

            return (response, slot);
        }
        catch (Exception exception) when (!(exception is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            slot?.Dispose();
            var error = ExchangeErrorClassifier.FromException(exception, errorContext, profile.Handler.CertificateValidator);
            if (error is null)
            {
                throw;
            }

            throw new ExchangeException(error, exception);
        }
        catch
        {
            slot?.Dispose();
            throw;
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

/// <summary>How a request's response is read, and which place it holds while it is.</summary>
internal enum SendMode
{
    /// <summary>Read whole before returning; the connection slot is released then.</summary>
    Buffered,

    /// <summary>Return at the headers; the caller streams the body while holding an ordinary connection slot.</summary>
    Streamed,

    /// <summary>Return at the headers; the caller streams a response that lasts minutes, holding a hanging-connection place instead of a slot.</summary>
    Hanging,
}

/// <summary>A sent request whose response may still be streaming; disposing it closes the response and frees its slot.</summary>
internal sealed class SentRequest(HttpResponseMessage response, IDisposable? slot) : IDisposable
{
    public HttpResponseMessage Response => response;

    public void Dispose()
    {
        response.Dispose();
        slot?.Dispose();
    }
}

/// <summary>
/// Where Exchange should route a request: <c>X-AnchorMailbox</c> (the impersonated mailbox; without it impersonated calls can fail
/// with 500/503), or a subscription group's affinity (anchor, <c>X-PreferServerAffinity</c> and the <c>X-BackEndOverrideCookie</c>).
/// </summary>
internal readonly record struct EwsRouting(string? AnchorMailbox, Ews.SubscriptionAffinity? Affinity)
{
    private const string OverrideCookie = "X-BackEndOverrideCookie";

    public void Apply(HttpRequestHeaders headers)
    {
        if ((Affinity?.AnchorMailbox ?? AnchorMailbox) is { } anchor)
        {
            headers.TryAddWithoutValidation("X-AnchorMailbox", anchor);
        }

        if (Affinity is null)
        {
            return;
        }

        headers.TryAddWithoutValidation("X-PreferServerAffinity", "true");
        if (Affinity.BackEndOverrideCookie is { } cookie)
        {
            // The handler keeps no cookie jar (X-BackEndCookie is per mailbox and must not leak between mailboxes), so the group's
            // routing cookie is sent by hand.
            headers.TryAddWithoutValidation("Cookie", $"{OverrideCookie}={cookie}");
        }
    }

    /// <summary>Keeps the X-BackEndOverrideCookie the first Subscribe of the group returns.</summary>
    public void Remember(HttpResponseHeaders headers)
    {
        if (Affinity is null || !headers.TryGetValues("Set-Cookie", out var cookies))
        {
            return;
        }

        foreach (var cookie in cookies)
        {
            if (cookie.StartsWith(OverrideCookie + "=", StringComparison.OrdinalIgnoreCase))
            {
                var value = cookie[(OverrideCookie.Length + 1)..];
                var end = value.IndexOf(';', StringComparison.Ordinal);
                value = (end < 0 ? value : value[..end]).Trim();
                if (value.Length > 0)
                {
                    Affinity.Remember(value);
                }
            }
        }
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
