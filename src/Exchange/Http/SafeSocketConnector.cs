using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace ExSync.Exchange.Http;

/// <summary>
/// The <see cref="SocketsHttpHandler.ConnectCallback"/> of every Exchange connection. It resolves the host itself
/// and checks every resolved address against the outbound policy before connecting, so the check applies to the
/// address actually connected to (which defeats DNS rebinding) and to every URL: EWS, autodiscover candidates,
/// redirect targets and OAuth token endpoints all go through here. Public so that every other outbound connection ExSync makes to an
/// address an administrator typed (webhook receivers) goes through the same check.
/// </summary>
public sealed class SafeSocketConnector
{
    private readonly OutboundAddressPolicy _policy;
    private readonly ResolveEndpointsCallback _resolve;
    private readonly TimeSpan _tcpConnectTimeout;

    /// <summary>A connector that allows what <paramref name="policy"/> allows, resolving names with <paramref name="resolve"/> (null: DNS).</summary>
    /// <param name="policy">The deployment's outbound policy (<c>Exchange:OutboundPolicy</c>).</param>
    /// <param name="resolve">The name-resolution seam, or null for DNS.</param>
    /// <param name="tcpConnectTimeout">Upper bound for establishing one TCP connection.</param>
    public SafeSocketConnector(ExchangeOutboundPolicy policy, ResolveEndpointsCallback? resolve, TimeSpan tcpConnectTimeout)
        : this(new OutboundAddressPolicy(policy), resolve, tcpConnectTimeout)
    {
    }

    internal SafeSocketConnector(OutboundAddressPolicy policy, ResolveEndpointsCallback? resolve, TimeSpan tcpConnectTimeout)
    {
        _policy = policy;
        _resolve = resolve ?? ResolveWithDnsAsync;
        _tcpConnectTimeout = tcpConnectTimeout;
    }

    /// <summary>
    /// The <see cref="SocketsHttpHandler.ConnectCallback"/>: resolves the host, refuses the connection if any address is not allowed
    /// (an <see cref="HttpRequestException"/> whose inner exception says which address and why), and connects to the first that answers.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var port = context.DnsEndPoint.Port;
        var endpoints = await ResolveAsync(host, port, cancellationToken).ConfigureAwait(false);

        // Every address must pass, not just the first: a name that resolves to one public and one metadata address
        // is suspicious, and refusing it is clearer than silently connecting to whichever answered.
        foreach (var endpoint in endpoints)
        {
            var verdict = _policy.Evaluate(endpoint.Address);
            if (!verdict.IsAllowed)
            {
                throw new OutboundAddressBlockedException(host, endpoint.Address, verdict);
            }
        }

        SocketException? lastFailure = null;
        foreach (var endpoint in endpoints)
        {
            var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            using var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            connectTimeout.CancelAfter(_tcpConnectTimeout);
            try
            {
                await socket.ConnectAsync(endpoint, connectTimeout.Token).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                lastFailure = new SocketException((int)SocketError.TimedOut);
            }
            catch (SocketException exception)
            {
                socket.Dispose();
                lastFailure = exception;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw lastFailure!;
    }

    private async ValueTask<IReadOnlyList<IPEndPoint>> ResolveAsync(string host, int port, CancellationToken cancellationToken)
    {
        // IPv6 literals arrive with brackets on some paths; literals are never looked up, only checked.
        var literal = host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host;
        if (IPAddress.TryParse(literal, out var address))
        {
            return [new IPEndPoint(address, port)];
        }

        var endpoints = await _resolve(host, port, cancellationToken).ConfigureAwait(false);
        if (endpoints.Count == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        return endpoints;
    }

    private static async ValueTask<IReadOnlyList<IPEndPoint>> ResolveWithDnsAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var endpoints = new IPEndPoint[addresses.Length];
        for (var i = 0; i < addresses.Length; i++)
        {
            endpoints[i] = new IPEndPoint(addresses[i], port);
        }

        return endpoints;
    }
}
