using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ExSync.Benchmarks;

/// <summary>
/// The yardstick of the read benchmark: a bare minimal endpoint that returns fixed JSON, in a process of its own configured like
/// ExSync's (server GC, no dynamic PGO, console logging at Warning), so both sides pay for the same Kestrel, the same GC, the same
/// per-request diagnostics and the same loopback.
/// </summary>
internal sealed class BareEndpoint : IAsyncDisposable
{
    public const string Scenario = "bare-endpoint";

    private readonly Process process;

    private BareEndpoint(Process process, string url)
    {
        this.process = process;
        Url = url;
    }

    public string Url { get; }

    /// <summary>Starts this benchmark's own executable as the bare endpoint, serving <paramref name="payloadFile"/>.</summary>
    public static async Task<BareEndpoint> StartAsync(string payloadFile)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", [typeof(BareEndpoint).Assembly.Location, Scenario, port.ToString(System.Globalization.CultureInfo.InvariantCulture), payloadFile])
        {
            UseShellExecute = false,
        };
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment["DOTNET_TieredPGO"] = "0";
        var endpoint = new BareEndpoint(Process.Start(start)!, $"http://127.0.0.1:{port}/bare");
        using var http = new HttpClient();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await http.GetAsync(endpoint.Url);
                return endpoint;
            }
            catch (HttpRequestException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>The bare endpoint's process: <c>bare-endpoint port payload-file</c>.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var payload = await File.ReadAllBytesAsync(args[2]);
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls($"http://127.0.0.1:{args[1]}");
        var app = builder.Build();
        app.MapGet("/bare", () => Results.Bytes(payload, "application/json; charset=utf-8"));
        await app.RunAsync();
        return 0;
    }

    public async ValueTask DisposeAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
