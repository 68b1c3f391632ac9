using System.Net;
using System.Net.Http;

namespace ExSync.Exchange.Http;

/// <summary>
/// The request body, telling its observer when the handler starts writing it to the connection. Until then the request cannot
/// have reached Exchange (DNS, connect, TLS and waiting for a pooled connection all come first); from then on it may have, so a
/// failure can no longer prove that a send did not happen. Telling at the start rather than at the end errs on the safe side:
/// a body cut short is reported as possibly processed, which costs a look-up, never a second send.
/// </summary>
internal sealed class ObservedRequestContent(ArraySegment<byte> body, Action onWriting) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        onWriting();
        await stream.WriteAsync(body.AsMemory(), cancellationToken).ConfigureAwait(false);
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        onWriting();
        stream.Write(body.AsSpan());
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Count;
        return true;
    }
}
