using System.Xml.Linq;

namespace ExSync.Exchange.Ews.Xml;

/// <summary>Subscribe, Unsubscribe, GetEvents and the envelopes of a GetStreamingEvents stream.</summary>
internal static partial class EwsResponseParsers
{
    private static readonly Dictionary<string, NotificationEventType> EventElements = new(StringComparer.Ordinal)
    {
        ["NewMailEvent"] = NotificationEventType.NewMail,
        ["CreatedEvent"] = NotificationEventType.Created,
        ["DeletedEvent"] = NotificationEventType.Deleted,
        ["ModifiedEvent"] = NotificationEventType.Modified,
        ["MovedEvent"] = NotificationEventType.Moved,
        ["CopiedEvent"] = NotificationEventType.Copied,
        ["FreeBusyChangedEvent"] = NotificationEventType.FreeBusyChanged,
        ["StatusEvent"] = NotificationEventType.Status,
    };

    public static SubscribeResponse ParseSubscribe(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "SubscribeResponse", toError);
        return (string?)message.Element.Element(EwsNames.SubscriptionId) is { Length: > 0 } id
            ? new SubscribeResponse(envelope.ServerVersion, id.Trim(), NullIfEmpty((string?)message.Element.Element(EwsNames.Watermark)))
            : throw new EwsResponseFormatException("SubscribeResponseMessage has no SubscriptionId", isNotSoap: false);
    }

    public static bool ParseUnsubscribe(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        Single(envelope, "UnsubscribeResponse", toError);
        return true;
    }

    public static GetEventsResponse ParseGetEvents(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var message = Single(envelope, "GetEventsResponse", toError);
        var notification = message.Element.Elements().FirstOrDefault(e => e.Name.LocalName == "Notification")
            ?? throw new EwsResponseFormatException("GetEventsResponseMessage has no Notification", isNotSoap: false);
        return new GetEventsResponse(envelope.ServerVersion, ParseNotification(notification));
    }

    /// <summary>The response messages of one envelope of a GetStreamingEvents stream.</summary>
    public static IReadOnlyList<StreamingEventsResponse> ParseStreamingEvents(EwsEnvelope envelope, Func<EwsResponseMessage, ExchangeError> toError)
    {
        var body = envelope.BodyContent!;
        if (body.Name != EwsNamespaces.M + "GetStreamingEventsResponse")
        {
            throw new EwsResponseFormatException($"expected <GetStreamingEventsResponse> but got <{body.Name.LocalName}>", isNotSoap: false);
        }

        return EwsResponseReader.ReadResponseMessages(body).Select(message => new StreamingEventsResponse(
            envelope.ServerVersion,
            message.Element.Element(EwsNames.Notifications)?.Elements().Where(e => e.Name.LocalName == "Notification").Select(ParseNotification).ToArray() ?? [],
            ((string?)message.Element.Element(EwsNames.ConnectionStatus))?.Trim() switch
            {
                "OK" => StreamingConnectionStatus.Ok,
                "Closed" => StreamingConnectionStatus.Closed,
                _ => null,
            },
            message.IsError ? toError(message) : null,
            message.Element.Element(EwsNames.ErrorSubscriptionIds)?.Elements().Where(e => e.Name.LocalName == "SubscriptionId")
                .Select(e => e.Value.Trim()).Where(id => id.Length > 0).ToArray() ?? [])).ToArray();
    }

    /// <summary>types.xsd NotificationType: SubscriptionId, PreviousWatermark, MoreEvents, then the events. Unknown event elements are skipped.</summary>
    internal static EwsNotification ParseNotification(XElement notification)
    {
        var events = new List<NotificationEvent>();
        foreach (var element in notification.Elements())
        {
            if (element.Name.Namespace == EwsNamespaces.T && EventElements.TryGetValue(element.Name.LocalName, out var type))
            {
                events.Add(new NotificationEvent(
                    type,
                    NullIfEmpty((string?)element.Element(EwsNames.TWatermark)),
                    EwsValues.DateTime((string?)element.Element(EwsNames.TimeStamp)),
                    EwsValues.ItemId(element.Element(EwsNames.ItemId)),
                    (string?)element.Element(EwsNames.FolderId)?.Attribute("Id"),
                    (string?)element.Element(EwsNames.ParentFolderId)?.Attribute("Id"),
                    EwsValues.ItemId(element.Element(EwsNames.OldItemId)),
                    (string?)element.Element(EwsNames.OldFolderId)?.Attribute("Id"),
                    (string?)element.Element(EwsNames.OldParentFolderId)?.Attribute("Id"),
                    EwsValues.Int((string?)element.Element(EwsNames.UnreadCount))));
            }
        }

        return new EwsNotification(
            ((string?)notification.Element(EwsNames.TSubscriptionId))?.Trim() ?? string.Empty,
            NullIfEmpty((string?)notification.Element(EwsNames.PreviousWatermark)),
            EwsValues.Bool((string?)notification.Element(EwsNames.MoreEvents)) ?? false,
            events);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
