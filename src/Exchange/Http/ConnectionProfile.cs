using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace ExSync.Exchange.Http;

/// <summary>What the primary handler of one named HttpClient needs: trust, handler credentials and the validator.</summary>
internal sealed class HandlerSettings
{
    public required X509Certificate2Collection? TrustedRoots { get; init; }

    public required ICredentials? Credentials { get; init; }

    public required ServerCertificateValidator CertificateValidator { get; init; }
}

/// <summary>
/// The prepared form of one <see cref="ExchangeConnectionSettings"/>: which named HttpClient to use and how each
/// request authenticates. Built once per distinct settings value and reused.
/// </summary>
internal sealed class ConnectionProfile
{
    public required ExchangeConnectionSettings Settings { get; init; }

    /// <summary>The IHttpClientFactory client name; identifies the primary handler and therefore the connection pool.</summary>
    public required string ClientName { get; init; }

    public required HandlerSettings Handler { get; init; }

    /// <summary>The pre-computed <c>Basic</c> credentials parameter, when the protocol is Basic.</summary>
    public string? BasicCredentials { get; init; }

    /// <summary>The OAuth application, when the profile uses Hybrid Modern Auth.</summary>
    public HybridModernAuthentication? OAuth { get; init; }
}

/// <summary>
/// The handler settings of every named client, shared by <see cref="ExchangeHttpClientProvider"/> (which registers
/// them before creating a client) and <see cref="ExchangeHttpClientConfigurator"/> (which builds the primary handler
/// from them). It has no dependencies of its own, so the configurator can depend on it without a cycle: the
/// provider depends on IHttpClientFactory, whose options the configurator post-configures.
/// </summary>
internal sealed class HandlerSettingsRegistry
{
    private readonly ConcurrentDictionary<string, HandlerSettings> _settings = new(StringComparer.Ordinal);

    public HandlerSettings GetOrAdd(string clientName, Func<HandlerSettings> create) =>
        _settings.GetOrAdd(clientName, static (_, factory) => factory(), create);

    public bool TryGet(string clientName, out HandlerSettings settings) => _settings.TryGetValue(clientName, out settings!);
}
