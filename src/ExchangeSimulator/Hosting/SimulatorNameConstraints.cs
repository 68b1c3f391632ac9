using System.Formats.Asn1;
using System.Globalization;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// The names the simulator's server certificate carries: localhost, the scenario's host names, the loopback addresses
/// and a specific listen address. The certificate authority is constrained to exactly these (RFC 5280 §4.2.1.10), so
/// that trusting it, as the docs ask, lets no one issue a certificate for any other site.
/// </summary>
internal sealed record SimulatorNames(IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> Addresses)
{
    public static SimulatorNames For(ScenarioServer server, IPAddress listenAddress)
    {
        List<IPAddress> addresses = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        if (!listenAddress.Equals(IPAddress.Any) && !listenAddress.Equals(IPAddress.IPv6Any) && !addresses.Contains(listenAddress))
        {
            addresses.Add(listenAddress);
        }

        return new SimulatorNames(
            ["localhost", .. server.HostNames.Where(name => !string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase))],
            addresses);
    }
}

/// <summary>
/// A critical X.509 NameConstraints extension with permitted subtrees only: the DNS names (each with its subdomains, as
/// RFC 5280 defines a DNS constraint), all of 127.0.0.0/8 and ::1, and other listen addresses as single hosts. .NET has
/// no builder for it, so the DER is written (and read back, to tell whether a saved CA still fits) with System.Formats.Asn1.
/// </summary>
internal sealed class SimulatorNameConstraints
{
    public const string Oid = "2.5.29.30";

    private static readonly Asn1Tag PermittedSubtrees = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag DnsName = new(TagClass.ContextSpecific, 2);
    private static readonly Asn1Tag IpAddress = new(TagClass.ContextSpecific, 7);
    private static readonly IdnMapping Idn = new();

    private SimulatorNameConstraints(IReadOnlyList<string> dnsNames, IReadOnlyList<(byte[] Address, byte[] Mask)> networks)
    {
        DnsNames = dnsNames;
        Networks = networks;
    }

    /// <summary>Permitted DNS names, in ASCII (punycode) form.</summary>
    public IReadOnlyList<string> DnsNames { get; }

    /// <summary>Permitted address ranges as RFC 5280 encodes them: the address, then the mask.</summary>
    public IReadOnlyList<(byte[] Address, byte[] Mask)> Networks { get; }

    public static SimulatorNameConstraints For(SimulatorNames names)
    {
        var networks = new List<(byte[] Address, byte[] Mask)>
        {
            // The whole loopback block: a client may reach a simulator on 127.0.0.1 under any 127.x address.
            ([127, 0, 0, 0], [255, 0, 0, 0]),
            (IPAddress.IPv6Loopback.GetAddressBytes(), Enumerable.Repeat((byte)0xFF, 16).ToArray()),
        };
        foreach (var address in names.Addresses.Where(a => !IPAddress.IsLoopback(a)))
        {
            var bytes = address.GetAddressBytes();
            networks.Add((bytes, Enumerable.Repeat((byte)0xFF, bytes.Length).ToArray()));
        }

        return new SimulatorNameConstraints(names.DnsNames.Select(ToAscii).Distinct(StringComparer.OrdinalIgnoreCase).ToList(), networks);
    }

    /// <summary>The constraints of <paramref name="certificate"/> when it has a critical NameConstraints extension of this shape.</summary>
    public static SimulatorNameConstraints? Read(X509Certificate2 certificate)
    {
        if (certificate.Extensions[Oid] is not { Critical: true } extension)
        {
            return null;
        }

        try
        {
            var constraints = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
            if (!constraints.HasData || !constraints.PeekTag().HasSameClassAndValue(PermittedSubtrees))
            {
                return null;
            }

            var permitted = constraints.ReadSequence(PermittedSubtrees);
            var dnsNames = new List<string>();
            var networks = new List<(byte[] Address, byte[] Mask)>();
            while (permitted.HasData)
            {
                var subtree = permitted.ReadSequence();
                var tag = subtree.PeekTag();
                if (tag.HasSameClassAndValue(DnsName))
                {
                    dnsNames.Add(subtree.ReadCharacterString(UniversalTagNumber.IA5String, DnsName));
                }
                else if (tag.HasSameClassAndValue(IpAddress))
                {
                    var range = subtree.ReadOctetString(IpAddress);
                    networks.Add((range[..(range.Length / 2)], range[(range.Length / 2)..]));
                }
                else
                {
                    return null; // constraints on other name forms are not ours
                }
            }

            return new SimulatorNameConstraints(dnsNames, networks);
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    public X509Extension ToExtension()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(PermittedSubtrees))
            {
                foreach (var name in DnsNames)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteCharacterString(UniversalTagNumber.IA5String, name, DnsName);
                    }
                }

                foreach (var (address, mask) in Networks)
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteOctetString([.. address, .. mask], IpAddress);
                    }
                }
            }
        }

        // Critical, as RFC 5280 requires: a client that cannot check the constraints must not trust what the CA issued.
        return new X509Extension(Oid, writer.Encode(), critical: true);
    }

    /// <summary>Whether a certificate for <paramref name="names"/> issued under these constraints is valid.</summary>
    public bool Permits(SimulatorNames names) =>
        names.DnsNames.All(name => DnsNames.Any(permitted => IsWithin(ToAscii(name), permitted))) &&
        names.Addresses.All(address => Networks.Any(network => IsWithin(address.GetAddressBytes(), network)));

    private static bool IsWithin(string name, string permitted) =>
        string.Equals(name, permitted, StringComparison.OrdinalIgnoreCase) ||
        name.EndsWith("." + permitted, StringComparison.OrdinalIgnoreCase);

    private static bool IsWithin(byte[] address, (byte[] Address, byte[] Mask) network) =>
        address.Length == network.Address.Length &&
        address.Select((b, i) => (b & network.Mask[i]) == (network.Address[i] & network.Mask[i])).All(match => match);

    /// <summary>The same conversion <see cref="SubjectAlternativeNameBuilder.AddDnsName"/> applies to the certificate's names.</summary>
    private static string ToAscii(string name) => Idn.GetAscii(name);
}
