using System.Net;
using ExSync.Exchange.Http;

namespace ExSync.Exchange.Tests.Unit;

public sealed class OutboundAddressPolicyTests
{
    private static OutboundAddressPolicy Policy(bool loopback = false, bool privateNetworks = false, params string[] allowed) =>
        new(new ExchangeOutboundPolicy { AllowLoopback = loopback, AllowPrivateNetworks = privateNetworks, AllowedNetworks = allowed });

    [Theory]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.0.1")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("100.100.100.200")]
    [InlineData("168.63.129.16")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::a9fe:a9fe")]
    [InlineData("0.0.0.0")]
    [InlineData("::")]
    [InlineData("224.0.0.1")]
    [InlineData("ff02::1")]
    [InlineData("255.255.255.255")]
    public void Metadata_link_local_unspecified_multicast_and_broadcast_are_never_allowed(string address)
    {
        var verdict = Policy(loopback: true, privateNetworks: true, "0.0.0.0/0", "::/0").Evaluate(IPAddress.Parse(address));

        Assert.False(verdict.IsAllowed);
        Assert.Equal(BlockedAddressKind.NeverAllowed, verdict.Kind);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.10.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void Loopback_needs_allow_loopback(string address)
    {
        Assert.Equal(BlockedAddressKind.Loopback, Policy().Evaluate(IPAddress.Parse(address)).Kind);
        Assert.False(Policy().Evaluate(IPAddress.Parse(address)).IsAllowed);
        Assert.True(Policy(loopback: true).Evaluate(IPAddress.Parse(address)).IsAllowed);
    }

    [Theory]
    [InlineData("10.0.0.5")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.10")]
    [InlineData("100.64.0.1")]
    [InlineData("fd12:3456::1")]
    [InlineData("::ffff:10.0.0.5")]
    public void Private_ranges_need_allow_private_networks_or_an_allowed_network(string address)
    {
        var ip = IPAddress.Parse(address);
        Assert.False(Policy().Evaluate(ip).IsAllowed);
        Assert.Equal(BlockedAddressKind.PrivateNetwork, Policy().Evaluate(ip).Kind);
        Assert.True(Policy(privateNetworks: true).Evaluate(ip).IsAllowed);
        Assert.True(Policy(false, false, "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fd00::/8").Evaluate(ip).IsAllowed);
    }

    [Fact]
    public void Allowed_networks_are_exact_about_their_bounds()
    {
        var policy = Policy(false, false, "10.20.0.0/16", "192.168.1.7");

        Assert.True(policy.Evaluate(IPAddress.Parse("10.20.255.255")).IsAllowed);
        Assert.False(policy.Evaluate(IPAddress.Parse("10.21.0.0")).IsAllowed);
        Assert.True(policy.Evaluate(IPAddress.Parse("192.168.1.7")).IsAllowed);
        Assert.False(policy.Evaluate(IPAddress.Parse("192.168.1.8")).IsAllowed);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("100.128.0.1")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.True(Policy().Evaluate(IPAddress.Parse(address)).IsAllowed);

    [Fact]
    public void Nat64_addresses_are_judged_by_the_embedded_ipv4_address()
    {
        Assert.False(Policy().Evaluate(IPAddress.Parse("64:ff9b::10.0.0.1")).IsAllowed);
        Assert.True(Policy().Evaluate(IPAddress.Parse("64:ff9b::8.8.8.8")).IsAllowed);
    }

    [Theory]
    [InlineData("10.0.0.0/8", true)]
    [InlineData("fd00::/8", true)]
    [InlineData("10.1.2.3", true)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("10.0.0/8", false)]
    [InlineData("mail.contoso.local", false)]
    [InlineData("", false)]
    public void Cidr_blocks_are_validated(string text, bool valid) => Assert.Equal(valid, IpNetwork.TryParse(text, out _));

    [Fact]
    public void Options_validation_names_the_bad_allowed_network()
    {
        var result = new ExchangeClientOptionsValidator().Validate(null, new ExchangeClientOptions
        {
            OutboundPolicy = new ExchangeOutboundPolicy { AllowedNetworks = ["10.0.0.0/8", "not-a-network"] },
        });

        Assert.True(result.Failed);
        Assert.Contains("not-a-network", result.FailureMessage, StringComparison.Ordinal);
    }
}
