using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>
/// A minimal HTTPS server for behaviour the simulator does not model (an HTTP 302 from an autodiscover host, an
/// expired certificate). It counts the requests it answered.
/// </summary>
internal sealed class TinyHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _application;
    private int _requests;

    private TinyHttpsServer(WebApplication application) => _application = application;

    public Uri BaseAddress { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public static async Task<TinyHttpsServer> StartAsync(X509Certificate2 certificate, RequestDelegate handler, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseKestrelHttpsConfiguration().ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(certificate);
            }));
        var application = builder.Build();
        var server = new TinyHttpsServer(application);
        application.Run(context =>
        {
            Interlocked.Increment(ref server._requests);
            return handler(context);
        });
        await application.StartAsync(cancellationToken);
        var address = application.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return server;
    }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, BaseAddress.Port);

    public async ValueTask DisposeAsync()
    {
        await _application.StopAsync();
        await _application.DisposeAsync();
    }
}
