using ExSync.Api.Infrastructure.Problems;
using ExSync.Api.Infrastructure.Validation;
using ExSync.Domain.ServerProfiles;
using FluentValidation;
using ExSync.Exchange;
using Microsoft.Extensions.Options;

namespace ExSync.Api.ServerProfiles;

/// <summary>
/// Validates a server profile input as it will be stored: the POST body, or the result of applying a PATCH to the
/// current profile. Rules that concern stored state (secrets present, server location when autodiscover is off)
/// are the domain's.
/// </summary>
public sealed class ServerProfileInputValidator : AbstractValidator<ServerProfileInput>
{
    public ServerProfileInputValidator(IOptionsMonitor<ExchangeClientOptions> exchange)
    {
        RuleFor(p => p.Name).NotEmpty().MaximumLength(ServerProfileSettings.NameMaxLength).MustBeSingleLineText();
        RuleFor(p => p.Description).MaximumLength(ServerProfileSettings.DescriptionMaxLength).MustBeMultiLineText();

        RuleFor(p => p.Owner).NotNull().DependentRules(() =>
        {
            RuleFor(p => p.Owner!.Id).NotEmpty().MaximumLength(200).MustBeSingleLineText();
            RuleFor(p => p.Owner!.EmailAddress).NotEmpty().MaximumLength(254).MustBeSingleLineText().MustBeEmailAddress();
        });

        RuleFor(p => p.Authentication).NotNull().DependentRules(() =>
        {
            RuleFor(p => p.Authentication!.Type).NotNull();
            When(p => p.Authentication!.Type == ProfileAuthenticationType.Impersonation, ImpersonationRules);
            When(p => p.Authentication!.Type == ProfileAuthenticationType.HybridModernAuth, HybridModernAuthRules);
        });

        RuleFor(p => p.Incoming).SetValidator(new ConnectionValidator(() => exchange.CurrentValue.AllowInsecureHttp)!);
        RuleFor(p => p.Outgoing)
            .Null()
            .When(p => p.UseSameSettingsForOutgoing != false)
            .WithMessage("Outgoing settings can only be set when useSameSettingsForOutgoing is false; while it is true, outgoing mirrors incoming.");
        RuleFor(p => p.Outgoing).SetValidator(new ConnectionValidator(() => exchange.CurrentValue.AllowInsecureHttp)!);

        RuleFor(p => p.TrustedCaCertificatePem)
            .MaximumLength(ServerProfileSettings.TrustedCaCertificatePemMaxLength)
            .MustBeMultiLineText()
            .Must(ContainsCertificates)
            .WithErrorCode(FieldErrorCodes.InvalidFormat)
            .WithMessage("Expected one or more PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----) of the certificate authority that issued the Exchange server's certificate.")
            .When(p => !string.IsNullOrWhiteSpace(p.TrustedCaCertificatePem));

        RuleFor(p => p.Advanced!.MinPollingIntervalMinutes)
            .InclusiveBetween(AdvancedProcessingOptions.MinPollingIntervalMinutesLowest, AdvancedProcessingOptions.MinPollingIntervalMinutesHighest)
            .When(p => p.Advanced is not null);
        RuleFor(p => p.Advanced!.MaxConcurrentConnections)
            .InclusiveBetween(AdvancedProcessingOptions.MaxConcurrentConnectionsLowest, AdvancedProcessingOptions.MaxConcurrentConnectionsHighest)
            .When(p => p.Advanced is not null);
        RuleFor(p => p.Advanced!.ConnectionTimeoutSeconds)
            .InclusiveBetween(AdvancedProcessingOptions.ConnectionTimeoutSecondsLowest, AdvancedProcessingOptions.ConnectionTimeoutSecondsHighest)
            .When(p => p.Advanced is not null);
    }

    private void ImpersonationRules()
    {
        RuleFor(p => p.Authentication!.HybridModernAuth).Null().WithMessage("Only allowed when the authentication type is HybridModernAuth.");
        RuleFor(p => p.Authentication!.Impersonation).NotNull().DependentRules(() =>
        {
            RuleFor(p => p.Authentication!.Impersonation!.UserName)
                .NotEmpty()
                .MaximumLength(250)
                .MustBeSingleLineText()
                .Must(name => name is null || !name.Contains('\\'))
                .WithErrorCode(FieldErrorCodes.NotUpnFormat)
                .WithMessage("Use the user principal name (UPN) form user@domain, not DOMAIN\\user: Exchange accepts the service account for impersonation only in UPN form.")
                .Must(name => name is null || name.Contains('\\') || IsUserPrincipalName(name))
                .WithErrorCode(FieldErrorCodes.NotUpnFormat)
                .WithMessage("Use the user principal name (UPN) form user@domain, for example svc-exsync@contoso.com.");
            RuleFor(p => p.Authentication!.Impersonation!.Password).NotEmpty().MaximumLength(256).MustBeSingleLineText().When(p => p.Authentication!.Impersonation!.Password is not null);
        });
    }

    private void HybridModernAuthRules()
    {
        RuleFor(p => p.Authentication!.Impersonation).Null().WithMessage("Only allowed when the authentication type is Impersonation.");
        RuleFor(p => p.Authentication!.HybridModernAuth).NotNull().DependentRules(() =>
        {
            RuleFor(p => p.Authentication!.HybridModernAuth!.TenantId)
                .NotEmpty()
                .MaximumLength(100)
                .MustBeSingleLineText()
                .Must(id => id is null || Guid.TryParse(id, out _) || Uri.CheckHostName(id) == UriHostNameType.Dns)
                .WithErrorCode(FieldErrorCodes.InvalidFormat)
                .WithMessage("The tenant id is a GUID, or the tenant's primary domain such as contoso.onmicrosoft.com.");
            RuleFor(p => p.Authentication!.HybridModernAuth!.ClientId)
                .NotEmpty()
                .MustBeSingleLineText()
                .Must(id => id is null || Guid.TryParse(id, out _))
                .WithErrorCode(FieldErrorCodes.InvalidFormat)
                .WithMessage("The application (client) id is a GUID.");
            RuleFor(p => p.Authentication!.HybridModernAuth!.ResourceUri)
                .NotEmpty()
                .MaximumLength(1024)
                .MustBeSingleLineText()
                .Must(uri => uri is null || Uri.TryCreate(uri, UriKind.Absolute, out _))
                .WithErrorCode(FieldErrorCodes.InvalidUrl)
                .WithMessage("The resource is an absolute URI, usually the Exchange server's external URL such as https://mail.contoso.com.");
            RuleFor(p => p.Authentication!.HybridModernAuth!.AuthorityUrl)
                .MaximumLength(1024)
                .MustBeSingleLineText()
                .MustBeServerUrl(() => false)
                .When(p => p.Authentication!.HybridModernAuth!.AuthorityUrl is not null);
            RuleFor(p => p.Authentication!.HybridModernAuth!.ClientSecret).NotEmpty().MaximumLength(1024).MustBeSingleLineText().When(p => p.Authentication!.HybridModernAuth!.ClientSecret is not null);
        });
    }

    private static bool ContainsCertificates(string? pem)
    {
        try
        {
            var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            certificates.ImportFromPem(pem);
            return certificates.Count > 0;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static bool IsUserPrincipalName(string name)
    {
        var at = name.IndexOf('@');
        return at > 0 && at == name.LastIndexOf('@') && at < name.Length - 1 && !name.Any(char.IsWhiteSpace);
    }

    private sealed class ConnectionValidator : AbstractValidator<ServerProfileConnectionInput>
    {
        public ConnectionValidator(Func<bool> allowHttp)
        {
            RuleFor(c => c.ServerLocation).MaximumLength(2084).MustBeSingleLineText().MustBeServerUrl(allowHttp).When(c => c.ServerLocation is not null);
            RuleFor(c => c.Port).InclusiveBetween(ServerConnection.MinPort, ServerConnection.MaxPort);
            RuleFor(c => c.Port)
                .Must((connection, port) => !HasConflictingPort(connection.ServerLocation, port))
                .WithErrorCode(FieldErrorCodes.NotAllowed)
                .WithMessage("The server location already names a different port; remove one of the two.");
        }

        private static bool HasConflictingPort(string? location, int? port) =>
            port is not null
            && Uri.TryCreate(location, UriKind.Absolute, out var uri)
            && !uri.IsDefaultPort
            && uri.Port != port;
    }
}
