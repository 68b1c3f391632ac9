namespace ExSync.Domain.Common;

/// <summary>
/// The one normalization of email addresses behind every comparison ExSync makes: the uniqueness of mailbox addresses, directory
/// lookups and the resolution of a message's parties. SMTP domains are case-insensitive, and in practice so are local parts (every
/// major server treats them so), so addresses compare ignoring case.
/// </summary>
public static class EmailAddresses
{
    /// <summary>Longest address (RFC 5321: a path of 256 octets, less the angle brackets).</summary>
    public const int MaxLength = 254;

    /// <summary>The normalized form of an address: trimmed and upper-cased in the invariant culture (<c>Alice@Contoso.com</c> → <c>ALICE@CONTOSO.COM</c>).</summary>
    public static string Normalize(string emailAddress) => emailAddress.Trim().ToUpperInvariant();
}
