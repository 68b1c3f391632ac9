using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>The wire format of sending (CreateItem SendAndSaveCopy with MIME) and of FindItem restrictions, against the EWS schema.</summary>
public sealed class SendRequestWriterTests
{
    private static readonly XNamespace S = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";
    private static readonly XNamespace M = "http://schemas.microsoft.com/exchange/services/2006/messages";

    private static readonly ExtendedPropertyDefinition LinkStamp =
        ExtendedPropertyDefinition.Named(Guid.Parse("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85"), "ExSyncLinkId", MapiPropertyType.String);

    private static readonly byte[] Mime = Encoding.UTF8.GetBytes(
        "From: Alice <alice@contoso.local>\r\nTo: Bob <bob@contoso.local>\r\nSubject: Grüße\r\nMessage-ID: <m1@exsync>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nHallo Bob\r\n");

    private static XElement Body<TRequest>(TRequest request, Action<System.Xml.XmlWriter, TRequest> write) =>
        XElement.Parse(Encoding.UTF8.GetString(EwsRequestWriter.Write("alice@contoso.local", request, write))).Element(S + "Body")!.Elements().Single();

    private static string[] ChildNames(XElement element) => element.Elements().Select(e => e.Name.LocalName).ToArray();

    private static SendMessageRequest FullRequest() => new()
    {
        MimeContent = Mime,
        ExtendedProperties = [new ExtendedPropertyValue(LinkStamp, "email-42", [])],
        Categories = ["Tracked to CRM"],
        ToRecipients = [new SmtpRecipient("bob@contoso.local", "Bob")],
        CcRecipients = [new SmtpRecipient("carol@contoso.local")],
        BccRecipients = [new SmtpRecipient("audit@fabrikam.example")],
    };

    [Fact]
    public void Send_is_a_create_item_that_sends_and_saves_a_copy_in_sent_items_by_default()
    {
        var create = Body(new SendMessageRequest { MimeContent = Mime }, EwsRequestWriter.WriteSendMessage);

        Assert.Equal(M + "CreateItem", create.Name);
        Assert.Equal("SendAndSaveCopy", (string?)create.Attribute("MessageDisposition"));
        Assert.Equal(["SavedItemFolderId", "Items"], ChildNames(create));
        Assert.Equal("sentitems", (string?)create.Element(M + "SavedItemFolderId")!.Element(T + "DistinguishedFolderId")!.Attribute("Id"));
        var message = Assert.Single(create.Element(M + "Items")!.Elements());
        Assert.Equal(T + "Message", message.Name);
        Assert.Equal(["MimeContent"], ChildNames(message));
    }

    [Fact]
    public void The_message_carries_the_mime_base64_encoded_byte_for_byte()
    {
        var message = Body(FullRequest(), EwsRequestWriter.WriteSendMessage).Element(M + "Items")!.Element(T + "Message")!;

        Assert.Equal(Mime, Convert.FromBase64String(message.Element(T + "MimeContent")!.Value));
    }

    [Fact]
    public void Message_children_follow_item_type_then_message_type_order()
    {
        var message = Body(FullRequest(), EwsRequestWriter.WriteSendMessage).Element(M + "Items")!.Element(T + "Message")!;

        // types.xsd ItemType: MimeContent … Categories … ExtendedProperty; MessageType: … ToRecipients, CcRecipients, BccRecipients.
        Assert.Equal(["MimeContent", "Categories", "ExtendedProperty", "ToRecipients", "CcRecipients", "BccRecipients"], ChildNames(message));
        Assert.Equal(["Tracked to CRM"], message.Element(T + "Categories")!.Elements(T + "String").Select(e => e.Value));
    }

    [Fact]
    public void The_stamp_is_an_extended_property_with_its_field_uri_and_value()
    {
        var property = Body(FullRequest(), EwsRequestWriter.WriteSendMessage).Descendants(T + "ExtendedProperty").Single();

        Assert.Equal(["ExtendedFieldURI", "Value"], ChildNames(property));
        var uri = property.Element(T + "ExtendedFieldURI")!;
        Assert.Equal("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85", (string?)uri.Attribute("PropertySetId"));
        Assert.Equal("ExSyncLinkId", (string?)uri.Attribute("PropertyName"));
        Assert.Equal("String", (string?)uri.Attribute("PropertyType"));
        Assert.Equal("email-42", (string?)property.Element(T + "Value"));
    }

    [Fact]
    public void Recipients_are_mailboxes_with_name_then_smtp_address()
    {
        var message = Body(FullRequest(), EwsRequestWriter.WriteSendMessage).Element(M + "Items")!.Element(T + "Message")!;

        var bob = message.Element(T + "ToRecipients")!.Elements(T + "Mailbox").Single();
        Assert.Equal(["Name", "EmailAddress", "RoutingType"], ChildNames(bob));
        Assert.Equal(("Bob", "bob@contoso.local", "SMTP"), ((string?)bob.Element(T + "Name"), (string?)bob.Element(T + "EmailAddress"), (string?)bob.Element(T + "RoutingType")));
        var carol = message.Element(T + "CcRecipients")!.Elements(T + "Mailbox").Single();
        Assert.Equal(["EmailAddress", "RoutingType"], ChildNames(carol));
        Assert.Equal("audit@fabrikam.example", (string?)message.Element(T + "BccRecipients")!.Element(T + "Mailbox")!.Element(T + "EmailAddress"));
    }

    [Fact]
    public void A_saved_item_folder_given_by_id_is_used()
    {
        var create = Body(new SendMessageRequest { MimeContent = Mime, SavedItemFolder = new ExplicitFolderId("AAMkSent", "ck") }, EwsRequestWriter.WriteSendMessage);

        var folder = create.Element(M + "SavedItemFolderId")!.Element(T + "FolderId")!;
        Assert.Equal(("AAMkSent", "ck"), ((string?)folder.Attribute("Id"), (string?)folder.Attribute("ChangeKey")));
    }

    [Fact]
    public void Find_item_by_stamp_puts_the_restriction_between_the_view_and_the_parent_folder()
    {
        var find = Body(new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.SentItems),
            Restriction = ItemRestriction.IsEqualTo(LinkStamp, "email-42"),
            AdditionalExtendedProperties = [LinkStamp],
            MaxEntriesReturned = 2,
        }, EwsRequestWriter.WriteFindItem);

        Assert.Equal(["ItemShape", "IndexedPageItemView", "Restriction", "ParentFolderIds"], ChildNames(find));
        var isEqualTo = find.Element(M + "Restriction")!.Elements().Single();
        Assert.Equal(T + "IsEqualTo", isEqualTo.Name);
        Assert.Equal(["ExtendedFieldURI", "FieldURIOrConstant"], ChildNames(isEqualTo));
        Assert.Equal("ExSyncLinkId", (string?)isEqualTo.Element(T + "ExtendedFieldURI")!.Attribute("PropertyName"));
        Assert.Equal("email-42", (string?)isEqualTo.Element(T + "FieldURIOrConstant")!.Element(T + "Constant")!.Attribute("Value"));
        var shape = find.Element(M + "ItemShape")!;
        Assert.Equal("ExSyncLinkId", (string?)shape.Element(T + "AdditionalProperties")!.Element(T + "ExtendedFieldURI")!.Attribute("PropertyName"));
    }

    [Fact]
    public void Find_item_by_a_first_class_property_uses_a_field_uri()
    {
        var find = Body(new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.SentItems),
            Restriction = ItemRestriction.IsEqualTo("message:InternetMessageId", "<m1@exsync>"),
        }, EwsRequestWriter.WriteFindItem);

        var isEqualTo = find.Element(M + "Restriction")!.Element(T + "IsEqualTo")!;
        Assert.Equal("message:InternetMessageId", (string?)isEqualTo.Element(T + "FieldURI")!.Attribute("FieldURI"));
        Assert.Equal("<m1@exsync>", (string?)isEqualTo.Element(T + "FieldURIOrConstant")!.Element(T + "Constant")!.Attribute("Value"));
    }

    [Fact]
    public void Found_items_carry_the_extended_properties_asked_for()
    {
        var xml = EwsXml.Envelope($"""
            <m:FindItemResponse {EwsXml.Namespaces}><m:ResponseMessages>
              <m:FindItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
                <m:RootFolder IndexedPagingOffset="1" TotalItemsInView="1" IncludesLastItemInRange="true"><t:Items>
                  <t:Message><t:ItemId Id="AAMkSent1" ChangeKey="CQ1"/>
                    <t:ExtendedProperty><t:ExtendedFieldURI PropertySetId="6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85" PropertyName="ExSyncLinkId" PropertyType="String"/><t:Value>email-42</t:Value></t:ExtendedProperty>
                  </t:Message>
                </t:Items></m:RootFolder>
              </m:FindItemResponseMessage>
            </m:ResponseMessages></m:FindItemResponse>
            """);

        var found = EwsXml.Parse(xml, EwsResponseParsers.ParseFindItem);

        var item = Assert.Single(found.Items);
        Assert.Equal("AAMkSent1", item.ItemId.Id);
        var stamp = Assert.Single(item.ExtendedProperties);
        Assert.Equal(LinkStamp, stamp.Definition);
        Assert.Equal("email-42", stamp.Value);
    }

    [Fact]
    public void The_documented_send_response_has_no_item_and_a_send_as_refusal_becomes_send_as_denied()
    {
        // createitem-operation-email-message.md: success answers an empty Items; the error example is ErrorSendAsDenied.
        const string Success = """
            <?xml version="1.0" encoding="utf-8" ?>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
              <soap:Body>
                <CreateItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
                  <m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items /></m:CreateItemResponseMessage></m:ResponseMessages>
                </CreateItemResponse>
              </soap:Body>
            </soap:Envelope>
            """;
        var refused = Success.Replace(
            """<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>""",
            """<m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account.</m:MessageText><m:ResponseCode>ErrorSendAsDenied</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>""",
            StringComparison.Ordinal);

        Assert.Null(EwsXml.Parse(Success, EwsResponseParsers.ParseCreateItem).ItemId);
        var exception = Assert.Throws<ExchangeException>(() => EwsXml.Parse(refused, EwsResponseParsers.ParseCreateItem));
        Assert.Equal((ExchangeErrorCodes.SendAsDenied, ExchangeErrorClass.Permanent, false), (exception.Error.Code, exception.Error.ErrorClass, exception.Error.OutcomeUnknown));
    }
}
