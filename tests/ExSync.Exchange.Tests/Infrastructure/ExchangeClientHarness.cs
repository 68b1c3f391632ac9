using System.Collections.Concurrent;
using System.Net;
using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>
/// A service provider with <c>AddExchangeClient</c> as the API would build it, plus: loopback allowed (the simulator
/// listens on 127.0.0.1), short retry delays, a host-name map instead of DNS, and captured logs.
/// </summary>
internal sealed class ExchangeClientHarness : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, IPEndPoint> _hosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IPAddress> _addresses = new(StringComparer.OrdinalIgnoreCase);

    private ExchangeClientHarness(Action<ExchangeClientOptions>? configure, TimeProvider? timeProvider)
    {
        var services = new ServiceCollection();
        if (timeProvider is not null)
        {
            services.AddSingleton(timeProvider);
        }

        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        services.AddExchangeClient(options =>
        {
            options.OutboundPolicy.AllowLoopback = true;
            options.RetryBaseDelay = TimeSpan.FromMilliseconds(20);
            options.RetryMaxDelay = TimeSpan.FromMilliseconds(200);
            options.TcpConnectTimeout = TimeSpan.FromSeconds(3);
            options.ResolveEndpoints = ResolveAsync;
            configure?.Invoke(options);
        });
        Services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    public CapturingLoggerProvider Logs { get; } = new();

    public ServiceProvider Services { get; }

    public IEwsClient Ews => Services.GetRequiredService<IEwsClient>();

    public IExchangeAutodiscoverClient Autodiscover => Services.GetRequiredService<IExchangeAutodiscoverClient>();

    public IMailboxConnectivityTester Tester => Services.GetRequiredService<IMailboxConnectivityTester>();

    public static ExchangeClientHarness Create(Action<ExchangeClientOptions>? configure = null, TimeProvider? timeProvider = null) =>
        new(configure, timeProvider);

    /// <summary>Makes <paramref name="host"/> (any port) resolve to <paramref name="endpoint"/>.</summary>
    public void MapHost(string host, IPEndPoint endpoint) => _hosts[host] = endpoint;

    /// <summary>Makes <paramref name="host"/> resolve to the simulator's HTTPS listener.</summary>
    public void MapHost(string host, Uri simulatorBaseAddress) =>
        MapHost(host, new IPEndPoint(IPAddress.Parse(simulatorBaseAddress.Host.Trim('[', ']')), simulatorBaseAddress.Port));

    /// <summary>Makes <paramref name="host"/> resolve to <paramref name="address"/>, keeping the port of the URL (like DNS).</summary>
    public void MapHostAddress(string host, IPAddress address) => _addresses[host] = address;

    public ValueTask DisposeAsync() => Services.DisposeAsync();

    private ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<IPEndPoint>>(
            _hosts.TryGetValue(host, out var endpoint) ? [endpoint]
            : _addresses.TryGetValue(host, out var address) ? [new IPEndPoint(address, port)]
            : []);
}
