using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// A throw-away certificate authority and the server certificate it issues. Clients trust the CA (its PEM is
/// published) instead of disabling certificate validation, which is how an ExSync server profile pins a private CA.
/// ECDSA P-256 keeps start-up fast (RSA key generation would dominate the start time of a test host).
/// </summary>
internal sealed class SimulatorCertificateAuthority : IDisposable
{
    private SimulatorCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public string Pem => Certificate.ExportCertificatePem();

    public static SimulatorCertificateAuthority Create()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ExSync Exchange Simulator CA, O=ExSync", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        return new SimulatorCertificateAuthority(MakePersistable(certificate));
    }

    /// <summary>Uses a caller-provided CA (it must carry its private key); the simulator works on its own copy.</summary>
    public static SimulatorCertificateAuthority FromCertificate(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("The certificate authority must include its private key.", nameof(certificate));
        }

        return new SimulatorCertificateAuthority(MakePersistable(certificate));
    }

    /// <summary>Loads the CA kept in a PKCS#12 file, or creates one and saves it there, so a standalone simulator keeps its CA across restarts.</summary>
    public static SimulatorCertificateAuthority LoadOrCreate(string pkcs12Path)
    {
        if (File.Exists(pkcs12Path))
        {
            var loaded = X509CertificateLoader.LoadPkcs12FromFile(pkcs12Path, password: null, X509KeyStorageFlags.Exportable);
            if (loaded.HasPrivateKey && loaded.NotAfter > DateTime.Now.AddDays(7))
            {
                return new SimulatorCertificateAuthority(loaded);
            }

            loaded.Dispose();
        }

        var created = Create();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(pkcs12Path))!);
        File.WriteAllBytes(pkcs12Path, created.Certificate.Export(X509ContentType.Pkcs12));
        return created;
    }

    /// <summary>Issues a TLS server certificate for the given names and addresses.</summary>
    public X509Certificate2 IssueServerCertificate(IEnumerable<string> dnsNames, IEnumerable<IPAddress> addresses)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ExSync Exchange Simulator", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dnsName in dnsNames.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            names.AddDnsName(dnsName);
        }

        foreach (var address in addresses.Distinct())
        {
            names.AddIpAddress(address);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        // A caller-supplied CA may lack a subject key identifier; then the issuer and serial identify it instead.
        var caHasKeyIdentifier = Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Any();
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(
            Certificate, includeKeyIdentifier: caHasKeyIdentifier, includeIssuerAndSerial: !caHasKeyIdentifier));

        var now = DateTimeOffset.UtcNow;
        var serialNumber = RandomNumberGenerator.GetBytes(16);
        serialNumber[0] &= 0x7F;
        var notAfter = now.AddYears(1) < Certificate.NotAfter ? now.AddYears(1) : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        using var issued = request.Create(Certificate, now.AddDays(-1), notAfter, serialNumber);
        using var withKey = issued.CopyWithPrivateKey(key);
        return MakePersistable(withKey);
    }

    /// <summary>
    /// Validates a server certificate against this CA only (ignoring the machine's trust store), for clients in tests.
    /// </summary>
    public bool Validates(X509Certificate2 serverCertificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(serverCertificate);
    }

    public void Dispose() => Certificate.Dispose();

    /// <summary>
    /// Ephemeral keys from CopyWithPrivateKey are not usable by SslStream on every platform (Windows needs a
    /// persisted key), so the certificate is round-tripped through PKCS#12.
    /// </summary>
    private static X509Certificate2 MakePersistable(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), password: null, X509KeyStorageFlags.Exportable);
}
