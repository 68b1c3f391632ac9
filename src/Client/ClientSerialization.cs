using System.Text.Json;

// NSwag calls this hook when a client builds its serializer options; every generated client gets ExSync's conventions here.
// A test checks that no generated client is missing from this list.
namespace ExSync.Client;

/// <summary>Email server profiles: where Exchange is and how ExSync authenticates to it.</summary>
public partial class ServerProfilesClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>The organization email settings: defaults for new mailboxes, approval requirement and alert levels.</summary>
public partial class OrganizationClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Mailboxes of users and queues.</summary>
public partial class MailboxesClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Liveness and readiness probes.</summary>
public partial class HealthClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Background jobs: status monitors, per-mailbox results, cancellation.</summary>
public partial class JobsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Alerts to mailbox and profile owners.</summary>
public partial class AlertsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>The audit trail of changes.</summary>
public partial class AuditClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>The directory of the CRM's email-enabled records.</summary>
public partial class DirectoryClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Email activities: the email ExSync tracked, and their attachments.</summary>
public partial class EmailsClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>The change feed.</summary>
public partial class ChangesClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}

/// <summary>Webhook subscriptions, their secrets and their delivery logs.</summary>
public partial class WebhooksClient
{
    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => ClientJson.Configure(settings);
}
