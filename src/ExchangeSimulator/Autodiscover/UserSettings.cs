using System.Globalization;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// What autodiscover says about a mailbox, for SOAP GetUserSettings and the POX Outlook response alike: the
/// Exchange legacy DNs, the mailbox server (a 2013+ style "{mailbox GUID}@{domain}"), URLs and versions.
/// </summary>
internal static class UserSettings
{
    private const string AdministrativeGroup = "/o=ExSync/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)";

    /// <summary>Every UserSettingName the autodiscover schema defines; any other name answers InvalidSetting.</summary>
    private static readonly HashSet<string> KnownNames = new(StringComparer.Ordinal)
    {
        "UserDisplayName", "UserDN", "UserDeploymentId", "InternalMailboxServer", "InternalRpcClientServer", "InternalMailboxServerDN",
        "InternalEcpUrl", "InternalEcpVoicemailUrl", "InternalEcpEmailSubscriptionsUrl", "InternalEcpTextMessagingUrl",
        "InternalEcpDeliveryReportUrl", "InternalEcpRetentionPolicyTagsUrl", "InternalEcpPublishingUrl", "InternalEcpPhotoUrl",
        "InternalEcpConnectUrl", "InternalEcpTeamMailboxUrl", "InternalEcpTeamMailboxCreatingUrl", "InternalEcpTeamMailboxEditingUrl",
        "InternalEcpTeamMailboxHidingUrl", "InternalEcpExtensionInstallationUrl", "InternalEwsUrl", "InternalEmwsUrl", "InternalOABUrl",
        "InternalPhotosUrl", "InternalUMUrl", "InternalWebClientUrls", "MailboxDN", "PublicFolderServer", "ActiveDirectoryServer",
        "ExternalMailboxServer", "ExternalMailboxServerRequiresSSL", "ExternalMailboxServerAuthenticationMethods",
        "EcpVoicemailUrlFragment", "EcpEmailSubscriptionsUrlFragment", "EcpTextMessagingUrlFragment", "EcpDeliveryReportUrlFragment",
        "EcpRetentionPolicyTagsUrlFragment", "EcpPublishingUrlFragment", "EcpPhotoUrlFragment", "EcpConnectUrlFragment",
        "EcpTeamMailboxUrlFragment", "EcpTeamMailboxCreatingUrlFragment", "EcpTeamMailboxEditingUrlFragment",
        "EcpExtensionInstallationUrlFragment", "ExternalEcpUrl", "ExternalEcpVoicemailUrl", "ExternalEcpEmailSubscriptionsUrl",
        "ExternalEcpTextMessagingUrl", "ExternalEcpDeliveryReportUrl", "ExternalEcpRetentionPolicyTagsUrl", "ExternalEcpPublishingUrl",
        "ExternalEcpPhotoUrl", "ExternalEcpConnectUrl", "ExternalEcpTeamMailboxUrl", "ExternalEcpTeamMailboxCreatingUrl",
        "ExternalEcpTeamMailboxEditingUrl", "ExternalEcpTeamMailboxHidingUrl", "ExternalEcpExtensionInstallationUrl", "ExternalEwsUrl",
        "ExternalEmwsUrl", "ExternalOABUrl", "ExternalPhotosUrl", "ExternalUMUrl", "ExternalWebClientUrls", "CrossOrganizationSharingEnabled",
        "AlternateMailboxes", "CasVersion", "EwsSupportedSchemas", "InternalPop3Connections", "ExternalPop3Connections",
        "InternalImap4Connections", "ExternalImap4Connections", "InternalSmtpConnections", "ExternalSmtpConnections",
        "InternalServerExclusiveConnect", "ExternalEwsVersion", "MobileMailboxPolicy", "DocumentSharingLocations", "UserMSOnline",
        "InternalMailboxServerAuthenticationMethods", "MailboxVersion", "SPMySiteHostURL", "SiteMailboxCreationURL", "InternalRpcHttpServer",
        "InternalRpcHttpConnectivityRequiresSsl", "InternalRpcHttpAuthenticationMethod", "ExternalServerExclusiveConnect", "ExchangeRpcUrl",
        "ShowGalAsDefaultView", "AutoDiscoverSMTPAddress", "InteropExternalEwsUrl", "InteropExternalEwsVersion", "PublicFolderInformation",
        "RedirectUrl", "EwsPartnerUrl", "CertPrincipalName", "GroupingInformation", "MapiHttpEnabled", "InternalOutlookServiceUrl",
        "ExternalOutlookServiceUrl",
    };

    public static bool IsKnown(string name) => KnownNames.Contains(name);

    /// <summary>A setting's value, or null when it is a known setting the simulator has no value for (SettingIsNotAvailable).</summary>
    public static string? Value(SimulatorRuntime runtime, MailboxStore mailbox, string name)
    {
        var profile = runtime.ProfileFor(mailbox);
        return name switch
        {
            "UserDisplayName" => mailbox.DisplayName,
            "UserDN" => UserDn(mailbox),
            "UserDeploymentId" => mailbox.MailboxGuid.ToString("D"),
            "AutoDiscoverSMTPAddress" => mailbox.SmtpAddress,
            "InternalEwsUrl" => runtime.Endpoints.AutodiscoverInternalEwsUrl,
            "ExternalEwsUrl" => runtime.Endpoints.AutodiscoverExternalEwsUrl,
            "CasVersion" => AutodiscoverUsers.CasVersion(runtime.Profile),
            "ExternalEwsVersion" => AutodiscoverUsers.CasVersion(runtime.Profile),
            "MailboxVersion" => AutodiscoverUsers.CasVersion(profile),
            "EwsSupportedSchemas" => string.Join(", ", profile.AcceptedRequestVersions),
            "MailboxDN" => MailboxDn(mailbox),
            "InternalMailboxServer" => Server(mailbox),
            "InternalRpcClientServer" => Server(mailbox),
            "InternalMailboxServerDN" => ServerDn(mailbox),
            "ExternalMailboxServer" => new Uri(runtime.Endpoints.AutodiscoverExternalEwsUrl).Host,
            "ExternalMailboxServerRequiresSSL" => "True",
            "ActiveDirectoryServer" => ActiveDirectoryServer(mailbox),
            "CrossOrganizationSharingEnabled" => "False",
            "ShowGalAsDefaultView" => "True",
            "UserMSOnline" => "False",
            "MapiHttpEnabled" => "False",
            _ => null,
        };
    }

    public static string UserDn(MailboxStore mailbox) => $"{AdministrativeGroup}/cn=Recipients/cn={Domain(mailbox, local: true)}";

    public static string Server(MailboxStore mailbox) => $"{mailbox.MailboxGuid:D}@{Domain(mailbox, local: false)}";

    public static string ServerDn(MailboxStore mailbox) => $"{AdministrativeGroup}/cn=Configuration/cn=Servers/cn={Server(mailbox)}";

    public static string MailboxDn(MailboxStore mailbox) => $"{ServerDn(mailbox)}/cn=Microsoft Private MDB";

    public static string ActiveDirectoryServer(MailboxStore mailbox) => $"dc01.{Domain(mailbox, local: false)}";

    /// <summary>
    /// POX ServerVersion: 4 bits 0111, 6 bits major, 6 bits minor, a set bit, 15 bits build, in hex (15.1.2176 is 73C18880).
    /// </summary>
    public static string PoxServerVersion(ExchangeServerProfile profile) =>
        ((0x7u << 28) | ((uint)profile.MajorVersion << 22) | ((uint)profile.MinorVersion << 16) | 0x8000u | ((uint)profile.MajorBuildNumber & 0x7FFF))
        .ToString("X8", CultureInfo.InvariantCulture);

    private static string Domain(MailboxStore mailbox, bool local)
    {
        var at = mailbox.SmtpAddress.IndexOf('@', StringComparison.Ordinal);
        return local ? mailbox.SmtpAddress[..at] : mailbox.SmtpAddress[(at + 1)..];
    }
}
