using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>An HttpClient aimed at a simulator that trusts exactly its CA; Basic credentials unless told otherwise.</summary>
internal sealed class SimulatorClient : IDisposable
{
    private readonly HttpClient _http;

    public SimulatorClient(ExchangeSimulatorHost host, string? user = TestScenarios.ServiceUser, string? password = TestScenarios.ServicePassword, Action<SocketsHttpHandler>? configure = null)
    {
        var handler = host.CreateHttpHandler();
        configure?.Invoke(handler);
        _http = new HttpClient(handler) { BaseAddress = host.HttpsBaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (user is not null)
        {
            _http.DefaultRequestHeaders.Authorization = BasicHeader(user, password!);
        }
    }

    public HttpClient Http => _http;

    public static AuthenticationHeaderValue BasicHeader(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>POSTs a SOAP request to EWS (or another path) with Content-Type text/xml and no SOAPAction.</summary>
    public Task<EwsResponse> PostAsync(string xml, string path = "EWS/Exchange.asmx", string contentType = "text/xml; charset=utf-8") =>
        SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(xml, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)) });

    public async Task<EwsResponse> SendAsync(HttpRequestMessage request)
    {
        var response = await _http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? string.Join(",", values) : null;
        return new EwsResponse(response.StatusCode, contentType, body, response);
    }

    public Task<EwsResponse> EwsAsync(string body, string? version = "Exchange2013_SP1", string? impersonate = null, string extraHeaders = "") =>
        PostAsync(Soap.Envelope(body, version, impersonate, extraHeaders));

    public void Dispose() => _http.Dispose();
}
