using System.Net;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// The simulator's CA is one people are told to trust, so it must be harmless: its saved key private to its owner, its
/// power limited to the simulator's names and loopback, and its life short and renewed without anyone's help.
/// </summary>
public sealed class CertificateAuthorityTests : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = OwnerReadWrite | UnixFileMode.UserExecute;

    private static readonly SimulatorNames Names = SimulatorNames.For(TestScenarios.Default().Server, IPAddress.Loopback);

    private readonly string _directory = Directory.CreateTempSubdirectory("exsync-ca-").FullName;

    private string KeyFile => Path.Combine(_directory, "state", "ca.pfx");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void TheKeyIsSavedReadableByItsOwnerOnlyInADirectoryOnlyItsOwnerCanEnter()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");

        var (authority, replaced) = LoadOrCreate();
        authority.Dispose();

        Assert.Null(replaced);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(KeyFile));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(Path.GetDirectoryName(KeyFile)!));
        Assert.Equal([KeyFile], Directory.GetFiles(Path.GetDirectoryName(KeyFile)!)); // no temporary file left behind
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void TheDefaultStateDirectoryIsPerUserAndIsClosedToOthersEvenIfItWasOpen()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        var defaults = StandaloneSettings.Read(new ConfigurationBuilder().Build());
        var perUser = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        var open = Path.Combine(_directory, "open");
        Directory.CreateDirectory(open);
        File.SetUnixFileMode(open, OwnerAll | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        OwnerOnlyFiles.EnsureDirectory(open, ours: true);

        Assert.Equal(Path.Combine(perUser, "exsync-simulator", "ca.pfx"), defaults.CertificateAuthorityPkcs12File);
        Assert.Equal(Path.Combine(perUser, "exsync-simulator", "ca.pem"), defaults.CertificateAuthorityPemFile);
        Assert.False(defaults.CertificateAuthorityPkcs12File.StartsWith(Path.GetTempPath(), StringComparison.Ordinal));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(open));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public void AKeyFileOthersCouldReadIsNeverUsedAgain()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "Unix file modes");
        string exposed;
        using (var first = LoadOrCreate().Authority)
        {
            exposed = first.Certificate.Thumbprint;
        }

        File.SetUnixFileMode(KeyFile, OwnerReadWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var (authority, replaced) = LoadOrCreate();
        using (authority)
        {
            Assert.NotEqual(exposed, authority.Certificate.Thumbprint);
        }

        Assert.Equal("its key file could be read by other users", replaced);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(KeyFile));
    }

    [Fact]
    public async Task TheCaIsConstrainedCriticallyToTheSimulatorsNamesAndLoopbackAndLivesThirtyDays()
    {
        await using var host = await ExchangeSimulatorHost.StartAsync(TestScenarios.Default(), TestContext.Current.CancellationToken);
        using var authority = host.CertificateAuthority;

        var extension = authority.Extensions["2.5.29.30"];
        Assert.NotNull(extension);
        Assert.True(extension.Critical);
        var constraints = SimulatorNameConstraints.Read(authority);
        Assert.NotNull(constraints);
        Assert.Equal(["localhost", "mail.contoso.local", "autodiscover.contoso.local", "contoso.local"], constraints.DnsNames);
        Assert.Equal(
            ["127.0.0.0/255.0.0.0", "::1/ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            constraints.Networks.Select(n => $"{new IPAddress(n.Address)}/{new IPAddress(n.Mask)}"));
        Assert.True(authority.NotAfter.ToUniversalTime() <= DateTime.UtcNow + SimulatorCertificateAuthority.Lifetime);
        Assert.True(authority.NotAfter - authority.NotBefore <= TimeSpan.FromDays(31), $"valid from {authority.NotBefore} to {authority.NotAfter}");
    }

    [Fact]
    public void ALeafForANameOrAddressOutsideTheConstraintsFailsChainValidationWithTheCaAsTrustRoot()
    {
        using var authority = SimulatorCertificateAuthority.Create(Names);
        using var inside = authority.IssueServerCertificate(["mail.contoso.local", "host.mail.contoso.local", "localhost"], [IPAddress.Parse("127.0.0.7"), IPAddress.IPv6Loopback]);
        using var otherSite = authority.IssueServerCertificate(["www.fabrikam.com"], []);
        using var otherAddress = authority.IssueServerCertificate(["localhost"], [IPAddress.Parse("10.1.2.3")]);
        using var lookalike = authority.IssueServerCertificate(["evilcontoso.local"], []);

        Assert.Equal(X509ChainStatusFlags.NoError, ChainStatus(authority, inside));
        Assert.All([otherSite, otherAddress, lookalike], leaf =>
            Assert.True(ChainStatus(authority, leaf).HasFlag(X509ChainStatusFlags.HasNotPermittedNameConstraint), leaf.Subject));
    }

    [Theory]
    [InlineData(25)] // five days left
    [InlineData(40)] // expired
    public void ACaCloseToItsExpiryIsRenewedAtStart(int daysOld)
    {
        using (var old = SimulatorCertificateAuthority.Create(Names, DateTimeOffset.UtcNow.AddDays(-daysOld)))
        {
            Save(old.Certificate);
        }

        var (authority, replaced) = LoadOrCreate();
        using (authority)
        {
            Assert.Equal("it expires within a week", replaced);
            Assert.True(authority.Certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddDays(29));
        }
    }

    [Fact]
    public void AFreshConstrainedCaIsKeptSoItsPemNeedsPastingOnlyOnce()
    {
        string first;
        using (var authority = LoadOrCreate().Authority)
        {
            first = authority.Certificate.Thumbprint;
        }

        var (again, replaced) = LoadOrCreate();
        using (again)
        {
            Assert.Equal(first, again.Certificate.Thumbprint);
        }

        Assert.Null(replaced);
    }

    [Fact]
    public void AnUnconstrainedFiveYearCaFromEarlierVersionsIsReplaced()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=ExSync Exchange Simulator CA, O=ExSync", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        using var old = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        Save(old);

        var (authority, replaced) = LoadOrCreate();
        authority.Dispose();

        Assert.Equal("it was not constrained to the simulator's names", replaced);
    }

    [Fact]
    public void ACaWhoseConstraintsDoNotCoverTheScenariosNamesIsReplaced()
    {
        LoadOrCreate().Authority.Dispose();
        var scenario = TestScenarios.Default();
        scenario.Server.HostNames.Add("mail.fabrikam.local");

        var (authority, replaced) = SimulatorCertificateAuthority.LoadOrCreate(KeyFile, SimulatorNames.For(scenario.Server, IPAddress.Loopback));
        using (authority)
        {
            Assert.Contains("mail.fabrikam.local", SimulatorNameConstraints.Read(authority.Certificate)!.DnsNames);
        }

        Assert.Equal("the scenario serves names outside its constraints", replaced);
    }

    private (SimulatorCertificateAuthority Authority, string? ReplacedBecause) LoadOrCreate()
    {
        OwnerOnlyFiles.EnsureDirectory(Path.GetDirectoryName(KeyFile)!, ours: true);
        return SimulatorCertificateAuthority.LoadOrCreate(KeyFile, Names);
    }

    private void Save(X509Certificate2 authority)
    {
        OwnerOnlyFiles.EnsureDirectory(Path.GetDirectoryName(KeyFile)!, ours: true);
        OwnerOnlyFiles.WriteAllBytes(KeyFile, authority.Export(X509ContentType.Pkcs12));
    }

    /// <summary>Builds the chain as ExSync does for a profile's trusted CA: custom root trust, no revocation check.</summary>
    private static X509ChainStatusFlags ChainStatus(SimulatorCertificateAuthority authority, X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.Build(leaf);
        return chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
    }
}
