using System.Collections.Concurrent;
using ExSync.Domain.Mailboxes;
using ExSync.Domain.ServerProfiles;
using ExSync.Engine.Secrets;
using ExSync.Exchange;
using ExSync.Exchange.Ews;
using ExchangeProtocol = ExSync.Exchange.AuthenticationProtocol;
using ProfileProtocol = ExSync.Domain.ServerProfiles.AuthenticationProtocol;

namespace ExSync.Engine.Exchange;

/// <summary>
/// Turns a server profile into the connection settings of the EWS client. Secrets are decrypted here and nowhere else; the result is
/// cached per profile revision, so a job over thousands of mailboxes decrypts once, and any change to the profile is picked up.
/// </summary>
public sealed class ExchangeConnections(SecretProtector secrets)
{
    private readonly ConcurrentDictionary<Guid, (long Revision, ProfileConnections Connections)> cache = new();

    /// <summary>The incoming and outgoing connection settings of a profile.</summary>
    public ProfileConnections For(ServerProfile profile)
    {
        if (cache.TryGetValue(profile.Id, out var cached) && cached.Revision == profile.Revision)
        {
            return cached.Connections;
        }

        var authentication = Authentication(profile);
        var limit = LimitOf(profile);
        var incoming = Settings(profile, profile.Incoming, authentication, limit);
        var outgoing = profile.UseSameSettingsForOutgoing ? incoming : Settings(profile, profile.Outgoing, authentication, limit);
        var connections = new ProfileConnections(incoming, outgoing);
        cache[profile.Id] = (profile.Revision, connections);
        return connections;
    }

    /// <summary>
    /// The profile's connection limit, shared by its incoming and outgoing settings and by every caller. Streaming notification
    /// connections are limited apart: one per 200 mailboxes, each charged by Exchange to its group's anchor mailbox (impersonation),
    /// so a profile of 20,000 mailboxes needs 100; mailboxes beyond that are still polled.
    /// </summary>
    public static ConnectionLimit LimitOf(ServerProfile profile) =>
        new(profile.Id.ToString(), profile.Advanced.MaxConcurrentConnections) { MaxHangingConnections = MaxStreamingConnectionsPerProfile };

    /// <summary>The most streaming notification connections one instance holds to one profile's server.</summary>
    public const int MaxStreamingConnectionsPerProfile = 100;

    private static ExchangeConnectionSettings Settings(ServerProfile profile, ServerConnection connection, Func<ProfileProtocol, ExchangeAuthentication> authentication, ConnectionLimit limit) => new()
    {
        Limit = limit,
        EwsUrl = profile.AutoDiscoverServerLocation ? null : connection.ServerLocation,
        Port = profile.AutoDiscoverServerLocation ? null : connection.Port,
        Authentication = authentication(connection.AuthenticationProtocol),
        ConnectionTimeout = TimeSpan.FromSeconds(profile.Advanced.ConnectionTimeoutSeconds),
        TrustedCertificateAuthorityPem = profile.TrustedCaCertificatePem,
    };

    private Func<ProfileProtocol, ExchangeAuthentication> Authentication(ServerProfile profile)
    {
        if (profile.Authentication.HybridModernAuth is { } app)
        {
            var token = new HybridModernAuthentication(app.AuthorityUrl, app.TenantId, app.ClientId, secrets.Unprotect(app.ClientSecret!), app.ResourceUri.OriginalString);
            return _ => token;
        }

        var account = profile.Authentication.Impersonation!;
        var password = secrets.Unprotect(account.Password!);
        return protocol => new ServiceAccountAuthentication(account.UserName, password, ToExchange(protocol));
    }

    private static ExchangeProtocol ToExchange(ProfileProtocol protocol) => protocol switch
    {
        ProfileProtocol.Negotiate => ExchangeProtocol.Negotiate,
        ProfileProtocol.Ntlm => ExchangeProtocol.Ntlm,
        ProfileProtocol.Basic => ExchangeProtocol.Basic,
        _ => ExchangeProtocol.AutoDetect,
    };
}

/// <summary>Where and as whom a mailbox's EWS calls go.</summary>
public static class MailboxTargets
{
    /// <summary>
    /// The mailbox's EWS endpoint: the one Test &amp; Enable found for it (autodiscover or configured, port applied), else the profile's
    /// configured URL; null when neither is known (an autodiscover profile whose mailbox was never tested).
    /// </summary>
    public static EwsTarget? For(Mailbox mailbox, ExchangeConnectionSettings settings) =>
        (mailbox.EwsUrl is { } found && Uri.TryCreate(found, UriKind.Absolute, out var url) ? url : settings.EwsUrl is { } configured ? settings.ApplyPortOverride(configured) : null) is { } ewsUrl
            ? new EwsTarget(ewsUrl, settings, mailbox.EmailAddress)
            : null;
}

/// <summary>The connection settings of a profile, per direction.</summary>
/// <param name="Incoming">For incoming email and for appointments, contacts and tasks.</param>
/// <param name="Outgoing">For outgoing email.</param>
public sealed record ProfileConnections(ExchangeConnectionSettings Incoming, ExchangeConnectionSettings Outgoing);
