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

/// <summary>
/// Decodes base64 text handed over in chunks into at most <c>limit</c> bytes. Past the limit, or after a character that is not
/// base64, it keeps accepting text without storing or decoding it, so the reader can move past the value and on to the next item.
/// </summary>
internal sealed class Base64ChunkDecoder(long limit)
{
    private const int BlockChars = 16 * 1024;

    private readonly char[] block = new char[BlockChars];
    private readonly byte[] decoded = new byte[BlockChars / 4 * 3];
    private MemoryStream? output = new();
    private int pending;

    public bool TooLarge { get; private set; }

    public bool Malformed { get; private set; }

    public void Append(ReadOnlySpan<char> text)
    {
        if (output is null)
        {
            return;
        }

        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                continue;
            }

            // A full block is decoded only once more text follows, so that the last block (which may end in padding) is
            // always the final one.
            if (pending == BlockChars)
            {
                Flush(final: false);
                if (output is null)
                {
                    return;
                }
            }

            block[pending++] = c;
        }
    }

    /// <summary>The decoded bytes, or null when the value was too large or not base64.</summary>
    public byte[]? Complete()
    {
        if (output is not null && pending > 0)
        {
            // Exchange pads its base64; be lenient with a value that lost its padding.
            while (pending % 4 != 0)
            {
                block[pending++] = '=';
            }

            Flush(final: true);
        }

        return output?.ToArray();
    }

    private void Flush(bool final)
    {
        if (!Convert.TryFromBase64Chars(block.AsSpan(0, pending), decoded, out var written) || (!final && block[pending - 1] == '='))
        {
            Malformed = true;
            output = null;
            return;
        }

        pending = 0;
        if (output!.Length + written > limit)
        {
            TooLarge = true;
            output = null;
            return;
        }

        output.Write(decoded, 0, written);
    }
}
