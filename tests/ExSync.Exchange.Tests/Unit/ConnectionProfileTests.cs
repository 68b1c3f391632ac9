using System.Security.Cryptography;
using System.Text;
using ExSync.Exchange.Http;
using ExSync.Exchange.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace ExSync.Exchange.Tests.Unit;

public sealed class ConnectionProfileTests
{
    private readonly ExchangeHttpClientProvider _provider = new(new NoFactory(), new HandlerSettingsRegistry(), new FakeTimeProvider());

    private static ExchangeConnectionSettings Settings(ExchangeAuthentication authentication, string? pem = null) => new()
    {
        EwsUrl = new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
        Authentication = authentication,
        TrustedCertificateAuthorityPem = pem,
    };

    [Fact]
    public void Equal_settings_share_one_handler_even_as_different_instances()
    {
        var first = _provider.GetProfile(Settings(Scenarios.Ntlm()));
        var second = _provider.GetProfile(Settings(Scenarios.Ntlm()));

        Assert.Same(first, second);
    }

    [Fact]
    public void Ntlm_accounts_never_share_a_handler_because_ntlm_authenticates_the_connection()
    {
        var a = _provider.GetProfile(Settings(Scenarios.Ntlm()));
        var b = _provider.GetProfile(Settings(Scenarios.Ntlm(Scenarios.LimitedUser, Scenarios.LimitedPassword)));
        var samePersonNewPassword = _provider.GetProfile(Settings(Scenarios.Ntlm(password: "changed")));

        Assert.NotEqual(a.ClientName, b.ClientName);
        Assert.NotEqual(a.ClientName, samePersonNewPassword.ClientName);
        Assert.NotNull(a.Handler.Credentials);
    }

    [Fact]
    public void Basic_accounts_share_connections_but_not_credentials()
    {
        var a = _provider.GetProfile(Settings(Scenarios.Basic()));
        var b = _provider.GetProfile(Settings(Scenarios.Basic(Scenarios.LimitedUser, Scenarios.LimitedPassword)));

        Assert.Equal(a.ClientName, b.ClientName);
        Assert.NotEqual(a.BasicCredentials, b.BasicCredentials);
        Assert.Null(a.Handler.Credentials);
        Assert.Equal(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Scenarios.ServiceUser}:{Scenarios.ServicePassword}")), a.BasicCredentials);
    }

    [Fact]
    public void A_different_trusted_ca_gets_a_different_handler()
    {
        using var one = new TestCertificateAuthority("One");
        using var two = new TestCertificateAuthority("Two");

        var a = _provider.GetProfile(Settings(Scenarios.Basic(), one.Pem));
        var b = _provider.GetProfile(Settings(Scenarios.Basic(), two.Pem));
        var none = _provider.GetProfile(Settings(Scenarios.Basic()));

        Assert.Equal(3, new[] { a.ClientName, b.ClientName, none.ClientName }.Distinct().Count());
        Assert.Single(a.Handler.TrustedRoots!);
        Assert.Null(none.Handler.TrustedRoots);
    }

    [Fact]
    public void Client_names_reveal_nothing_about_the_password()
    {
        var name = _provider.GetProfile(Settings(Scenarios.Ntlm())).ClientName;
        var plainHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Scenarios.ServicePassword)));

        Assert.StartsWith(ExchangeHttpClientProvider.ClientNamePrefix, name, StringComparison.Ordinal);
        Assert.DoesNotContain(Scenarios.ServicePassword, name, StringComparison.Ordinal);
        Assert.DoesNotContain(plainHash[..12], name, StringComparison.Ordinal);

        // A second provider (another process) uses another key, so names cannot be correlated across processes.
        var other = new ExchangeHttpClientProvider(new NoFactory(), new HandlerSettingsRegistry(), new FakeTimeProvider());
        Assert.NotEqual(name, other.GetProfile(Settings(Scenarios.Ntlm())).ClientName);
    }

    [Fact]
    public void Certificates_pasted_without_a_line_break_between_them_are_all_read()
    {
        using var one = new TestCertificateAuthority("One");
        using var two = new TestCertificateAuthority("Two");

        var profile = _provider.GetProfile(Settings(Scenarios.Basic(), one.Pem.TrimEnd() + two.Pem));

        Assert.Equal(2, profile.Handler.TrustedRoots!.Count);
    }

    [Fact]
    public void Text_that_is_not_a_certificate_is_rejected_with_a_clear_code()
    {
        var exception = Assert.Throws<ExchangeException>(() => _provider.GetProfile(Settings(Scenarios.Basic(), "hello")));

        Assert.Equal(ExchangeErrorCodes.InvalidTrustedCertificate, exception.Error.Code);
        Assert.Contains("BEGIN CERTIFICATE", exception.Error.Remediation, StringComparison.Ordinal);
    }

    private sealed class NoFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("Not used by these tests.");
    }
}
