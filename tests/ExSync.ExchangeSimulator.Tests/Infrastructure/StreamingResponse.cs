using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>
/// An open GetStreamingEvents response read as it arrives: each call returns the next complete envelope, the way
/// clients cut the stream (ews-javascript-api looks for the literal <c>&lt;Envelope</c> and <c>&lt;/Envelope&gt;</c>).
/// </summary>
internal sealed class StreamingResponse : IDisposable
{
    private const string EnvelopeEnd = "</Envelope>";

    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private readonly StringBuilder _buffer = new();
    private readonly char[] _chunk = new char[4096];

    private StreamingResponse(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream, Encoding.UTF8);
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Every envelope's raw text, in order, for format assertions.</summary>
    public List<string> RawEnvelopes { get; } = [];

    public static async Task<StreamingResponse> OpenAsync(HttpClient http, string body, string? impersonate)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "EWS/Exchange.asmx")
        {
            Content = new StringContent(Soap.Envelope(body, impersonate: impersonate), Encoding.UTF8, MediaTypeHeaderValue.Parse("text/xml; charset=utf-8")),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        return new StreamingResponse(response, await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
    }

    /// <summary>The next envelope's GetStreamingEventsResponseMessage; null when the server ended the response.</summary>
    public async Task<XElement?> NextMessageAsync(TimeSpan? timeout = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var text = _buffer.ToString();
            var end = text.IndexOf(EnvelopeEnd, StringComparison.Ordinal);
            if (end >= 0)
            {
                var envelope = text[..(end + EnvelopeEnd.Length)];
                _buffer.Remove(0, end + EnvelopeEnd.Length);
                RawEnvelopes.Add(envelope);
                return XDocument.Parse(envelope).Descendants(Soap.M + "GetStreamingEventsResponseMessage").Single();
            }

            var read = await _reader.ReadAsync(_chunk, deadline.Token);
            if (read == 0)
            {
                Assert.True(_buffer.ToString().Trim().Length == 0, $"The stream ended inside an envelope: {_buffer}");
                return null;
            }

            _buffer.Append(_chunk, 0, read);
        }
    }

    /// <summary>Reads until an envelope carries notifications (skipping pings) and returns it.</summary>
    public async Task<XElement> NextNotificationsAsync(TimeSpan? timeout = null)
    {
        while (true)
        {
            var message = await NextMessageAsync(timeout) ?? throw new InvalidOperationException("The stream ended before a notification.");
            if (message.Element(Soap.M + "Notifications") is not null || (string?)message.Attribute("ResponseClass") == "Error")
            {
                return message;
            }
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
