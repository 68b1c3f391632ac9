using System.Xml;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// SOAP autodiscover (Exchange 2010+): GetUserSettings over SOAP 1.1 with WS-Addressing. The answer carries
/// ServerVersionInfo as child elements in the autodiscover namespace (unlike EWS, which uses attributes).
/// </summary>
internal sealed class SoapAutodiscover(SimulatorRuntime runtime)
{
    private const string A = EwsNamespaces.AutodiscoverSoap;
    private const string GetUserSettingsAction = "http://schemas.microsoft.com/exchange/2010/Autodiscover/Autodiscover/GetUserSettings";

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    public async Task HandleAsync(HttpContext context)
    {
        GetUserSettingsRequest request;
        try
        {
            request = await ReadAsync(context).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is XmlException or AutodiscoverRequestException)
        {
            await WriteAsync(context, StatusCodes.Status500InternalServerError, writer => WriteSoapFault(writer, exception.Message)).ConfigureAwait(false);
            return;
        }

        runtime.Requests.RecordAutodiscover(AutodiscoverRequestKind.SoapGetUserSettings, request.Mailboxes.FirstOrDefault());
        await AutodiscoverFaults.ApplyLatencyAsync(context, runtime).ConfigureAwait(false);
        var calledUrl = AutodiscoverFaults.CalledUrl(context.Request);
        if (await AutodiscoverFaults.TryApplyAsync(context, runtime, request.Mailboxes.FirstOrDefault(),
                () => WriteAsync(context, StatusCodes.Status200OK, writer => WriteResponse(writer, request, calledUrl, serverBusy: true))).ConfigureAwait(false))
        {
            return;
        }

        await WriteAsync(context, StatusCodes.Status200OK, writer => WriteResponse(writer, request, calledUrl, serverBusy: false)).ConfigureAwait(false);
    }

    private static async Task<GetUserSettingsRequest> ReadAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        body.Position = 0;
        using var reader = XmlReader.Create(body, ReaderSettings);

        string? action = null;
        var mailboxes = new List<string>();
        var settings = new List<string>();
        var sawOperation = false;
        reader.MoveToContent();
        Expect(reader, EwsNamespaces.Soap, "Envelope");
        // ReadElementContentAsString moves past the element it reads, so only the other branches call Read():
        // consecutive siblings (Setting, Setting) must not be skipped.
        reader.Read();
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                reader.Read();
                continue;
            }

            switch (reader.NamespaceURI, reader.LocalName)
            {
                case (EwsNamespaces.WsAddressing, "Action"):
                    action = reader.ReadElementContentAsString().Trim();
                    break;
                case (EwsNamespaces.Soap, "Body"):
                    if (reader.IsEmptyElement)
                    {
                        throw new AutodiscoverRequestException("The SOAP body is empty.");
                    }

                    reader.Read();
                    reader.MoveToContent();
                    if (reader.NamespaceURI != A)
                    {
                        throw new AutodiscoverRequestException($"The operation element is in namespace '{reader.NamespaceURI}', not '{A}'.");
                    }

                    if (reader.LocalName != "GetUserSettingsRequestMessage")
                    {
                        throw new AutodiscoverRequestException($"The ExSync Exchange simulator does not simulate the autodiscover operation {reader.LocalName}.");
                    }

                    sawOperation = true;
                    reader.Read();
                    break;
                case (A, "Mailbox") when sawOperation:
                    mailboxes.Add(reader.ReadElementContentAsString().Trim());
                    break;
                case (A, "Setting") when sawOperation:
                    settings.Add(reader.ReadElementContentAsString().Trim());
                    break;
                default:
                    reader.Read();
                    break;
            }
        }

        if (action is not null && action != GetUserSettingsAction)
        {
            throw new AutodiscoverRequestException($"The WS-Addressing action '{action}' is not supported; expected '{GetUserSettingsAction}'.");
        }

        if (!sawOperation || mailboxes.Count == 0 || settings.Count == 0)
        {
            throw new AutodiscoverRequestException("GetUserSettings needs at least one Users/User/Mailbox and one RequestedSettings/Setting.");
        }

        return new GetUserSettingsRequest(mailboxes, settings);
    }

    private static void Expect(XmlReader reader, string ns, string localName)
    {
        if (reader.NodeType != XmlNodeType.Element || reader.NamespaceURI != ns || reader.LocalName != localName)
        {
            throw new AutodiscoverRequestException($"Expected '{localName}' in namespace '{ns}', found '{reader.LocalName}' in namespace '{reader.NamespaceURI}'.");
        }
    }

    private void WriteResponse(XmlWriter xml, GetUserSettingsRequest request, string calledUrl, bool serverBusy)
    {
        xml.WriteStartElement("s", "Envelope", EwsNamespaces.Soap);
        xml.WriteAttributeString("xmlns", "a", null, EwsNamespaces.WsAddressing);
        xml.WriteStartElement("s", "Header", EwsNamespaces.Soap);
        xml.WriteStartElement("a", "Action", EwsNamespaces.WsAddressing);
        xml.WriteAttributeString("s", "mustUnderstand", EwsNamespaces.Soap, "1");
        xml.WriteString(GetUserSettingsAction + "Response");
        xml.WriteEndElement();
        WriteServerVersionInfo(xml);
        xml.WriteEndElement();

        xml.WriteStartElement("s", "Body", EwsNamespaces.Soap);
        xml.WriteStartElement("GetUserSettingsResponseMessage", A);
        xml.WriteStartElement("Response", A);
        xml.WriteAttributeString("xmlns", "i", null, EwsNamespaces.XmlSchemaInstance);
        if (serverBusy)
        {
            xml.WriteElementString("ErrorCode", A, "ServerBusy");
            xml.WriteElementString("ErrorMessage", A, "The server is too busy to process the request.");
            xml.WriteStartElement("UserResponses", A);
            xml.WriteEndElement();
        }
        else
        {
            xml.WriteElementString("ErrorCode", A, "NoError");
            xml.WriteElementString("ErrorMessage", A, "");
            xml.WriteStartElement("UserResponses", A);
            foreach (var mailbox in request.Mailboxes)
            {
                WriteUserResponse(xml, mailbox, request.Settings, calledUrl);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private void WriteServerVersionInfo(XmlWriter xml)
    {
        var profile = runtime.Profile;
        xml.WriteStartElement("h", "ServerVersionInfo", A);
        xml.WriteAttributeString("xmlns", "i", null, EwsNamespaces.XmlSchemaInstance);
        xml.WriteElementString("h", "MajorVersion", A, profile.MajorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("h", "MinorVersion", A, profile.MinorVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("h", "MajorBuildNumber", A, profile.MajorBuildNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("h", "MinorBuildNumber", A, profile.MinorBuildNumber.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteElementString("h", "Version", A, AutodiscoverUsers.AutodiscoverVersionName(profile));
        xml.WriteEndElement();
    }

    private void WriteUserResponse(XmlWriter xml, string emailAddress, IReadOnlyList<string> settings, string calledUrl)
    {
        xml.WriteStartElement("UserResponse", A);
        switch (AutodiscoverUsers.Resolve(runtime, emailAddress, calledUrl))
        {
            case AutodiscoverAnswer.Settings(var mailbox):
                WriteError(xml, "NoError", "No error.");
                WriteNilRedirect(xml);
                var errors = new List<(string Name, string Code, string Message)>();
                var values = new List<(string Name, string Value)>();
                foreach (var setting in settings)
                {
                    if (!UserSettings.IsKnown(setting))
                    {
                        errors.Add((setting, "InvalidSetting", $"The requested setting, '{setting}', isn't valid."));
                    }
                    else if (UserSettings.Value(runtime, mailbox, setting) is { } value)
                    {
                        values.Add((setting, value));
                    }
                    else
                    {
                        errors.Add((setting, "SettingIsNotAvailable", $"User setting '{setting}' is not available."));
                    }
                }

                xml.WriteStartElement("UserSettingErrors", A);
                foreach (var (setting, code, message) in errors)
                {
                    xml.WriteStartElement("UserSettingError", A);
                    xml.WriteElementString("ErrorCode", A, code);
                    xml.WriteElementString("ErrorMessage", A, message);
                    xml.WriteElementString("SettingName", A, setting);
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
                xml.WriteStartElement("UserSettings", A);
                foreach (var (name, value) in values)
                {
                    xml.WriteStartElement("UserSetting", A);
                    xml.WriteAttributeString("i", "type", EwsNamespaces.XmlSchemaInstance, "StringSetting");
                    xml.WriteElementString("Name", A, name);
                    xml.WriteElementString("Value", A, value);
                    xml.WriteEndElement();
                }

                xml.WriteEndElement();
                break;

            case AutodiscoverAnswer.RedirectAddress(var address):
                WriteError(xml, "RedirectAddress", $"Redirection address is '{address}'.");
                xml.WriteElementString("RedirectTarget", A, address);
                WriteEmptySettings(xml);
                break;

            case AutodiscoverAnswer.RedirectUrl(var url):
                WriteError(xml, "RedirectUrl", $"Redirection URL is '{url}'.");
                xml.WriteElementString("RedirectTarget", A, url);
                WriteEmptySettings(xml);
                break;

            default:
                WriteError(xml, "InvalidUser", $"Invalid user: '{emailAddress}'");
                WriteNilRedirect(xml);
                WriteEmptySettings(xml);
                break;
        }

        xml.WriteEndElement();
    }

    private static void WriteError(XmlWriter xml, string code, string message)
    {
        xml.WriteElementString("ErrorCode", A, code);
        xml.WriteElementString("ErrorMessage", A, message);
    }

    private static void WriteNilRedirect(XmlWriter xml)
    {
        xml.WriteStartElement("RedirectTarget", A);
        xml.WriteAttributeString("i", "nil", EwsNamespaces.XmlSchemaInstance, "true");
        xml.WriteEndElement();
    }

    private static void WriteEmptySettings(XmlWriter xml)
    {
        xml.WriteStartElement("UserSettingErrors", A);
        xml.WriteEndElement();
        xml.WriteStartElement("UserSettings", A);
        xml.WriteEndElement();
    }

    private static void WriteSoapFault(XmlWriter xml, string message)
    {
        xml.WriteStartElement("s", "Envelope", EwsNamespaces.Soap);
        xml.WriteStartElement("s", "Body", EwsNamespaces.Soap);
        xml.WriteStartElement("s", "Fault", EwsNamespaces.Soap);
        xml.WriteElementString("faultcode", "s:Client");
        xml.WriteStartElement("faultstring");
        xml.WriteAttributeString("xml", "lang", null, "en-US");
        xml.WriteString(message);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    internal static async Task WriteAsync(HttpContext context, int statusCode, Action<XmlWriter> write)
    {
        using var buffer = new MemoryStream(2048);
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) }))
        {
            xml.WriteStartDocument();
            write(xml);
            xml.WriteEndDocument();
        }

        context.Response.StatusCode = statusCode;
        context.Response.Headers.ContentType = EwsEndpoint.ContentType;
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }

    private sealed record GetUserSettingsRequest(IReadOnlyList<string> Mailboxes, IReadOnlyList<string> Settings);
}

/// <summary>An autodiscover request the simulator cannot answer (malformed, wrong namespace, unsupported action).</summary>
internal sealed class AutodiscoverRequestException(string message) : Exception(message);
