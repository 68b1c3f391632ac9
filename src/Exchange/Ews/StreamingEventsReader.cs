using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Ews;

/// <summary>
/// Reads the body of a GetStreamingEvents response: waits for bytes (never longer than the idle timeout), cuts them into envelopes
/// with <see cref="XmlDocumentFramer"/>, and parses each envelope as soon as it is complete. Every failure is an
/// <see cref="ExchangeException"/>: a dropped or silent connection is <see cref="ExchangeErrorCodes.ConnectionDropped"/>, an
/// envelope cut short or not well-formed is <see cref="ExchangeErrorCodes.MalformedResponse"/>, a SOAP fault is classified as usual.
/// </summary>
internal sealed class StreamingEventsReader(
    Stream body, ErrorContext context, TimeSpan idleTimeout, int maxEnvelopeBytes, TimeProvider time, Func<Exception, ExchangeError?> classifyTransport)
{
    private readonly XmlDocumentFramer framer = new(maxEnvelopeBytes);
    private readonly byte[] buffer = new byte[16 * 1024];
    private readonly List<byte[]> envelopes = [];
    private int next;

    /// <summary>The messages of the next complete envelope, or null when the server ended the response cleanly.</summary>
    public async Task<IReadOnlyList<StreamingEventsResponse>?> NextAsync(CancellationToken cancellationToken)
    {
        while (next == envelopes.Count)
        {
            envelopes.Clear();
            next = 0;
            var read = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return framer.HasPartialDocument
                    ? throw new ExchangeException(ExchangeErrors.MalformedResponse(context, "the connection ended in the middle of a notification", 200))
                    : null;
            }

            try
            {
                framer.Feed(buffer.AsSpan(0, read), envelopes);
            }
            catch (EwsResponseFormatException exception)
            {
                throw new ExchangeException(ExchangeErrorClassifier.FromFormatException(exception, context, 200), exception);
            }
        }

        return Parse(envelopes[next++]);
    }

    private async Task<int> ReadAsync(CancellationToken cancellationToken)
    {
        using var silence = new CancellationTokenSource(idleTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, silence.Token);
        try
        {
            return await body.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ExchangeException(ExchangeErrors.ConnectionDropped(
                context, $"nothing arrived for {idleTimeout.TotalSeconds:0} s, not even Exchange's heartbeat"));
        }
        catch (Exception exception) when (exception is not OperationCanceledException && classifyTransport(exception) is { } error)
        {
            throw new ExchangeException(error, exception);
        }
    }

    private IReadOnlyList<StreamingEventsResponse> Parse(byte[] envelopeBytes)
    {
        try
        {
            var envelope = EwsResponseReader.ReadEnvelope(new MemoryStream(envelopeBytes, writable: false));
            if (envelope.Fault is { } fault)
            {
                throw new ExchangeException(ExchangeErrorClassifier.FromFault(fault, context, 200, envelope.ServerVersion));
            }

            if (envelope.BodyContent is null)
            {
                throw new ExchangeException(ExchangeErrors.MalformedResponse(context, "a notification has an empty SOAP body", 200));
            }

            var version = envelope.ServerVersion;
            return EwsResponseParsers.ParseStreamingEvents(envelope, message => ExchangeErrorClassifier.FromResponseMessage(message, context, version));
        }
        catch (EwsResponseFormatException exception)
        {
            throw new ExchangeException(ExchangeErrorClassifier.FromFormatException(exception, context, 200), exception);
        }
    }
}
