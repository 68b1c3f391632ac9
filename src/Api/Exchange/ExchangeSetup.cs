using ExSync.Exchange;

namespace ExSync.Api.Exchange;

/// <summary>The EWS client, configured from the deployment's <c>Exchange</c> section.</summary>
public static class ExchangeSetup
{
    public const string ConfigurationSection = "Exchange";

    public static WebApplicationBuilder AddExchange(this WebApplicationBuilder builder)
    {
        builder.Services.AddExchangeClient();

        // The factory's own handlers open a logging scope and write two Information lines around every request; at ten thousand idle
        // mailboxes that was a twentieth of ExSync's CPU. The EWS client and the webhook sender log what matters themselves.
        builder.Services.ConfigureHttpClientDefaults(http => http.RemoveAllLoggers());

        // Exchange:AllowInsecureHttp, Exchange:OutboundPolicy:{AllowLoopback, AllowPrivateNetworks, AllowedNetworks}, … (see the README).
        // Checked at start: a network that is not a CIDR block would otherwise fail the first job, not the deployment.
        builder.Services.AddOptions<ExchangeClientOptions>().BindConfiguration(ConfigurationSection).ValidateOnStart();
        return builder;
    }
}
