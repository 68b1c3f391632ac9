using System.Net;

namespace ExSync.Exchange.Http;

/// <summary>
/// Thrown from the connect callback when the outbound policy refuses an address. SocketsHttpHandler wraps it in an
/// <see cref="HttpRequestException"/>; the error classifier finds it again by walking inner exceptions.
/// </summary>
internal sealed class OutboundAddressBlockedException(string host, IPAddress address, AddressVerdict verdict)
    : Exception($"Connection to {host} ({address}) refused: it is {verdict.Reason}.")
{
    public string Host { get; } = host;

    public IPAddress Address { get; } = address;

    public AddressVerdict Verdict { get; } = verdict;
}
