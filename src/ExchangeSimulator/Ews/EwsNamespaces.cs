namespace ExSync.ExchangeSimulator;

/// <summary>
/// The namespace URIs of EWS and autodiscover. Always http://, compared as exact strings; prefixes are never
/// looked at (clients use soap:/t:/m:, Exchange answers with s:/h:/m:/t:).
/// </summary>
internal static class EwsNamespaces
{
    public const string Soap = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string Types = "http://schemas.microsoft.com/exchange/services/2006/types";
    public const string Messages = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public const string Errors = "http://schemas.microsoft.com/exchange/services/2006/errors";
    public const string XmlSchemaInstance = "http://www.w3.org/2001/XMLSchema-instance";
    public const string XmlSchema = "http://www.w3.org/2001/XMLSchema";
    public const string AutodiscoverSoap = "http://schemas.microsoft.com/exchange/2010/Autodiscover";
    public const string WsAddressing = "http://www.w3.org/2005/08/addressing";
    public const string AutodiscoverPoxRequest = "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
    public const string AutodiscoverPoxResponse = "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
    public const string AutodiscoverPoxOutlookResponse = "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";
}
