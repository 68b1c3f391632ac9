using System.Globalization;
using System.Xml;
using Microsoft.AspNetCore.Http;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// POX autodiscover: POST autodiscover.xml with the Outlook request schema, answered in the 2006a response schema
/// with EXCH (internal) and EXPR (external) protocols carrying EwsUrl and ASUrl, or a redirect Action, or Error 600.
/// </summary>
internal sealed class PoxAutodiscover(SimulatorRuntime runtime)
{
    private const string RequestNamespace = EwsNamespaces.AutodiscoverPoxRequest;
    private const string OuterNamespace = EwsNamespaces.AutodiscoverPoxResponse;
    private const string OutlookNamespace = EwsNamespaces.AutodiscoverPoxOutlookResponse;

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
        var emailAddress = await ReadEmailAddressAsync(context).ConfigureAwait(false);
        runtime.Requests.RecordAutodiscover(AutodiscoverRequestKind.Pox, emailAddress);
        await AutodiscoverFaults.ApplyLatencyAsync(context, runtime).ConfigureAwait(false);
        if (emailAddress is null)
        {
            await WriteInvalidRequestAsync(context).ConfigureAwait(false);
            return;
        }

        if (await AutodiscoverFaults.TryApplyAsync(context, runtime, emailAddress, () =>
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }).ConfigureAwait(false))
        {
            return;
        }

        var answer = AutodiscoverUsers.Resolve(runtime, emailAddress, AutodiscoverFaults.CalledUrl(context.Request));
        await SoapAutodiscover.WriteAsync(context, StatusCodes.Status200OK, xml => WriteAnswer(xml, answer)).ConfigureAwait(false);
    }

    /// <summary>Error 600, the answer to anything that is not a valid POX request (including an authenticated GET).</summary>
    public static Task WriteInvalidRequestAsync(HttpContext context) =>
        SoapAutodiscover.WriteAsync(context, StatusCodes.Status200OK, xml => WriteError(xml, 600, "Invalid Request"));

    /// <summary>The EMailAddress of a well-formed request in the right namespaces, or null (Error 600).</summary>
    private static async Task<string?> ReadEmailAddressAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        body.Position = 0;
        try
        {
            using var reader = XmlReader.Create(body, ReaderSettings);
            reader.MoveToContent();
            if (reader.LocalName != "Autodiscover" || reader.NamespaceURI != RequestNamespace)
            {
                return null;
            }

            string? address = null, schema = null;
            reader.Read();
            while (!reader.EOF)
            {
                // ReadElementContentAsString already moves past the element, so Read() only for everything else.
                if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == RequestNamespace && reader.LocalName == "EMailAddress")
                {
                    address = reader.ReadElementContentAsString().Trim();
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.NamespaceURI == RequestNamespace && reader.LocalName == "AcceptableResponseSchema")
                {
                    schema = reader.ReadElementContentAsString().Trim();
                }
                else
                {
                    reader.Read();
                }
            }

            // Only the Outlook provider's 2006a schema is served; anything else is an invalid request here.
            return !string.IsNullOrEmpty(address) && schema == OutlookNamespace ? address : null;
        }
        catch (XmlException)
        {
            return null;
        }
    }

    private void WriteAnswer(XmlWriter xml, AutodiscoverAnswer answer)
    {
        if (answer is AutodiscoverAnswer.UnknownUser)
        {
            WriteError(xml, 500, "The email address can't be found.");
            return;
        }

        xml.WriteStartElement("Autodiscover", OuterNamespace);
        xml.WriteStartElement("Response", OutlookNamespace);
        switch (answer)
        {
            case AutodiscoverAnswer.Settings(var mailbox):
                xml.WriteStartElement("User", OutlookNamespace);
                xml.WriteElementString("DisplayName", OutlookNamespace, mailbox.DisplayName);
                xml.WriteElementString("LegacyDN", OutlookNamespace, UserSettings.UserDn(mailbox));
                xml.WriteElementString("AutoDiscoverSMTPAddress", OutlookNamespace, mailbox.SmtpAddress);
                xml.WriteElementString("DeploymentId", OutlookNamespace, mailbox.MailboxGuid.ToString("D"));
                xml.WriteEndElement();
                StartAccount(xml, "settings");
                WriteInternalProtocol(xml, mailbox);
                WriteExternalProtocol(xml);
                WriteWebProtocol(xml);
                xml.WriteEndElement();
                break;

            case AutodiscoverAnswer.RedirectAddress(var address):
                StartAccount(xml, "redirectAddr");
                xml.WriteElementString("RedirectAddr", OutlookNamespace, address);
                xml.WriteEndElement();
                break;

            case AutodiscoverAnswer.RedirectUrl(var url):
                StartAccount(xml, "redirectUrl");
                xml.WriteElementString("RedirectUrl", OutlookNamespace, url);
                xml.WriteEndElement();
                break;
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void StartAccount(XmlWriter xml, string action)
    {
        xml.WriteStartElement("Account", OutlookNamespace);
        xml.WriteElementString("AccountType", OutlookNamespace, "email");
        xml.WriteElementString("Action", OutlookNamespace, action);
    }

    /// <summary>
    /// EXCH, the internal protocol: the mailbox server and its DNs, the hex ServerVersion, the domain controller, and the
    /// service URLs. EwsUrl is spelled with a lower-case "ws", as the server emits it; ASUrl (availability) and OOFUrl
    /// (out of office) are EWS too.
    /// </summary>
    private void WriteInternalProtocol(XmlWriter xml, MailboxStore mailbox)
    {
        var ewsUrl = runtime.Endpoints.AutodiscoverInternalEwsUrl;
        xml.WriteStartElement("Protocol", OutlookNamespace);
        xml.WriteElementString("Type", OutlookNamespace, "EXCH");
        xml.WriteElementString("Server", OutlookNamespace, UserSettings.Server(mailbox));
        xml.WriteElementString("ServerDN", OutlookNamespace, UserSettings.ServerDn(mailbox));
        xml.WriteElementString("ServerVersion", OutlookNamespace, UserSettings.PoxServerVersion(runtime.ProfileFor(mailbox)));
        xml.WriteElementString("MdbDN", OutlookNamespace, UserSettings.MailboxDn(mailbox));
        xml.WriteElementString("AD", OutlookNamespace, UserSettings.ActiveDirectoryServer(mailbox));
        xml.WriteElementString("ASUrl", OutlookNamespace, ewsUrl);
        xml.WriteElementString("EwsUrl", OutlookNamespace, ewsUrl);
        xml.WriteElementString("OOFUrl", OutlookNamespace, ewsUrl);
        xml.WriteEndElement();
    }

    /// <summary>EXPR, the external (Outlook Anywhere) protocol: the external host over SSL, and the external EWS URL.</summary>
    private void WriteExternalProtocol(XmlWriter xml)
    {
        var ewsUrl = runtime.Endpoints.AutodiscoverExternalEwsUrl;
        xml.WriteStartElement("Protocol", OutlookNamespace);
        xml.WriteElementString("Type", OutlookNamespace, "EXPR");
        xml.WriteElementString("Server", OutlookNamespace, new Uri(ewsUrl).Host);
        xml.WriteElementString("SSL", OutlookNamespace, "On");
        xml.WriteElementString("AuthPackage", OutlookNamespace, runtime.Server.Authentication.Ntlm ? "Ntlm" : "Basic");
        xml.WriteElementString("ASUrl", OutlookNamespace, ewsUrl);
        xml.WriteElementString("EwsUrl", OutlookNamespace, ewsUrl);
        xml.WriteElementString("OOFUrl", OutlookNamespace, ewsUrl);
        xml.WriteEndElement();
    }

    /// <summary>WEB: the web services reachable internally and externally (EWS only; there is no Outlook on the web).</summary>
    private void WriteWebProtocol(XmlWriter xml)
    {
        xml.WriteStartElement("Protocol", OutlookNamespace);
        xml.WriteElementString("Type", OutlookNamespace, "WEB");
        foreach (var (side, ewsUrl) in new[] { ("Internal", runtime.Endpoints.AutodiscoverInternalEwsUrl), ("External", runtime.Endpoints.AutodiscoverExternalEwsUrl) })
        {
            xml.WriteStartElement(side, OutlookNamespace);
            xml.WriteStartElement("Protocol", OutlookNamespace);
            xml.WriteElementString("Type", OutlookNamespace, side == "Internal" ? "EXCH" : "EXPR");
            xml.WriteElementString("ASUrl", OutlookNamespace, ewsUrl);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void WriteError(XmlWriter xml, int code, string message)
    {
        xml.WriteStartElement("Autodiscover", OuterNamespace);
        xml.WriteStartElement("Response", OuterNamespace);
        xml.WriteStartElement("Error", OuterNamespace);
        xml.WriteAttributeString("Time", DateTime.UtcNow.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
        xml.WriteAttributeString("Id", ((uint)Environment.TickCount).ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("ErrorCode", OuterNamespace, code.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("Message", OuterNamespace, message);
        xml.WriteStartElement("DebugData", OuterNamespace);
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
        xml.WriteEndElement();
    }
}
