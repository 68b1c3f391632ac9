using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Ews;
using Microsoft.AspNetCore.Http;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>One request the scripted server received: the EWS operation (the SOAP body's first element) and what came with it.</summary>
internal sealed record RecordedRequest(string Operation, XElement Envelope, IReadOnlyDictionary<string, string> Headers, int Sequence)
{
    private static readonly XNamespace S = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";

    public XElement Body => Envelope.Element(S + "Body")!.Elements().First();

    public string? ImpersonatedMailbox =>
        (string?)Envelope.Element(S + "Header")?.Element(T + "ExchangeImpersonation")?.Element(T + "ConnectingSID")?.Element(T + "SmtpAddress");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// An HTTPS server over loopback that answers EWS requests with scripted responses, for wire behaviour the simulator does not model
/// yet (GetItem, GetAttachment, UpdateItem, MoveItem, folders, subscriptions, streaming): each response is written by the test,
/// often one taken from the EWS documentation, and can be streamed in pieces, delayed, cut short or aborted.
/// </summary>
internal sealed class ScriptedEwsServer : IAsyncDisposable
{
    public const string Host = "ews.contoso.local";

    // Generating RSA keys is the slowest part of starting a server: one authority and certificate serve every test.
    private static readonly Lazy<(TestCertificateAuthority Authority, X509Certificate2 Certificate)> Trust = new(() =>
    {
        var authority = new TestCertificateAuthority("ExSync Scripted EWS CA");
        return (authority, authority.IssueServerCertificate([Host]));
    });

    private readonly TinyHttpsServer _server;
    private readonly ConcurrentQueue<RecordedRequest> _requests;

    private ScriptedEwsServer(TinyHttpsServer server, ConcurrentQueue<RecordedRequest> requests)
    {
        _server = server;
        _requests = requests;
    }

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    public Uri EwsUrl => new($"https://{Host}:{_server.BaseAddress.Port}/EWS/Exchange.asmx");

    public static async Task<ScriptedEwsServer> StartAsync(
        ExchangeClientHarness client, Func<RecordedRequest, HttpContext, Task> respond, CancellationToken cancellationToken)
    {
        var requests = new ConcurrentQueue<RecordedRequest>();
        var sequence = 0;
        var server = await TinyHttpsServer.StartAsync(Trust.Value.Certificate, async context =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var envelope = XElement.Parse(await reader.ReadToEndAsync(context.RequestAborted));
            var recorded = new RecordedRequest(
                envelope.Element(XName.Get("Body", "http://schemas.xmlsoap.org/soap/envelope/"))!.Elements().First().Name.LocalName,
                envelope,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                Interlocked.Increment(ref sequence));
            requests.Enqueue(recorded);
            await respond(recorded, context);
        }, cancellationToken);

        client.MapHost(Host, server.EndPoint);
        return new ScriptedEwsServer(server, requests);
    }

    public EwsTarget Target(string mailbox = Scenarios.Alice, ConnectionLimit? limit = null) => new(EwsUrl, new ExchangeConnectionSettings
    {
        EwsUrl = EwsUrl,
        Authentication = Scenarios.Basic(),
        ConnectionTimeout = TimeSpan.FromSeconds(15),
        TrustedCertificateAuthorityPem = Trust.Value.Authority.Pem,
        Limit = limit,
    }, mailbox);

    /// <summary>Writes a whole SOAP response (<paramref name="status"/> 500 for faults, as EWS does).</summary>
    public static async Task RespondAsync(HttpContext context, string xml, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/xml; charset=utf-8";
        await context.Response.WriteAsync(xml, context.RequestAborted);
    }

    /// <summary>Writes part of a response and pushes it onto the wire now (chunked transfer, as Exchange streams notifications).</summary>
    public static async Task SendChunkAsync(HttpContext context, string xml)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.ContentType = "text/xml; charset=utf-8";
        }

        await context.Response.WriteAsync(xml, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
