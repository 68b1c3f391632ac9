using ExSync.Domain.Common;

namespace ExSync.Domain.ServerProfiles;

/// <summary>
/// How ExSync connects to one Exchange organization: where the server is, how to authenticate, and how to process.
/// Every change goes through <see cref="Update"/>, which enforces the rules, so a stored profile is always usable.
/// </summary>
public sealed class ServerProfile
{
    private ServerProfile()
    {
        // For EF Core materialization.
        Name = null!;
        NormalizedName = null!;
        Owner = null!;
        Authentication = null!;
        Incoming = null!;
        Outgoing = null!;
        Advanced = null!;
    }

    /// <summary>Identifier.</summary>
    public Guid Id { get; private set; }

    /// <summary>Display name, unique ignoring case.</summary>
    public string Name { get; private set; }

    /// <summary>Upper-case invariant form of <see cref="Name"/>, for the case-insensitive uniqueness rule.</summary>
    public string NormalizedName { get; private set; }

    /// <summary>Free-text description.</summary>
    public string? Description { get; private set; }

    /// <summary>The kind of email server.</summary>
    public ServerType ServerType { get; private set; }

    /// <summary>Owner, who receives the profile's alerts.</summary>
    public ProfileOwner Owner { get; private set; }

    /// <summary>How ExSync authenticates to Exchange.</summary>
    public ProfileAuthentication Authentication { get; private set; }

    /// <summary>Find each mailbox's EWS URL with autodiscover.</summary>
    public bool AutoDiscoverServerLocation { get; private set; }

    /// <summary>Connection for incoming email and for appointments, contacts and tasks.</summary>
    public ServerConnection Incoming { get; private set; }

    /// <summary>Send with the incoming settings.</summary>
    public bool UseSameSettingsForOutgoing { get; private set; }

    /// <summary>Connection for outgoing email; equal to <see cref="Incoming"/> while <see cref="UseSameSettingsForOutgoing"/> is on.</summary>
    public ServerConnection Outgoing { get; private set; }

    /// <summary>Processing options.</summary>
    public AdvancedProcessingOptions Advanced { get; private set; }

    /// <summary>PEM certificates of a certificate authority trusted for the server's TLS certificate.</summary>
    public string? TrustedCaCertificatePem { get; private set; }

    /// <summary>Whether the profile is in use.</summary>
    public RecordState State { get; private set; }

    /// <summary>When the profile was created.</summary>
    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>When the profile last changed.</summary>
    public DateTimeOffset ModifiedAt { get; private set; }

    /// <summary>Incremented on every change; the basis of the ETag and of optimistic concurrency.</summary>
    public long Revision { get; private set; }

    /// <summary>Whether the profile can be assigned and tested.</summary>
    public bool IsActive => State == RecordState.Active;

    /// <summary>Creates a profile, enforcing the rules.</summary>
    public static ServerProfile Create(Guid id, ServerProfileSettings settings, DateTimeOffset now)
    {
        var profile = new ServerProfile { Id = id, CreatedAt = now };
        profile.Apply(settings, now);
        return profile;
    }

    /// <summary>Replaces the settings, enforcing the rules.</summary>
    /// <param name="settings">The new settings.</param>
    /// <param name="isOrganizationDefault">Whether the organization uses this profile as its default for new mailboxes.</param>
    /// <param name="now">The current time.</param>
    public void Update(ServerProfileSettings settings, bool isOrganizationDefault, DateTimeOffset now)
    {
        if (isOrganizationDefault && settings.State == RecordState.Inactive)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.DefaultServerProfileCannotBeDeactivated,
                "This profile is the organization's default for new mailboxes, so it cannot be deactivated. " +
                "Choose another default profile in the organization email settings first.",
                "state",
                DomainErrorKind.Conflict));
        }

        Apply(settings, now);
    }

    /// <summary>Checks that nothing uses the profile any more, so that it can be deleted.</summary>
    /// <param name="mailboxCount">How many mailboxes have the profile assigned.</param>
    /// <param name="isOrganizationDefault">Whether it is the organization's default for new mailboxes.</param>
    public void EnsureCanBeDeleted(int mailboxCount, bool isOrganizationDefault)
    {
        var reasons = new List<string>(2);
        if (isOrganizationDefault)
        {
            reasons.Add("it is the organization's default profile for new mailboxes (choose another default first)");
        }

        if (mailboxCount > 0)
        {
            reasons.Add(mailboxCount == 1
                ? "1 mailbox uses it (assign that mailbox another profile first)"
                : $"{mailboxCount} mailboxes use it (assign those mailboxes another profile first)");
        }

        if (reasons.Count > 0)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.ServerProfileInUse,
                $"The server profile '{Name}' cannot be deleted because {string.Join(" and ", reasons)}.",
                Kind: DomainErrorKind.Conflict));
        }
    }

    private void Apply(ServerProfileSettings settings, DateTimeOffset now)
    {
        EnsureAuthenticationMatchesType(settings.Authentication);

        // While the switch is on, outgoing mirrors incoming, so a later change of incoming cannot leave a stale copy.
        var outgoing = settings.UseSameSettingsForOutgoing ? settings.Incoming : settings.Outgoing ?? settings.Incoming;
        if (!settings.AutoDiscoverServerLocation)
        {
            EnsureServerLocation(settings.Incoming, "incoming.serverLocation");
            if (!settings.UseSameSettingsForOutgoing)
            {
                EnsureServerLocation(outgoing, "outgoing.serverLocation");
            }
        }

        Name = settings.Name.Trim();
        NormalizedName = NormalizeName(Name);
        Description = string.IsNullOrWhiteSpace(settings.Description) ? null : settings.Description;
        ServerType = settings.ServerType;
        Owner = settings.Owner;
        Authentication = settings.Authentication;
        AutoDiscoverServerLocation = settings.AutoDiscoverServerLocation;
        Incoming = settings.Incoming;
        UseSameSettingsForOutgoing = settings.UseSameSettingsForOutgoing;
        Outgoing = outgoing;
        Advanced = settings.Advanced;
        TrustedCaCertificatePem = string.IsNullOrWhiteSpace(settings.TrustedCaCertificatePem) ? null : settings.TrustedCaCertificatePem;
        State = settings.State;
        ModifiedAt = now;
        Revision++;
    }

    /// <summary>The form of a name used for the case-insensitive uniqueness rule.</summary>
    public static string NormalizeName(string name) => name.Trim().ToUpperInvariant();

    private static void EnsureAuthenticationMatchesType(ProfileAuthentication authentication)
    {
        var present = authentication.Type switch
        {
            ProfileAuthenticationType.Impersonation => authentication.Impersonation is not null,
            ProfileAuthenticationType.HybridModernAuth => authentication.HybridModernAuth is not null,
            _ => false,
        };
        if (!present)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.AuthenticationSettingsRequired,
                $"Authentication type {authentication.Type} needs its settings.",
                "authentication"));
        }
    }

    private static void EnsureServerLocation(ServerConnection connection, string target)
    {
        if (connection.ServerLocation is null)
        {
            throw new DomainException(new DomainError(
                ServerProfileErrors.ServerLocationRequired,
                "Autodiscover is off, so the EWS URL of the Exchange server is required " +
                "(for example https://mail.contoso.com/EWS/Exchange.asmx). Turn autoDiscoverServerLocation on to find it automatically instead.",
                target));
        }
    }
}
