using System.Globalization;
using System.Text;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// Writes notification events (BaseObjectChangedEventType and its extensions) and the envelopes of a streaming
/// response. Streaming envelopes are written the way Exchange writes them: no XML declaration, an unprefixed
/// <c>Envelope</c> with <c>soap11:</c> Header and Body, and <c>m:Notification</c> elements; ews-javascript-api
/// finds the envelopes in the stream by the literal text <c>&lt;Envelope</c>.
/// </summary>
internal static class NotificationWriter
{
    private const string M = EwsNamespaces.Messages;
    private const string T = EwsNamespaces.Types;

    private static readonly XmlWriterSettings FragmentSettings = new()
    {
        Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        ConformanceLevel = ConformanceLevel.Fragment,
        OmitXmlDeclaration = true,
        Indent = false,
        CloseOutput = false,
    };

    /// <summary>One event; pull notifications carry a Watermark per event, streaming ones do not.</summary>
    public static void WriteEvent(XmlWriter xml, MailboxEvent mailboxEvent, string? watermark)
    {
        xml.WriteStartElement("t", mailboxEvent.ElementName, T);
        if (watermark is not null)
        {
            xml.WriteElementString("t", "Watermark", T, watermark);
        }

        xml.WriteElementString("t", "TimeStamp", T, EwsResponseWriter.FormatDateTime(mailboxEvent.TimeStamp));
        EwsObjectWriter.WriteFolderId(xml, mailboxEvent.IsFolder ? "FolderId" : "ItemId", mailboxEvent.Id, mailboxEvent.ChangeKey);
        EwsObjectWriter.WriteFolderId(xml, "ParentFolderId", mailboxEvent.ParentFolderId, ParentChangeKey);
        if (mailboxEvent.Kind is NotificationEventKind.Moved or NotificationEventKind.Copied)
        {
            EwsObjectWriter.WriteFolderId(xml, mailboxEvent.IsFolder ? "OldFolderId" : "OldItemId", mailboxEvent.OldId!, null);
            EwsObjectWriter.WriteFolderId(xml, "OldParentFolderId", mailboxEvent.OldParentFolderId!, ParentChangeKey);
        }
        else if (mailboxEvent is { Kind: NotificationEventKind.Modified, UnreadCount: { } unread })
        {
            xml.WriteElementString("t", "UnreadCount", T, unread.ToString(CultureInfo.InvariantCulture));
        }

        xml.WriteEndElement();
    }

    /// <summary>A StatusEvent: what GetEvents answers when nothing happened, with the watermark to continue from.</summary>
    public static void WriteStatusEvent(XmlWriter xml, string watermark)
    {
        xml.WriteStartElement("t", "StatusEvent", T);
        xml.WriteElementString("t", "Watermark", T, watermark);
        xml.WriteEndElement();
    }

    /// <summary>One complete envelope of a GetStreamingEvents response.</summary>
    public static byte[] RenderStreamingEnvelope(ExchangeServerProfile profile, StreamingBatch batch)
    {
        using var buffer = new MemoryStream(1024);
        using (var xml = XmlWriter.Create(buffer, FragmentSettings))
        {
            xml.WriteStartElement("Envelope", EwsNamespaces.Soap);
            xml.WriteStartElement("soap11", "Header", EwsNamespaces.Soap);
            xml.WriteStartElement("ServerVersionInfo", T);
            xml.WriteAttributeString("MajorVersion", profile.MajorVersion.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("MinorVersion", profile.MinorVersion.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("MajorBuildNumber", profile.MajorBuildNumber.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("MinorBuildNumber", profile.MinorBuildNumber.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("Version", profile.SchemaLabel);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteStartElement("soap11", "Body", EwsNamespaces.Soap);
            xml.WriteStartElement("m", "GetStreamingEventsResponse", M);
            xml.WriteAttributeString("xmlns", "m", null, M);
            xml.WriteAttributeString("xmlns", "t", null, T);
            xml.WriteStartElement("m", "ResponseMessages", M);
            WriteStreamingMessage(xml, batch);
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        return buffer.ToArray();
    }

    private static void WriteStreamingMessage(XmlWriter xml, StreamingBatch batch)
    {
        xml.WriteStartElement("m", "GetStreamingEventsResponseMessage", M);
        if (batch.Error is { } error)
        {
            xml.WriteAttributeString("ResponseClass", "Error");
            xml.WriteElementString("m", "MessageText", M, error.MessageText);
            xml.WriteElementString("m", "ResponseCode", M, error.ResponseCode);
            xml.WriteElementString("m", "DescriptiveLinkKey", M, "0");
        }
        else
        {
            xml.WriteAttributeString("ResponseClass", "Success");
            xml.WriteElementString("m", "ResponseCode", M, "NoError");
        }

        if (batch.Notifications.Count > 0)
        {
            xml.WriteStartElement("m", "Notifications", M);
            foreach (var (subscriptionId, events) in batch.Notifications)
            {
                xml.WriteStartElement("m", "Notification", M);
                xml.WriteElementString("t", "SubscriptionId", T, subscriptionId);
                foreach (var mailboxEvent in events)
                {
                    WriteEvent(xml, mailboxEvent, watermark: null);
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        if (batch.ErrorSubscriptionIds is { Count: > 0 } ids)
        {
            xml.WriteStartElement("m", "ErrorSubscriptionIds", M);
            foreach (var id in ids)
            {
                xml.WriteElementString("t", "SubscriptionId", T, id);
            }

            xml.WriteEndElement();
        }

        if (batch.ConnectionStatus is { } status)
        {
            xml.WriteElementString("m", "ConnectionStatus", M, status);
        }

        xml.WriteEndElement();
    }

    /// <summary>Exchange writes a parent folder's ChangeKey into events; the simulator's folder ChangeKeys start here.</summary>
    private static readonly string ParentChangeKey = EwsIdCodec.ChangeKey(1);
}
