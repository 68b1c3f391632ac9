using System.Diagnostics;
using System.Net;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Certificate validation, https enforcement and the outbound address policy, over real connections.</summary>
public sealed class TlsAndOutboundPolicyTests : SimulatorTestBase
{
    private async Task<ExchangeError> FailAsync(ExchangeClientHarness client, EwsTarget target)
    {
        var exception = await Assert.ThrowsAsync<ExchangeException>(() => client.Ews.GetFolderAsync(target, Inbox(), Ct));
        return exception.Error;
    }

    private EwsTarget TargetAt(Uri ewsUrl, string? trustedPem = "simulator", ExchangeAuthentication? authentication = null) =>
        new(ewsUrl, Scenarios.Connection(Simulator, authentication) with
        {
            EwsUrl = ewsUrl,
            TrustedCertificateAuthorityPem = trustedPem == "simulator" ? Simulator.CertificateAuthorityPem : trustedPem,
        }, Scenarios.Alice);

    [Fact]
    public async Task Without_the_internal_ca_the_certificate_is_untrusted_and_the_error_describes_it()
    {
        var error = await FailAsync(Client, TargetAt(Simulator.EwsUrl, trustedPem: null));

        Assert.Equal(ExchangeErrorCodes.CertificateUntrusted, error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, error.ErrorClass);
        Assert.Contains("issued by", error.Message, StringComparison.Ordinal);
        Assert.Contains("PEM", error.Remediation, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.Requests.Total);
    }

    [Fact]
    public async Task Trusting_some_other_ca_does_not_make_the_certificate_trusted()
    {
        using var otherAuthority = new TestCertificateAuthority("Unrelated CA");

        var error = await FailAsync(Client, TargetAt(Simulator.EwsUrl, trustedPem: otherAuthority.Pem));

        Assert.Equal(ExchangeErrorCodes.CertificateUntrusted, error.Code);
    }

    [Fact]
    public async Task The_trusted_ca_does_not_excuse_a_host_name_mismatch()
    {
        Client.MapHost("intranet.fabrikam.test", Simulator.HttpsBaseAddress);

        var error = await FailAsync(Client, TargetAt(new Uri($"https://intranet.fabrikam.test:{Simulator.EwsUrl.Port}/EWS/Exchange.asmx")));

        Assert.Equal(ExchangeErrorCodes.CertificateNameMismatch, error.Code);
        Assert.Contains("intranet.fabrikam.test", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_trusted_ca_does_not_excuse_an_expired_certificate()
    {
        using var authority = new TestCertificateAuthority();
        var expired = authority.IssueServerCertificate(["mail.contoso.local"], DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(-1));
        await using var server = await TinyHttpsServer.StartAsync(expired, _ => Task.CompletedTask, Ct);
        Client.MapHost("mail.contoso.local", server.EndPoint);

        var error = await FailAsync(Client, TargetAt(new Uri("https://mail.contoso.local/EWS/Exchange.asmx"), trustedPem: authority.Pem));

        Assert.Equal(ExchangeErrorCodes.CertificateInvalid, error.Code);
        Assert.Contains("expired", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task An_unreadable_trusted_ca_is_reported_as_such()
    {
        var error = await FailAsync(Client, TargetAt(Simulator.EwsUrl, trustedPem: "this is not a certificate"));

        Assert.Equal(ExchangeErrorCodes.InvalidTrustedCertificate, error.Code);
    }

    [Fact]
    public async Task Credentials_embedded_in_the_url_are_refused_and_not_echoed()
    {
        var url = new UriBuilder(Simulator.EwsUrl) { UserName = "svc", Password = "Hunter2" }.Uri;

        var error = await FailAsync(Client, TargetAt(url));

        Assert.Equal(ExchangeErrorCodes.InvalidEwsUrl, error.Code);
        Assert.DoesNotContain("Hunter2", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.Requests.Total);
    }

    [Fact]
    public async Task Plain_http_is_refused_before_any_connection()
    {
        var httpUrl = new Uri(Simulator.HttpBaseAddress, "EWS/Exchange.asmx");

        var error = await FailAsync(Client, TargetAt(httpUrl));

        Assert.Equal(ExchangeErrorCodes.InsecureHttpNotAllowed, error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, error.ErrorClass);
        Assert.Equal(0, Simulator.Requests.Total);
    }

    [Fact]
    public async Task Plain_http_works_only_with_allow_insecure_http()
    {
        await using var developmentClient = ExchangeClientHarness.Create(options => options.AllowInsecureHttp = true);

        var response = await developmentClient.Ews.GetFolderAsync(TargetAt(new Uri(Simulator.HttpBaseAddress, "EWS/Exchange.asmx")), Inbox(), Ct);

        Assert.True(response.Folders[0].Succeeded);
    }

    [Theory]
    [InlineData("https://169.254.169.254/EWS/Exchange.asmx")]
    [InlineData("https://[fd00:ec2::254]/EWS/Exchange.asmx")]
    [InlineData("https://100.100.100.200/EWS/Exchange.asmx")]
    [InlineData("https://[::ffff:169.254.169.254]/EWS/Exchange.asmx")]
    [InlineData("https://0.0.0.0/EWS/Exchange.asmx")]
    public async Task Metadata_and_unspecified_addresses_are_refused_even_with_everything_allowed(string url)
    {
        await using var permissive = ExchangeClientHarness.Create(options =>
        {
            options.OutboundPolicy.AllowPrivateNetworks = true;
            options.OutboundPolicy.AllowedNetworks = ["0.0.0.0/0", "::/0"];
        });
        var stopwatch = Stopwatch.StartNew();

        var error = await FailAsync(permissive, TargetAt(new Uri(url)));

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, error.ErrorClass);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(2), "a refusal must be immediate, not a hang");
    }

    [Fact]
    public async Task A_host_name_that_resolves_to_a_metadata_address_is_refused_and_named()
    {
        Client.MapHost("mail.contoso.local", new IPEndPoint(IPAddress.Parse("169.254.169.254"), 443));

        var error = await FailAsync(Client, TargetAt(new Uri("https://mail.contoso.local/EWS/Exchange.asmx")));

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, error.Code);
        Assert.Contains("mail.contoso.local", error.Message, StringComparison.Ordinal);
        Assert.Contains("169.254.169.254", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loopback_is_refused_unless_allowed_and_the_error_names_the_setting()
    {
        await using var strict = ExchangeClientHarness.Create(options => options.OutboundPolicy.AllowLoopback = false);

        var error = await FailAsync(strict, TargetAt(Simulator.EwsUrl));

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, error.Code);
        Assert.Contains("AllowLoopback", error.Remediation, StringComparison.Ordinal);
        Assert.Equal(0, Simulator.Requests.Total);
    }

    [Fact]
    public async Task An_allowed_network_entry_admits_exactly_that_network()
    {
        await using var allowed = ExchangeClientHarness.Create(options =>
        {
            options.OutboundPolicy.AllowLoopback = false;
            options.OutboundPolicy.AllowedNetworks = ["127.0.0.1/32"];
        });

        var response = await allowed.Ews.GetFolderAsync(TargetAt(Simulator.EwsUrl), Inbox(), Ct);

        Assert.True(response.Folders[0].Succeeded);
    }

    [Fact]
    public async Task A_host_that_resolves_to_a_private_address_is_refused_by_default()
    {
        await using var strict = ExchangeClientHarness.Create(options => options.OutboundPolicy.AllowLoopback = false);
        strict.MapHost("mail.contoso.local", new IPEndPoint(IPAddress.Parse("10.20.30.40"), 443));

        var error = await FailAsync(strict, TargetAt(new Uri("https://mail.contoso.local/EWS/Exchange.asmx")));

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, error.Code);
        Assert.Contains("AllowedNetworks", error.Remediation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_oauth_token_endpoint_goes_through_the_same_policy()
    {
        var oauth = Scenarios.OAuth(Simulator) with { AuthorityUrl = new Uri("https://169.254.169.254/") };

        var error = await FailAsync(Client, TargetAt(Simulator.EwsUrl, authentication: oauth));

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, error.Code);
        Assert.Equal(0, Simulator.Requests.TokenRequests);
    }

    [Fact]
    public async Task A_closed_port_is_a_transient_connection_refusal()
    {
        var closedPort = new Uri($"https://127.0.0.1:{ClosedPort()}/EWS/Exchange.asmx");

        var error = await FailAsync(Client, TargetAt(closedPort));

        Assert.Equal(ExchangeErrorCodes.ConnectionRefused, error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, error.ErrorClass);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_host_not_found()
    {
        var error = await FailAsync(Client, TargetAt(new Uri("https://no-such-host.contoso.local/EWS/Exchange.asmx")));

        Assert.Equal(ExchangeErrorCodes.HostNotFound, error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, error.ErrorClass);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
