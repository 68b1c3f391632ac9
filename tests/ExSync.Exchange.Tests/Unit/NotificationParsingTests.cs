using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>Subscribe, GetEvents and GetStreamingEvents responses.</summary>
public sealed class NotificationParsingTests
{
    [Fact]
    public void The_documented_streaming_subscribe_response_gives_the_subscription_id()
    {
        // docs/exchange-web-services/how-to-stream-notifications-about-mailbox-events-by-using-ews-in-exchange.md (Exchange 2013
        // 15.0.785.6); the page's https:// SOAP namespace is corrected to http://.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <h:ServerVersionInfo MajorVersion="15"
                                     MinorVersion="0"
                                     MajorBuildNumber="785"
                                     MinorBuildNumber="6"
                                     Version="V2_6"
                                     xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
              </s:Header>
              <s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                      xmlns:xsd="http://www.w3.org/2001/XMLSchema">
                <m:SubscribeResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
                  <m:ResponseMessages>
                      <m:SubscribeResponseMessage ResponseClass="Success">
                        <m:ResponseCode>NoError</m:ResponseCode>
                        <m:SubscriptionId>JgBibjFwcjAzbWIyMDIubmFtcHJkMDMucHJvZC5vdXRsb29rLmNvbRAAAADwXxVesOnHS5BxUHKwAW88SHjwd1iB0Ag=</m:SubscriptionId>
                      </m:SubscribeResponseMessage>
                    </m:ResponseMessages>
                  </m:SubscribeResponse>
                </s:Body>
              </s:Envelope>
            """;

        var response = EwsXml.Parse(xml, EwsResponseParsers.ParseSubscribe);

        Assert.Equal("JgBibjFwcjAzbWIyMDIubmFtcHJkMDMucHJvZC5vdXRsb29rLmNvbRAAAADwXxVesOnHS5BxUHKwAW88SHjwd1iB0Ag=", response.SubscriptionId);
        Assert.Null(response.Watermark);
        Assert.Equal(ExchangeProduct.Exchange2013BeforeSp1, response.ServerVersion?.Product);
    }

    [Fact]
    public void The_documented_pull_subscribe_response_gives_the_watermark_and_its_error_is_classified()
    {
        // docs/web-service-reference/subscribe-operation.md: the pull subscription response, then the error response.
        const string success = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="628" MinorBuildNumber="0" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <SubscribeResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                   xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:SubscribeResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:SubscriptionId>39ea5d0f-f062-455e-a1e9-89c0304390f4</m:SubscriptionId>
                      <m:Watermark>AAAAAHgGAAAAAAAAAQ==</m:Watermark>
                    </m:SubscribeResponseMessage>
                  </m:ResponseMessages>
                </SubscribeResponse>
              </soap:Body>
            </soap:Envelope>
            """;
        const string error = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="685" MinorBuildNumber="8" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <SubscribeResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                   xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:SubscribeResponseMessage ResponseClass="Error">
                      <m:MessageText>Subscriptions are not supported for delegate user access.</m:MessageText>
                      <m:ResponseCode>ErrorSubscriptionDelegateAccessNotSupported</m:ResponseCode>
                      <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                    </m:SubscribeResponseMessage>
                  </m:ResponseMessages>
                </SubscribeResponse>
              </soap:Body>
            </soap:Envelope>
            """;

        var response = EwsXml.Parse(success, EwsResponseParsers.ParseSubscribe);
        var exception = Assert.Throws<ExchangeException>(() => EwsXml.Parse(error, EwsResponseParsers.ParseSubscribe));

        Assert.Equal(("39ea5d0f-f062-455e-a1e9-89c0304390f4", "AAAAAHgGAAAAAAAAAQ=="), (response.SubscriptionId, response.Watermark));
        Assert.Equal(ExchangeErrorCodes.EwsOperationFailed, exception.Error.Code);
        Assert.Equal("ErrorSubscriptionDelegateAccessNotSupported", exception.Error.ResponseCode);
    }

    [Fact]
    public void The_documented_get_events_response_lists_the_events_with_their_watermarks()
    {
        // docs/web-service-reference/getevents-operation.md, successful response.
        const string xml = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="628" MinorBuildNumber="0" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <GetEventsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                   xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:GetEventsResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Notification>
                        <t:SubscriptionId>f6bc657d-dde1-4f94-952d-143b95d6483d</t:SubscriptionId>
                        <t:PreviousWatermark>AAAAAMAGAAAAAAAAAQ==</t:PreviousWatermark>
                        <t:MoreEvents>false</t:MoreEvents>
                        <t:NewMailEvent>
                          <t:Watermark>AAAAAM4GAAAAAAAAAQ==</t:Watermark>
                          <t:TimeStamp>2006-08-22T00:36:29Z</t:TimeStamp>
                          <t:ItemId Id="AQApAHR" ChangeKey="CQAAAA==" />
                          <t:ParentFolderId Id="AQApAH" ChangeKey="AQAAAA==" />
                        </t:NewMailEvent>
                        <t:NewMailEvent>
                          <t:Watermark>AAAAAOQGAAAAAAAAAQ==</t:Watermark>
                          <t:TimeStamp>2006-08-22T01:00:50Z</t:TimeStamp>
                          <t:ItemId Id="AQApAHRw" ChangeKey="CQAAAA==" />
                          <t:ParentFolderId Id="AQApAH" ChangeKey="AQAAAA==" />
                        </t:NewMailEvent>
                      </m:Notification>
                    </m:GetEventsResponseMessage>
                  </m:ResponseMessages>
                </GetEventsResponse>
              </soap:Body>
            </soap:Envelope>
            """;

        var notification = EwsXml.Parse(xml, EwsResponseParsers.ParseGetEvents).Notification;

        Assert.Equal("f6bc657d-dde1-4f94-952d-143b95d6483d", notification.SubscriptionId);
        Assert.Equal("AAAAAMAGAAAAAAAAAQ==", notification.PreviousWatermark);
        Assert.False(notification.MoreEvents);
        Assert.Equal(
            [
                new NotificationEvent(NotificationEventType.NewMail, "AAAAAM4GAAAAAAAAAQ==", new DateTimeOffset(2006, 8, 22, 0, 36, 29, TimeSpan.Zero),
                    new EwsItemId("AQApAHR", "CQAAAA=="), null, "AQApAH", null, null, null, null),
                new NotificationEvent(NotificationEventType.NewMail, "AAAAAOQGAAAAAAAAAQ==", new DateTimeOffset(2006, 8, 22, 1, 0, 50, TimeSpan.Zero),
                    new EwsItemId("AQApAHRw", "CQAAAA=="), null, "AQApAH", null, null, null, null),
            ],
            notification.Events);
    }

    [Fact]
    public void The_documented_get_events_and_unsubscribe_errors_are_classified()
    {
        // docs/web-service-reference/getevents-operation.md and unsubscribe-operation.md, error responses.
        static string Error(string operation, string text, string code) => $"""
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body>
                <{operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                     xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:{operation}ResponseMessage ResponseClass="Error">
                      <m:MessageText>{text}</m:MessageText>
                      <m:ResponseCode>{code}</m:ResponseCode>
                      <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                    </m:{operation}ResponseMessage>
                  </m:ResponseMessages>
                </{operation}Response>
              </soap:Body>
            </soap:Envelope>
            """;

        var denied = Assert.Throws<ExchangeException>(() => EwsXml.Parse(
            Error("GetEvents", "Access is denied. Only the subscription owner may access the subscription.", "ErrorSubscriptionAccessDenied"),
            EwsResponseParsers.ParseGetEvents));
        var gone = Assert.Throws<ExchangeException>(() => EwsXml.Parse(
            Error("Unsubscribe", "The specified subscription was not found.", "ErrorSubscriptionNotFound"), EwsResponseParsers.ParseUnsubscribe));

        Assert.Equal(("ErrorSubscriptionAccessDenied", ExchangeErrorCodes.EwsOperationFailed), (denied.Error.ResponseCode, denied.Error.Code));
        Assert.Equal(ExchangeErrorCodes.SubscriptionLost, gone.Error.Code);
        Assert.Equal(ExchangeErrorClass.Transient, gone.Error.ErrorClass);
        Assert.False(ExchangeErrorClassifier.IsRetryableWithinCall(gone.Error, operationIsIdempotent: true));
    }

    [Fact]
    public void The_documented_streaming_notification_is_read()
    {
        // docs/exchange-web-services/how-to-stream-notifications-about-mailbox-events-by-using-ews-in-exchange.md: the
        // notification for a new message (CreatedEvent, NewMailEvent, and the Inbox's ModifiedEvent). The page mixes the https://
        // and http:// SOAP namespaces within the envelope; it is http:// here.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <h:ServerVersionInfo MajorVersion="15"
                                     MinorVersion="0"
                                     MajorBuildNumber="785"
                                     MinorBuildNumber="6"
                                     Version="V2_6"
                                     xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>
              </s:Header>
              <soap:Body xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <m:GetStreamingEventsResponse xmlns:xsd="http://www.w3.org/2001/XMLSchema" 
                                            xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                                            xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                            xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
                <m:ResponseMessages>
                  <m:GetStreamingEventsResponseMessage ResponseClass="Success">
                    <m:ResponseCode>NoError</m:ResponseCode>
                    <m:Notifications>
                      <m:Notification>
                        <t:SubscriptionId>JgBibjFwcjAzbWIyMDIubmFtcHJkMDMucHJvZC5vdXRsb29rLmNvbRAAAADwXxVesOnHS5BxUHKwAW88SHjwd1iB0Ag=</t:SubscriptionId>
                        <t:CreatedEvent>
                          <t:TimeStamp>2013-09-16T04:31:29Z</t:TimeStamp>
                          <t:ItemId Id="AAMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwBGAAAAAABSSWVKrmGUTJE+MVIvofglBwDZGACZQpSgSpyNkexYe2b7AAAAAAENAADZGACZQpSgSpyNkexYe2b7AAANGFYwAAA=" ChangeKey="CQAAAA==" />
                          <t:ParentFolderId Id="AQMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwAuAAADUkllSq5hlEyRPjFSL6H4JQEA2RgAmUKUoEqcjZHsWHtm+wAAAgENAAAA" ChangeKey="AQAAAA==" />
                        </t:CreatedEvent>
                        <t:NewMailEvent>
                          <t:TimeStamp>2013-09-16T04:31:29Z</t:TimeStamp>
                          <t:ItemId Id="AAMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwBGAAAAAABSSWVKrmGUTJE+MVIvofglBwDZGACZQpSgSpyNkexYe2b7AAAAAAENAADZGACZQpSgSpyNkexYe2b7AAANGFYwAAA=" ChangeKey="CQAAAA==" />
                          <t:ParentFolderId Id="AQMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwAuAAADUkllSq5hlEyRPjFSL6H4JQEA2RgAmUKUoEqcjZHsWHtm+wAAAgENAAAA" ChangeKey="AQAAAA==" />
                        </t:NewMailEvent>
                        <t:ModifiedEvent>
                          <t:TimeStamp>2013-09-16T04:31:29Z</t:TimeStamp>
                          <t:FolderId Id="AQMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwAuAAADUkllSq5hlEyRPjFSL6H4JQEA2RgAmUKUoEqcjZHsWHtm+wAAAgENAAAA" ChangeKey="AQAAAA==" />
                          <t:ParentFolderId Id="AQMkADkzNjJjODUzLWZhMDMtNDVkMS05ZDdjLWVmMDlkYjQ1Zjc4MwAuAAADUkllSq5hlEyRPjFSL6H4JQEA2RgAmUKUoEqcjZHsWHtm+wAAAgEJAAAA" ChangeKey="AQAAAA==" />
                          <t:UnreadCount>1</t:UnreadCount>
                        </t:ModifiedEvent>
                      </m:Notification>
                    </m:Notifications>
                  </m:GetStreamingEventsResponseMessage>
                </m:ResponseMessages>
              </m:GetStreamingEventsResponse>
            </soap:Body>
            </s:Envelope>
            """;

        var response = Assert.Single(EwsXml.Parse(xml, EwsResponseParsers.ParseStreamingEvents));

        Assert.Null(response.Error);
        Assert.Null(response.ConnectionStatus);
        var notification = Assert.Single(response.Notifications);
        Assert.StartsWith("JgBibjFwcjAz", notification.SubscriptionId, StringComparison.Ordinal);
        Assert.Equal([NotificationEventType.Created, NotificationEventType.NewMail, NotificationEventType.Modified], notification.Events.Select(e => e.Type));
        var newMail = notification.Events[1];
        Assert.Equal("CQAAAA==", newMail.ItemId?.ChangeKey);
        Assert.EndsWith("AAANGFYwAAA=", newMail.ItemId!.Id, StringComparison.Ordinal);
        Assert.EndsWith("AgENAAAA", newMail.ParentFolderId, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2013, 9, 16, 4, 31, 29, TimeSpan.Zero), newMail.TimeStamp);
        Assert.Null(newMail.Watermark);
        var folderChanged = notification.Events[2];
        Assert.Null(folderChanged.ItemId);
        Assert.EndsWith("AgENAAAA", folderChanged.FolderId, StringComparison.Ordinal);
        Assert.Equal(1, folderChanged.UnreadCount);
    }

    [Fact]
    public void The_documented_streaming_error_is_not_well_formed_and_its_corrected_form_closes_the_connection()
    {
        // docs/web-service-reference/getstreamingevents-operation.md, "GetStreamingEvents error response example": the page never
        // closes GetStreamingEventsResponseMessage, so the envelope is not XML. Closed, it is an error that closes the connection.
        const string documented = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="628" MinorBuildNumber="0" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <GetStreamingEventsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                   xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:GetStreamingEventsResponseMessage ResponseClass="Error">
                    <m:MessageText></m:MessageText>
                    <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                    <m:ResponseCode>ErrorInvalidSubscription</m:ResponseCode>
                    <m:ConnectionStatus>Closed</m:ConnectionStatus>
                  </m:ResponseMessages>
                </GetStreamingEventsResponse>
              </soap:Body>
            </soap:Envelope>
            """;
        var corrected = documented.Replace(
            "<m:ConnectionStatus>Closed</m:ConnectionStatus>", "<m:ConnectionStatus>Closed</m:ConnectionStatus></m:GetStreamingEventsResponseMessage>", StringComparison.Ordinal);

        var malformed = Assert.Throws<EwsResponseFormatException>(() => EwsXml.ReadEnvelope(documented));
        var response = Assert.Single(EwsXml.Parse(corrected, EwsResponseParsers.ParseStreamingEvents));

        Assert.False(malformed.IsNotSoap);
        Assert.Equal(StreamingConnectionStatus.Closed, response.ConnectionStatus);
        Assert.Equal(ExchangeErrorCodes.SubscriptionLost, response.Error?.Code);
        Assert.Equal("ErrorInvalidSubscription", response.Error?.ResponseCode);
        Assert.Empty(response.ErrorSubscriptionIds);
        Assert.Empty(response.Notifications);
    }

    [Fact]
    public void Per_subscription_errors_name_their_subscriptions_and_other_events_are_read()
    {
        // GetStreamingEventsResponseMessageType (getstreamingeventsresponsemessage.md): ErrorSubscriptionIds lists the failed
        // subscriptions; movedevent.md, statusevent.md for the events.
        var xml = EwsXml.Envelope($"""
            <m:GetStreamingEventsResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetStreamingEventsResponseMessage ResponseClass="Error">
                  <m:MessageText>Events were missed.</m:MessageText>
                  <m:ResponseCode>ErrorMissedNotificationEvents</m:ResponseCode>
                  <m:ErrorSubscriptionIds><m:SubscriptionId>sub-2</m:SubscriptionId><m:SubscriptionId>sub-3</m:SubscriptionId></m:ErrorSubscriptionIds>
                </m:GetStreamingEventsResponseMessage>
                <m:GetStreamingEventsResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:Notifications>
                    <m:Notification>
                      <t:SubscriptionId>sub-1</t:SubscriptionId>
                      <t:PreviousWatermark>W0</t:PreviousWatermark>
                      <t:MoreEvents>true</t:MoreEvents>
                      <t:MovedEvent>
                        <t:Watermark>W1</t:Watermark>
                        <t:TimeStamp>2024-05-01T08:00:00Z</t:TimeStamp>
                        <t:ItemId Id="new-id" ChangeKey="ck"/>
                        <t:ParentFolderId Id="archive"/>
                        <t:OldItemId Id="old-id" ChangeKey="ck0"/>
                        <t:OldParentFolderId Id="inbox"/>
                      </t:MovedEvent>
                      <t:SomeFutureEvent><t:Watermark>W2</t:Watermark></t:SomeFutureEvent>
                      <t:StatusEvent><t:Watermark>W3</t:Watermark></t:StatusEvent>
                    </m:Notification>
                  </m:Notifications>
                </m:GetStreamingEventsResponseMessage>
                <m:GetStreamingEventsResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:ConnectionStatus>OK</m:ConnectionStatus>
                </m:GetStreamingEventsResponseMessage>
              </m:ResponseMessages>
            </m:GetStreamingEventsResponse>
            """);

        var responses = EwsXml.Parse(xml, EwsResponseParsers.ParseStreamingEvents);

        Assert.Equal(ExchangeErrorCodes.SubscriptionLost, responses[0].Error?.Code);
        Assert.Equal(["sub-2", "sub-3"], responses[0].ErrorSubscriptionIds);
        var notification = Assert.Single(responses[1].Notifications);
        Assert.True(notification.MoreEvents);
        Assert.Equal("W0", notification.PreviousWatermark);
        Assert.Equal(
            [
                new NotificationEvent(NotificationEventType.Moved, "W1", new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero),
                    new EwsItemId("new-id", "ck"), null, "archive", new EwsItemId("old-id", "ck0"), null, "inbox", null),
                new NotificationEvent(NotificationEventType.Status, "W3", null, null, null, null, null, null, null, null),
            ],
            notification.Events);
        Assert.Equal(StreamingConnectionStatus.Ok, responses[2].ConnectionStatus);
        Assert.Null(responses[2].Error);
    }
}
