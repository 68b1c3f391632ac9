namespace ExSync.ExchangeSimulator;

/// <summary>A mailbox in the simulated organisation.</summary>
public sealed class ScenarioMailbox
{
    /// <summary>Primary SMTP address; the identity used by impersonation, autodiscover and request counting.</summary>
    public string SmtpAddress { get; set; } = "";

    /// <summary>Display name (autodiscover UserDisplayName). Defaults to the local part of the address.</summary>
    public string? DisplayName { get; set; }

    /// <summary>User principal name for ConnectingSID/PrincipalName. Defaults to the SMTP address.</summary>
    public string? UserPrincipalName { get; set; }

    /// <summary>Security identifier for ConnectingSID/SID. Defaults to a stable SID derived from the address.</summary>
    public string? Sid { get; set; }

    /// <summary>
    /// The version of the server hosting this mailbox when it differs from the front-end server
    /// (a mailbox left on an older server). Requests for a newer schema get ErrorInvalidSchemaVersionForMailboxVersion.
    /// </summary>
    public SimulatedExchangeVersion? Version { get; set; }

    /// <summary>
    /// Pre-sets the ExSync organisation ownership marker (the extended property ExSyncOrganizationId on msgfolderroot).
    /// </summary>
    public string? OwnerOrganizationId { get; set; }

    /// <summary>
    /// Items to create at start, per distinguished folder id (for example { "inbox": 25, "calendar": 3 }).
    /// </summary>
    public Dictionary<string, int> ItemCounts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Messages (real MIME, with headers, bodies and attachments) the mailbox holds at start.</summary>
    public List<ScenarioMessage> Messages { get; set; } = [];

    /// <summary>Messages generated in bulk at start (benchmarks); null for none.</summary>
    public ScenarioGeneratedMessages? GeneratedMessages { get; set; }

    /// <summary>Send quota, rate limits and Send As rights; null imposes none.</summary>
    public ScenarioSendLimits? Sending { get; set; }

    /// <summary>User-created folders (with subfolders and seed items) the mailbox starts with.</summary>
    public List<ScenarioFolder> Folders { get; set; } = [];
}
