using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ExSync.Exchange.Tests.Unit;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public async Task Every_public_service_resolves_without_a_dependency_cycle()
    {
        // A cycle through IHttpClientFactory's options is invisible to ValidateOnBuild (the factory is registered with
        // a delegate) and used to hang resolution, so resolve on a worker thread with a deadline.
        var resolve = Task.Run(() =>
        {
            var services = new ServiceCollection();
            services.AddExchangeClient();
            using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
            Assert.NotNull(provider.GetRequiredService<IMailboxConnectivityTester>());
            Assert.NotNull(provider.GetRequiredService<IEwsClient>());
            Assert.NotNull(provider.GetRequiredService<IExchangeAutodiscoverClient>());
        }, TestContext.Current.CancellationToken);

        var finished = await Task.WhenAny(resolve, Task.Delay(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        Assert.Same(resolve, finished);
        await resolve;
    }

    [Fact]
    public void Adding_the_client_twice_is_harmless_and_keeps_both_configurations()
    {
        var services = new ServiceCollection();
        services.AddExchangeClient(o => o.MaxRetryAttempts = 2);
        services.AddExchangeClient(o => o.OutboundPolicy.AllowLoopback = true);
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<ExchangeClientOptions>>().Value;

        Assert.Equal(2, options.MaxRetryAttempts);
        Assert.True(options.OutboundPolicy.AllowLoopback);
        Assert.Single(services, d => d.ServiceType == typeof(IEwsClient));
    }

    [Fact]
    public void Invalid_allowed_networks_fail_when_the_options_are_first_used()
    {
        var services = new ServiceCollection();
        services.AddExchangeClient(o => o.OutboundPolicy.AllowedNetworks = ["10.0.0.0/40"]);
        using var provider = services.BuildServiceProvider();

        var exception = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ExchangeClientOptions>>().Value);

        Assert.Contains("10.0.0.0/40", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Managed_ntlm_is_switched_on_by_registration()
    {
        new ServiceCollection().AddExchangeClient();

        Assert.True(AppContext.TryGetSwitch("System.Net.Security.UseManagedNtlm", out var enabled) && enabled);
    }

    [Fact]
    public void Handlers_added_to_every_client_by_the_host_are_removed_from_exchange_clients()
    {
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(builder => builder.AddHttpMessageHandler(() => new MarkerHandler()));
        services.AddExchangeClient();
        using var provider = services.BuildServiceProvider();
        var profile = provider.GetRequiredService<ExSync.Exchange.Http.ExchangeHttpClientProvider>().GetProfile(new ExchangeConnectionSettings
        {
            EwsUrl = new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
            Authentication = new ServiceAccountAuthentication("svc@contoso.local", "pw", AuthenticationProtocol.Ntlm),
        });

        var options = provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(profile.ClientName);
        var handler = provider.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(profile.ClientName);
        var chain = new List<HttpMessageHandler>();
        for (HttpMessageHandler? current = handler; current is not null; current = (current as DelegatingHandler)?.InnerHandler)
        {
            chain.Add(current);
        }

        Assert.DoesNotContain(chain, h => h is MarkerHandler);
        var primary = Assert.IsType<SocketsHttpHandler>(chain[^1]);
        Assert.NotNull(primary.ConnectCallback);
        Assert.False(primary.AllowAutoRedirect);
        Assert.False(primary.UseProxy);
        Assert.False(primary.UseCookies);
        Assert.NotNull(primary.Credentials?.GetCredential(new Uri("https://mail.contoso.local/"), "NTLM"));
        Assert.Null(primary.Credentials?.GetCredential(new Uri("https://mail.contoso.local/"), "Basic"));
        Assert.True(options.ShouldRedactHeaderValue("Authorization"));
        Assert.True(options.ShouldRedactHeaderValue("X-AnchorMailbox"));
        Assert.Equal(TimeSpan.FromMinutes(5), options.HandlerLifetime);
    }

    private sealed class MarkerHandler : DelegatingHandler;
}
