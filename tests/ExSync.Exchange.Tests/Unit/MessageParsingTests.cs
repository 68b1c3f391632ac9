using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>GetItem responses read the way GetMessagesAsync reads them: streamed, item by item.</summary>
public sealed class MessageParsingTests
{
    private static readonly ExtendedPropertyDefinition LinkId =
        ExtendedPropertyDefinition.Named(Guid.Parse("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85"), "ExSyncLinkId", MapiPropertyType.String);

    private static Task<GetMessagesResponse> ReadAsync(string xml, GetMessagesRequest request, long limit = 32 * 1024 * 1024) =>
        EwsResponseParsers.ReadGetItemAsync(EwsXml.Stream(xml, limit), request, EwsXml.Context);

    private static GetMessagesRequest Request(int items, long maxMime = GetMessagesRequest.DefaultMaxMimeContentBytes) => new()
    {
        Items = Enumerable.Range(1, items).Select(i => new EwsItemId($"id-{i}")).ToArray(),
        IncludeMimeContent = true,
        MaxMimeContentBytes = maxMime,
        ExtendedProperties = [LinkId],
    };

    [Fact]
    public async Task The_documented_get_item_response_is_read()
    {
        // docs/web-service-reference/getitem-operation-email-message.md, "Successful GetItem (E-mail Message) response example"
        // (Exchange 2007 build 8.0.685.8; the MIME and ids are shortened in the page). Its HTML body is markup, not escaped text.
        const string xml = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="685" MinorBuildNumber="8" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                 xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                 xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:GetItemResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Items>
                        <t:Message>
                          <t:MimeContent CharacterSet="UTF-8">UmVjZWl</t:MimeContent>
                          <t:ItemId Id="AAAlAFVz" ChangeKey="CQAAAB" />
                          <t:Subject />
                          <t:Sensitivity>Normal</t:Sensitivity>
                          <t:Body BodyType="HTML">
                            <html dir="ltr">
                              <head>
                                <meta http-equiv="Content-Type" content="text/html; charset=utf-8">
                                  <meta content="MSHTML 6.00.3790.2759" name="GENERATOR">
                                    <style title="owaParaStyle">P { MARGIN-TOP: 0px; MARGIN-BOTTOM: 0px } </style>
                                  </meta>
                                </meta>
                              </head>
                              <body ocsi="x">
                                <div dir="ltr">
                                  <font face="Tahoma" color="#000000" size="2"></font>&amp;nbsp;
                                </div>
                              </body>
                            </html>
                          </t:Body>
                          <t:Size>881</t:Size>
                          <t:DateTimeSent>2006-10-28T01:37:06Z</t:DateTimeSent>
                          <t:DateTimeCreated>2006-10-28T01:37:06Z</t:DateTimeCreated>
                          <t:ResponseObjects>
                            <t:ReplyToItem />
                            <t:ReplyAllToItem />
                            <t:ForwardItem />
                          </t:ResponseObjects>
                          <t:HasAttachments>false</t:HasAttachments>
                          <t:ToRecipients>
                            <t:Mailbox>
                              <t:Name>User1</t:Name>
                              <t:EmailAddress>User1@example.com</t:EmailAddress>
                              <t:RoutingType>SMTP</t:RoutingType>
                            </t:Mailbox>
                          </t:ToRecipients>
                          <t:IsReadReceiptRequested>false</t:IsReadReceiptRequested>
                          <t:IsDeliveryReceiptRequested>false</t:IsDeliveryReceiptRequested>
                          <t:From>
                            <t:Mailbox>
                              <t:Name>User2</t:Name>
                              <t:EmailAddress>User2@example.com</t:EmailAddress>
                              <t:RoutingType>SMTP</t:RoutingType>
                            </t:Mailbox>
                          </t:From>
                          <t:IsRead>false</t:IsRead>
                        </t:Message>
                      </m:Items>
                    </m:GetItemResponseMessage>
                  </m:ResponseMessages>
                </GetItemResponse>
              </soap:Body>
            </soap:Envelope>
            """;

        // The page's HTML is not well-formed XML (two <meta> elements are never closed); they are closed above, nothing else changed.
        var response = await ReadAsync(xml, Request(1));

        var message = Assert.Single(response.Messages).Message!;
        Assert.Equal("Message", message.ItemKind);
        Assert.Equal(new EwsItemId("AAAlAFVz", "CQAAAB"), message.ItemId);
        Assert.Equal(string.Empty, message.Subject);
        Assert.Equal(MessageBodyType.Html, message.Body!.BodyType);
        Assert.Contains("owaParaStyle", message.Body.Content, StringComparison.Ordinal);
        Assert.Contains("MSHTML 6.00.3790.2759", message.Body.Content, StringComparison.Ordinal); // markup kept, not flattened to text
        Assert.False(message.Body.IsTruncated);
        Assert.Equal(881, message.Size);
        Assert.Equal(new DateTimeOffset(2006, 10, 28, 1, 37, 6, TimeSpan.Zero), message.DateTimeSent);
        Assert.False(message.HasAttachments);
        Assert.Equal([new EwsRecipient("User1", "User1@example.com", "SMTP", null)], message.ToRecipients);
        Assert.Equal(new EwsRecipient("User2", "User2@example.com", "SMTP", null), message.From);
        Assert.False(message.IsRead);
        Assert.Null(message.Sender);
        Assert.Null(message.InternetMessageId);
        Assert.Empty(message.Categories);

        // "UmVjZWl" lost its padding when the page shortened it; it is still read ("Recei").
        Assert.Equal("Recei", Encoding.ASCII.GetString(message.MimeContent!.Content));
        Assert.Equal("UTF-8", message.MimeContent.CharacterSet);
        Assert.Equal(ExchangeProduct.Exchange2010OrOlder, response.ServerVersion?.Product);
    }

    [Fact]
    public async Task The_documented_error_response_is_a_classified_per_item_error()
    {
        // docs/web-service-reference/getitem-operation-email-message.md, "GetItem (E-mail Message) Error response example".
        const string xml = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                           xmlns:xsd="http://www.w3.org/2001/XMLSchema">
              <soap:Header>
                <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="685" MinorBuildNumber="8" 
                                     xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" />
              </soap:Header>
              <soap:Body>
                <GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                 xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                 xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages>
                    <m:GetItemResponseMessage ResponseClass="Error">
                      <m:MessageText>Property is not valid for this object type.</m:MessageText>
                      <m:ResponseCode>ErrorInvalidPropertyRequest</m:ResponseCode>
                      <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                      <m:MessageXml>
                        <t:FieldURI FieldURI="meeting:AssociatedCalendarItemId" />
                      </m:MessageXml>
                      <m:Items />
                    </m:GetItemResponseMessage>
                  </m:ResponseMessages>
                </GetItemResponse>
              </soap:Body>
            </soap:Envelope>
            """;

        var result = Assert.Single((await ReadAsync(xml, Request(1))).Messages);

        Assert.False(result.Succeeded);
        Assert.Equal(new EwsItemId("id-1"), result.Requested);
        Assert.Equal(ExchangeErrorCodes.PropertyNotSupported, result.Error!.Code);
        Assert.Equal("ErrorInvalidPropertyRequest", result.Error.ResponseCode);
        Assert.Equal(ExchangeErrorClass.Permanent, result.Error.ErrorClass);
        Assert.Contains("Property is not valid for this object type.", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_documented_attachment_list_is_read()
    {
        // docs/exchange-web-services/how-to-get-attachments-by-using-ews-in-exchange.md, the GetItem response with
        // item:Attachments (Exchange 2013 15.0.939.12). The page writes the SOAP namespace with https://, which real servers do not.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <h:ServerVersionInfo MajorVersion="15" MinorVersion="0" MajorBuildNumber="939" MinorBuildNumber="12" Version="V2_11"
                                     xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />
              </s:Header>
              <s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                      xmlns:xsd="http://www.w3.org/2001/XMLSchema">
                <m:GetItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                                   xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
                  <m:ResponseMessages>
                    <m:GetItemResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Items>
                        <t:Message>
                          <t:ItemId Id="ERu/AAA="
                                    ChangeKey="CQAAABYAAAAFI5DJmZv+TLtyLOLIF1S5AAAYEMnd" />
                          <t:Attachments>
                            <t:FileAttachment>
                              <t:AttachmentId Id="5zTzlqU=" />
                              <t:Name>FileAttachment.txt</t:Name>
                              <t:Size>212</t:Size>
                              <t:LastModifiedTime>2014-05-14T17:59:30</t:LastModifiedTime>
                              <t:IsInline>false</t:IsInline>
                              <t:IsContactPhoto>false</t:IsContactPhoto>
                            </t:FileAttachment>
                            <t:ItemAttachment>
                              <t:AttachmentId Id="Ktum21o=" />
                              <t:Name>Attached Message Item</t:Name>
                              <t:Size>3063</t:Size>
                              <t:LastModifiedTime>2014-05-14T17:59:30</t:LastModifiedTime>
                              <t:IsInline>false</t:IsInline>
                            </t:ItemAttachment>
                          </t:Attachments>
                        </t:Message>
                      </m:Items>
                    </m:GetItemResponseMessage>
                  </m:ResponseMessages>
                </m:GetItemResponse>
              </s:Body>
            </s:Envelope>
            """;

        var response = await ReadAsync(xml, Request(1));

        var message = response.Messages[0].Message!;
        Assert.Equal(new EwsItemId("ERu/AAA=", "CQAAABYAAAAFI5DJmZv+TLtyLOLIF1S5AAAYEMnd"), message.ItemId);
        Assert.Equal(
            [
                new EwsAttachmentInfo(EwsAttachmentKind.File, "5zTzlqU=", "FileAttachment.txt", null, null, 212, false),
                new EwsAttachmentInfo(EwsAttachmentKind.Item, "Ktum21o=", "Attached Message Item", null, null, 3063, false),
            ],
            message.Attachments);
        Assert.Null(message.MimeContent);
        Assert.False(message.MimeContentTooLarge);
        Assert.Equal(ExchangeProduct.Exchange2013Sp1OrLater, response.ServerVersion?.Product);
    }

    [Fact]
    public async Task Every_supported_property_is_read()
    {
        // Composed from the element pages of docs/web-service-reference (message-ex15websvcsotherref.md order; mailbox.md,
        // internetmessageheaders.md, textbody.md, extendedproperty.md, conversationid.md).
        var mime = Encoding.UTF8.GetBytes("Message-ID: <a@contoso.local>\r\nSubject: Hello\r\n\r\nHi\r\n");
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items>
                    <t:Message>
                      <t:MimeContent CharacterSet="UTF-8">{Convert.ToBase64String(mime)}</t:MimeContent>
                      <t:ItemId Id="AAMkAD1" ChangeKey="CQAAAB1"/>
                      <t:ParentFolderId Id="AQMkInbox" ChangeKey="AQAAAA=="/>
                      <t:ItemClass>IPM.Note</t:ItemClass>
                      <t:Subject>RE: Offer &amp; terms</t:Subject>
                      <t:Body BodyType="HTML" IsTruncated="true">&lt;html&gt;&lt;body&gt;Hi&lt;/body&gt;&lt;/html&gt;</t:Body>
                      <t:Attachments>
                        <t:FileAttachment>
                          <t:AttachmentId Id="att-1"/>
                          <t:Name>logo.png</t:Name>
                          <t:ContentType>image/png</t:ContentType>
                          <t:ContentId>logo@contoso</t:ContentId>
                          <t:Size>2048</t:Size>
                          <t:IsInline>true</t:IsInline>
                        </t:FileAttachment>
                        <t:ReferenceAttachment>
                          <t:AttachmentId Id="att-2"/>
                          <t:Name>plan.docx</t:Name>
                        </t:ReferenceAttachment>
                      </t:Attachments>
                      <t:DateTimeReceived>2024-03-01T10:15:30Z</t:DateTimeReceived>
                      <t:Size>4711</t:Size>
                      <t:Categories><t:String>Tracked to CRM</t:String><t:String>Red</t:String></t:Categories>
                      <t:Importance>High</t:Importance>
                      <t:InReplyTo>&lt;parent@contoso.local&gt;</t:InReplyTo>
                      <t:InternetMessageHeaders>
                        <t:InternetMessageHeader HeaderName="Received">from mx.fabrikam.com</t:InternetMessageHeader>
                        <t:InternetMessageHeader HeaderName="Auto-Submitted">auto-replied</t:InternetMessageHeader>
                        <t:InternetMessageHeader HeaderName="Received">from edge.contoso.local</t:InternetMessageHeader>
                      </t:InternetMessageHeaders>
                      <t:DateTimeSent>2024-03-01T10:15:00Z</t:DateTimeSent>
                      <t:HasAttachments>true</t:HasAttachments>
                      <t:ExtendedProperty>
                        <t:ExtendedFieldURI PropertySetId="6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85" PropertyName="ExSyncLinkId" PropertyType="String"/>
                        <t:Value>link-42</t:Value>
                      </t:ExtendedProperty>
                      <t:Sender><t:Mailbox><t:Name>Assistant</t:Name><t:EmailAddress>assistant@fabrikam.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox></t:Sender>
                      <t:ToRecipients>
                        <t:Mailbox><t:Name>Alice</t:Name><t:EmailAddress>alice@contoso.local</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>
                        <t:Mailbox><t:Name>Sales</t:Name><t:EmailAddress>sales@contoso.local</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>PublicDL</t:MailboxType></t:Mailbox>
                      </t:ToRecipients>
                      <t:CcRecipients>
                        <t:Mailbox><t:Name>Bob</t:Name><t:EmailAddress>/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=bob</t:EmailAddress><t:RoutingType>EX</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox>
                      </t:CcRecipients>
                      <t:BccRecipients>
                        <t:Mailbox><t:EmailAddress>archive@contoso.local</t:EmailAddress></t:Mailbox>
                      </t:BccRecipients>
                      <t:ConversationIndex>AQHPb55BxR5Fm0Arx0yY4xbL9Fz53Q==</t:ConversationIndex>
                      <t:ConversationTopic>Offer &amp; terms</t:ConversationTopic>
                      <t:From><t:Mailbox><t:Name>Carol</t:Name><t:EmailAddress>carol@fabrikam.com</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>OneOff</t:MailboxType></t:Mailbox></t:From>
                      <t:InternetMessageId>&lt;reply-1@fabrikam.com&gt;</t:InternetMessageId>
                      <t:IsRead>true</t:IsRead>
                      <t:References>&lt;root@contoso.local&gt; &lt;parent@contoso.local&gt;</t:References>
                      <t:ConversationId Id="AAQkADIwM2ZlM2ZlLWMwYjctNDg2N/Rc+d0="/>
                      <t:TextBody BodyType="Text" IsTruncated="false">Hi</t:TextBody>
                    </t:Message>
                  </m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var message = (await ReadAsync(xml, Request(1))).Messages[0].Message!;

        Assert.Equal(new EwsItemId("AAMkAD1", "CQAAAB1"), message.ItemId);
        Assert.Equal("AQMkInbox", message.ParentFolderId);
        Assert.Equal("IPM.Note", message.ItemClass);
        Assert.Equal("RE: Offer & terms", message.Subject);
        Assert.Equal(new EwsBody(MessageBodyType.Html, "<html><body>Hi</body></html>", IsTruncated: true), message.Body);
        Assert.Equal(new EwsBody(MessageBodyType.Text, "Hi", IsTruncated: false), message.TextBody);
        Assert.Equal(
            [
                new EwsAttachmentInfo(EwsAttachmentKind.File, "att-1", "logo.png", "image/png", "logo@contoso", 2048, true),
                new EwsAttachmentInfo(EwsAttachmentKind.Reference, "att-2", "plan.docx", null, null, null, null),
            ],
            message.Attachments);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 15, 30, TimeSpan.Zero), message.DateTimeReceived);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 10, 15, 0, TimeSpan.Zero), message.DateTimeSent);
        Assert.Equal(4711, message.Size);
        Assert.Equal(["Tracked to CRM", "Red"], message.Categories);
        Assert.Equal(EwsImportance.High, message.Importance);
        Assert.Equal("<parent@contoso.local>", message.InReplyTo);
        Assert.Equal("<root@contoso.local> <parent@contoso.local>", message.References);
        Assert.Equal("<reply-1@fabrikam.com>", message.InternetMessageId);
        Assert.Equal(["from mx.fabrikam.com", "from edge.contoso.local"], message.HeaderValues("received"));
        Assert.Equal(["auto-replied"], message.HeaderValues("Auto-Submitted"));
        Assert.True(message.HasAttachments);
        Assert.Equal("link-42", message.FindExtendedProperty(LinkId)?.Value);
        Assert.Equal(new EwsRecipient("Assistant", "assistant@fabrikam.com", "SMTP", "OneOff"), message.Sender);
        Assert.Equal(new EwsRecipient("Carol", "carol@fabrikam.com", "SMTP", "OneOff"), message.From);
        Assert.Equal(["alice@contoso.local", "sales@contoso.local"], message.ToRecipients.Select(r => r.EmailAddress));
        Assert.Equal("PublicDL", message.ToRecipients[1].MailboxType);
        Assert.Equal(new EwsRecipient("Bob", "/o=Contoso/ou=Exchange Administrative Group/cn=Recipients/cn=bob", "EX", "Mailbox"), Assert.Single(message.CcRecipients));
        Assert.Equal(new EwsRecipient(null, "archive@contoso.local", null, null), Assert.Single(message.BccRecipients));
        Assert.Equal(Convert.FromBase64String("AQHPb55BxR5Fm0Arx0yY4xbL9Fz53Q=="), message.ConversationIndex);
        Assert.Equal("Offer & terms", message.ConversationTopic);
        Assert.Equal("AAQkADIwM2ZlM2ZlLWMwYjctNDg2N/Rc+d0=", message.ConversationId);
        Assert.True(message.IsRead);
        Assert.Equal(mime, message.MimeContent!.Content);
    }

    [Fact]
    public async Task Missing_unknown_and_malformed_values_are_null_and_do_not_fail_the_item()
    {
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items>
                    <t:MeetingRequest>
                      <t:ItemId Id="AAMkMtg" ChangeKey="DwAAAB"/>
                      <t:FutureProperty xmlns:x="urn:x"><x:Nested>ignored</x:Nested></t:FutureProperty>
                      <t:DateTimeReceived>yesterday</t:DateTimeReceived>
                      <t:Size>huge</t:Size>
                      <t:Importance>Urgent</t:Importance>
                      <t:IsRead>maybe</t:IsRead>
                      <t:ConversationIndex>!!not base64!!</t:ConversationIndex>
                      <t:From/>
                      <t:Attachments><t:FileAttachment><t:Name>no id</t:Name></t:FileAttachment></t:Attachments>
                      <t:InternetMessageHeaders><t:InternetMessageHeader>no name</t:InternetMessageHeader></t:InternetMessageHeaders>
                      <t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x1234" PropertyType="NoSuchType"/><t:Value>x</t:Value></t:ExtendedProperty>
                    </t:MeetingRequest>
                  </m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var message = (await ReadAsync(xml, Request(1))).Messages[0].Message!;

        Assert.Equal("MeetingRequest", message.ItemKind);
        Assert.Equal(new EwsItemId("AAMkMtg", "DwAAAB"), message.ItemId);
        Assert.Null(message.DateTimeReceived);
        Assert.Null(message.Size);
        Assert.Null(message.Importance);
        Assert.Null(message.IsRead);
        Assert.Null(message.ConversationIndex);
        Assert.Null(message.From);
        Assert.Null(message.Subject);
        Assert.Null(message.Body);
        Assert.Empty(message.Attachments);
        Assert.Empty(message.InternetMessageHeaders);
        Assert.Empty(message.ExtendedProperties);
        Assert.Empty(message.ToRecipients);
    }

    [Fact]
    public async Task Per_item_errors_come_back_next_to_the_items_that_were_read()
    {
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:ItemId Id="one" ChangeKey="c1"/><t:Subject>first</t:Subject></t:Message></m:Items>
                </m:GetItemResponseMessage>
                <m:GetItemResponseMessage ResponseClass="Error">
                  <m:MessageText>The specified object was not found in the store.</m:MessageText>
                  <m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/>
                </m:GetItemResponseMessage>
                <m:GetItemResponseMessage ResponseClass="Error">
                  <m:MessageText>The data is corrupt.</m:MessageText><m:ResponseCode>ErrorCorruptData</m:ResponseCode><m:Items/>
                </m:GetItemResponseMessage>
                <m:GetItemResponseMessage ResponseClass="Error">
                  <m:ResponseCode>ErrorMessageSizeExceeded</m:ResponseCode><m:Items/>
                </m:GetItemResponseMessage>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:ItemId Id="five" ChangeKey="c5"/><t:Subject>fifth</t:Subject></t:Message></m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var results = (await ReadAsync(xml, Request(5))).Messages;

        Assert.Equal(["first", null, null, null, "fifth"], results.Select(r => r.Message?.Subject));
        Assert.Equal(
            [null, ExchangeErrorCodes.ItemNotFound, ExchangeErrorCodes.CorruptItem, ExchangeErrorCodes.MessageSizeExceeded, null],
            results.Select(r => r.Error?.Code));
        Assert.Equal(new EwsItemId("id-2"), results[1].Requested);
        Assert.All(results.Where(r => r.Error is not null), r => Assert.Equal(ExchangeErrorClass.Permanent, r.Error!.ErrorClass));
    }

    [Fact]
    public async Task A_mime_over_the_cap_is_dropped_without_failing_the_next_item()
    {
        var huge = new byte[300_000];
        Random.Shared.NextBytes(huge);
        var small = Encoding.ASCII.GetBytes("Subject: small\r\n\r\nbody");
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">{Convert.ToBase64String(huge, Base64FormattingOptions.InsertLineBreaks)}</t:MimeContent><t:ItemId Id="big"/><t:Subject>big</t:Subject></t:Message></m:Items>
                </m:GetItemResponseMessage>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:MimeContent CharacterSet="UTF-8">{Convert.ToBase64String(small)}</t:MimeContent><t:ItemId Id="small"/><t:Subject>small</t:Subject></t:Message></m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        // The whole response is over its own limit too: the MIME is read past with the MIME cap, not counted against it.
        var results = (await ReadAsync(xml, Request(2, maxMime: 100_000), limit: 200_000)).Messages;

        Assert.True(results[0].Message!.MimeContentTooLarge);
        Assert.Null(results[0].Message!.MimeContent);
        Assert.Equal("big", results[0].Message!.Subject);
        Assert.False(results[1].Message!.MimeContentTooLarge);
        Assert.Equal(small, results[1].Message!.MimeContent!.Content);
    }

    [Fact]
    public async Task A_mime_at_the_cap_is_kept_whole_across_decoding_blocks()
    {
        var content = new byte[100_000];
        Random.Shared.NextBytes(content);
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:MimeContent>{Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks)}</t:MimeContent><t:ItemId Id="x"/></t:Message></m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var message = (await ReadAsync(xml, Request(1, maxMime: content.Length))).Messages[0].Message!;

        Assert.Equal(content, message.MimeContent!.Content);
        Assert.Null(message.MimeContent.CharacterSet);
    }

    [Fact]
    public async Task Other_parts_of_a_streamed_response_still_count_against_the_response_limit()
    {
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:ItemId Id="x"/><t:Subject>{new string('s', 400_000)}</t:Subject></t:Message></m:Items>
                </m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        await Assert.ThrowsAsync<ResponseTooLargeException>(() => ReadAsync(xml, Request(1), limit: 100_000));
    }

    [Fact]
    public async Task A_response_message_count_that_does_not_match_the_request_is_malformed()
    {
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="x"/></t:Message></m:Items></m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var exception = await Assert.ThrowsAsync<EwsResponseFormatException>(() => ReadAsync(xml, Request(2)));
        Assert.False(exception.IsNotSoap);
    }

    [Fact]
    public async Task A_response_cut_short_is_malformed()
    {
        var xml = EwsXml.Envelope($"""
            <m:GetItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Message><t:ItemId Id="x"/></t:Message></m:Items></m:GetItemResponseMessage>
              </m:ResponseMessages>
            </m:GetItemResponse>
            """);

        var exception = await Assert.ThrowsAsync<EwsResponseFormatException>(() => ReadAsync(xml[..(xml.IndexOf("</t:Message>", StringComparison.Ordinal) + 3)], Request(1)));
        Assert.False(exception.IsNotSoap);
    }

    [Fact]
    public async Task A_fault_in_a_streamed_response_is_raised_classified()
    {
        var xml = EwsXml.Envelope("""
            <s:Fault>
              <faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
              <faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
              <detail>
                <e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
                <e:MessageXml xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors"><t:Value Name="BackOffMilliseconds" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">1200</t:Value></e:MessageXml>
              </detail>
            </s:Fault>
            """);

        var exception = await Assert.ThrowsAsync<ExchangeException>(() => ReadAsync(xml, Request(1)));

        Assert.Equal(ExchangeErrorCodes.ServerBusy, exception.Error.Code);
        Assert.Equal(TimeSpan.FromMilliseconds(1200), exception.Error.BackOff);
    }
}
