using ExSync.Exchange;

namespace ExSync.Api.Exchange;

/// <summary>The EWS client, configured from the deployment's <c>Exchange</c> section.</summary>
public static class ExchangeSetup
{
    public const string ConfigurationSection = "Exchange";

    public static WebApplicationBuilder AddExchange(this WebApplicationBuilder builder)
    {
        builder.Services.AddExchangeClient();

        // Exchange:AllowInsecureHttp, Exchange:OutboundPolicy:{AllowLoopback, AllowPrivateNetworks, AllowedNetworks}, … (see the README).
        builder.Services.AddOptions<ExchangeClientOptions>().BindConfiguration(ConfigurationSection);
        return builder;
    }
}
