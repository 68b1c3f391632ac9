using System.Globalization;
using System.Xml;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>Notification operations: Subscribe (streaming and pull), GetEvents, GetStreamingEvents, Unsubscribe.</summary>
internal static partial class EwsRequestWriter
{
    /// <summary>messages.xsd SubscribeType: choice StreamingSubscriptionRequest (types.xsd StreamingSubscriptionRequestType: FolderIds, EventTypes).</summary>
    public static void WriteStreamingSubscribe(XmlWriter writer, StreamingSubscriptionRequest request)
    {
        writer.WriteStartElement("Subscribe", EwsNamespaces.Messages);
        writer.WriteStartElement("StreamingSubscriptionRequest", EwsNamespaces.Messages);
        WriteSubscriptionScope(writer, request.Folders, request.EventTypes);
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd SubscribeType: choice PullSubscriptionRequest (types.xsd PullSubscriptionRequestType: FolderIds, EventTypes, Watermark, Timeout).</summary>
    public static void WritePullSubscribe(XmlWriter writer, PullSubscriptionRequest request)
    {
        writer.WriteStartElement("Subscribe", EwsNamespaces.Messages);
        writer.WriteStartElement("PullSubscriptionRequest", EwsNamespaces.Messages);
        WriteSubscriptionScope(writer, request.Folders, request.EventTypes);
        if (!string.IsNullOrEmpty(request.Watermark))
        {
            writer.WriteElementString("Watermark", EwsNamespaces.Types, request.Watermark);
        }

        writer.WriteElementString("Timeout", EwsNamespaces.Types, request.TimeoutMinutes.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd UnsubscribeType: SubscriptionId.</summary>
    public static void WriteUnsubscribe(XmlWriter writer, UnsubscribeRequest request)
    {
        writer.WriteStartElement("Unsubscribe", EwsNamespaces.Messages);
        writer.WriteElementString("SubscriptionId", EwsNamespaces.Messages, request.SubscriptionId);
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd GetEventsType: SubscriptionId, Watermark.</summary>
    public static void WriteGetEvents(XmlWriter writer, GetEventsRequest request)
    {
        writer.WriteStartElement("GetEvents", EwsNamespaces.Messages);
        writer.WriteElementString("SubscriptionId", EwsNamespaces.Messages, request.SubscriptionId);
        writer.WriteElementString("Watermark", EwsNamespaces.Messages, request.Watermark);
        writer.WriteEndElement();
    }

    /// <summary>messages.xsd GetStreamingEventsType: SubscriptionIds (t:SubscriptionId…), ConnectionTimeout (minutes, 1–30).</summary>
    public static void WriteGetStreamingEvents(XmlWriter writer, GetStreamingEventsRequest request)
    {
        writer.WriteStartElement("GetStreamingEvents", EwsNamespaces.Messages);
        writer.WriteStartElement("SubscriptionIds", EwsNamespaces.Messages);
        foreach (var id in request.SubscriptionIds)
        {
            writer.WriteElementString("SubscriptionId", EwsNamespaces.Types, id);
        }

        writer.WriteEndElement();
        writer.WriteElementString("ConnectionTimeout", EwsNamespaces.Messages, request.ConnectionTimeoutMinutes.ToString(CultureInfo.InvariantCulture));
        writer.WriteEndElement();
    }

    internal static string EventTypeWireName(NotificationEventType type) => type switch
    {
        NotificationEventType.NewMail => "NewMailEvent",
        NotificationEventType.Created => "CreatedEvent",
        NotificationEventType.Deleted => "DeletedEvent",
        NotificationEventType.Modified => "ModifiedEvent",
        NotificationEventType.Moved => "MovedEvent",
        NotificationEventType.Copied => "CopiedEvent",
        NotificationEventType.FreeBusyChanged => "FreeBusyChangedEvent",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Status events are sent by Exchange and cannot be subscribed to."),
    };

    /// <summary>types.xsd BaseSubscriptionRequestType: FolderIds, EventTypes (both in the types namespace).</summary>
    private static void WriteSubscriptionScope(XmlWriter writer, IReadOnlyList<EwsFolderId> folders, IReadOnlyList<NotificationEventType> eventTypes)
    {
        writer.WriteStartElement("FolderIds", EwsNamespaces.Types);
        foreach (var folder in folders)
        {
            WriteFolderId(writer, folder);
        }

        writer.WriteEndElement();
        writer.WriteStartElement("EventTypes", EwsNamespaces.Types);
        foreach (var type in eventTypes)
        {
            writer.WriteElementString("EventType", EwsNamespaces.Types, EventTypeWireName(type));
        }

        writer.WriteEndElement();
    }
}
