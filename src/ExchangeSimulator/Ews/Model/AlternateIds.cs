using System.Buffers.Binary;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// The id forms of ConvertId, all computed from the same (mailbox GUID, object number, kind) triple so conversions in
/// any direction round-trip. EntryId follows the MAPI layouts ([MS-OXCDATA] 2.2.4): a folder entry id is flags (4),
/// provider UID (16, the mailbox GUID), type 0x0001, database GUID (16), global counter (6), pad (2) = 46 bytes; a
/// message entry id is flags, provider UID, type 0x0007, the folder's database GUID and counter (zero here: items
/// keep no folder in their ids), then the message's database GUID, counter and pad = 70 bytes. HexEntryId is its
/// upper-case hex. EwsLegacyId is the EwsId with version byte 0. StoreId is the entry id behind a two-byte length and
/// followed by an object-class byte. OwaId is the URL-escaped base64 of the kind byte and the entry id.
/// </summary>
internal static class AlternateIds
{
    public static readonly string[] Formats = ["EwsLegacyId", "EwsId", "EntryId", "HexEntryId", "StoreId", "OwaId"];

    private const int FolderEntryIdLength = 46;
    private const int MessageEntryIdLength = 70;

    public static string Encode(string format, EwsIdKind kind, Guid mailboxGuid, long objectNumber) => format switch
    {
        "EwsId" => EwsIdCodec.Encode(kind, mailboxGuid, objectNumber),
        "EwsLegacyId" => Legacy(EwsIdCodec.Encode(kind, mailboxGuid, objectNumber)),
        "EntryId" => Convert.ToBase64String(EntryId(kind, mailboxGuid, objectNumber)),
        "HexEntryId" => Convert.ToHexString(EntryId(kind, mailboxGuid, objectNumber)),
        "StoreId" => Convert.ToBase64String(StoreId(kind, mailboxGuid, objectNumber)),
        "OwaId" => Uri.EscapeDataString(Convert.ToBase64String([(byte)kind, .. EntryId(kind, mailboxGuid, objectNumber)])),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown id format."),
    };

    public static bool TryDecode(string format, string id, out EwsIdKind kind, out Guid mailboxGuid, out long objectNumber)
    {
        (kind, mailboxGuid, objectNumber) = (default, default, 0);
        try
        {
            return format switch
            {
                "EwsId" => EwsIdCodec.TryDecode(id, out kind, out mailboxGuid, out objectNumber),
                "EwsLegacyId" => FromLegacy(id) is { } current && EwsIdCodec.TryDecode(current, out kind, out mailboxGuid, out objectNumber),
                "EntryId" => TryReadEntryId(Convert.FromBase64String(id), out kind, out mailboxGuid, out objectNumber),
                "HexEntryId" => TryReadEntryId(Convert.FromHexString(id), out kind, out mailboxGuid, out objectNumber),
                "StoreId" => TryReadStoreId(Convert.FromBase64String(id), out kind, out mailboxGuid, out objectNumber),
                "OwaId" => TryReadOwaId(Convert.FromBase64String(Uri.UnescapeDataString(id)), out kind, out mailboxGuid, out objectNumber),
                _ => false,
            };
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>PR_ENTRYID of an item or folder.</summary>
    public static byte[] EntryId(EwsIdKind kind, Guid mailboxGuid, long objectNumber)
    {
        var bytes = new byte[kind == EwsIdKind.Folder ? FolderEntryIdLength : MessageEntryIdLength];
        mailboxGuid.TryWriteBytes(bytes.AsSpan(4, 16));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(20), kind == EwsIdKind.Folder ? (ushort)0x0001 : (ushort)0x0007);
        mailboxGuid.TryWriteBytes(bytes.AsSpan(22, 16));
        if (kind == EwsIdKind.Folder)
        {
            WriteCounter(bytes.AsSpan(38, 6), objectNumber);
        }
        else
        {
            mailboxGuid.TryWriteBytes(bytes.AsSpan(46, 16));
            WriteCounter(bytes.AsSpan(62, 6), objectNumber);
        }

        return bytes;
    }

    private static bool TryReadEntryId(ReadOnlySpan<byte> bytes, out EwsIdKind kind, out Guid mailboxGuid, out long objectNumber)
    {
        (kind, mailboxGuid, objectNumber) = (default, default, 0);
        if (bytes.Length is not (FolderEntryIdLength or MessageEntryIdLength) || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != 0)
        {
            return false;
        }

        var type = BinaryPrimitives.ReadUInt16LittleEndian(bytes[20..]);
        mailboxGuid = new Guid(bytes.Slice(4, 16));
        (kind, objectNumber) = (type, bytes.Length) switch
        {
            (0x0001, FolderEntryIdLength) => (EwsIdKind.Folder, ReadCounter(bytes.Slice(38, 6))),
            (0x0007, MessageEntryIdLength) => (EwsIdKind.Item, ReadCounter(bytes.Slice(62, 6))),
            _ => (default, 0L),
        };
        return objectNumber > 0;
    }

    private static byte[] StoreId(EwsIdKind kind, Guid mailboxGuid, long objectNumber)
    {
        var entryId = EntryId(kind, mailboxGuid, objectNumber);
        var bytes = new byte[2 + entryId.Length + 1];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)entryId.Length);
        entryId.CopyTo(bytes, 2);
        bytes[^1] = (byte)kind;
        return bytes;
    }

    private static bool TryReadStoreId(ReadOnlySpan<byte> bytes, out EwsIdKind kind, out Guid mailboxGuid, out long objectNumber)
    {
        (kind, mailboxGuid, objectNumber) = (default, default, 0);
        return bytes.Length > 3 && BinaryPrimitives.ReadUInt16LittleEndian(bytes) == bytes.Length - 3 &&
               TryReadEntryId(bytes[2..^1], out kind, out mailboxGuid, out objectNumber) && bytes[^1] == (byte)kind;
    }

    private static bool TryReadOwaId(ReadOnlySpan<byte> bytes, out EwsIdKind kind, out Guid mailboxGuid, out long objectNumber)
    {
        (kind, mailboxGuid, objectNumber) = (default, default, 0);
        return bytes.Length > 1 && TryReadEntryId(bytes[1..], out kind, out mailboxGuid, out objectNumber) && bytes[0] == (byte)kind;
    }

    private static string Legacy(string ewsId)
    {
        var bytes = Convert.FromBase64String(ewsId);
        bytes[0] = 0x00;
        return Convert.ToBase64String(bytes);
    }

    private static string? FromLegacy(string legacyId)
    {
        var bytes = Convert.FromBase64String(legacyId);
        if (bytes.Length == 0 || bytes[0] != 0x00)
        {
            return null;
        }

        bytes[0] = 0x01;
        return Convert.ToBase64String(bytes);
    }

    private static void WriteCounter(Span<byte> destination, long value)
    {
        Span<byte> buffer = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, value);
        buffer[2..].CopyTo(destination);
    }

    private static long ReadCounter(ReadOnlySpan<byte> source)
    {
        Span<byte> buffer = stackalloc byte[8];
        source.CopyTo(buffer[2..]);
        return BinaryPrimitives.ReadInt64BigEndian(buffer);
    }
}

/// <summary>
/// Attachment ids: version, 'A', the mailbox GUID, the item's object number and the attachment's position (base64).
/// An item that moves gets a new id, and so do its attachments, as on Exchange.
/// </summary>
internal static class AttachmentIds
{
    private const int Length = 30;

    public static string Encode(Guid mailboxGuid, long objectNumber, int position)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = 0x01;
        bytes[1] = (byte)'A';
        mailboxGuid.TryWriteBytes(bytes[2..18]);
        BinaryPrimitives.WriteInt64LittleEndian(bytes[18..], objectNumber);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[26..], position);
        return Convert.ToBase64String(bytes);
    }

    public static bool TryDecode(string? id, out Guid mailboxGuid, out long objectNumber, out int position)
    {
        (mailboxGuid, objectNumber, position) = (default, 0, 0);
        Span<byte> bytes = stackalloc byte[48];
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !Convert.TryFromBase64String(id, bytes, out var written) ||
            written != Length || bytes[0] != 0x01 || bytes[1] != (byte)'A')
        {
            return false;
        }

        mailboxGuid = new Guid(bytes[2..18]);
        objectNumber = BinaryPrimitives.ReadInt64LittleEndian(bytes[18..]);
        position = BinaryPrimitives.ReadInt32LittleEndian(bytes[26..]);
        return objectNumber > 0 && position >= 0;
    }
}
