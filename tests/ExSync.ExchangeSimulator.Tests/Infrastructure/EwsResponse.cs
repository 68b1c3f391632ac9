using System.Net;
using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>A raw HTTP answer from the simulator with helpers to read EWS responses and faults.</summary>
internal sealed class EwsResponse(HttpStatusCode status, string? contentType, string body, HttpResponseMessage message)
{
    private XDocument? _xml;

    public HttpStatusCode Status { get; } = status;

    /// <summary>The Content-Type header exactly as sent.</summary>
    public string? ContentType { get; } = contentType;

    public string Body { get; } = body;

    public HttpResponseMessage Message { get; } = message;

    public XDocument Xml => _xml ??= XDocument.Parse(Body);

    /// <summary>All …ResponseMessage elements, in order.</summary>
    public IReadOnlyList<XElement> ResponseMessages =>
        [.. Xml.Descendants(Soap.M + "ResponseMessages").Elements()];

    public XElement SingleMessage => Assert.Single(ResponseMessages);

    public string? FaultResponseCode => Xml.Descendants(Soap.E + "ResponseCode").SingleOrDefault()?.Value;

    public string? FaultCode => Xml.Descendants("faultcode").SingleOrDefault()?.Value;

    public XElement? FaultMessageXml => Xml.Descendants().SingleOrDefault(element => element.Name.LocalName == "MessageXml");

    public string? FaultValue(string name) =>
        FaultMessageXml?.Elements(Soap.T + "Value").SingleOrDefault(value => (string?)value.Attribute("Name") == name)?.Value;

    public XElement? ServerVersionInfo => Xml.Root?.Element(Soap.S + "Header")?.Element(Soap.T + "ServerVersionInfo");

    public void AssertSuccess()
    {
        Assert.True(Status == HttpStatusCode.OK, $"Expected 200, got {(int)Status}: {Body}");
        foreach (var message in ResponseMessages)
        {
            Assert.True((string?)message.Attribute("ResponseClass") == "Success", $"Expected success: {message}");
        }
    }

    /// <summary>Asserts an HTTP 500 SOAP fault with the ResponseCode both as faultcode QName (types namespace) and in the detail.</summary>
    public void AssertFault(string responseCode)
    {
        Assert.True(Status == HttpStatusCode.InternalServerError, $"Expected 500, got {(int)Status}: {Body}");
        Assert.Equal("text/xml; charset=utf-8", ContentType);
        Assert.Equal(responseCode, FaultResponseCode);
        var faultCode = Xml.Descendants("faultcode").Single();
        var prefix = faultCode.Value.Split(':')[0];
        Assert.Equal($"{prefix}:{responseCode}", faultCode.Value);
        Assert.Equal(Soap.TypesNs, faultCode.GetNamespaceOfPrefix(prefix)?.NamespaceName);
        Assert.Null(ServerVersionInfo);
    }

    /// <summary>Asserts a single per-item error at HTTP 200.</summary>
    public XElement AssertItemError(string responseCode)
    {
        Assert.True(Status == HttpStatusCode.OK, $"Expected 200, got {(int)Status}: {Body}");
        var message = SingleMessage;
        Assert.Equal("Error", (string?)message.Attribute("ResponseClass"));
        Assert.Equal(responseCode, message.Element(Soap.M + "ResponseCode")?.Value);
        return message;
    }
}
