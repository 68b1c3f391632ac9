using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Tests.Infrastructure;
using ExSync.ExchangeSimulator;
using Microsoft.AspNetCore.Http;

namespace ExSync.Exchange.Tests.Integration;

/// <summary>Autodiscover: SOAP, POX fallback, redirects (followed, refused, looping, too many), 401 reporting.</summary>
public sealed class AutodiscoverTests : IAsyncLifetime
{
    private readonly List<IAsyncDisposable> _disposables = [];
    private ExchangeClientHarness _client = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _client = ExchangeClientHarness.Create(options => options.PreferExternalEwsUrl = false);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        foreach (var disposable in Enumerable.Reverse(_disposables))
        {
            await disposable.DisposeAsync();
        }
    }

    private async Task<ExchangeSimulatorHost> StartAsync(Action<SimulatorScenario>? configure = null)
    {
        var scenario = Scenarios.Contoso();
        configure?.Invoke(scenario);
        var simulator = await ExchangeSimulatorHost.StartAsync(scenario, Ct);
        _disposables.Add(simulator);
        return simulator;
    }

    private static ExchangeConnectionSettings Settings(string trustedPem, ExchangeAuthentication? authentication = null) => new()
    {
        EwsUrl = null,
        Authentication = authentication ?? Scenarios.Basic(),
        ConnectionTimeout = TimeSpan.FromSeconds(15),
        TrustedCertificateAuthorityPem = trustedPem,
    };

    private async Task<AutodiscoverResult> DiscoverAsync(string mailbox, string trustedPem, ExchangeAuthentication? authentication = null)
    {
        var result = await _client.Autodiscover.DiscoverEwsUrlAsync(mailbox, Settings(trustedPem, authentication), Ct);
        foreach (var attempt in result.Attempts)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{attempt.Protocol} {attempt.Url} {attempt.Mailbox}: {attempt.Outcome} {attempt.Error?.Code} {attempt.Detail}");
        }

        return result;
    }

    [Fact]
    public async Task Soap_autodiscover_at_the_autodiscover_host_finds_the_internal_ews_url()
    {
        var simulator = await StartAsync(s =>
        {
            s.Server.Autodiscover.EwsUrl = "https://mail.contoso.local/EWS/Exchange.asmx";
            s.Server.Autodiscover.ExternalEwsUrl = "https://mail.contoso.com/EWS/Exchange.asmx";
        });
        _client.MapHost("autodiscover.contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Equal(new Uri("https://mail.contoso.local/EWS/Exchange.asmx"), result.EwsUrl);
        Assert.Null(result.Error);
        Assert.Equal(
            ["https://contoso.local/autodiscover/autodiscover.svc", "https://contoso.local/autodiscover/autodiscover.xml", "https://autodiscover.contoso.local/autodiscover/autodiscover.svc"],
            result.Attempts.Select(a => a.Url.AbsoluteUri));
        Assert.Equal([AutodiscoverAttemptOutcome.Failed, AutodiscoverAttemptOutcome.Failed, AutodiscoverAttemptOutcome.Succeeded], result.Attempts.Select(a => a.Outcome));
        Assert.Equal(ExchangeErrorCodes.HostNotFound, result.Attempts[0].Error?.Code);
        Assert.Equal(1, simulator.Requests.AutodiscoverCount(AutodiscoverRequestKind.SoapGetUserSettings));
        Assert.Equal(0, simulator.Requests.AutodiscoverCount(AutodiscoverRequestKind.Pox));
        Assert.Equal(0, simulator.Requests.AutodiscoverCount(AutodiscoverRequestKind.GetProbe));
    }

    [Fact]
    public async Task The_external_url_is_used_when_preferred()
    {
        var simulator = await StartAsync(s =>
        {
            s.Server.Autodiscover.EwsUrl = "https://mail.contoso.local/EWS/Exchange.asmx";
            s.Server.Autodiscover.ExternalEwsUrl = "https://mail.contoso.com/EWS/Exchange.asmx";
        });
        await using var client = ExchangeClientHarness.Create(options => options.PreferExternalEwsUrl = true);
        client.MapHost("contoso.local", simulator.HttpsBaseAddress);

        var result = await client.Autodiscover.DiscoverEwsUrlAsync(Scenarios.Alice, Settings(simulator.CertificateAuthorityPem), Ct);

        Assert.Equal(new Uri("https://mail.contoso.com/EWS/Exchange.asmx"), result.EwsUrl);
    }

    [Fact]
    public async Task Pox_is_used_when_soap_is_not_available_on_the_host()
    {
        var simulator = await StartAsync(s => s.Server.Autodiscover.SoapEnabled = false);
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Equal(simulator.EwsUrl, result.EwsUrl);
        Assert.Equal([AutodiscoverProtocol.Soap, AutodiscoverProtocol.Pox], result.Attempts.Select(a => a.Protocol));
        Assert.Equal(ExchangeErrorCodes.EwsEndpointNotFound, result.Attempts[0].Error?.Code);
        Assert.Equal(1, simulator.Requests.AutodiscoverCount(AutodiscoverRequestKind.Pox));
    }

    [Fact]
    public async Task A_redirect_url_to_https_is_followed()
    {
        var target = await StartAsync();
        var redirector = await StartAsync(s => s.Server.Autodiscover.RedirectUrl = "https://autodiscover.contoso.local/autodiscover/autodiscover.svc");
        _client.MapHost("contoso.local", redirector.HttpsBaseAddress);
        _client.MapHost("autodiscover.contoso.local", target.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, redirector.CertificateAuthorityPem + target.CertificateAuthorityPem);

        Assert.Equal(target.EwsUrl, result.EwsUrl);
        Assert.Equal([AutodiscoverAttemptOutcome.Redirected, AutodiscoverAttemptOutcome.Succeeded], result.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public async Task An_http_302_to_https_is_followed_with_the_same_post()
    {
        var target = await StartAsync();
        using var authority = new TestCertificateAuthority();
        var redirect = await TinyHttpsServer.StartAsync(authority.IssueServerCertificate(["contoso.local"]), context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "https://autodiscover.contoso.local/autodiscover/autodiscover.svc";
            return Task.CompletedTask;
        }, Ct);
        _disposables.Add(redirect);
        _client.MapHost("contoso.local", redirect.EndPoint);
        _client.MapHost("autodiscover.contoso.local", target.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, authority.Pem + target.CertificateAuthorityPem);

        Assert.Equal(target.EwsUrl, result.EwsUrl);
        Assert.Equal(AutodiscoverAttemptOutcome.Redirected, result.Attempts[0].Outcome);
        Assert.Equal(1, redirect.Requests);
    }

    [Theory]
    [InlineData("http://autodiscover.contoso.local/autodiscover/autodiscover.svc", ExchangeErrorCodes.AutodiscoverRedirectRejected)]
    [InlineData("https://169.254.169.254/autodiscover/autodiscover.svc", ExchangeErrorCodes.OutboundAddressBlocked)]
    public async Task An_http_302_is_refused_when_it_leaves_https_or_points_at_a_blocked_address(string location, string code)
    {
        using var authority = new TestCertificateAuthority();
        var redirect = await TinyHttpsServer.StartAsync(authority.IssueServerCertificate(["contoso.local"]), context =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }, Ct);
        _disposables.Add(redirect);
        _client.MapHost("contoso.local", redirect.EndPoint);

        var result = await DiscoverAsync(Scenarios.Alice, authority.Pem);

        Assert.Null(result.EwsUrl);
        Assert.Equal(code, result.Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, result.Error?.ErrorClass);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_candidate_that_does_not_ask_for_credentials_never_gets_them(bool oauth)
    {
        // The bare mail domain is often a public web site run by someone else.
        var simulator = await StartAsync();
        using var authority = new TestCertificateAuthority();
        var authorizationHeaders = new List<string>();
        var website = await TinyHttpsServer.StartAsync(authority.IssueServerCertificate(["contoso.local"]), context =>
        {
            lock (authorizationHeaders)
            {
                authorizationHeaders.Add(context.Request.Headers.Authorization.ToString());
            }

            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }, Ct);
        _disposables.Add(website);
        _client.MapHost("contoso.local", website.EndPoint);
        _client.MapHost("autodiscover.contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, authority.Pem + simulator.CertificateAuthorityPem,
            oauth ? Scenarios.OAuth(simulator) : Scenarios.Basic());

        Assert.Equal(simulator.EwsUrl, result.EwsUrl);
        Assert.Equal(2, authorizationHeaders.Count);
        Assert.All(authorizationHeaders, header => Assert.Equal(string.Empty, header));
        Assert.Equal(1, simulator.Requests.AutodiscoverCount(AutodiscoverRequestKind.SoapGetUserSettings));
    }

    [Fact]
    public async Task A_redirect_to_http_is_refused_and_never_contacted()
    {
        var simulator = await StartAsync(s => s.Server.Autodiscover.RedirectUrl = "http://autodiscover.contoso.local/autodiscover/autodiscover.svc");
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);
        _client.MapHost("autodiscover.contoso.local", simulator.HttpBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Null(result.EwsUrl);
        Assert.Equal(ExchangeErrorCodes.AutodiscoverRedirectRejected, result.Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, result.Error?.ErrorClass);
        Assert.DoesNotContain(result.Attempts, a => a.Url.Scheme == Uri.UriSchemeHttp);
    }

    [Fact]
    public async Task A_redirect_to_a_metadata_address_is_blocked()
    {
        var simulator = await StartAsync(s => s.Server.Autodiscover.RedirectUrl = "https://169.254.169.254/autodiscover/autodiscover.svc");
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Equal(ExchangeErrorCodes.OutboundAddressBlocked, result.Error?.Code);
        Assert.Contains("169.254.169.254", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains(result.Attempts, a => a.Url.Host == "169.254.169.254" && a.Error?.Code == ExchangeErrorCodes.OutboundAddressBlocked);
    }

    [Fact]
    public async Task A_redirect_back_to_the_same_endpoint_is_a_loop()
    {
        var simulator = await StartAsync(s => s.Server.Autodiscover.RedirectLoop = true);
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);
        _client.MapHost("autodiscover.contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Equal(ExchangeErrorCodes.AutodiscoverRedirectLoop, result.Error?.Code);
        Assert.True(result.Attempts.Count <= 4, $"{result.Attempts.Count} attempts: the loop was followed");
    }

    [Fact]
    public async Task Ten_redirects_are_followed_but_the_eleventh_is_refused()
    {
        // hop1@ → hop2@ → … : address redirects on the same domain, each one a hop.
        var chain = Enumerable.Range(1, 11).Select(i => $"hop{i}@contoso.local").ToArray();
        var simulator = await StartAsync(s =>
        {
            for (var i = 0; i < chain.Length - 1; i++)
            {
                s.Server.Autodiscover.RedirectAddresses[chain[i]] = chain[i + 1];
            }

            s.Server.Autodiscover.RedirectAddresses[chain[^1]] = Scenarios.Alice; // 11th redirect from hop11
            s.Server.Autodiscover.RedirectAddresses["start@contoso.local"] = chain[2]; // start → hop3 → … → hop11 → Alice = 10 redirects
        });
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);

        var tooMany = await DiscoverAsync(chain[0], simulator.CertificateAuthorityPem);
        var tenHops = await DiscoverAsync("start@contoso.local", simulator.CertificateAuthorityPem);

        Assert.Equal(ExchangeErrorCodes.AutodiscoverRedirectLimitExceeded, tooMany.Error?.Code);
        Assert.Equal(10, tooMany.Attempts.Count(a => a.Outcome == AutodiscoverAttemptOutcome.Redirected));
        Assert.Equal(simulator.EwsUrl, tenHops.EwsUrl);
        Assert.Equal(10, tenHops.Attempts.Count(a => a.Outcome == AutodiscoverAttemptOutcome.Redirected));
    }

    [Fact]
    public async Task A_401_everywhere_is_reported_as_an_authentication_failure_not_as_missing_autodiscover()
    {
        var simulator = await StartAsync();
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);
        _client.MapHost("autodiscover.contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem, Scenarios.Basic(password: "wrong"));

        Assert.Equal(ExchangeErrorCodes.AutodiscoverAuthenticationFailed, result.Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, result.Error?.ErrorClass);
        Assert.Contains("UPN", result.Error!.Remediation, StringComparison.Ordinal);
        Assert.Equal(4, result.Attempts.Count);
        Assert.All(result.Attempts, a => Assert.Equal(AutodiscoverAttemptOutcome.Unauthorized, a.Outcome));
    }

    [Fact]
    public async Task A_401_on_one_candidate_still_lets_the_next_one_succeed_and_is_recorded()
    {
        var refusing = await StartAsync(s => s.Server.Autodiscover.AlwaysUnauthorized = true);
        var working = await StartAsync();
        _client.MapHost("contoso.local", refusing.HttpsBaseAddress);
        _client.MapHost("autodiscover.contoso.local", working.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, refusing.CertificateAuthorityPem + working.CertificateAuthorityPem);

        Assert.Equal(working.EwsUrl, result.EwsUrl);
        Assert.Equal(AutodiscoverAttemptOutcome.Unauthorized, result.Attempts[0].Outcome);
        Assert.Equal(ExchangeErrorCodes.AuthenticationFailed, result.Attempts[0].Error?.Code);
    }

    [Fact]
    public async Task An_http_ews_url_from_autodiscover_is_refused()
    {
        var simulator = await StartAsync(s => s.Server.Autodiscover.EwsUrl = "http://mail.contoso.local/EWS/Exchange.asmx");
        _client.MapHost("contoso.local", simulator.HttpsBaseAddress);

        var result = await DiscoverAsync(Scenarios.Alice, simulator.CertificateAuthorityPem);

        Assert.Null(result.EwsUrl);
        Assert.Equal(ExchangeErrorCodes.InsecureHttpNotAllowed, result.Error?.Code);
    }

    [Fact]
    public async Task Nothing_reachable_is_autodiscover_failed_with_every_candidate_listed()
    {
        var result = await DiscoverAsync(Scenarios.Alice, string.Empty);

        Assert.Equal(ExchangeErrorCodes.AutodiscoverFailed, result.Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, result.Error?.ErrorClass);
        Assert.Equal(4, result.Attempts.Count);
        Assert.Contains("https://autodiscover.contoso.local/autodiscover/autodiscover.xml", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_address_without_a_domain_fails_without_any_request()
    {
        var result = await DiscoverAsync("alice", string.Empty);

        Assert.Equal(ExchangeErrorCodes.InvalidMailboxAddress, result.Error?.Code);
        Assert.Empty(result.Attempts);
    }
}
