using System.Buffers;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>
/// Decodes base64 text handed over in chunks into at most <c>limit</c> bytes. Past the limit, or after a character that is not
/// base64, it keeps accepting text without storing or decoding it, so the reader can move past the value and on to the next item.
/// </summary>
/// <remarks>
/// Every message's MIME goes through here, so its buffers come from the shared pools and the decoded bytes collect in pooled
/// segments that are copied once into the result: a growing stream would allocate and copy about twice the value's size again
/// on the way, much of it on the large object heap.
/// </remarks>
internal sealed class Base64ChunkDecoder(long limit) : IDisposable
{
    private const int BlockChars = 16 * 1024;
    private const int BlockBytes = BlockChars / 4 * 3;
    private const int SegmentBytes = 64 * 1024;

    private readonly List<(byte[] Buffer, int Used)> segments = [];
    private char[]? block = ArrayPool<char>.Shared.Rent(BlockChars);
    private long length;
    private int pending;

    public bool TooLarge { get; private set; }

    public bool Malformed { get; private set; }

    private bool Stopped => TooLarge || Malformed;

    public void Append(ReadOnlySpan<char> text)
    {
        if (Stopped || block is null)
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
                if (Stopped)
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
        if (!Stopped && block is not null && pending > 0)
        {
            // Exchange pads its base64; be lenient with a value that lost its padding.
            while (pending % 4 != 0)
            {
                block[pending++] = '=';
            }

            Flush(final: true);
        }

        if (Stopped)
        {
            return null;
        }

        var bytes = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)length);
        var offset = 0;
        foreach (var (buffer, used) in segments)
        {
            buffer.AsSpan(0, used).CopyTo(bytes.AsSpan(offset));
            offset += used;
        }

        return bytes;
    }

    public void Dispose()
    {
        if (block is not null)
        {
            ArrayPool<char>.Shared.Return(block);
            block = null;
        }

        ReturnSegments();
    }

    private void Flush(bool final)
    {
        var target = Room();
        if (!Convert.TryFromBase64Chars(block.AsSpan(0, pending), target, out var written) || (!final && block![pending - 1] == '='))
        {
            Malformed = true;
            ReturnSegments();
            return;
        }

        pending = 0;
        if (length + written > limit)
        {
            TooLarge = true;
            ReturnSegments();
            return;
        }

        var (buffer, used) = segments[^1];
        segments[^1] = (buffer, used + written);
        length += written;
    }

    // Room for one decoded block at the end of the last segment, in a new segment when the last one is too full.
    private Span<byte> Room()
    {
        if (segments.Count == 0 || segments[^1].Buffer.Length - segments[^1].Used < BlockBytes)
        {
            segments.Add((ArrayPool<byte>.Shared.Rent(SegmentBytes), 0));
        }

        var (buffer, used) = segments[^1];
        return buffer.AsSpan(used, BlockBytes);
    }

    private void ReturnSegments()
    {
        foreach (var (buffer, _) in segments)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        segments.Clear();
    }
}
