using System.Buffers.Binary;
using System.Numerics;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// MD4 (RFC 1320), needed only to derive the NT hash (MD4 of the UTF-16LE password) for NTLM. .NET exposes no MD4,
/// and the NT hash is all it is used for, so a small one-shot implementation suffices. MD4 is broken as a
/// general-purpose hash; do not use it for anything else.
/// </summary>
internal static class Md4
{
    public const int HashSizeInBytes = 16;

    public static byte[] HashData(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSizeInBytes];
        HashData(data, hash);
        return hash;
    }

    public static void HashData(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (destination.Length < HashSizeInBytes)
        {
            throw new ArgumentException("The destination is too small for an MD4 hash.", nameof(destination));
        }

        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        Span<uint> words = stackalloc uint[16];

        // Whole blocks straight from the input.
        var fullBlocks = data.Length / 64;
        for (var block = 0; block < fullBlocks; block++)
        {
            LoadWords(data.Slice(block * 64, 64), words);
            ProcessBlock(words, ref a, ref b, ref c, ref d);
        }

        // Padding: 0x80, zeros to 56 mod 64, then the message length in bits (little-endian, 64-bit).
        Span<byte> tail = stackalloc byte[128];
        tail.Clear();
        var remainder = data[(fullBlocks * 64)..];
        remainder.CopyTo(tail);
        tail[remainder.Length] = 0x80;
        var tailLength = remainder.Length < 56 ? 64 : 128;
        BinaryPrimitives.WriteUInt64LittleEndian(tail[(tailLength - 8)..], (ulong)data.Length * 8);
        for (var offset = 0; offset < tailLength; offset += 64)
        {
            LoadWords(tail.Slice(offset, 64), words);
            ProcessBlock(words, ref a, ref b, ref c, ref d);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination, a);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], b);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], c);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], d);
    }

    private static void LoadWords(ReadOnlySpan<byte> block, Span<uint> words)
    {
        for (var index = 0; index < 16; index++)
        {
            words[index] = BinaryPrimitives.ReadUInt32LittleEndian(block[(index * 4)..]);
        }
    }

    private static void ProcessBlock(ReadOnlySpan<uint> x, ref uint a, ref uint b, ref uint c, ref uint d)
    {
        uint aa = a, bb = b, cc = c, dd = d;

        // Round 1: F(x,y,z) = (x AND y) OR (NOT x AND z), shifts 3 7 11 19, words in order.
        for (var index = 0; index < 16; index += 4)
        {
            a = BitOperations.RotateLeft(a + ((b & c) | (~b & d)) + x[index], 3);
            d = BitOperations.RotateLeft(d + ((a & b) | (~a & c)) + x[index + 1], 7);
            c = BitOperations.RotateLeft(c + ((d & a) | (~d & b)) + x[index + 2], 11);
            b = BitOperations.RotateLeft(b + ((c & d) | (~c & a)) + x[index + 3], 19);
        }

        // Round 2: G(x,y,z) = majority, constant 0x5A827999, shifts 3 5 9 13, words by column.
        const uint round2 = 0x5A827999;
        for (var index = 0; index < 4; index++)
        {
            a = BitOperations.RotateLeft(a + ((b & c) | (b & d) | (c & d)) + x[index] + round2, 3);
            d = BitOperations.RotateLeft(d + ((a & b) | (a & c) | (b & c)) + x[index + 4] + round2, 5);
            c = BitOperations.RotateLeft(c + ((d & a) | (d & b) | (a & b)) + x[index + 8] + round2, 9);
            b = BitOperations.RotateLeft(b + ((c & d) | (c & a) | (d & a)) + x[index + 12] + round2, 13);
        }

        // Round 3: H(x,y,z) = x XOR y XOR z, constant 0x6ED9EBA1, shifts 3 9 11 15, words in bit-reversed order.
        const uint round3 = 0x6ED9EBA1;
        ReadOnlySpan<int> order = [0, 2, 1, 3];
        foreach (var index in order)
        {
            a = BitOperations.RotateLeft(a + (b ^ c ^ d) + x[index] + round3, 3);
            d = BitOperations.RotateLeft(d + (a ^ b ^ c) + x[index + 8] + round3, 9);
            c = BitOperations.RotateLeft(c + (d ^ a ^ b) + x[index + 4] + round3, 11);
            b = BitOperations.RotateLeft(b + (c ^ d ^ a) + x[index + 12] + round3, 15);
        }

        a += aa;
        b += bb;
        c += cc;
        d += dd;
    }
}
