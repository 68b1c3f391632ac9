using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>A SOAP 1.1 fault as EWS sends it with HTTP 500.</summary>
internal sealed record SoapFault(string? ResponseCode, string? Message, IReadOnlyDictionary<string, string> MessageXmlValues);

/// <summary>One <c>…ResponseMessage</c> of an EWS response.</summary>
internal sealed record EwsResponseMessage(
    XElement Element,
    string ResponseClass,
    string? ResponseCode,
    string? MessageText,
    IReadOnlyDictionary<string, string> MessageXmlValues)
{
    public bool IsError => string.Equals(ResponseClass, "Error", StringComparison.Ordinal);
}

/// <summary>The parts of a SOAP response envelope ExSync needs.</summary>
internal sealed record EwsEnvelope(ExchangeServerVersion? ServerVersion, XElement? BodyContent, SoapFault? Fault);

/// <summary>Why a response could not be read as EWS SOAP.</summary>
internal sealed class EwsResponseFormatException(string message, bool isNotSoap, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>True when the response is something else entirely (HTML, JSON); false when it is broken XML.</summary>
    public bool IsNotSoap { get; } = isNotSoap;
}

/// <summary>
/// Reads EWS responses: streams the envelope with <see cref="XmlReader"/> (picking ServerVersionInfo attributes
/// out of the header without materialising it) and loads only the body's operation element as a small tree.
/// Names are matched by namespace URI and local name; prefixes are ignored.
/// </summary>
internal static class EwsResponseReader
{
    internal static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    public static EwsEnvelope ReadEnvelope(Stream body)
    {
        var sawDocumentElement = false;
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                throw new EwsResponseFormatException("the response is empty", isNotSoap: true);
            }

            if (reader.LocalName != "Envelope" || reader.NamespaceURI != EwsNamespaces.Soap)
            {
                throw new EwsResponseFormatException($"the document element is <{reader.Name}>, not a SOAP envelope", isNotSoap: true);
            }

            sawDocumentElement = true;
            ExchangeServerVersion? version = null;
            XElement? content = null;
            if (!reader.IsEmptyElement)
            {
                reader.Read();
                while (reader.NodeType == XmlNodeType.Element)
                {
                    if (reader.NamespaceURI == EwsNamespaces.Soap && reader.LocalName == "Header")
                    {
                        version = ReadHeader(reader) ?? version;
                    }
                    else if (reader.NamespaceURI == EwsNamespaces.Soap && reader.LocalName == "Body" && !reader.IsEmptyElement)
                    {
                        reader.Read();
                        content = reader.NodeType == XmlNodeType.Element ? (XElement)XNode.ReadFrom(reader) : null;
                        break;
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }

            var fault = content is not null && content.Name == EwsNamespaces.S + "Fault" ? ReadFault(content) : null;
            return new EwsEnvelope(version, fault is null ? content : null, fault);
        }
        catch (XmlException exception)
        {
            // Broken before the first element: not XML at all (JSON, plain text, an error page without a content type).
            // Broken after it: a truncated or damaged SOAP response.
            throw sawDocumentElement
                ? new EwsResponseFormatException($"the XML is not well-formed: {exception.Message}", isNotSoap: false, exception)
                : new EwsResponseFormatException($"the body is not XML ({exception.Message})", isNotSoap: true, exception);
        }
    }

    /// <summary>Parses the <c>m:ResponseMessages</c> children of an operation response element.</summary>
    public static IReadOnlyList<EwsResponseMessage> ReadResponseMessages(XElement operationResponse)
    {
        var container = operationResponse.Element(EwsNames.ResponseMessages)
            ?? throw new EwsResponseFormatException($"<{operationResponse.Name.LocalName}> has no ResponseMessages", isNotSoap: false);
        var messages = new List<EwsResponseMessage>();
        foreach (var element in container.Elements())
        {
            var responseClass = (string?)element.Attribute("ResponseClass")
                ?? throw new EwsResponseFormatException($"<{element.Name.LocalName}> has no ResponseClass attribute", isNotSoap: false);
            messages.Add(new EwsResponseMessage(
                element,
                responseClass,
                (string?)element.Element(EwsNames.ResponseCode),
                (string?)element.Element(EwsNames.MessageText),
                ReadMessageXmlValues(element.Elements().FirstOrDefault(e => e.Name.LocalName == "MessageXml"))));
        }

        return messages;
    }

    /// <summary>The <c>BackOffMilliseconds</c> value of a MessageXml, if present and sane.</summary>
    public static TimeSpan? ReadBackOff(IReadOnlyDictionary<string, string> messageXmlValues) =>
        messageXmlValues.TryGetValue("BackOffMilliseconds", out var text) &&
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0
            ? TimeSpan.FromMilliseconds(Math.Min(milliseconds, (long)TimeSpan.FromHours(1).TotalMilliseconds))
            : null;

    private static ExchangeServerVersion? ReadHeader(XmlReader reader)
    {
        ExchangeServerVersion? version = null;
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }

        var depth = reader.Depth;
        reader.Read();
        while (reader.Depth > depth)
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "ServerVersionInfo" && reader.NamespaceURI == EwsNamespaces.Types)
            {
                version = new ExchangeServerVersion(
                    ReadIntAttribute(reader, "MajorVersion"),
                    ReadIntAttribute(reader, "MinorVersion"),
                    ReadIntAttribute(reader, "MajorBuildNumber"),
                    ReadIntAttribute(reader, "MinorBuildNumber"),
                    reader.GetAttribute("Version"));
                reader.Skip();
            }
            else if (reader.NodeType == XmlNodeType.Element)
            {
                reader.Skip();
            }
            else
            {
                reader.Read();
            }
        }

        if (reader.NodeType == XmlNodeType.EndElement)
        {
            reader.Read(); // </Header>
        }

        return version;
    }

    /// <summary>The ServerVersionInfo of a SOAP header read as a tree (streamed responses read it that way).</summary>
    internal static ExchangeServerVersion? ReadServerVersion(XElement header)
    {
        var info = header.Element(EwsNamespaces.T + "ServerVersionInfo");
        static int? Number(XElement element, string name) =>
            int.TryParse((string?)element.Attribute(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
        return info is null
            ? null
            : new ExchangeServerVersion(
                Number(info, "MajorVersion"), Number(info, "MinorVersion"), Number(info, "MajorBuildNumber"), Number(info, "MinorBuildNumber"),
                (string?)info.Attribute("Version"));
    }

    private static int? ReadIntAttribute(XmlReader reader, string name) =>
        int.TryParse(reader.GetAttribute(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    internal static SoapFault ReadFault(XElement fault)
    {
        // faultcode and faultstring are unqualified; detail children are in the errors namespace on 2010+ and the
        // types namespace on 2007, so the detail is matched by local name only.
        var faultCode = (string?)fault.Elements().FirstOrDefault(e => e.Name.LocalName == "faultcode");
        var faultString = (string?)fault.Elements().FirstOrDefault(e => e.Name.LocalName == "faultstring");
        var detail = fault.Elements().FirstOrDefault(e => e.Name.LocalName == "detail");
        var responseCode = (string?)detail?.Elements().FirstOrDefault(e => e.Name.LocalName == "ResponseCode");
        var message = (string?)detail?.Elements().FirstOrDefault(e => e.Name.LocalName == "Message");
        if (string.IsNullOrWhiteSpace(responseCode) && faultCode is not null)
        {
            // "a:ErrorNonExistentMailbox": the QName's local part is the response code.
            var colon = faultCode.LastIndexOf(':');
            responseCode = colon >= 0 ? faultCode[(colon + 1)..] : faultCode;
        }

        return new SoapFault(
            string.IsNullOrWhiteSpace(responseCode) ? null : responseCode.Trim(),
            string.IsNullOrWhiteSpace(message) ? faultString?.Trim() : message.Trim(),
            ReadMessageXmlValues(detail?.Elements().FirstOrDefault(e => e.Name.LocalName == "MessageXml")));
    }

    internal static IReadOnlyDictionary<string, string> ReadMessageXmlValues(XElement? messageXml)
    {
        if (messageXml is null)
        {
            return EmptyValues;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var element in messageXml.Descendants())
        {
            if (element.Name.LocalName == "Value" && (string?)element.Attribute("Name") is { } name)
            {
                values[name] = element.Value;
            }
            else if (!element.HasElements && !values.ContainsKey(element.Name.LocalName))
            {
                // e.g. t:LineNumber, t:Violation of ErrorSchemaValidation.
                values[element.Name.LocalName] = element.Value;
            }
        }

        return values;
    }

    private static readonly IReadOnlyDictionary<string, string> EmptyValues = new Dictionary<string, string>();
}
