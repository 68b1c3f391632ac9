using System.Buffers.Binary;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>NTLM negotiate flags used by the simulator (MS-NLMP §2.2.2.5).</summary>
[Flags]
internal enum NtlmFlags : uint
{
    None = 0,
    NegotiateUnicode = 0x00000001,
    NegotiateOem = 0x00000002,
    RequestTarget = 0x00000004,
    NegotiateSign = 0x00000010,
    NegotiateSeal = 0x00000020,
    NegotiateLmKey = 0x00000080,
    NegotiateNtlm = 0x00000200,
    NegotiateAlwaysSign = 0x00008000,
    TargetTypeDomain = 0x00010000,
    NegotiateExtendedSessionSecurity = 0x00080000,
    NegotiateTargetInfo = 0x00800000,
    NegotiateVersion = 0x02000000,
    Negotiate128 = 0x20000000,
    NegotiateKeyExchange = 0x40000000,
    Negotiate56 = 0x80000000,
}

/// <summary>The fields of an AUTHENTICATE_MESSAGE the server needs to verify an NTLMv2 response.</summary>
internal sealed record NtlmAuthenticateMessage(string UserName, string DomainName, string Workstation, byte[] NtChallengeResponse);

/// <summary>
/// Reads NEGOTIATE and AUTHENTICATE messages and writes CHALLENGE messages (MS-NLMP §2.2.1). Parsing is defensive:
/// every length and offset comes from the client and is checked against the buffer.
/// </summary>
internal static class NtlmMessages
{
    public const int NegotiateType = 1;
    public const int ChallengeType = 2;
    public const int AuthenticateType = 3;

    private static ReadOnlySpan<byte> Signature => "NTLMSSP\0"u8;

    /// <summary>The message type (1, 2 or 3), or 0 when the blob is not an NTLM message.</summary>
    public static int ReadMessageType(ReadOnlySpan<byte> message) =>
        message.Length >= 12 && message[..8].SequenceEqual(Signature) ? (int)BinaryPrimitives.ReadUInt32LittleEndian(message[8..]) : 0;

    public static NtlmFlags ReadNegotiateFlags(ReadOnlySpan<byte> negotiate) =>
        negotiate.Length >= 16 ? (NtlmFlags)BinaryPrimitives.ReadUInt32LittleEndian(negotiate[12..]) : NtlmFlags.None;

    /// <summary>
    /// The flags the server answers with: what it requires (NTLM, target info, extended session security when
    /// asked) plus the client's requests it can honour. Signing and key exchange are echoed because clients such as
    /// .NET's managed NTLM insist on them to compute a MIC, even though HTTP never signs messages.
    /// </summary>
    public static NtlmFlags ChooseChallengeFlags(NtlmFlags requested)
    {
        var flags = NtlmFlags.NegotiateNtlm | NtlmFlags.RequestTarget | NtlmFlags.TargetTypeDomain | NtlmFlags.NegotiateTargetInfo;
        flags |= (requested & NtlmFlags.NegotiateUnicode) != 0 ? NtlmFlags.NegotiateUnicode : NtlmFlags.NegotiateOem;
        const NtlmFlags echoed = NtlmFlags.NegotiateExtendedSessionSecurity | NtlmFlags.NegotiateAlwaysSign | NtlmFlags.NegotiateSign |
                                 NtlmFlags.NegotiateSeal | NtlmFlags.NegotiateKeyExchange | NtlmFlags.Negotiate128 |
                                 NtlmFlags.Negotiate56 | NtlmFlags.NegotiateVersion;
        return flags | (requested & echoed);
    }

    public static byte[] WriteChallenge(NtlmFlags flags, ReadOnlySpan<byte> serverChallenge, NtlmServerIdentity server, DateTimeOffset now)
    {
        var unicode = (flags & NtlmFlags.NegotiateUnicode) != 0;
        var targetName = unicode ? Encoding.Unicode.GetBytes(server.NetBiosDomain) : Encoding.ASCII.GetBytes(server.NetBiosDomain);
        var targetInfo = WriteTargetInfo(server, now);

        const int headerLength = 56;
        var message = new byte[headerLength + targetName.Length + targetInfo.Length];
        var span = message.AsSpan();
        Signature.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], ChallengeType);
        WriteField(span[12..], targetName.Length, headerLength);
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], (uint)flags);
        serverChallenge.CopyTo(span[24..]);
        WriteField(span[40..], targetInfo.Length, headerLength + targetName.Length);

        // Version: Windows Server 2019 (10.0.17763), NTLM revision 15.
        span[48] = 10;
        span[49] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[50..], 17763);
        span[55] = 15;

        targetName.CopyTo(span[headerLength..]);
        targetInfo.CopyTo(span[(headerLength + targetName.Length)..]);
        return message;
    }

    public static bool TryReadAuthenticate(ReadOnlySpan<byte> message, bool unicode, out NtlmAuthenticateMessage? authenticate)
    {
        authenticate = null;
        if (message.Length < 52 || ReadMessageType(message) != AuthenticateType ||
            !TryReadField(message, 20, out var ntResponse) ||
            !TryReadField(message, 28, out var domain) ||
            !TryReadField(message, 36, out var user) ||
            !TryReadField(message, 44, out var workstation))
        {
            return false;
        }

        var encoding = unicode ? Encoding.Unicode : Encoding.Latin1;
        authenticate = new NtlmAuthenticateMessage(encoding.GetString(user), encoding.GetString(domain), encoding.GetString(workstation), ntResponse.ToArray());
        return true;
    }

    /// <summary>DOMAIN\user of an AUTHENTICATE message, for logs; "(unreadable)" when it cannot be parsed.</summary>
    public static string DescribeUser(ReadOnlySpan<byte> message, NtlmFlags negotiated) =>
        TryReadAuthenticate(message, (negotiated & NtlmFlags.NegotiateUnicode) != 0, out var authenticate)
            ? $"{authenticate!.DomainName}\\{authenticate.UserName}"
            : "(unreadable)";

    private static byte[] WriteTargetInfo(NtlmServerIdentity server, DateTimeOffset now)
    {
        // MsvAvNbComputerName and MsvAvNbDomainName are mandatory: clients that sign refuse a challenge without them.
        var pairs = new (ushort Id, byte[] Value)[]
        {
            (2, Encoding.Unicode.GetBytes(server.NetBiosDomain)),
            (1, Encoding.Unicode.GetBytes(server.NetBiosComputer)),
            (4, Encoding.Unicode.GetBytes(server.DnsDomain)),
            (3, Encoding.Unicode.GetBytes(server.DnsComputer)),
            (7, BitConverter.GetBytes(now.ToFileTime())),
        };
        var buffer = new byte[pairs.Sum(pair => 4 + pair.Value.Length) + 4];
        var offset = 0;
        foreach (var (id, value) in pairs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(offset), id);
            BinaryPrimitives.WriteUInt16LittleEndian(buffer.AsSpan(offset + 2), (ushort)value.Length);
            value.CopyTo(buffer, offset + 4);
            offset += 4 + value.Length;
        }

        // The last four bytes stay zero: MsvAvEOL.
        return buffer;
    }

    private static void WriteField(Span<byte> destination, int length, int offset)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], (ushort)length);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)offset);
    }

    private static bool TryReadField(ReadOnlySpan<byte> message, int fieldOffset, out ReadOnlySpan<byte> value)
    {
        value = default;
        var length = BinaryPrimitives.ReadUInt16LittleEndian(message[fieldOffset..]);
        var offset = BinaryPrimitives.ReadUInt32LittleEndian(message[(fieldOffset + 4)..]);
        if (length == 0)
        {
            return true;
        }

        if (offset > (uint)message.Length || length > message.Length - (int)offset)
        {
            return false;
        }

        value = message.Slice((int)offset, length);
        return true;
    }
}

/// <summary>The names the simulated server announces in its CHALLENGE target info.</summary>
internal sealed record NtlmServerIdentity(string NetBiosDomain, string NetBiosComputer, string DnsDomain, string DnsComputer);
