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
        // Checked at start: a network that is not a CIDR block would otherwise fail the first job, not the deployment.
        builder.Services.AddOptions<ExchangeClientOptions>().BindConfiguration(ConfigurationSection).ValidateOnStart();
        return builder;
    }
}
