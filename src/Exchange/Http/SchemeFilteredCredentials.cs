using System.Net;

namespace ExSync.Exchange.Http;

/// <summary>
/// Hands the service account's credential to SocketsHttpHandler only for the authentication schemes the profile
/// allows. A <see cref="CredentialCache"/> would do the same but needs a URI prefix per entry, and one connection
/// setting talks to several hosts (autodiscover candidates, redirect targets, the EWS host).
/// </summary>
internal sealed class SchemeFilteredCredentials : ICredentials
{
    private readonly NetworkCredential _credential;
    private readonly string[] _schemes;

    private SchemeFilteredCredentials(NetworkCredential credential, string[] schemes)
    {
        _credential = credential;
        _schemes = schemes;
    }

    /// <summary>Credentials for a challenge-response protocol, or null for Basic (which is sent pre-emptively instead).</summary>
    public static SchemeFilteredCredentials? For(ServiceAccountAuthentication account) =>
        account.Protocol switch
        {
            AuthenticationProtocol.Ntlm => new(ToNetworkCredential(account), ["NTLM"]),
            AuthenticationProtocol.Negotiate => new(ToNetworkCredential(account), ["Negotiate", "NTLM"]),
            AuthenticationProtocol.AutoDetect => new(ToNetworkCredential(account), ["Negotiate", "NTLM", "Digest", "Basic"]),
            _ => null,
        };

    public NetworkCredential? GetCredential(Uri uri, string authType)
    {
        foreach (var scheme in _schemes)
        {
            if (string.Equals(scheme, authType, StringComparison.OrdinalIgnoreCase))
            {
                return _credential;
            }
        }

        return null;
    }

    /// <summary>
    /// Splits <c>DOMAIN\user</c> into domain and user; a UPN (<c>user@contoso.com</c>) is passed whole with no domain,
    /// which NTLMv2 accepts.
    /// </summary>
    private static NetworkCredential ToNetworkCredential(ServiceAccountAuthentication account)
    {
        var separator = account.UserName.IndexOf('\\', StringComparison.Ordinal);
        return separator > 0
            ? new NetworkCredential(account.UserName[(separator + 1)..], account.Password, account.UserName[..separator])
            : new NetworkCredential(account.UserName, account.Password);
    }

    public override string ToString() => $"Credentials for {_credential.Domain}\\{_credential.UserName} ({string.Join(", ", _schemes)})";
}
