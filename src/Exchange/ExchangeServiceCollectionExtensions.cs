using ExSync.Exchange;
using ExSync.Exchange.Authentication;
using ExSync.Exchange.Autodiscover;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Http;
using ExSync.Exchange.Resilience;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Exchange client: EWS operations, autodiscover and the mailbox connectivity tester.</summary>
public static class ExchangeServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IEwsClient"/>, <see cref="IExchangeAutodiscoverClient"/> and
    /// <see cref="IMailboxConnectivityTester"/> with their HTTP and resilience plumbing. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Optional options callback (for example binding the <c>Exchange</c> configuration section).</param>
    /// <returns>The same service collection.</returns>
    public static IServiceCollection AddExchangeClient(this IServiceCollection services, Action<ExSync.Exchange.ExchangeClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        // NTLM on Linux otherwise goes through GSSAPI and the gss-ntlmssp plugin, which is often missing or broken
        // with OpenSSL 3. The switch is read when the first NTLM/Negotiate authentication starts, so it must be set
        // before any request, i.e. here at registration time.
        AppContext.SetSwitch("System.Net.Security.UseManagedNtlm", true);

        var options = services.AddOptions<ExSync.Exchange.ExchangeClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        if (services.Any(d => d.ServiceType == typeof(ExchangeClientMarker)))
        {
            return services;
        }

        services.AddSingleton<ExchangeClientMarker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ExSync.Exchange.ExchangeClientOptions>, ExchangeClientOptionsValidator>());
        services.AddHttpClient();
        services.AddLogging();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<HandlerSettingsRegistry>();
        services.TryAddSingleton<ExchangeHttpClientProvider>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<HttpClientFactoryOptions>, ExchangeHttpClientConfigurator>());
        services.TryAddSingleton<OAuthTokenProvider>();
        services.TryAddSingleton<ExchangeConnectionPolicy>();
        services.TryAddSingleton<ExchangeRequestSender>();
        services.AddEwsResiliencePipeline();
        services.TryAddSingleton<IEwsClient, EwsClient>();
        services.TryAddSingleton<IExchangeAutodiscoverClient, ExchangeAutodiscoverClient>();
        services.TryAddSingleton<IMailboxConnectivityTester, MailboxConnectivityTester>();
        return services;
    }

    /// <summary>Marks that the one-time registrations were made.</summary>
    private sealed class ExchangeClientMarker;
}
