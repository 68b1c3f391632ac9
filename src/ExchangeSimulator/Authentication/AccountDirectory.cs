using System.Security.Cryptography;
using System.Text;

namespace ExSync.ExchangeSimulator;

/// <summary>A scenario account with its derived secrets.</summary>
internal sealed class SimulatedAccount
{
    public SimulatedAccount(ScenarioAccount definition)
    {
        Definition = definition;
        NtHash = Md4.HashData(Encoding.Unicode.GetBytes(definition.Password));
        PasswordUtf8 = Encoding.UTF8.GetBytes(definition.Password);
        var ownMailbox = definition.PrimarySmtpAddress ?? definition.UserName;
        Caller = new AuthenticatedCaller(
            definition.UserName ?? $"{definition.Domain}\\{definition.SamAccountName}", "Basic",
            definition.CanImpersonateAll, definition.CanImpersonate, ownMailbox, isApplication: false);
    }

    public ScenarioAccount Definition { get; }

    /// <summary>MD4(UTF-16LE(password)): the NT one-way function NTLM builds on.</summary>
    public byte[] NtHash { get; }

    public byte[] PasswordUtf8 { get; }

    public AuthenticatedCaller Caller { get; }

    public AuthenticatedCaller CallerFor(string scheme) => scheme == Caller.Scheme ? Caller
        : new AuthenticatedCaller(Caller.Name, scheme, Caller.CanImpersonateAll, Definition.CanImpersonate, Caller.OwnMailboxAddress, isApplication: false);
}

/// <summary>
/// Finds accounts by the names Windows accepts at logon: UPN, DOMAIN\sAMAccountName, or the bare sAMAccountName
/// (IIS's default logon domain). Names are case-insensitive, as in Active Directory.
/// </summary>
internal sealed class AccountDirectory
{
    private readonly Dictionary<string, SimulatedAccount> _byPrincipalName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimulatedAccount> _byDomainAndSam = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimulatedAccount?> _bySam = new(StringComparer.OrdinalIgnoreCase);

    public AccountDirectory(IEnumerable<ScenarioAccount> accounts)
    {
        foreach (var definition in accounts)
        {
            var account = new SimulatedAccount(definition);
            if (!string.IsNullOrWhiteSpace(definition.UserName))
            {
                _byPrincipalName[definition.UserName] = account;
            }

            if (!string.IsNullOrWhiteSpace(definition.SamAccountName))
            {
                _byDomainAndSam[$"{definition.Domain}\\{definition.SamAccountName}"] = account;

                // A bare name that two domains share is ambiguous, and Windows would not pick one either.
                _bySam[definition.SamAccountName] = _bySam.ContainsKey(definition.SamAccountName) ? null : account;
            }
        }
    }

    /// <summary>The NetBIOS domain announced in NTLM challenges: the first account's domain.</summary>
    public string? FirstDomain => _byDomainAndSam.Values.Select(account => account.Definition.Domain).FirstOrDefault();

    /// <summary>Resolves a Basic user name: DOMAIN\user, a UPN, or a bare account name.</summary>
    public SimulatedAccount? FindByLogonName(string logonName)
    {
        var separator = logonName.IndexOf('\\', StringComparison.Ordinal);
        if (separator >= 0)
        {
            return FindByDomainAndUser(logonName[..separator], logonName[(separator + 1)..]);
        }

        return _byPrincipalName.GetValueOrDefault(logonName) ?? _bySam.GetValueOrDefault(logonName);
    }

    /// <summary>
    /// Resolves the user and domain of an NTLM AUTHENTICATE message. The domain may be the NetBIOS name, the DNS
    /// name (the UPN suffix), or empty with a UPN as user name.
    /// </summary>
    public SimulatedAccount? FindByDomainAndUser(string domain, string user)
    {
        if (string.IsNullOrEmpty(domain))
        {
            return FindByLogonName(user);
        }

        if (_byDomainAndSam.TryGetValue($"{domain}\\{user}", out var account))
        {
            return account;
        }

        // user@dns-domain given as separate parts.
        return _byPrincipalName.GetValueOrDefault($"{user}@{domain}") ?? _byPrincipalName.GetValueOrDefault(user);
    }

    public static bool PasswordMatches(SimulatedAccount account, string password)
    {
        var candidate = Encoding.UTF8.GetBytes(password);
        return CryptographicOperations.FixedTimeEquals(candidate, account.PasswordUtf8);
    }
}
