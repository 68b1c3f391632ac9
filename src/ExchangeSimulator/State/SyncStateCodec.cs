using System.Buffers.Binary;
using System.Security.Cryptography;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Opaque SyncFolderItems states: mailbox, folder and change sequence, authenticated with an HMAC keyed per
/// simulator instance. A tampered, truncated or foreign state (another folder, mailbox or simulator run) is rejected
/// as ErrorInvalidSyncStateData, just as Exchange rejects corrupt states.
/// </summary>
internal sealed class SyncStateCodec
{
    private const byte FormatVersion = 1;
    private const int PayloadLength = 1 + 16 + 1 + 8;
    private const int MacLength = 16;

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Encode(Guid mailboxGuid, SimulatedFolder folder, long sequence)
    {
        Span<byte> buffer = stackalloc byte[PayloadLength + MacLength];
        buffer[0] = FormatVersion;
        mailboxGuid.TryWriteBytes(buffer[1..17]);
        buffer[17] = (byte)folder;
        BinaryPrimitives.WriteInt64LittleEndian(buffer[18..PayloadLength], sequence);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, buffer[..PayloadLength], mac);
        mac[..MacLength].CopyTo(buffer[PayloadLength..]);
        return Convert.ToBase64String(buffer);
    }

    public bool TryDecode(string state, Guid expectedMailbox, SimulatedFolder expectedFolder, out long sequence)
    {
        sequence = 0;
        Span<byte> buffer = stackalloc byte[64];
        if (state.Length > 88 || !Convert.TryFromBase64String(state.Trim(), buffer, out var length) || length != PayloadLength + MacLength)
        {
            return false;
        }

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, buffer[..PayloadLength], mac);
        if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], buffer.Slice(PayloadLength, MacLength)) || buffer[0] != FormatVersion)
        {
            return false;
        }

        sequence = BinaryPrimitives.ReadInt64LittleEndian(buffer[18..PayloadLength]);
        return new Guid(buffer[1..17]) == expectedMailbox && buffer[17] == (byte)expectedFolder && sequence >= 0;
    }
}
