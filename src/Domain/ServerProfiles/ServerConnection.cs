namespace ExSync.Domain.ServerProfiles;

/// <summary>Where and how to reach Exchange in one direction (incoming or outgoing).</summary>
/// <param name="ServerLocation">The EWS URL, e.g. <c>https://mail.contoso.com/EWS/Exchange.asmx</c>; null when autodiscover finds it.</param>
/// <param name="Port">Port that overrides the URL's port, when set.</param>
/// <param name="AuthenticationProtocol">HTTP authentication protocol for the service account.</param>
public sealed record ServerConnection(Uri? ServerLocation, int? Port, AuthenticationProtocol AuthenticationProtocol)
{
    /// <summary>Lowest valid port.</summary>
    public const int MinPort = 1;

    /// <summary>Highest valid port.</summary>
    public const int MaxPort = 65535;

    /// <summary>The URL to connect to: <see cref="ServerLocation"/> with <see cref="Port"/> applied.</summary>
    public Uri? EffectiveServerLocation =>
        ServerLocation is null || Port is null ? ServerLocation : new UriBuilder(ServerLocation) { Port = Port.Value }.Uri;
}
