using System.Runtime.CompilerServices;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Http;
using ExSync.Exchange.Logging;
using ExSync.Exchange.Telemetry;

namespace ExSync.Exchange.Ews;

/// <summary>Notification subscriptions: streaming (the sync engine's), and pull.</summary>
internal sealed partial class EwsClient
{
    private const string GetStreamingEvents = "GetStreamingEvents";

    public Task<SubscribeResponse> SubscribeToStreamingNotificationsAsync(
        EwsTarget target, StreamingSubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireSubscriptionScope(request.Folders, request.EventTypes);

        // Not idempotent: a repeat after a timeout would leave a second subscription counting against EWSMaxSubscriptions.
        return ExecuteAsync(target, "Subscribe", idempotent: false, request, EwsRequestWriter.WriteStreamingSubscribe,
            static (envelope, _, toError) => EwsResponseParsers.ParseSubscribe(envelope, toError), cancellationToken, request.Affinity);
    }

    public Task<SubscribeResponse> SubscribeToPullNotificationsAsync(EwsTarget target, PullSubscriptionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireSubscriptionScope(request.Folders, request.EventTypes);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.TimeoutMinutes, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.TimeoutMinutes, 1440, nameof(request));
        return ExecuteAsync(target, "Subscribe", idempotent: false, request, EwsRequestWriter.WritePullSubscribe,
            static (envelope, _, toError) => EwsResponseParsers.ParseSubscribe(envelope, toError), cancellationToken, request.Affinity);
    }

    public Task<GetEventsResponse> GetEventsAsync(EwsTarget target, GetEventsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.SubscriptionId, nameof(request));
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Watermark, nameof(request));

        // Asking again from the same watermark returns the same events.
        return ExecuteAsync(target, "GetEvents", idempotent: true, request, EwsRequestWriter.WriteGetEvents,
            static (envelope, _, toError) => EwsResponseParsers.ParseGetEvents(envelope, toError), cancellationToken, request.Affinity);
    }

    public Task UnsubscribeAsync(EwsTarget target, UnsubscribeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.SubscriptionId, nameof(request));
        return ExecuteAsync(target, "Unsubscribe", idempotent: true, request, EwsRequestWriter.WriteUnsubscribe,
            static (envelope, _, toError) => EwsResponseParsers.ParseUnsubscribe(envelope, toError), cancellationToken, request.Affinity);
    }

    public async IAsyncEnumerable<StreamingEventsResponse> GetStreamingEventsAsync(
        EwsTarget target, GetStreamingEventsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(request);
        RequireCount(request.SubscriptionIds, GetStreamingEventsRequest.MaxSubscriptions, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThan(request.ConnectionTimeoutMinutes, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.ConnectionTimeoutMinutes, 30, nameof(request));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.IdleTimeout, TimeSpan.Zero, nameof(request));
        target.Connection.Validate();

        var started = _timeProvider.GetTimestamp();
        var context = new ErrorContext(GetStreamingEvents, target.EwsUrl, target.Connection.Authentication, target.ImpersonatedMailbox);
        using var telemetry = ExchangeTelemetry.StartRequest(GetStreamingEvents, target.Connection.Limit, target.EwsUrl);
        var (sent, profile) = await ConnectStreamAsync(target, request, context, started, telemetry, cancellationToken).ConfigureAwait(false);
        using (sent)
        {
            var reader = new StreamingEventsReader(
                await sent.Response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), context, request.IdleTimeout,
                _sender.Options.MaxResponseBytes, _timeProvider,
                exception => ExchangeErrorClassifier.FromException(exception, context, profile.Handler.CertificateValidator));
            var closed = false;
            while (!closed)
            {
                IReadOnlyList<StreamingEventsResponse>? responses;
                try
                {
                    responses = await reader.NextAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (ExchangeException exception)
                {
                    StreamFailed(target, context, started, telemetry, exception.Error);
                    throw;
                }

                if (responses is null)
                {
                    break;
                }

                foreach (var response in responses)
                {
                    closed |= response.ConnectionStatus == StreamingConnectionStatus.Closed;
                    yield return response;
                }
            }
        }

        telemetry.Succeeded("NoError");
        Log.EwsCallSucceeded(_logger, GetStreamingEvents, target.ImpersonatedMailbox, target.EwsUrl.AbsoluteUri,
            (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>
    /// Opens the hanging request: through the outbound policy, TLS validation, authentication and telemetry like every request, but
    /// holding a hanging-connection place instead of one of the profile's slots (see <see cref="ExchangeConnectionPolicy.AcquireHangingAsync"/>).
    /// It is not retried here: streaming connections end every few minutes anyway, and the caller reconnects.
    /// </summary>
    private async Task<(SentRequest Sent, ConnectionProfile Profile)> ConnectStreamAsync(
        EwsTarget target, GetStreamingEventsRequest request, ErrorContext context, long started,
        ExchangeTelemetry.ExchangeRequestScope telemetry, CancellationToken cancellationToken)
    {
        SentRequest? sent = null;
        try
        {
            _sender.EnsureUrlAllowed(target.EwsUrl);
            var profile = _clients.GetProfile(target.Connection);
            var body = EwsRequestWriter.Write(target.ImpersonatedMailbox, request, EwsRequestWriter.WriteGetStreamingEvents);
            sent = await _sender.PostEwsAsync(
                profile, target.EwsUrl, body, new EwsRouting(target.ImpersonatedMailbox, request.Affinity), SendMode.Hanging, context, cancellationToken)
                .ConfigureAwait(false);
            var response = sent.Response;
            if (response.StatusCode != System.Net.HttpStatusCode.OK)
            {
                await response.Content.LoadIntoBufferAsync(_sender.Options.MaxResponseBytes, cancellationToken).ConfigureAwait(false);
                var (_, error) = ExchangeErrorClassifier.ReadEwsResponse(response, context);
                throw new ExchangeException(error ?? ExchangeErrors.MalformedResponse(context, "HTTP 500 without a SOAP fault", (int)response.StatusCode));
            }

            return (sent, profile);
        }
        catch (ExchangeException exception)
        {
            sent?.Dispose();
            StreamFailed(target, context, started, telemetry, exception.Error);
            throw;
        }
        catch
        {
            sent?.Dispose();
            throw;
        }
    }

    private void StreamFailed(EwsTarget target, ErrorContext context, long started, ExchangeTelemetry.ExchangeRequestScope telemetry, ExchangeError error)
    {
        telemetry.Failed(error);
        OnAttemptFailed(target, error);
        Log.EwsCallFailed(_logger, context.Operation, target.ImpersonatedMailbox, target.EwsUrl.GetLeftPart(UriPartial.Path),
            (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds, error);
    }

    private static void RequireSubscriptionScope(IReadOnlyList<EwsFolderId> folders, IReadOnlyList<NotificationEventType> eventTypes)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(eventTypes);
        ArgumentOutOfRangeException.ThrowIfLessThan(folders.Count, 1, nameof(folders));
        ArgumentOutOfRangeException.ThrowIfLessThan(eventTypes.Count, 1, nameof(eventTypes));
        if (eventTypes.Contains(NotificationEventType.Status))
        {
            throw new ArgumentException("Status events are sent by Exchange and cannot be subscribed to.", nameof(eventTypes));
        }
    }
}
