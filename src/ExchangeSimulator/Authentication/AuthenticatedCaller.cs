namespace ExSync.ExchangeSimulator;

/// <summary>Who a request is from, once authenticated, and what it may impersonate.</summary>
internal sealed class AuthenticatedCaller
{
    private readonly HashSet<string> _canImpersonate;

    public AuthenticatedCaller(string name, string scheme, bool canImpersonateAll, IEnumerable<string> canImpersonate, string? ownMailboxAddress, bool isApplication)
    {
        Name = name;
        Scheme = scheme;
        CanImpersonateAll = canImpersonateAll;
        _canImpersonate = new HashSet<string>(canImpersonate, StringComparer.OrdinalIgnoreCase);
        OwnMailboxAddress = ownMailboxAddress;
        IsApplication = isApplication;
    }

    /// <summary>The account (UPN or DOMAIN\user) or the application's client id, for logs.</summary>
    public string Name { get; }

    /// <summary>Basic, NTLM or Bearer.</summary>
    public string Scheme { get; }

    public bool CanImpersonateAll { get; }

    /// <summary>The mailbox a request without impersonation acts on; null when the caller has none.</summary>
    public string? OwnMailboxAddress { get; }

    /// <summary>An app-only OAuth caller has no mailbox and must impersonate on every EWS request.</summary>
    public bool IsApplication { get; }

    /// <summary>
    /// Whether the caller holds ApplicationImpersonation for the mailbox. Acting on one's own mailbox through the
    /// header is allowed without the role (a documented simplification).
    /// </summary>
    public bool MayImpersonate(MailboxStore mailbox) =>
        CanImpersonateAll ||
        _canImpersonate.Contains(mailbox.SmtpAddress) ||
        string.Equals(OwnMailboxAddress, mailbox.SmtpAddress, StringComparison.OrdinalIgnoreCase);
}
