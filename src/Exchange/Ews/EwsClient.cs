using System.Runtime.ExceptionServices;
using System.Xml;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Http;
using ExSync.Exchange.Logging;
using ExSync.Exchange.Telemetry;
using ExSync.Exchange.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;
using Polly.Timeout;

namespace ExSync.Exchange.Ews;

/// <summary>
/// The EWS client: serializes each operation once, sends it through the shared resilience pipeline (deadline from
/// the connection settings, retries of transient failures), and parses the answer.
/// </summary>
internal sealed partial class EwsClient : IEwsClient
{
    private readonly ExchangeHttpClientProvider _clients;
    private readonly ExchangeRequestSender _sender;
    private readonly ExchangeConnectionPolicy _policy;
    private readonly ResiliencePipeline _pipeline;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EwsClient> _logger;

    public EwsClient(
        ExchangeHttpClientProvider clients,
        ExchangeRequestSender sender,
        ExchangeConnectionPolicy policy,
        ResiliencePipelineProvider<string> pipelines,
        TimeProvider timeProvider,
        ILogger<EwsClient> logger)
    {
        _clients = clients;
        _sender = sender;
        _policy = policy;
        _pipeline = pipelines.GetPipeline(EwsResilience.PipelineName);
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public Task<GetFolderResponse> GetFolderAsync(EwsTarget target, GetFolderRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Folders.Count == 0)
        {
            throw new ArgumentException("At least one folder is required.", nameof(request));
        }

        return ExecuteAsync(target, "GetFolder", idempotent: true, request, EwsRequestWriter.WriteGetFolder,
            static (envelope, request, toError) => ThrowIfAnyTransient(
                EwsResponseParsers.ParseGetFolder(envelope, request, toError), static r => r.Folders.Select(f => f.Error)),
            cancellationToken);
    }

    public Task<CreateItemResponse> CreateMessageAsync(EwsTarget target, CreateMessageRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Not idempotent: after a timeout or dropped connection the message may already exist (or be sent), so only
        // failures where Exchange certainly did not process the request are retried.
        return ExecuteAsync(target, "CreateItem", idempotent: false, request, EwsRequestWriter.WriteCreateMessage,
            static (envelope, _, toError) => EwsResponseParsers.ParseCreateItem(envelope, toError), cancellationToken);
    }

    public Task<DeleteItemResponse> DeleteItemAsync(EwsTarget target, DeleteItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Items.Count == 0)
        {
            throw new ArgumentException("At least one item is required.", nameof(request));
        }

        return ExecuteAsync(target, "DeleteItem", idempotent: true, request, EwsRequestWriter.WriteDeleteItem,
            static (envelope, request, toError) => ThrowIfAnyTransient(
                EwsResponseParsers.ParseDeleteItem(envelope, request, toError), static r => r.Items.Select(i => i.Error)),
            cancellationToken);
    }

    public Task<FindItemResponse> FindItemAsync(EwsTarget target, FindItemRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(target, "FindItem", idempotent: true, request, EwsRequestWriter.WriteFindItem,
            static (envelope, _, toError) => EwsResponseParsers.ParseFindItem(envelope, toError), cancellationToken);
    }

    public Task<SyncFolderItemsResponse> SyncFolderItemsAsync(EwsTarget target, SyncFolderItemsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.MaxChangesReturned, 1, nameof(request));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.MaxChangesReturned, 512, nameof(request));
        return ExecuteAsync(target, "SyncFolderItems", idempotent: true, request, EwsRequestWriter.WriteSyncFolderItems,
            static (envelope, _, toError) => EwsResponseParsers.ParseSyncFolderItems(envelope, toError), cancellationToken);
    }

    public Task<UpdateFolderResponse> SetFolderExtendedPropertyAsync(
        EwsTarget target, SetFolderExtendedPropertyRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Setting a property to a fixed value twice has the same effect as once.
        return ExecuteAsync(target, "UpdateFolder", idempotent: true, request, EwsRequestWriter.WriteSetFolderExtendedProperty,
            static (envelope, _, toError) => EwsResponseParsers.ParseUpdateFolder(envelope, toError), cancellationToken);
    }

    /// <summary>Reads one attempt's response into the result, or throws the classified <see cref="ExchangeException"/>.</summary>
    private delegate Task<TResult> ResponseReader<TResult>(HttpResponseMessage response, ErrorContext context, CancellationToken cancellationToken);

    private Task<TResult> ExecuteAsync<TRequest, TResult>(
        EwsTarget target,
        string operation,
        bool idempotent,
        TRequest request,
        Action<XmlWriter, TRequest> writeBody,
        Func<EwsEnvelope, TRequest, Func<EwsResponseMessage, ExchangeError>, TResult> parse,
        CancellationToken cancellationToken,
        SubscriptionAffinity? affinity = null) =>
        ExecuteCoreAsync(target, operation, idempotent, request, writeBody, SendMode.Buffered, affinity, cancellationToken,
            (response, context, _) =>
            {
                var (envelope, error) = ExchangeErrorClassifier.ReadEwsResponse(response, context);
                if (error is not null)
                {
                    throw new ExchangeException(error);
                }

                var version = envelope!.ServerVersion;
                try
                {
                    return Task.FromResult(parse(envelope, request, message => ExchangeErrorClassifier.FromResponseMessage(message, context, version)));
                }
                catch (EwsResponseFormatException exception)
                {
                    throw new ExchangeException(ExchangeErrorClassifier.FromFormatException(exception, context, (int)response.StatusCode), exception);
                }
            });

    /// <summary>
    /// Like <see cref="ExecuteAsync"/>, for responses read while they arrive: a 200 response is handed to <paramref name="readBody"/>
    /// as a stream capped at <see cref="ExchangeClientOptions.MaxResponseBytes"/> (apart from the large values it exempts), while the
    /// connection slot stays held; any other status is read whole and classified as usual.
    /// </summary>
    private Task<TResult> ExecuteStreamedAsync<TRequest, TResult>(
        EwsTarget target,
        string operation,
        bool idempotent,
        TRequest request,
        Action<XmlWriter, TRequest> writeBody,
        Func<BoundedResponseStream, ErrorContext, Task<TResult>> readBody,
        CancellationToken cancellationToken) =>
        ExecuteCoreAsync(target, operation, idempotent, request, writeBody, SendMode.Streamed, null, cancellationToken,
            async (response, context, ct) =>
            {
                var maxBytes = _sender.Options.MaxResponseBytes;
                if (response.StatusCode != System.Net.HttpStatusCode.OK)
                {
                    await response.Content.LoadIntoBufferAsync(maxBytes, ct).ConfigureAwait(false);
                    var (_, error) = ExchangeErrorClassifier.ReadEwsResponse(response, context);
                    throw new ExchangeException(error ?? ExchangeErrors.MalformedResponse(context, "HTTP 500 without a SOAP fault", (int)response.StatusCode));
                }

                var stream = new BoundedResponseStream(await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false), maxBytes, ct);
                try
                {
                    return await readBody(stream, context).ConfigureAwait(false);
                }
                catch (EwsResponseFormatException exception)
                {
                    throw new ExchangeException(ExchangeErrorClassifier.FromFormatException(exception, context, 200), exception);
                }
                catch (ResponseTooLargeException exception)
                {
                    throw new ExchangeException(ExchangeErrors.UnexpectedResponse(context, exception.Message, 200), exception);
                }
            });

    private async Task<TResult> ExecuteCoreAsync<TRequest, TResult>(
        EwsTarget target,
        string operation,
        bool idempotent,
        TRequest request,
        Action<XmlWriter, TRequest> writeBody,
        SendMode mode,
        SubscriptionAffinity? affinity,
        CancellationToken cancellationToken,
        ResponseReader<TResult> read)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Connection.Validate();
        var started = _timeProvider.GetTimestamp();
        var errorContext = new ErrorContext(operation, target.EwsUrl, target.Connection.Authentication, target.ImpersonatedMailbox);
        try
        {
            _sender.EnsureUrlAllowed(target.EwsUrl);
            var profile = _clients.GetProfile(target.Connection);
            var body = EwsRequestWriter.Write(target.ImpersonatedMailbox, request, writeBody);
            var attempt = new Attempt<TResult>(this, profile, target, errorContext, body, mode, new EwsRouting(target.ImpersonatedMailbox, affinity), read);

            var timeout = target.Connection.ConnectionTimeout;
            var context = ResilienceContextPool.Shared.Get(operation, cancellationToken);
            context.Properties.Set(EwsResilience.CallTimeout, timeout);
            context.Properties.Set(EwsResilience.DeadlineTimestamp, started + (long)(timeout.TotalSeconds * _timeProvider.TimestampFrequency));
            context.Properties.Set(EwsResilience.Idempotent, idempotent);
            context.Properties.Set(EwsResilience.Call, errorContext);
            if (RetryJournal.Current is { } journal)
            {
                journal.BeginCall(operation);
                context.Properties.Set(EwsResilience.Journal, journal);
            }

            try
            {
                var outcome = await _pipeline.ExecuteOutcomeAsync(
                    static async (ctx, state) =>
                    {
                        try
                        {
                            return Outcome.FromResult(await state.RunAsync(ctx.CancellationToken).ConfigureAwait(false));
                        }
                        catch (ExchangeException exception)
                        {
                            ctx.Properties.Set(EwsResilience.LastError, exception.Error);
                            state.Owner.OnAttemptFailed(state.Target, exception.Error);
                            return Outcome.FromException<TResult>(exception);
                        }
                    },
                    context,
                    attempt).ConfigureAwait(false);

                if (outcome.Exception is { } failure)
                {
                    if (failure is TimeoutRejectedException ||
                        (failure is OperationCanceledException && !cancellationToken.IsCancellationRequested))
                    {
                        // Cut off while an attempt was in flight: if its request was already on the wire, Exchange may be
                        // carrying it out; if the call was still waiting (for a slot, a back-off, a connection), it is not.
                        var last = context.Properties.GetValue(EwsResilience.LastError, null);
                        throw new ExchangeException(
                            ExchangeErrors.Timeout(errorContext, timeout, last) with { OutcomeUnknown = attempt.MayHaveBeenProcessed }, failure);
                    }

                    ExceptionDispatchInfo.Throw(failure);
                }

                Log.EwsCallSucceeded(_logger, operation, target.ImpersonatedMailbox, target.EwsUrl.AbsoluteUri,
                    (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds);
                return outcome.Result!;
            }
            finally
            {
                ResilienceContextPool.Shared.Return(context);
            }
        }
        catch (ExchangeException exception)
        {
            Log.EwsCallFailed(_logger, operation, target.ImpersonatedMailbox, target.EwsUrl.GetLeftPart(UriPartial.Path),
                (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds, exception.Error);
            throw;
        }
    }

    private void OnAttemptFailed(EwsTarget target, ExchangeError error)
    {
        if (error.Code == ExchangeErrorCodes.ServerBusy && error.BackOff is { } backOff)
        {
            // Exchange throttles per account, not per request: every caller to this server waits, not just this one.
            _policy.ReportThrottled(target.Connection.Limit, backOff);
        }
    }

    /// <summary>
    /// A per-item error that is transient (for example a mailbox database failing over) means the whole request is
    /// worth repeating, so it is raised as the attempt's failure for the retry strategy to see.
    /// </summary>
    private static TResult ThrowIfAnyTransient<TResult>(TResult result, Func<TResult, IEnumerable<ExchangeError?>> errors)
    {
        var transient = errors(result).FirstOrDefault(e => e is { IsTransient: true });
        return transient is null ? result : throw new ExchangeException(transient);
    }

    /// <summary>One attempt of one call: send the prepared body, read and classify the answer, parse it.</summary>
    private sealed class Attempt<TResult>(
        EwsClient owner,
        ConnectionProfile profile,
        EwsTarget target,
        ErrorContext errorContext,
        ArraySegment<byte> body,
        SendMode mode,
        EwsRouting routing,
        ResponseReader<TResult> read)
    {
        private volatile bool _mayHaveBeenProcessed;

        public EwsClient Owner => owner;

        public EwsTarget Target => target;

        /// <summary>
        /// Whether the latest attempt may have been carried out by Exchange: its request was written and no answer said otherwise.
        /// Read when the call's timeout cuts an attempt off, which leaves no error of its own to carry the verdict.
        /// </summary>
        public bool MayHaveBeenProcessed => _mayHaveBeenProcessed;

        public async Task<TResult> RunAsync(CancellationToken cancellationToken)
        {
            using var telemetry = ExchangeTelemetry.StartRequest(errorContext.Operation, target.Connection.Limit, target.EwsUrl);
            _mayHaveBeenProcessed = false;
            try
            {
                var result = await RunUntracedAsync(cancellationToken).ConfigureAwait(false);
                telemetry.Succeeded("NoError");
                return result;
            }
            catch (ExchangeException exception)
            {
                _mayHaveBeenProcessed = exception.Error.OutcomeUnknown;
                telemetry.Failed(exception.Error);
                throw;
            }
        }

        private async Task<TResult> RunUntracedAsync(CancellationToken cancellationToken)
        {
            SentRequest sent;
            try
            {
                sent = await owner._sender.PostEwsAsync(
                    profile, target.EwsUrl, body, routing, mode, errorContext, cancellationToken, () => _mayHaveBeenProcessed = true)
                    .ConfigureAwait(false);
            }
            catch (ExchangeException exception)
            {
                // No answer at all: once the request was on the wire, Exchange may have received it whole and acted on it.
                throw WithOutcome(exception, _mayHaveBeenProcessed);
            }

            using (sent)
            {
                try
                {
                    return await read(sent.Response, errorContext, cancellationToken).ConfigureAwait(false);
                }
                catch (ExchangeException exception)
                {
                    throw WithOutcome(exception, ExchangeErrorClassifier.AnswerLeavesOutcomeOpen(exception.Error));
                }
                catch (Exception exception) when (exception is not OperationCanceledException &&
                    ExchangeErrorClassifier.FromException(exception, errorContext, profile.Handler.CertificateValidator) is { } error)
                {
                    // A streamed body can still break after the headers: a dropped connection, XML cut short.
                    throw new ExchangeException(error with { OutcomeUnknown = true }, exception);
                }
            }
        }

        private static ExchangeException WithOutcome(ExchangeException exception, bool outcomeUnknown) =>
            exception.Error.OutcomeUnknown == outcomeUnknown
                ? exception
                : new ExchangeException(exception.Error with { OutcomeUnknown = outcomeUnknown }, exception.InnerException);
    }
}
