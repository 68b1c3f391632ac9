using System.Buffers.Binary;

namespace ExSync.ExchangeSimulator;

/// <summary>What an EWS id names.</summary>
internal enum EwsIdKind : byte
{
    Folder = 0x46,
    Item = 0x49,
}

/// <summary>
/// Builds and reads the simulator's opaque folder and item ids. Like real EWS ids they are base64 and carry the
/// mailbox GUID, so an id from another mailbox is recognised as such, and a corrupted id is "malformed" rather
/// than "not found".
/// </summary>
internal static class EwsIdCodec
{
    private const byte FormatVersion = 0x01;
    private const int EncodedLength = 26;

    public static string Encode(EwsIdKind kind, Guid mailboxGuid, long objectNumber)
    {
        Span<byte> buffer = stackalloc byte[EncodedLength];
        buffer[0] = FormatVersion;
        buffer[1] = (byte)kind;
        mailboxGuid.TryWriteBytes(buffer[2..18]);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[18..], objectNumber);
        return Convert.ToBase64String(buffer);
    }

    public static bool TryDecode(string? id, out EwsIdKind kind, out Guid mailboxGuid, out long objectNumber)
    {
        kind = default;
        mailboxGuid = default;
        objectNumber = 0;
        if (string.IsNullOrEmpty(id) || id.Length > 64)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[48];
        if (!Convert.TryFromBase64String(id, buffer, out var written) || written != EncodedLength || buffer[0] != FormatVersion)
        {
            return false;
        }

        kind = (EwsIdKind)buffer[1];
        if (kind is not (EwsIdKind.Folder or EwsIdKind.Item))
        {
            return false;
        }

        mailboxGuid = new Guid(buffer[2..18]);
        objectNumber = BinaryPrimitives.ReadInt64LittleEndian(buffer[18..EncodedLength]);
        return objectNumber > 0;
    }

    private const int ChangeKeyMarker = 0x16;

    /// <summary>ChangeKeys are opaque too; the simulator derives them from the object's change number.</summary>
    public static string ChangeKey(long changeNumber)
    {
        Span<byte> buffer = stackalloc byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(buffer, ChangeKeyMarker);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[4..], changeNumber);
        return Convert.ToBase64String(buffer);
    }

    /// <summary>The change number a ChangeKey encodes; false for anything the simulator did not issue (ErrorInvalidChangeKey).</summary>
    public static bool TryDecodeChangeKey(string changeKey, out long changeNumber)
    {
        changeNumber = 0;
        Span<byte> buffer = stackalloc byte[24];
        if (changeKey.Length > 32 || !Convert.TryFromBase64String(changeKey, buffer, out var written) || written != 12 ||
            BinaryPrimitives.ReadInt32LittleEndian(buffer) != ChangeKeyMarker)
        {
            return false;
        }

        changeNumber = BinaryPrimitives.ReadInt64LittleEndian(buffer[4..12]);
        return changeNumber > 0;
    }
}
