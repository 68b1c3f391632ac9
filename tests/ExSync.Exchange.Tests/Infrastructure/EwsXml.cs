using System.Text;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Infrastructure;

/// <summary>Builds and reads EWS responses in unit tests the way <c>EwsClient</c> does.</summary>
internal static class EwsXml
{
    public const string Namespaces =
        """xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" """;

    public static readonly ErrorContext Context = new(
        "GetItem", new Uri("https://mail.contoso.local/EWS/Exchange.asmx"),
        new ServiceAccountAuthentication("svc@contoso.local", "pw", AuthenticationProtocol.Basic), "alice@contoso.local");

    /// <summary>A 2013-style response envelope around <paramref name="body"/> (which declares the m: and t: prefixes itself or uses <see cref="Namespaces"/>).</summary>
    public static string Envelope(string body) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
          <s:Header>
            <h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"/>
          </s:Header>
          <s:Body>{body}</s:Body>
        </s:Envelope>
        """;

    public static BoundedResponseStream Stream(string xml, long limit = 32 * 1024 * 1024) =>
        new(new MemoryStream(Encoding.UTF8.GetBytes(xml)), limit);

    public static EwsEnvelope ReadEnvelope(string xml) => EwsResponseReader.ReadEnvelope(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    public static Func<EwsResponseMessage, ExchangeError> Errors(EwsEnvelope envelope) =>
        message => ExchangeErrorClassifier.FromResponseMessage(message, Context, envelope.ServerVersion);

    /// <summary>Parses a buffered response with <paramref name="parse"/>, as EwsClient does for non-streamed operations.</summary>
    public static TResult Parse<TResult>(string xml, Func<EwsEnvelope, Func<EwsResponseMessage, ExchangeError>, TResult> parse)
    {
        var envelope = ReadEnvelope(xml);
        return parse(envelope, Errors(envelope));
    }
}
