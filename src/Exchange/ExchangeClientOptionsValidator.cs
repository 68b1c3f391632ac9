using ExSync.Exchange.Http;
using Microsoft.Extensions.Options;

namespace ExSync.Exchange;

/// <summary>Rejects unusable deployment settings at startup with a message naming the setting.</summary>
internal sealed class ExchangeClientOptionsValidator : IValidateOptions<ExchangeClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ExchangeClientOptions options)
    {
        var failures = new List<string>();
        foreach (var network in options.OutboundPolicy?.AllowedNetworks ?? [])
        {
            if (!IpNetwork.TryParse(network, out _))
            {
                failures.Add($"Exchange:OutboundPolicy:AllowedNetworks contains '{network}', which is not a CIDR block such as 10.0.0.0/8 or fd00::/8.");
            }
        }

        if (options.OutboundPolicy is null)
        {
            failures.Add("Exchange:OutboundPolicy must not be null.");
        }

        if (options.MaxConnectionsPerServer < 1)
        {
            failures.Add("Exchange:MaxConnectionsPerServer must be at least 1.");
        }

        if (options.MaxRetryAttempts < 0)
        {
            failures.Add("Exchange:MaxRetryAttempts must not be negative.");
        }

        if (options.TcpConnectTimeout <= TimeSpan.Zero || options.HandlerLifetime <= TimeSpan.Zero ||
            options.RetryBaseDelay < TimeSpan.Zero || options.RetryMaxDelay < TimeSpan.Zero || options.TokenRefreshMargin < TimeSpan.Zero)
        {
            failures.Add("Exchange: TcpConnectTimeout and HandlerLifetime must be positive; RetryBaseDelay, RetryMaxDelay and TokenRefreshMargin must not be negative.");
        }

        if (options.MaxResponseBytes < 64 * 1024)
        {
            failures.Add("Exchange:MaxResponseBytes must be at least 65536.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
