using System.Buffers.Binary;
using System.IO.Compression;
using System.Security.Cryptography;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Opaque SyncFolderItems states: mailbox, folder, the folder's sync epoch and a change sequence, authenticated with
/// an HMAC keyed per simulator instance and gzip-compressed, so like Exchange's they are base64 starting "H4sI".
/// A tampered, truncated or foreign state (another folder, mailbox or simulator run) is rejected as
/// ErrorInvalidSyncStateData, just as Exchange rejects corrupt states.
/// </summary>
internal sealed class SyncStateCodec
{
    private const byte FormatVersion = 2;
    private const int PayloadLength = 1 + 16 + 8 + 4 + 8;
    private const int MacLength = 16;
    private const int StateLength = PayloadLength + MacLength;

    /// <summary>Far above any state this codec writes; longer input is rejected before decoding.</summary>
    private const int MaxEncodedLength = 1024;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Encode(Guid mailboxGuid, FolderKey folder, int epoch, long sequence)
    {
        Span<byte> state = stackalloc byte[StateLength];
        state[0] = FormatVersion;
        mailboxGuid.TryWriteBytes(state[1..17]);
        BinaryPrimitives.WriteInt64LittleEndian(state[17..25], folder.ObjectNumber);
        BinaryPrimitives.WriteInt32LittleEndian(state[25..29], epoch);
        BinaryPrimitives.WriteInt64LittleEndian(state[29..PayloadLength], sequence);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, state[..PayloadLength], mac);
        mac[..MacLength].CopyTo(state[PayloadLength..]);

        using var compressed = new MemoryStream(96);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(state);
        }

        return Convert.ToBase64String(compressed.GetBuffer(), 0, (int)compressed.Length);
    }

    public bool TryDecode(string encoded, Guid expectedMailbox, FolderKey expectedFolder, out int epoch, out long sequence)
    {
        epoch = 0;
        sequence = 0;
        if (encoded.Length > MaxEncodedLength)
        {
            return false;
        }

        var compressed = new byte[MaxEncodedLength];
        if (!Convert.TryFromBase64String(encoded.Trim(), compressed, out var compressedLength))
        {
            return false;
        }

        Span<byte> state = stackalloc byte[StateLength + 1];
        int length;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(compressed, 0, compressedLength), CompressionMode.Decompress);
            length = ReadAtMost(gzip, state);
        }
        catch (InvalidDataException)
        {
            return false;
        }

        if (length != StateLength || state[0] != FormatVersion)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, state[..PayloadLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], state.Slice(PayloadLength, MacLength)))
        {
            return false;
        }

        epoch = BinaryPrimitives.ReadInt32LittleEndian(state[25..29]);
        sequence = BinaryPrimitives.ReadInt64LittleEndian(state[29..PayloadLength]);
        return new Guid(state[1..17]) == expectedMailbox &&
               BinaryPrimitives.ReadInt64LittleEndian(state[17..25]) == expectedFolder.ObjectNumber &&
               sequence >= 0;
    }

    /// <summary>Reads until the buffer is full or the stream ends; one byte more than a state tells "too long".</summary>
    private static int ReadAtMost(Stream stream, Span<byte> buffer)
    {
        var total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer[total..])) > 0)
        {
            total += read;
        }

        return total;
    }
}
