namespace ExSync.Exchange.Ews.Xml;

/// <summary>Thrown when a streamed response grows past its limit.</summary>
internal sealed class ResponseTooLargeException(long limit)
    : Exception($"the response is larger than ExchangeClientOptions.MaxResponseBytes ({limit:N0} bytes)")
{
    public long Limit { get; } = limit;
}

/// <summary>
/// Caps the bytes read from a streamed response, except while <see cref="Uncounted"/> is set: large values (MIME, attachment
/// content) are read past with caps of their own, and counting them here too would let one huge item fail every other item of
/// the response. The reader reads ahead in blocks, so the split is approximate by one buffer.
/// </summary>
/// <remarks>
/// XmlReader's async methods take no cancellation token, so the call's token is applied to every read here: a call past its deadline
/// stops reading instead of waiting on a silent connection.
/// </remarks>
internal sealed class BoundedResponseStream(Stream inner, long limit, CancellationToken cancellationToken = default) : Stream
{
    private long counted;

    /// <summary>While true, bytes read are not counted against the limit.</summary>
    public bool Uncounted { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken readCancellation = default)
    {
        if (!readCancellation.CanBeCanceled)
        {
            return Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, readCancellation);
        return Count(await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false));
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken readCancellation) =>
        ReadAsync(buffer.AsMemory(offset, count), readCancellation).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        if (!Uncounted && (counted += read) > limit)
        {
            throw new ResponseTooLargeException(limit);
        }

        return read;
    }
}
