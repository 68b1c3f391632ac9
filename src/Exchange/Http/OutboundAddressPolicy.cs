using System.Net;
using System.Net.Sockets;

namespace ExSync.Exchange.Http;

/// <summary>Why an address may not be connected to.</summary>
internal enum BlockedAddressKind
{
    /// <summary>Link-local, cloud metadata, unspecified, multicast, broadcast or reserved: never allowed.</summary>
    NeverAllowed,

    /// <summary>Loopback: allowed only with AllowLoopback or an AllowedNetworks entry.</summary>
    Loopback,

    /// <summary>Private or carrier-grade NAT range: allowed only with AllowPrivateNetworks or an AllowedNetworks entry.</summary>
    PrivateNetwork,
}

/// <summary>A refused address with the reason, for the error message.</summary>
internal readonly record struct AddressVerdict(bool IsAllowed, BlockedAddressKind Kind, string Reason)
{
    public static readonly AddressVerdict Allowed = new(true, default, string.Empty);
}

/// <summary>
/// Decides whether ExSync may open a connection to an IP address. Administrators type Exchange addresses into
/// ExSync and the server connects to them, so without this check the connectivity test could be used to probe the
/// internal network or a cloud metadata endpoint (SSRF).
/// </summary>
internal sealed class OutboundAddressPolicy
{
    // Never allowed, whatever the configuration says: link-local (where cloud metadata services live), known
    // metadata and host-agent addresses that sit outside link-local, "this network", multicast, and reserved space
    // (which includes the limited broadcast address).
    private static readonly (IpNetwork Network, string Reason)[] NeverAllowed =
    [
        (IpNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata services live here)"),
        (IpNetwork.Parse("fe80::/10"), "an IPv6 link-local address"),
        (IpNetwork.Parse("fd00:ec2::254/128"), "the AWS IPv6 instance metadata address"),
        (IpNetwork.Parse("100.100.100.200/32"), "the Alibaba Cloud metadata address"),
        (IpNetwork.Parse("168.63.129.16/32"), "the Azure host agent (WireServer) address"),
        (IpNetwork.Parse("0.0.0.0/8"), "an unspecified (\"this network\") address"),
        (IpNetwork.Parse("::/128"), "the unspecified IPv6 address"),
        (IpNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IpNetwork.Parse("ff00::/8"), "an IPv6 multicast address"),
        (IpNetwork.Parse("240.0.0.0/4"), "a reserved or broadcast address"),
    ];

    private static readonly IpNetwork[] LoopbackNetworks = [IpNetwork.Parse("127.0.0.0/8"), IpNetwork.Parse("::1/128")];

    private static readonly IpNetwork[] PrivateNetworks =
    [
        IpNetwork.Parse("10.0.0.0/8"),
        IpNetwork.Parse("172.16.0.0/12"),
        IpNetwork.Parse("192.168.0.0/16"),
        IpNetwork.Parse("100.64.0.0/10"),
        IpNetwork.Parse("fc00::/7"),
    ];

    // IPv6 forms that carry an IPv4 address a packet may end up at: IPv4-compatible (::a.b.c.d, deprecated but
    // routable by some stacks) and the NAT64 well-known prefix. IPv4-mapped (::ffff:a.b.c.d) is handled by MapToIPv4.
    private static readonly IpNetwork Nat64 = IpNetwork.Parse("64:ff9b::/96");
    private static readonly IpNetwork IPv4Compatible = IpNetwork.Parse("::/96");

    private readonly bool _allowLoopback;
    private readonly bool _allowPrivateNetworks;
    private readonly IpNetwork[] _allowedNetworks;

    public OutboundAddressPolicy(ExchangeOutboundPolicy settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _allowLoopback = settings.AllowLoopback;
        _allowPrivateNetworks = settings.AllowPrivateNetworks;
        _allowedNetworks = [.. settings.AllowedNetworks.Select(IpNetwork.Parse)];
    }

    public AddressVerdict Evaluate(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var verdict = EvaluateSingle(address);
        if (!verdict.IsAllowed)
        {
            return verdict;
        }

        // An allowed-looking IPv6 address may embed an IPv4 destination; that destination must pass too.
        return TryGetEmbeddedIPv4(address, out var embedded) ? EvaluateSingle(embedded) : verdict;
    }

    private AddressVerdict EvaluateSingle(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        foreach (var (network, reason) in NeverAllowed)
        {
            if (network.Contains(address))
            {
                return new AddressVerdict(false, BlockedAddressKind.NeverAllowed, reason);
            }
        }

        if (LoopbackNetworks.Any(n => n.Contains(address)))
        {
            return _allowLoopback || IsExplicitlyAllowed(address)
                ? AddressVerdict.Allowed
                : new AddressVerdict(false, BlockedAddressKind.Loopback, "a loopback address");
        }

        if (PrivateNetworks.Any(n => n.Contains(address)))
        {
            return _allowPrivateNetworks || IsExplicitlyAllowed(address)
                ? AddressVerdict.Allowed
                : new AddressVerdict(false, BlockedAddressKind.PrivateNetwork, "a private network address");
        }

        return AddressVerdict.Allowed;
    }

    private bool IsExplicitlyAllowed(IPAddress address)
    {
        foreach (var network in _allowedNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryGetEmbeddedIPv4(IPAddress address, out IPAddress embedded)
    {
        embedded = IPAddress.None;
        // ::1 and :: lie inside ::/96 but are IPv6 addresses in their own right, judged by EvaluateSingle.
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || address.IsIPv4MappedToIPv6 ||
            address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6Any))
        {
            return false;
        }

        if (!Nat64.Contains(address) && !IPv4Compatible.Contains(address))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        embedded = new IPAddress(bytes[12..]);
        return true;
    }
}
