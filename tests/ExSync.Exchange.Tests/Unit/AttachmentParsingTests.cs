using System.Text;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>GetAttachment responses read the way GetAttachmentsAsync reads them: decoded while streaming, capped per attachment.</summary>
public sealed class AttachmentParsingTests
{
    private static Task<GetAttachmentsResponse> ReadAsync(string xml, long maxContentBytes, params string[] ids) =>
        EwsResponseParsers.ReadGetAttachmentAsync(
            EwsXml.Stream(xml), new GetAttachmentsRequest { AttachmentIds = ids, MaxContentBytes = maxContentBytes }, EwsXml.Context);

    private static string FileMessage(string id, string name, string base64) => $"""
        <m:GetAttachmentResponseMessage ResponseClass="Success">
          <m:ResponseCode>NoError</m:ResponseCode>
          <m:Attachments>
            <t:FileAttachment>
              <t:AttachmentId Id="{id}"/>
              <t:Name>{name}</t:Name>
              <t:ContentType>application/octet-stream</t:ContentType>
              <t:Content>{base64}</t:Content>
            </t:FileAttachment>
          </m:Attachments>
        </m:GetAttachmentResponseMessage>
        """;

    private static string Response(params string[] messages) =>
        EwsXml.Envelope($"""<m:GetAttachmentResponse {EwsXml.Namespaces}><m:ResponseMessages>{string.Concat(messages)}</m:ResponseMessages></m:GetAttachmentResponse>""");

    [Fact]
    public async Task The_documented_file_attachment_is_read()
    {
        // docs/exchange-web-services/how-to-get-attachments-by-using-ews-in-exchange.md, GetAttachment response for a file
        // attachment (Exchange 2013 15.0.939.12); the page's https:// SOAP namespace is corrected to http://.
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Header>
                <h:ServerVersionInfo MajorVersion="15"
                                     MinorVersion="0"
                                     MajorBuildNumber="939"
                                     MinorBuildNumber="12"
                                     Version="V2_11"
                                     xmlns:h="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns="http://schemas.microsoft.com/exchange/services/2006/types"
                                     xmlns:xsd="http://www.w3.org/2001/XMLSchema"
                                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" />
              </s:Header>
              <s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                      xmlns:xsd="http://www.w3.org/2001/XMLSchema">
                <m:GetAttachmentResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                                         xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
                  <m:ResponseMessages>
                    <m:GetAttachmentResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Attachments>
                        <t:FileAttachment>
                          <t:AttachmentId Id="5zTzlqU=" />
                          <t:Name>FileAttachment.txt</t:Name>
                          <t:Content>VGhpcyBpcyBhIGZpbGUgYXR0YWNobWVudC4=</t:Content>
                        </t:FileAttachment>
                      </m:Attachments>
                    </m:GetAttachmentResponseMessage>
                  </m:ResponseMessages>
                </m:GetAttachmentResponse>
              </s:Body>
            </s:Envelope>
            """;

        var attachment = Assert.Single((await ReadAsync(xml, 1024, "5zTzlqU=")).Attachments).Attachment!;

        Assert.Equal(EwsAttachmentKind.File, attachment.Kind);
        Assert.Equal("5zTzlqU=", attachment.AttachmentId);
        Assert.Equal("FileAttachment.txt", attachment.Name);
        Assert.Equal("This is a file attachment.", Encoding.ASCII.GetString(attachment.Content!));
        Assert.Null(attachment.Item);
    }

    [Fact]
    public async Task The_documented_item_attachment_is_read_as_a_message()
    {
        // Same page, GetAttachment response for an item attachment (an attached draft message).
        const string xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
              <s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                      xmlns:xsd="http://www.w3.org/2001/XMLSchema">
                <m:GetAttachmentResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
                                         xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
                  <m:ResponseMessages>
                    <m:GetAttachmentResponseMessage ResponseClass="Success">
                      <m:ResponseCode>NoError</m:ResponseCode>
                      <m:Attachments>
                        <t:ItemAttachment>
                          <t:AttachmentId Id="Ktum21o=" />
                          <t:Name>Attached Message Item</t:Name>
                          <t:Message>
                            <t:ItemClass>IPM.Note</t:ItemClass>
                            <t:Subject>Message Item Subject</t:Subject>
                            <t:Body BodyType="HTML">&amp;lt;meta http-equiv="Content-Type" 
                                content="text/html; charset=utf-8"&amp;gt;Message Item Body</t:Body>
                            <t:Size>2859</t:Size>
                            <t:IsSubmitted>false</t:IsSubmitted>
                            <t:IsDraft>true</t:IsDraft>
                            <t:IsFromMe>false</t:IsFromMe>
                            <t:IsResend>false</t:IsResend>
                            <t:IsUnmodified>false</t:IsUnmodified>
                            <t:DateTimeCreated>2014-05-14T17:59:37Z</t:DateTimeCreated>
                            <t:ResponseObjects>
                              <t:ForwardItem />
                            </t:ResponseObjects>
                            <t:DisplayCc />
                            <t:DisplayTo>primary; emaildelegate</t:DisplayTo>
                            <t:HasAttachments>false</t:HasAttachments>
                            <t:Culture>en</t:Culture>
                            <t:EffectiveRights>
                              <t:CreateAssociated>false</t:CreateAssociated>
                              <t:CreateContents>false</t:CreateContents>
                              <t:CreateHierarchy>false</t:CreateHierarchy>
                              <t:Delete>true</t:Delete>
                              <t:Modify>true</t:Modify>
                              <t:Read>true</t:Read>
                            </t:EffectiveRights>
                            <t:LastModifiedName>primary</t:LastModifiedName>
                            <t:LastModifiedTime>2014-05-14T17:59:30Z</t:LastModifiedTime>
                            <t:IsAssociated>false</t:IsAssociated>
                            <t:WebClientReadFormQueryString>?ItemID=AAMk3D&amp;amp;exvsurl=1&amp;amp;viewmodel=
                                ReadMessageItem</t:WebClientReadFormQueryString>
                            <t:ConversationId Id="AAQkADIwM2ZlM2ZlLWMwYjctNDg2N/Rc+d0=" />
                            <t:ToRecipients>
                              <t:Mailbox>
                                <t:Name>primary</t:Name>
                                <t:EmailAddress>sadie@contoso.com</t:EmailAddress>
                                <t:RoutingType>SMTP</t:RoutingType>
                                <t:MailboxType>Mailbox</t:MailboxType>
                              </t:Mailbox>
                              <t:Mailbox>
                                <t:Name>emaildelegate</t:Name>
                                <t:EmailAddress>ronnie@contoso.com</t:EmailAddress>
                                <t:RoutingType>SMTP</t:RoutingType>
                                <t:MailboxType>Mailbox</t:MailboxType>
                              </t:Mailbox>
                            </t:ToRecipients>
                            <t:IsReadReceiptRequested>false</t:IsReadReceiptRequested>
                            <t:ConversationIndex>AQHPb55BxR5Fm0Arx0yY4xbL9Fz53Q==</t:ConversationIndex>
                            <t:ConversationTopic>Message Item Subject</t:ConversationTopic>
                            <t:IsRead>true</t:IsRead>
                          </t:Message>
                        </t:ItemAttachment>
                      </m:Attachments>
                    </m:GetAttachmentResponseMessage>
                  </m:ResponseMessages>
                </m:GetAttachmentResponse>
              </s:Body>
            </s:Envelope>
            """;

        var attachment = (await ReadAsync(xml, 1024, "Ktum21o=")).Attachments[0].Attachment!;

        Assert.Equal(EwsAttachmentKind.Item, attachment.Kind);
        Assert.Equal("Attached Message Item", attachment.Name);
        Assert.Null(attachment.Content);
        var item = attachment.Item!;
        Assert.Equal("Message", item.ItemKind);
        Assert.Null(item.ItemId);
        Assert.Equal("Message Item Subject", item.Subject);
        Assert.Equal("IPM.Note", item.ItemClass);
        Assert.StartsWith("&lt;meta http-equiv", item.Body!.Content, StringComparison.Ordinal);
        Assert.Equal(["sadie@contoso.com", "ronnie@contoso.com"], item.ToRecipients.Select(r => r.EmailAddress));
        Assert.All(item.ToRecipients, r => Assert.Equal("Mailbox", r.MailboxType));
        Assert.Equal("AAQkADIwM2ZlM2ZlLWMwYjctNDg2N/Rc+d0=", item.ConversationId);
        Assert.Equal(22, item.ConversationIndex!.Length);
        Assert.True(item.IsRead);
    }

    [Fact]
    public async Task An_attachment_over_the_limit_is_refused_and_the_next_one_is_still_read()
    {
        var big = new byte[50_000];
        Random.Shared.NextBytes(big);
        var xml = Response(
            FileMessage("a", "big.bin", Convert.ToBase64String(big, Base64FormattingOptions.InsertLineBreaks)),
            """
            <m:GetAttachmentResponseMessage ResponseClass="Error">
              <m:MessageText>The attachment could not be found.</m:MessageText>
              <m:ResponseCode>ErrorInvalidAttachmentId</m:ResponseCode>
              <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
              <m:Attachments/>
            </m:GetAttachmentResponseMessage>
            """,
            FileMessage("c", "small.txt", Convert.ToBase64String("small"u8.ToArray())));

        var results = (await ReadAsync(xml, 10_000, "a", "b", "c")).Attachments;

        Assert.Equal(ExchangeErrorCodes.AttachmentTooLarge, results[0].Error?.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, results[0].Error?.ErrorClass);
        Assert.Null(results[0].Attachment);
        Assert.Equal(ExchangeErrorCodes.AttachmentNotFound, results[1].Error?.Code);
        Assert.Equal("small", Encoding.ASCII.GetString(results[2].Attachment!.Content!));
        Assert.Equal(["a", "b", "c"], results.Select(r => r.AttachmentId));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(12_287)] // exactly one decoding block (16,384 characters), ending in padding
    [InlineData(12_288)] // exactly one block, no padding
    [InlineData(12_289)] // one block and a padded remainder
    [InlineData(70_001)] // two pooled segments
    [InlineData(300_001)] // several
    public async Task Content_is_decoded_exactly_whatever_its_length(int length)
    {
        var content = new byte[length];
        Random.Shared.NextBytes(content);
        var xml = Response(FileMessage("a", "f.bin", Convert.ToBase64String(content, Base64FormattingOptions.InsertLineBreaks)));

        var attachment = (await ReadAsync(xml, length, "a")).Attachments[0].Attachment!;

        Assert.Equal(content, attachment.Content);
    }

    [Fact]
    public async Task Content_that_is_not_base64_is_a_per_item_error()
    {
        var xml = Response(FileMessage("a", "f.bin", "%%%% not base64 %%%%"), FileMessage("b", "ok.txt", "b2s="));

        var results = (await ReadAsync(xml, 1024, "a", "b")).Attachments;

        Assert.Equal(ExchangeErrorCodes.MalformedResponse, results[0].Error?.Code);
        Assert.Equal("ok", Encoding.ASCII.GetString(results[1].Attachment!.Content!));
    }

    [Fact]
    public async Task An_item_attachment_whose_mime_is_over_the_limit_is_refused()
    {
        var mime = Convert.ToBase64String(new byte[5_000]);
        var xml = Response($"""
            <m:GetAttachmentResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
              <m:Attachments>
                <t:ItemAttachment>
                  <t:AttachmentId Id="i"/><t:Name>Fwd</t:Name>
                  <t:Message><t:MimeContent CharacterSet="UTF-8">{mime}</t:MimeContent><t:Subject>Fwd</t:Subject></t:Message>
                </t:ItemAttachment>
              </m:Attachments>
            </m:GetAttachmentResponseMessage>
            """);

        Assert.Equal(ExchangeErrorCodes.AttachmentTooLarge, (await ReadAsync(xml, 1_000, "i")).Attachments[0].Error?.Code);
        Assert.Equal(5_000, (await ReadAsync(xml, 5_000, "i")).Attachments[0].Attachment!.Item!.MimeContent!.Content.Length);
    }
}
