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
