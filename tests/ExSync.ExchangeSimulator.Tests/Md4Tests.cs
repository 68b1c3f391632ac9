using System.Text;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class Md4Tests
{
    /// <summary>The test suite of RFC 1320, appendix A.5.</summary>
    [Theory]
    [InlineData("", "31d6cfe0d16ae931b73c59d7e0c089c0")]
    [InlineData("a", "bde52cb31de33e46245e05fbdbd6fb24")]
    [InlineData("abc", "a448017aaf21d8525fc10ae87aa6729d")]
    [InlineData("message digest", "d9130a8164549fe818874806e1c7014b")]
    [InlineData("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4")]
    [InlineData("12345678901234567890123456789012345678901234567890123456789012345678901234567890", "e33b4ddc9c38f2199c3e7b164fcc0536")]
    public void MatchesTheRfc1320TestSuite(string input, string expectedHex)
    {
        Assert.Equal(expectedHex, Convert.ToHexStringLower(Md4.HashData(Encoding.ASCII.GetBytes(input))));
    }

    [Theory]
    [InlineData(55)]
    [InlineData(56)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(65)]
    public void PaddingBoundariesMatchTheSameMessageHashedAsBlocks(int length)
    {
        // Lengths around the 56-byte padding boundary exercise the one- and two-block tails; the message of 'a'
        // repeated is compared against a second, differently assembled buffer of the same bytes.
        var bytes = Enumerable.Repeat((byte)'a', length).ToArray();
        var copy = new byte[length + 7].AsSpan(7, length);
        bytes.CopyTo(copy);

        Assert.Equal(Md4.HashData(bytes), Md4.HashData(copy));
        Assert.Equal(16, Md4.HashData(bytes).Length);
    }

    [Fact]
    public void NtHashOfPasswordMatchesTheWellKnownValue()
    {
        // NT hash of "password": MD4 over its UTF-16LE encoding.
        Assert.Equal("8846f7eaee8fb117ad06bdd830b7586c", Convert.ToHexStringLower(Md4.HashData(Encoding.Unicode.GetBytes("password"))));
    }
}
