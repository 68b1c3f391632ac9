using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ExSync.Exchange.Http;

/// <summary>An IP network in CIDR form (address plus prefix length).</summary>
internal readonly struct IpNetwork
{
    private readonly byte[] _prefix;

    private IpNetwork(byte[] prefix, int prefixLength, AddressFamily family)
    {
        _prefix = prefix;
        PrefixLength = prefixLength;
        Family = family;
    }

    public int PrefixLength { get; }

    public AddressFamily Family { get; }

    public static IpNetwork Parse(string cidr) =>
        TryParse(cidr, out var network)
            ? network
            : throw new FormatException($"'{cidr}' is not a CIDR block such as 10.0.0.0/8 or fd00::/8.");

    public static bool TryParse(string? cidr, out IpNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(cidr))
        {
            return false;
        }

        var text = cidr.Trim();
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressPart = slash < 0 ? text : text[..slash];
        // IPAddress.TryParse also accepts legacy shorthand such as "10.1" or "167772161"; an administrator who types
        // that almost certainly meant something else, so IPv4 must be dotted-quad.
        if (!IPAddress.TryParse(addressPart, out var address) ||
            (address.AddressFamily == AddressFamily.InterNetwork && addressPart.Count(c => c == '.') != 3))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var maxLength = bytes.Length * 8;
        var length = maxLength;
        if (slash >= 0 &&
            (!int.TryParse(text.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out length) ||
             length < 0 || length > maxLength))
        {
            return false;
        }

        Mask(bytes, length);
        network = new IpNetwork(bytes, length, address.AddressFamily);
        return true;
    }

    /// <summary>True when <paramref name="address"/> (same family) lies inside this network.</summary>
    public bool Contains(IPAddress address)
    {
        if (_prefix is null || address.AddressFamily != Family)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written) || written != _prefix.Length)
        {
            return false;
        }

        var fullBytes = PrefixLength / 8;
        if (!bytes[..fullBytes].SequenceEqual(_prefix.AsSpan(0, fullBytes)))
        {
            return false;
        }

        var remainingBits = PrefixLength % 8;
        if (remainingBits == 0)
        {
            return true;
        }

        var mask = (byte)(0xFF << (8 - remainingBits));
        return (bytes[fullBytes] & mask) == _prefix[fullBytes];
    }

    [SuppressMessage("Globalization", "CA1305", Justification = "IP addresses and integers are culture-invariant.")]
    public override string ToString() => $"{new IPAddress(_prefix)}/{PrefixLength}";

    private static void Mask(byte[] bytes, int prefixLength)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            var bitsInByte = Math.Clamp(prefixLength - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bitsInByte));
        }
    }
}
