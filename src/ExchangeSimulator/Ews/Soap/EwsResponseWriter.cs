using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Writes EWS responses into a buffer. The envelope head with the ServerVersionInfo header is pre-rendered once per
/// server profile; only the operation's response is written element by element.
/// </summary>
internal sealed class EwsResponseWriter : IDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] EnvelopeTail = Utf8.GetBytes("</s:Body></s:Envelope>");
    private static readonly ConcurrentDictionary<SimulatedExchangeVersion, byte[]> EnvelopeHeads = new();

    private static readonly XmlWriterSettings FragmentSettings = new()
    {
        Encoding = Utf8,
        ConformanceLevel = ConformanceLevel.Fragment,
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
        // Bodies and headers keep their CRLFs: a literal CR would be normalised away by every XML parser.
        NewLineHandling = NewLineHandling.Entitize,
    };

    private readonly MemoryStream _buffer = new(4096);
    private string? _operation;

    private EwsResponseWriter(ExchangeServerProfile profile)
    {
        _buffer.Write(EnvelopeHeads.GetOrAdd(profile.Version, static (_, p) => RenderEnvelopeHead(p), profile));
        Xml = XmlWriter.Create(_buffer, FragmentSettings);
    }

    public XmlWriter Xml { get; }

    public static EwsResponseWriter Start(ExchangeServerProfile profile, string operation)
    {
        var writer = new EwsResponseWriter(profile) { _operation = operation };
        writer.Xml.WriteStartElement("m", operation + "Response", EwsNamespaces.Messages);
        writer.Xml.WriteAttributeString("xmlns", "m", null, EwsNamespaces.Messages);
        writer.Xml.WriteAttributeString("xmlns", "t", null, EwsNamespaces.Types);
        writer.Xml.WriteStartElement("m", "ResponseMessages", EwsNamespaces.Messages);
        return writer;
    }

    /// <summary>Opens an {Operation}ResponseMessage; Success with NoError, or Error with the error's text and values.</summary>
    public void StartMessage(ItemError? error)
    {
        Xml.WriteStartElement("m", _operation + "ResponseMessage", EwsNamespaces.Messages);
        if (error is null)
        {
            Xml.WriteAttributeString("ResponseClass", "Success");
            Xml.WriteElementString("m", "ResponseCode", EwsNamespaces.Messages, "NoError");
            return;
        }

        Xml.WriteAttributeString("ResponseClass", "Error");
        Xml.WriteElementString("m", "MessageText", EwsNamespaces.Messages, error.MessageText);
        Xml.WriteElementString("m", "ResponseCode", EwsNamespaces.Messages, error.ResponseCode);
        Xml.WriteElementString("m", "DescriptiveLinkKey", EwsNamespaces.Messages, "0");
        if (error.Values is { Count: > 0 } values)
        {
            Xml.WriteStartElement("m", "MessageXml", EwsNamespaces.Messages);
            foreach (var (name, value) in values)
            {
                Xml.WriteStartElement("t", "Value", EwsNamespaces.Types);
                Xml.WriteAttributeString("Name", name);
                Xml.WriteString(value);
                Xml.WriteEndElement();
            }

            Xml.WriteEndElement();
        }
    }

    /// <summary>Writes a whole error message with an optional empty payload element (for example m:Folders).</summary>
    public void WriteErrorMessage(ItemError error, string? emptyPayloadElement = null)
    {
        StartMessage(error);
        if (emptyPayloadElement is not null)
        {
            Xml.WriteStartElement("m", emptyPayloadElement, EwsNamespaces.Messages);
            Xml.WriteEndElement();
        }

        EndElement();
    }

    public void EndElement() => Xml.WriteEndElement();

    /// <summary>Closes the response and the envelope and returns the UTF-8 bytes.</summary>
    public ArraySegment<byte> Finish()
    {
        Xml.WriteEndElement();
        Xml.WriteEndElement();
        Xml.Flush();
        _buffer.Write(EnvelopeTail);
        return new ArraySegment<byte>(_buffer.GetBuffer(), 0, (int)_buffer.Length);
    }

    public void Dispose()
    {
        Xml.Dispose();
        _buffer.Dispose();
    }

    public static string FormatDateTime(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>
    /// The envelope up to the open s:Body: ServerVersionInfo as attributes in the types namespace, the form of
    /// Exchange 2013 and later (ews-protocol.md §1.4).
    /// </summary>
    private static byte[] RenderEnvelopeHead(ExchangeServerProfile profile)
    {
        var text = string.Create(CultureInfo.InvariantCulture,
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?><s:Envelope xmlns:s=\"{EwsNamespaces.Soap}\"><s:Header>" +
            $"<h:ServerVersionInfo MajorVersion=\"{profile.MajorVersion}\" MinorVersion=\"{profile.MinorVersion}\" MajorBuildNumber=\"{profile.MajorBuildNumber}\" MinorBuildNumber=\"{profile.MinorBuildNumber}\" Version=\"{profile.SchemaLabel}\" " +
            $"xmlns:h=\"{EwsNamespaces.Types}\" xmlns=\"{EwsNamespaces.Types}\" xmlns:xsd=\"{EwsNamespaces.XmlSchema}\" xmlns:xsi=\"{EwsNamespaces.XmlSchemaInstance}\"/>" +
            $"</s:Header><s:Body xmlns:xsi=\"{EwsNamespaces.XmlSchemaInstance}\" xmlns:xsd=\"{EwsNamespaces.XmlSchema}\">");
        return Utf8.GetBytes(text);
    }

    /// <summary>A request-level SOAP fault (sent with HTTP 500, without ServerVersionInfo).</summary>
    public static byte[] RenderFault(EwsFault fault)
    {
        using var buffer = new MemoryStream(1024);
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = Utf8, Indent = false }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement("s", "Envelope", EwsNamespaces.Soap);
            xml.WriteStartElement("s", "Body", EwsNamespaces.Soap);
            xml.WriteStartElement("s", "Fault", EwsNamespaces.Soap);

            xml.WriteStartElement("faultcode");
            xml.WriteAttributeString("xmlns", "a", null, EwsNamespaces.Types);
            xml.WriteString("a:" + fault.ResponseCode);
            xml.WriteEndElement();

            xml.WriteStartElement("faultstring");
            xml.WriteAttributeString("xml", "lang", null, "en-US");
            xml.WriteString(fault.Message);
            xml.WriteEndElement();

            xml.WriteStartElement("detail");
            xml.WriteElementString("e", "ResponseCode", EwsNamespaces.Errors, fault.ResponseCode);
            xml.WriteElementString("e", "Message", EwsNamespaces.Errors, fault.Message);
            if (fault.SchemaViolation is { } violation)
            {
                xml.WriteStartElement("t", "MessageXml", EwsNamespaces.Types);
                xml.WriteElementString("t", "LineNumber", EwsNamespaces.Types, violation.LineNumber.ToString(CultureInfo.InvariantCulture));
                xml.WriteElementString("t", "LinePosition", EwsNamespaces.Types, violation.LinePosition.ToString(CultureInfo.InvariantCulture));
                xml.WriteElementString("t", "Violation", EwsNamespaces.Types, violation.Violation);
                xml.WriteEndElement();
            }
            else if (fault.Values.Count > 0)
            {
                xml.WriteStartElement("t", "MessageXml", EwsNamespaces.Types);
                foreach (var (name, value) in fault.Values)
                {
                    xml.WriteStartElement("t", "Value", EwsNamespaces.Types);
                    xml.WriteAttributeString("Name", name);
                    xml.WriteString(value);
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        return buffer.ToArray();
    }
}
