using System.Buffers.Binary;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Opaque watermarks: the mailbox and an event number, base64 like Exchange's. They carry no secret: a made-up
/// watermark can only name a position in a mailbox the caller can already read, and anything else is
/// ErrorInvalidWatermark.
/// </summary>
internal static class WatermarkCodec
{
    private const byte FormatVersion = 1;
    private const int Length = 1 + 16 + 8;

    public static string Encode(Guid mailboxGuid, long eventNumber)
    {
        Span<byte> buffer = stackalloc byte[Length];
        buffer[0] = FormatVersion;
        mailboxGuid.TryWriteBytes(buffer[1..17]);
        BinaryPrimitives.WriteInt64LittleEndian(buffer[17..], eventNumber);
        return Convert.ToBase64String(buffer);
    }

    public static bool TryDecode(string? watermark, Guid expectedMailbox, out long eventNumber)
    {
        eventNumber = 0;
        Span<byte> buffer = stackalloc byte[48];
        if (string.IsNullOrEmpty(watermark) || watermark.Length > 64 ||
            !Convert.TryFromBase64String(watermark.Trim(), buffer, out var written) || written != Length || buffer[0] != FormatVersion)
        {
            return false;
        }

        eventNumber = BinaryPrimitives.ReadInt64LittleEndian(buffer[17..Length]);
        return new Guid(buffer[1..17]) == expectedMailbox && eventNumber >= 0;
    }
}
