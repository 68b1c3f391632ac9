using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace ExSync.Exchange.Http;

/// <summary>
/// Maps connection settings to named HttpClients from IHttpClientFactory.
/// </summary>
/// <remarks>
/// Trust (the per-connection CA) and NTLM/Negotiate credentials live on the primary handler, and NTLM authenticates
/// the TCP connection itself. If two profiles shared a handler, a request for profile B could reuse a connection that
/// NTLM authenticated as profile A's account, or be accepted under A's trusted CA. So each distinct combination of
/// handler-relevant settings gets its own client name, and therefore its own handler and connection pool; the factory
/// still pools and rotates each handler (see <see cref="ExchangeClientOptions.HandlerLifetime"/>). Basic and Bearer
/// credentials travel in a per-request header, so they do not split pools.
/// <para>
/// Names are an HMAC of the settings under a per-process random key: they appear in logger category names, and a
/// plain hash of a password could be brute-forced from a log.
/// </para>
/// </remarks>
internal sealed class ExchangeHttpClientProvider
{
    public const string ClientNamePrefix = "ExSync.Exchange.";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly HandlerSettingsRegistry _handlers;
    private readonly TimeProvider _timeProvider;
    private readonly byte[] _fingerprintKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, ConnectionProfile> _profiles = new(StringComparer.Ordinal);

    // Callers usually reuse one settings instance for many mailboxes; this skips hashing on that path.
    private readonly ConditionalWeakTable<ExchangeConnectionSettings, ConnectionProfile> _byInstance = [];

    public ExchangeHttpClientProvider(IHttpClientFactory httpClientFactory, HandlerSettingsRegistry handlers, TimeProvider timeProvider)
    {
        _httpClientFactory = httpClientFactory;
        _handlers = handlers;
        _timeProvider = timeProvider;
    }

    /// <summary>Returns the prepared profile; throws <see cref="ExchangeException"/> for an unusable trusted-CA PEM.</summary>
    public ConnectionProfile GetProfile(ExchangeConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (_byInstance.TryGetValue(settings, out var cached))
        {
            return cached;
        }

        var profileKey = Fingerprint(settings, includeRequestCredentials: true);
        var profile = _profiles.GetOrAdd(profileKey, static (_, state) => state.Self.CreateProfile(state.Settings), (Self: this, Settings: settings));
        _byInstance.AddOrUpdate(settings, profile);
        return profile;
    }

    /// <summary>Creates a client for the profile (cheap: the handler behind it is pooled by the factory).</summary>
    public HttpClient CreateClient(ConnectionProfile profile) => _httpClientFactory.CreateClient(profile.ClientName);

    private ConnectionProfile CreateProfile(ExchangeConnectionSettings settings)
    {
        var trustedRoots = ParseTrustedRoots(settings.TrustedCertificateAuthorityPem);
        var account = settings.Authentication as ServiceAccountAuthentication;
        var handlerCredentials = account is null ? null : SchemeFilteredCredentials.For(account);
        var clientName = ClientNamePrefix + Fingerprint(settings, includeRequestCredentials: false);
        var handler = _handlers.GetOrAdd(clientName, () => new HandlerSettings
        {
            TrustedRoots = trustedRoots,
            Credentials = handlerCredentials,
            CertificateValidator = new ServerCertificateValidator(trustedRoots, _timeProvider),
        });

        return new ConnectionProfile
        {
            Settings = settings,
            ClientName = clientName,
            Handler = handler,
            BasicCredentials = account is { Protocol: AuthenticationProtocol.Basic }
                ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.UserName}:{account.Password}"))
                : null,
            OAuth = settings.Authentication as HybridModernAuthentication,
        };
    }

    private static X509Certificate2Collection? ParseTrustedRoots(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        // Certificates pasted one after another often lose the line break between them, which the PEM reader
        // would otherwise reject.
        pem = pem.Replace("-----END CERTIFICATE----------BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----\n-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);
        var collection = new X509Certificate2Collection();
        try
        {
            collection.ImportFromPem(pem);
        }
        catch (CryptographicException exception)
        {
            throw new ExchangeException(ExchangeErrors.InvalidTrustedCertificate(exception.Message), exception);
        }

        if (collection.Count == 0)
        {
            throw new ExchangeException(ExchangeErrors.InvalidTrustedCertificate(
                "no '-----BEGIN CERTIFICATE-----' block was found"));
        }

        return collection;
    }

    private string Fingerprint(ExchangeConnectionSettings settings, bool includeRequestCredentials)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, _fingerprintKey);
        Append(hmac, settings.TrustedCertificateAuthorityPem?.Trim());
        switch (settings.Authentication)
        {
            case ServiceAccountAuthentication account:
                Append(hmac, "account");
                Append(hmac, account.Protocol.ToString());
                if (account.Protocol != AuthenticationProtocol.Basic || includeRequestCredentials)
                {
                    Append(hmac, account.UserName);
                    Append(hmac, account.Password);
                }

                break;
            case HybridModernAuthentication oauth:
                Append(hmac, "oauth");
                if (includeRequestCredentials)
                {
                    Append(hmac, oauth.AuthorityUrl.AbsoluteUri);
                    Append(hmac, oauth.TenantId);
                    Append(hmac, oauth.ClientId);
                    Append(hmac, oauth.ClientSecret);
                    Append(hmac, oauth.ResourceUri);
                }

                break;
        }

        if (includeRequestCredentials)
        {
            // A changed limit makes a new prepared profile (on the same pooled handler), so requests count against the new limit.
            Append(hmac, settings.Limit?.Key);
            Append(hmac, settings.Limit?.MaxConcurrentRequests.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Append(hmac, settings.Limit?.MaxHangingConnections.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        Span<byte> hash = stackalloc byte[32];
        hmac.GetHashAndReset(hash);
        return Convert.ToHexStringLower(hash[..12]);
    }

    private static void Append(IncrementalHash hash, string? value)
    {
        // Length-prefixed so that ("ab","c") and ("a","bc") differ.
        Span<byte> length = stackalloc byte[4];
        var bytes = value is null ? [] : Encoding.UTF8.GetBytes(value);
        BinaryPrimitives.WriteInt32LittleEndian(length, value is null ? -1 : bytes.Length);
        hash.AppendData(length);
        hash.AppendData(bytes);
    }
}
