namespace ExSync.ExchangeSimulator;

/// <summary>
/// Reads an SMTP connection line by line without ever holding more than one buffer: a line longer than the buffer
/// comes back in pieces (<see cref="LinePiece.EndsLine"/> false until its last piece), so a hostile client sending a
/// 50 MB line costs 64 KB.
/// </summary>
internal sealed class SmtpLineReader(Stream stream)
{
    private const int BufferSize = 64 * 1024;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;

    /// <summary>The next piece of a line, without its line break; null at the end of the stream.</summary>
    public async Task<LinePiece?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var hasCarriageReturn = newline > _start && _buffer[newline - 1] == '\r';
                var piece = new LinePiece(_buffer.AsMemory(_start, newline - _start - (hasCarriageReturn ? 1 : 0)).ToArray(), true, hasCarriageReturn);
                _start = newline + 1;
                return piece;
            }

            if (_end - _start == BufferSize)
            {
                // A full buffer without a line break: hand it out as a piece, keeping a trailing CR for the next read.
                var keep = _buffer[_end - 1] == '\r' ? 1 : 0;
                var piece = new LinePiece(_buffer.AsMemory(_start, BufferSize - keep).ToArray(), false, false);
                _start = _end - keep;
                return piece;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }
}

/// <summary>A piece of a line: the whole line when <see cref="EndsLine"/> is true and it was the first piece.</summary>
internal sealed record LinePiece(byte[] Bytes, bool EndsLine, bool EndedWithCrLf);
