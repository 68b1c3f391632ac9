using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Xml;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Http;

namespace ExSync.Exchange;

/// <summary>
/// The single place that turns what came back from the wire (an exception, an HTTP status, a SOAP fault or a
/// per-item ResponseMessage) into a classified <see cref="ExchangeError"/>. The retry predicate of the resilience
/// pipeline only reads the class and scope decided here, so the two can never disagree.
/// </summary>
internal static class ExchangeErrorClassifier
{
    /// <summary>
    /// Reads an EWS HTTP response: the envelope for 200 and for 500-with-fault, otherwise an HTTP-level error.
    /// </summary>
    public static (EwsEnvelope? Envelope, ExchangeError? Error) ReadEwsResponse(HttpResponseMessage response, ErrorContext context)
    {
        var status = (int)response.StatusCode;
        if (status != 200 && status != 500)
        {
            return (null, FromHttpStatus(response, context));
        }

        if (IsHtml(response))
        {
            return (null, status == 500
                ? ExchangeErrors.Create(ExchangeErrorCodes.ExchangeInternalError, ExchangeErrorClass.Transient, RetryScope.IdempotentOnly,
                    $"{context.Target} failed with HTTP 500 and an HTML error page instead of a SOAP fault.",
                    "Usually temporary (IIS or the EWS application pool failing). If it persists, check the Application event log on the Exchange server.",
                    httpStatus: 500)
                : ExchangeErrors.UnexpectedResponse(context, "an HTML page was returned", status));
        }

        EwsEnvelope envelope;
        try
        {
            using var body = response.Content.ReadAsStream();
            envelope = EwsResponseReader.ReadEnvelope(body);
        }
        catch (EwsResponseFormatException exception)
        {
            return (null, FromFormatException(exception, context, status));
        }

        if (envelope.Fault is { } fault)
        {
            return (envelope, FromFault(fault, context, status, envelope.ServerVersion));
        }

        if (status == 500 || envelope.BodyContent is null)
        {
            return (null, ExchangeErrors.MalformedResponse(context, status == 500 ? "HTTP 500 without a SOAP fault" : "the SOAP body is empty", status));
        }

        return (envelope, null);
    }

    public static ExchangeError FromFault(SoapFault fault, ErrorContext context, int httpStatus, ExchangeServerVersion? version) =>
        FromResponseCode(context, fault.ResponseCode ?? "ErrorInternalServerError", fault.Message, fault.MessageXmlValues, httpStatus, version);

    public static ExchangeError FromResponseMessage(EwsResponseMessage message, ErrorContext context, ExchangeServerVersion? version) =>
        FromResponseCode(context, message.ResponseCode ?? "ErrorInternalServerError", message.MessageText, message.MessageXmlValues, 200, version);

    public static ExchangeError FromResponseCode(
        ErrorContext context, string responseCode, string? messageText, IReadOnlyDictionary<string, string> messageXml,
        int httpStatus, ExchangeServerVersion? version)
    {
        var backOff = EwsResponseReader.ReadBackOff(messageXml);

        // Throttling may also arrive as ErrorInternalServerError wrapping ErrorServerBusy (ews-protocol.md §2.5).
        if (responseCode == "ErrorInternalServerError" &&
            (backOff is not null || messageXml.Values.Any(v => v == "ErrorServerBusy") ||
             (messageText?.Contains("ErrorServerBusy", StringComparison.Ordinal) ?? false)))
        {
            return ExchangeErrors.ServerBusy(context, responseCode, httpStatus, backOff);
        }

        return ExchangeErrors.FromResponseCode(context, responseCode, messageText, backOff, httpStatus, version);
    }

    public static ExchangeError FromHttpStatus(HttpResponseMessage response, ErrorContext context)
    {
        var status = (int)response.StatusCode;
        return status switch
        {
            401 => ExchangeErrors.AuthenticationFailed(context, OfferedSchemes(response)),
            403 => ExchangeErrors.AccessForbidden(context),
            404 or 410 => ExchangeErrors.EndpointNotFound(context, status),
            429 => ExchangeErrors.ServerBusy(context, null, 429, RetryAfter(response)),
            502 or 503 or 504 => ExchangeErrors.ServiceUnavailable(context, status, RetryAfter(response)),
            >= 300 and < 400 => ExchangeErrors.UnexpectedRedirect(context, status, Location(response)),
            _ => ExchangeErrors.UnexpectedHttpStatus(context, status),
        };
    }

    public static ExchangeError FromFormatException(EwsResponseFormatException exception, ErrorContext context, int? status) =>
        exception.IsNotSoap
            ? ExchangeErrors.UnexpectedResponse(context, exception.Message, status)
            : ExchangeErrors.MalformedResponse(context, exception.Message, status);

    /// <summary>
    /// Classifies a failure to get a response at all. Returns null for exceptions that are not communication
    /// failures (programming errors must surface as they are).
    /// </summary>
    public static ExchangeError? FromException(Exception exception, ErrorContext context, ServerCertificateValidator? validator)
    {
        // Our own signals, wherever SocketsHttpHandler wrapped them.
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case ExchangeException exchange:
                    return exchange.Error;
                case OutboundAddressBlockedException blocked:
                    return ExchangeErrors.OutboundBlocked(blocked.Host, blocked.Address.ToString(), blocked.Verdict);
                case AuthenticationException tls:
                    return validator?.TakeRejection(context.Url?.IdnHost ?? string.Empty) is { } rejection
                        ? ExchangeErrors.CertificateRejected(rejection)
                        : ExchangeErrors.TlsHandshakeFailed(context, InnermostMessage(tls));
            }
        }

        var socket = FindInner<SocketException>(exception);
        if (exception is HttpRequestException http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                case HttpRequestError.ConnectionError:
                    return socket is not null ? FromSocketError(socket, context) : ExchangeErrors.ConnectionFailed(context, InnermostMessage(http));
                case HttpRequestError.SecureConnectionError:
                    return ExchangeErrors.TlsHandshakeFailed(context, InnermostMessage(http));
                case HttpRequestError.UserAuthenticationError:
                    return ExchangeErrors.AuthenticationFailed(context, []);
                case HttpRequestError.ConfigurationLimitExceeded:
                    return ExchangeErrors.UnexpectedResponse(context, "the response is larger than ExchangeClientOptions.MaxResponseBytes", null);
                case HttpRequestError.InvalidResponse:
                case HttpRequestError.HttpProtocolError:
                    return ExchangeErrors.MalformedResponse(context, InnermostMessage(http), null);
                default:
                    return ExchangeErrors.ConnectionDropped(context, InnermostMessage(http));
            }
        }

        return exception switch
        {
            IOException io => ExchangeErrors.ConnectionDropped(context, InnermostMessage(io)),
            SocketException s => FromSocketError(s, context),
            XmlException xml => ExchangeErrors.MalformedResponse(context, xml.Message, null),
            _ => null,
        };
    }

    /// <summary>
    /// The retry predicate: whether a failed attempt may be repeated within the same call. The deadline check is
    /// separate (see <see cref="Resilience.EwsRetryPlanner"/>). An operation that is not idempotent (a send) is never
    /// repeated once Exchange may have carried it out (<see cref="ExchangeError.OutcomeUnknown"/>), whatever the scope
    /// says: a connection error after the request was written is not the refused connect it usually is.
    /// </summary>
    public static bool IsRetryableWithinCall(ExchangeError error, bool operationIsIdempotent) =>
        error.ErrorClass == ExchangeErrorClass.Transient &&
        (operationIsIdempotent || !error.OutcomeUnknown) &&
        error.RetryScope switch
        {
            RetryScope.AnyOperation => true,
            RetryScope.IdempotentOnly => operationIsIdempotent,
            _ => false,
        };

    /// <summary>
    /// Whether an error that came with Exchange's answer leaves the outcome open: the classes of answer that say the server
    /// may have processed the request (an internal error, a gateway error, a response cut short) rather than refused it.
    /// </summary>
    public static bool AnswerLeavesOutcomeOpen(ExchangeError error) =>
        error.ErrorClass == ExchangeErrorClass.Transient && error.RetryScope == RetryScope.IdempotentOnly;

    public static ExchangeError FromSocketError(SocketException exception, ErrorContext context) => exception.SocketErrorCode switch
    {
        SocketError.HostNotFound or SocketError.NoData => ExchangeErrors.HostNotFound(context),
        SocketError.TryAgain => ExchangeErrors.DnsFailed(context, exception.Message),
        SocketError.ConnectionRefused => ExchangeErrors.ConnectionRefused(context),
        SocketError.TimedOut => ExchangeErrors.ConnectionFailed(context, "the TCP connection timed out"),
        _ => ExchangeErrors.ConnectionFailed(context, exception.Message),
    };

    public static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return retryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow is { Ticks: > 0 } wait ? wait : TimeSpan.Zero : null;
    }

    public static IReadOnlyCollection<string> OfferedSchemes(HttpResponseMessage response) =>
        response.Headers.WwwAuthenticate.Select(h => h.Scheme).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();

    private static Uri? Location(HttpResponseMessage response) =>
        response.Headers.Location is { } location
            ? location.IsAbsoluteUri ? location : new Uri(response.RequestMessage?.RequestUri ?? new Uri("https://invalid/"), location)
            : null;

    private static bool IsHtml(HttpResponseMessage response) =>
        response.Content.Headers.ContentType?.MediaType is { } mediaType &&
        mediaType.Contains("html", StringComparison.OrdinalIgnoreCase);

    private static T? FindInner<T>(Exception exception) where T : Exception
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static string InnermostMessage(Exception exception)
    {
        var inner = exception;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return inner.Message.TrimEnd('.');
    }
}
