using ExSync.Engine.Webhooks;
using ExSync.Exchange;
using ExSync.Exchange.Http;
using ExSync.Persistence;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers webhook delivery.</summary>
public static class WebhookServiceCollectionExtensions
{
    /// <summary>What both roles need: the settings, and the signal that the outbox and the API wake.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<IWebhookOutboxObserver>(provider => provider.GetRequiredService<WebhookSignal>());
        return services;
    }

    /// <summary>The Worker role's part: the dispatcher, the sender and its HTTP client, and the background worker.</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<WebhookDeliveryRecorder>();
        services.AddSingleton<WebhookKeys>();
        services.AddHostedService<WebhookWorker>();
        services.AddHostedService<WebhookRetention>();

        services.AddHttpClient(WebhookSender.ClientName)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                // The same outbound policy as Exchange connections, checked on the addresses actually connected to.
                var exchange = provider.GetRequiredService<IOptions<ExchangeClientOptions>>().Value;
                var webhooks = provider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                return new SocketsHttpHandler
                {
                    ConnectCallback = new SafeSocketConnector(exchange.OutboundPolicy, exchange.ResolveEndpoints, exchange.TcpConnectTimeout).ConnectAsync,

                    // A redirect is a failed attempt: the receiver is the URL the CRM registered, checked by the policy, and nothing else.
                    AllowAutoRedirect = false,

                    // A proxy would make the connect callback check the proxy's address instead of the receiver's.
                    UseProxy = false,
                    UseCookies = false,
                    MaxConnectionsPerServer = webhooks.MaxConcurrentDeliveries,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
            })
            // Retries belong to the delivery schedule, not to a resilience handler added for every client.
            .ConfigureAdditionalHttpMessageHandlers((handlers, _) => handlers.Clear())
            .RedactLoggedHeaders(_ => true);
        return services;
    }
}
