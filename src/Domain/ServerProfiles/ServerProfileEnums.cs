namespace ExSync.Domain.ServerProfiles;

/// <summary>The kind of email server a profile connects to. Extensible: new values may be added.</summary>
public enum ServerType
{
    /// <summary>Microsoft Exchange Server on-premises (2013 SP1, 2016, 2019 or Subscription Edition), over EWS.</summary>
    ExchangeServerOnPremises,
}

/// <summary>How ExSync authenticates to Exchange on behalf of the mailboxes of a profile.</summary>
public enum ProfileAuthenticationType
{
    /// <summary>A service account holding the ApplicationImpersonation role, with a user name and password.</summary>
    Impersonation,

    /// <summary>Exchange Hybrid Modern Auth: an Entra ID application using OAuth 2.0 client credentials.</summary>
    HybridModernAuth,
}

/// <summary>The HTTP authentication protocol used with the service account.</summary>
public enum AuthenticationProtocol
{
    /// <summary>Use the strongest protocol the server offers (Negotiate, then NTLM, then Basic).</summary>
    AutoDetect,

    /// <summary>Negotiate (Kerberos with NTLM fallback).</summary>
    Negotiate,

    /// <summary>NTLM (NTLMv2).</summary>
    Ntlm,

    /// <summary>HTTP Basic, sent only over TLS.</summary>
    Basic,
}
