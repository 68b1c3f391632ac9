using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// A throw-away certificate authority and the server certificate it issues. Clients trust the CA (its PEM is
/// published) instead of disabling certificate validation, which is how an ExSync server profile pins a private CA.
/// Because people are asked to trust it, it is kept harmless: name-constrained to the simulator's own names and
/// loopback addresses, valid for 30 days, and its saved key readable by its owner only.
/// ECDSA P-256 keeps start-up fast (RSA key generation would dominate the start time of a test host).
/// </summary>
internal sealed class SimulatorCertificateAuthority : IDisposable
{
    /// <summary>How long a new CA is valid (after a day of tolerance for clocks that run behind).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    /// <summary>A saved CA with less than this left is replaced at start, so a running simulator does not hit the expiry.</summary>
    public static readonly TimeSpan RenewalMargin = TimeSpan.FromDays(7);

    private static readonly TimeSpan ClockTolerance = TimeSpan.FromDays(1);

    private SimulatorCertificateAuthority(X509Certificate2 certificate) => Certificate = certificate;

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public string Pem => Certificate.ExportCertificatePem();

    /// <summary>A new CA constrained to <paramref name="names"/>, valid from a day before <paramref name="now"/> for <see cref="Lifetime"/>.</summary>
    public static SimulatorCertificateAuthority Create(SimulatorNames names, DateTimeOffset? now = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ExSync Exchange Simulator CA, O=ExSync", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(SimulatorNameConstraints.For(names).ToExtension());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        var issuedAt = now ?? DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(issuedAt - ClockTolerance, issuedAt + Lifetime);
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

    /// <summary>
    /// Loads the CA kept in a PKCS#12 file, so a standalone simulator keeps its CA (and the PEM pasted into profiles)
    /// across restarts; or, when there is none or it must not be used any more, creates one and saves it owner-only.
    /// </summary>
    /// <returns>The CA, and why a saved one was replaced (null when it was reused or there was none).</returns>
    public static (SimulatorCertificateAuthority Authority, string? ReplacedBecause) LoadOrCreate(string pkcs12Path, SimulatorNames names)
    {
        string? replacedBecause = null;
        if (File.Exists(pkcs12Path))
        {
            // A key others could read may already have been copied: it is not used again, whatever it contains.
            replacedBecause = OwnerOnlyFiles.IsOwnerOnly(pkcs12Path) ? null : "its key file could be read by other users";
            if (replacedBecause is null)
            {
                var loaded = TryLoad(pkcs12Path);
                replacedBecause = loaded is null ? "it could not be read" : WhyReplace(loaded, names, DateTimeOffset.UtcNow);
                if (replacedBecause is null)
                {
                    return (new SimulatorCertificateAuthority(loaded!), null);
                }

                loaded?.Dispose();
            }
        }

        var created = Create(names);
        OwnerOnlyFiles.WriteAllBytes(pkcs12Path, created.Certificate.Export(X509ContentType.Pkcs12));
        return (created, replacedBecause);
    }

    /// <summary>Why a saved CA must not be used for <paramref name="names"/> at <paramref name="now"/>, or null when it may.</summary>
    internal static string? WhyReplace(X509Certificate2 authority, SimulatorNames names, DateTimeOffset now) =>
        !authority.HasPrivateKey ? "it has no private key"
        : SimulatorNameConstraints.Read(authority) is not { } constraints ? "it was not constrained to the simulator's names"
        : !constraints.Permits(names) ? "the scenario serves names outside its constraints"
        : authority.NotAfter.ToUniversalTime() - authority.NotBefore.ToUniversalTime() > ClockTolerance + Lifetime ? "it was valid for too long"
        : authority.NotAfter.ToUniversalTime() - now.UtcDateTime < RenewalMargin ? "it expires within a week"
        : null;

    /// <summary>Issues a TLS server certificate for the simulator's names.</summary>
    public X509Certificate2 IssueServerCertificate(SimulatorNames names) => IssueServerCertificate(names.DnsNames, names.Addresses);

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

        // Within the CA's validity, which CertificateRequest.Create insists on.
        var now = DateTimeOffset.UtcNow;
        var caNotBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
        var caNotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var notBefore = now - ClockTolerance > caNotBefore ? now - ClockTolerance : caNotBefore;
        var notAfter = now.AddYears(1) < caNotAfter ? now.AddYears(1) : caNotAfter;
        var serialNumber = RandomNumberGenerator.GetBytes(16);
        serialNumber[0] &= 0x7F;
        using var issued = request.Create(Certificate, notBefore, notAfter, serialNumber);
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

    private static X509Certificate2? TryLoad(string pkcs12Path)
    {
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(pkcs12Path, password: null, X509KeyStorageFlags.Exportable);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
