using System.Net.Http.Headers;
using System.Net.Sockets;
using ExSync.Domain.Webhooks;
using Microsoft.Extensions.Options;

namespace ExSync.Engine.Webhooks;

/// <summary>One delivery, ready to send: where, under which id, the body, and the keys that sign it.</summary>
/// <param name="Url">The subscription's URL.</param>
/// <param name="MessageId">The <c>webhook-id</c>: the event's id, the same for every attempt and every subscription.</param>
/// <param name="Body">The event's body, as recorded.</param>
/// <param name="Keys">The signing keys (two during a rotation's overlap).</param>
public sealed record WebhookMessage(Uri Url, string MessageId, byte[] Body, IReadOnlyList<byte[]> Keys);

/// <summary>What one attempt got.</summary>
/// <param name="Verdict">What it means for the delivery.</param>
/// <param name="StatusCode">The receiver's status, when it answered.</param>
/// <param name="Error">Why it failed, when it did (never the body of the answer: receivers are not asked to be careful with it).</param>
/// <param name="RetryAfter">How long the receiver asked ExSync to wait, if it did.</param>
public sealed record WebhookAttempt(WebhookAttemptVerdict Verdict, int? StatusCode, string? Error, TimeSpan? RetryAfter);

/// <summary>
/// Posts one signed event. Connections go through the outbound address policy at connect time (the client's handler), redirects are not
/// followed, and each attempt has <see cref="WebhookOptions.Timeout"/> to get an answer's status.
/// </summary>
public sealed class WebhookSender(IHttpClientFactory clients, TimeProvider time, IOptionsMonitor<WebhookOptions> options)
{
    /// <summary>The name of the HttpClient that carries webhooks.</summary>
    public const string ClientName = "ExSync.Webhooks";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    /// <summary>Makes one attempt.</summary>
    public async Task<WebhookAttempt> SendAsync(WebhookMessage message, CancellationToken cancellationToken)
    {
        var timeout = options.CurrentValue.Timeout;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, message.Url) { Content = new ByteArrayContent(message.Body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("webhook-id", message.MessageId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("webhook-signature", WebhookSignature.Sign(message.Keys, message.MessageId, timestamp, message.Body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var status = (int)response.StatusCode;
            var verdict = WebhookResponses.Judge(status);
            return new WebhookAttempt(
                verdict,
                status,
                verdict == WebhookAttemptVerdict.Delivered ? null : string.IsNullOrWhiteSpace(response.ReasonPhrase) ? $"The receiver answered {status}." : $"The receiver answered {status} {response.ReasonPhrase}.",
                RetryAfter(response.Headers.RetryAfter));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failure($"No answer within {timeout.TotalSeconds:0.#} seconds.");
        }
        catch (HttpRequestException exception)
        {
            return Failure(Describe(exception));
        }
    }

    private static WebhookAttempt Failure(string error) => new(WebhookAttemptVerdict.Retry, null, error, null);

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header) => header switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : null,
        _ => null,
    };

    // The innermost message names the cause (refused by the outbound policy, connection refused, name not found, TLS failure).
    private static string Describe(HttpRequestException exception)
    {
        Exception cause = exception;
        while (cause.InnerException is { } inner && inner is not SocketException)
        {
            cause = inner;
        }

        var detail = cause.InnerException?.Message ?? cause.Message;
        var text = $"The request failed: {detail}";
        return text.Length <= WebhookDelivery.LastErrorMaxLength ? text : text[..WebhookDelivery.LastErrorMaxLength];
    }
}
