using ExSync.Domain.ServerProfiles;

namespace ExSync.Api.ServerProfiles;

/// <summary>
/// Realistic request bodies for the OpenAPI document, which Swagger UI prefills. RequestExampleTests sends each one to a fresh
/// service and expects success, so they stay valid as the rules change.
/// </summary>
internal static class ServerProfileExamples
{
    public static ServerProfileInput Impersonation { get; } = new()
    {
        Name = "Contoso Exchange 2019",
        Description = "On-premises Exchange 2019 in the Amsterdam data centre",
        Owner = new ServerProfileOwnerInput { Id = "admin@contoso.com", EmailAddress = "admin@contoso.com" },
        Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.Impersonation,
            Impersonation = new ServerProfileImpersonationInput { UserName = "svc-exsync@contoso.com", Password = "your-service-account-password" },
        },
        Incoming = new ServerProfileConnectionInput { ServerLocation = "https://mail.contoso.com/EWS/Exchange.asmx", AuthenticationProtocol = AuthenticationProtocol.Ntlm },
        Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 10 },
        SetAsDefaultForNewMailboxes = true,
    };

    public static ServerProfileInput HybridModernAuth { get; } = new()
    {
        Name = "Fabrikam Exchange SE (Hybrid Modern Auth)",
        Owner = new ServerProfileOwnerInput { Id = "admin@fabrikam.com", EmailAddress = "admin@fabrikam.com" },
        Authentication = new ServerProfileAuthenticationInput
        {
            Type = ProfileAuthenticationType.HybridModernAuth,
            HybridModernAuth = new ServerProfileHybridModernAuthInput
            {
                TenantId = "fabrikam.onmicrosoft.com",
                ClientId = "6e1c2a8f-4b7d-4f0e-9a35-2d8c7b1e5f94",
                ResourceUri = "https://mail.fabrikam.com",
                ClientSecret = "your-client-secret",
            },
        },
        AutoDiscoverServerLocation = true,
    };

    public static ServerProfileInput Patch { get; } = new()
    {
        Description = "Moved to the Rotterdam data centre",
        Advanced = new ServerProfileAdvancedOptionsInput { MaxConcurrentConnections = 20 },
    };

    public static TestConnectionInput TestConnection { get; } = new() { EmailAddress = "alice@contoso.com", SendTestMessage = false };
}
