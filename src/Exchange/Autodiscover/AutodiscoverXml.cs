using System.Text;
using System.Xml;
using System.Xml.Linq;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Autodiscover;

/// <summary>What an autodiscover endpoint answered, independent of SOAP or POX.</summary>
internal enum AutodiscoverAnswerKind
{
    Settings,
    RedirectUrl,
    RedirectAddress,
    Error,
}

/// <summary>A parsed autodiscover answer.</summary>
internal sealed record AutodiscoverAnswer(
    AutodiscoverAnswerKind Kind,
    string? InternalEwsUrl = null,
    string? ExternalEwsUrl = null,
    string? RedirectTarget = null,
    string? ErrorCode = null,
    string? ErrorMessage = null);

/// <summary>Writes and reads SOAP (GetUserSettings) and POX autodiscover messages.</summary>
internal static class AutodiscoverXml
{
    private const string GetUserSettingsAction = "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";

    private static readonly XmlWriterSettings WriterSettings = new() { Encoding = new UTF8Encoding(false), Indent = false };

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
    };

    public static ArraySegment<byte> WriteSoapRequest(Uri url, string mailbox)
    {
        var stream = new MemoryStream(1024);
        using (var writer = XmlWriter.Create(stream, WriterSettings))
        {
            writer.WriteStartElement("soap", "Envelope", EwsNamespaces.Soap);
            writer.WriteAttributeString("xmlns", "a", null, EwsNamespaces.AutodiscoverSoap);
            writer.WriteAttributeString("xmlns", "wsa", null, EwsNamespaces.WsAddressing);
            writer.WriteStartElement("Header", EwsNamespaces.Soap);
            writer.WriteElementString("RequestedServerVersion", EwsNamespaces.AutodiscoverSoap, EwsNamespaces.RequestServerVersion);
            writer.WriteElementString("Action", EwsNamespaces.WsAddressing, GetUserSettingsAction);
            writer.WriteElementString("To", EwsNamespaces.WsAddressing, url.AbsoluteUri);
            writer.WriteEndElement();
            writer.WriteStartElement("Body", EwsNamespaces.Soap);
            writer.WriteStartElement("GetUserSettingsRequestMessage", EwsNamespaces.AutodiscoverSoap);
            writer.WriteStartElement("Request", EwsNamespaces.AutodiscoverSoap);
            writer.WriteStartElement("Users", EwsNamespaces.AutodiscoverSoap);
            writer.WriteStartElement("User", EwsNamespaces.AutodiscoverSoap);
            writer.WriteElementString("Mailbox", EwsNamespaces.AutodiscoverSoap, mailbox);
            writer.WriteEndElement();
            writer.WriteEndElement();
            writer.WriteStartElement("RequestedSettings", EwsNamespaces.AutodiscoverSoap);
            writer.WriteElementString("Setting", EwsNamespaces.AutodiscoverSoap, "InternalEwsUrl");
            writer.WriteElementString("Setting", EwsNamespaces.AutodiscoverSoap, "ExternalEwsUrl");
            writer.WriteEndElement();
            writer.WriteEndElement(); // Request
            writer.WriteEndElement(); // GetUserSettingsRequestMessage
            writer.WriteEndElement(); // Body
            writer.WriteEndElement(); // Envelope
        }

        return new ArraySegment<byte>(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static ArraySegment<byte> WritePoxRequest(string mailbox)
    {
        var stream = new MemoryStream(512);
        using (var writer = XmlWriter.Create(stream, WriterSettings))
        {
            writer.WriteStartElement("Autodiscover", EwsNamespaces.PoxRequest);
            writer.WriteStartElement("Request", EwsNamespaces.PoxRequest);
            writer.WriteElementString("EMailAddress", EwsNamespaces.PoxRequest, mailbox);
            writer.WriteElementString("AcceptableResponseSchema", EwsNamespaces.PoxRequest, EwsNamespaces.PoxOutlookResponse);
            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        return new ArraySegment<byte>(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Reads the body of a SOAP GetUserSettings response (the <c>GetUserSettingsResponseMessage</c> element).</summary>
    public static AutodiscoverAnswer ParseSoapResponse(XElement responseMessage)
    {
        XNamespace a = EwsNamespaces.AutodiscoverSoap;
        if (responseMessage.Name != a + "GetUserSettingsResponseMessage")
        {
            throw new EwsResponseFormatException($"expected GetUserSettingsResponseMessage but got <{responseMessage.Name.LocalName}>", isNotSoap: true);
        }

        var response = responseMessage.Element(a + "Response")
            ?? throw new EwsResponseFormatException("GetUserSettingsResponseMessage has no Response", isNotSoap: false);

        // Error codes may sit on Response, on UserResponse, or (for settings) in UserSettingErrors.
        var topLevel = FromSoapErrorCode((string?)response.Element(a + "ErrorCode"), (string?)response.Element(a + "ErrorMessage"), null);
        if (topLevel is not null)
        {
            return topLevel;
        }

        var user = response.Element(a + "UserResponses")?.Element(a + "UserResponse")
            ?? throw new EwsResponseFormatException("the response has no UserResponse", isNotSoap: false);
        var userLevel = FromSoapErrorCode(
            (string?)user.Element(a + "ErrorCode"), (string?)user.Element(a + "ErrorMessage"), (string?)user.Element(a + "RedirectTarget"));
        if (userLevel is not null)
        {
            return userLevel;
        }

        string? internalUrl = null, externalUrl = null;
        foreach (var setting in user.Element(a + "UserSettings")?.Elements(a + "UserSetting") ?? [])
        {
            var name = (string?)setting.Element(a + "Name");
            var value = (string?)setting.Element(a + "Value");
            if (name == "InternalEwsUrl")
            {
                internalUrl = value;
            }
            else if (name == "ExternalEwsUrl")
            {
                externalUrl = value;
            }
        }

        if (string.IsNullOrWhiteSpace(internalUrl) && string.IsNullOrWhiteSpace(externalUrl))
        {
            var settingError = user.Element(a + "UserSettingErrors")?.Elements().FirstOrDefault();
            return new AutodiscoverAnswer(
                AutodiscoverAnswerKind.Error,
                ErrorCode: (string?)settingError?.Element(a + "ErrorCode") ?? "NoEwsUrl",
                ErrorMessage: (string?)settingError?.Element(a + "ErrorMessage") ?? "the response contains neither InternalEwsUrl nor ExternalEwsUrl");
        }

        return new AutodiscoverAnswer(AutodiscoverAnswerKind.Settings, internalUrl, externalUrl);
    }

    /// <summary>Reads a POX autodiscover response document.</summary>
    public static AutodiscoverAnswer ParsePoxResponse(Stream body)
    {
        XElement root;
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            root = XElement.Load(reader);
        }
        catch (XmlException exception)
        {
            throw new EwsResponseFormatException($"the XML is not well-formed: {exception.Message}", isNotSoap: false, exception);
        }

        if (root.Name.LocalName != "Autodiscover" || root.Name.NamespaceName != EwsNamespaces.PoxResponse)
        {
            throw new EwsResponseFormatException($"the document element is <{root.Name.LocalName}>, not a POX autodiscover response", isNotSoap: true);
        }

        // The Response element is in the 2006a namespace for settings and in the outer 2006 namespace for errors.
        var response = Child(root, "Response")
            ?? throw new EwsResponseFormatException("the POX response has no Response element", isNotSoap: false);
        if (Child(response, "Error") is { } error)
        {
            return new AutodiscoverAnswer(AutodiscoverAnswerKind.Error,
                ErrorCode: (string?)Child(error, "ErrorCode") ?? "Error", ErrorMessage: (string?)Child(error, "Message"));
        }

        var account = Child(response, "Account")
            ?? throw new EwsResponseFormatException("the POX response has neither Account nor Error", isNotSoap: false);
        if (Child(account, "Error") is { } accountError)
        {
            return new AutodiscoverAnswer(AutodiscoverAnswerKind.Error,
                ErrorCode: (string?)Child(accountError, "ErrorCode") ?? "Error", ErrorMessage: (string?)Child(accountError, "Message"));
        }

        var action = ((string?)Child(account, "Action"))?.Trim();
        if (string.Equals(action, "redirectUrl", StringComparison.OrdinalIgnoreCase))
        {
            return new AutodiscoverAnswer(AutodiscoverAnswerKind.RedirectUrl, RedirectTarget: ((string?)Child(account, "RedirectUrl"))?.Trim());
        }

        if (string.Equals(action, "redirectAddr", StringComparison.OrdinalIgnoreCase))
        {
            return new AutodiscoverAnswer(AutodiscoverAnswerKind.RedirectAddress, RedirectTarget: ((string?)Child(account, "RedirectAddr"))?.Trim());
        }

        string? internalUrl = null, externalUrl = null;
        foreach (var protocol in account.Elements().Where(e => e.Name.LocalName == "Protocol"))
        {
            // EwsUrl ("Ews", not "EWS") first, then ASUrl, as the Managed API does.
            var url = ((string?)Child(protocol, "EwsUrl") ?? (string?)Child(protocol, "ASUrl"))?.Trim();
            switch (((string?)Child(protocol, "Type"))?.Trim())
            {
                case "EXCH":
                    internalUrl ??= url;
                    break;
                case "EXPR":
                    externalUrl ??= url;
                    break;
            }
        }

        return string.IsNullOrWhiteSpace(internalUrl) && string.IsNullOrWhiteSpace(externalUrl)
            ? new AutodiscoverAnswer(AutodiscoverAnswerKind.Error, ErrorCode: "NoEwsUrl",
                ErrorMessage: "the response has no EXCH or EXPR protocol with an EwsUrl or ASUrl")
            : new AutodiscoverAnswer(AutodiscoverAnswerKind.Settings, internalUrl, externalUrl);
    }

    private static AutodiscoverAnswer? FromSoapErrorCode(string? code, string? message, string? redirectTarget) => code?.Trim() switch
    {
        null or "" or "NoError" => null,
        "RedirectAddress" => new AutodiscoverAnswer(AutodiscoverAnswerKind.RedirectAddress, RedirectTarget: redirectTarget?.Trim()),
        "RedirectUrl" => new AutodiscoverAnswer(AutodiscoverAnswerKind.RedirectUrl, RedirectTarget: redirectTarget?.Trim()),
        var other => new AutodiscoverAnswer(AutodiscoverAnswerKind.Error, ErrorCode: other, ErrorMessage: message),
    };

    private static XElement? Child(XElement parent, string localName) =>
        parent.Elements().FirstOrDefault(e => e.Name.LocalName == localName &&
            (e.Name.NamespaceName == EwsNamespaces.PoxResponse || e.Name.NamespaceName == EwsNamespaces.PoxOutlookResponse));
}
