using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>The XML of the synchronization operations: element order (xs:sequence), attributes and values.</summary>
public sealed class SyncRequestWriterTests
{
    private static readonly XNamespace S = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";
    private static readonly XNamespace M = "http://schemas.microsoft.com/exchange/services/2006/messages";

    private static readonly ExtendedPropertyDefinition LinkId =
        ExtendedPropertyDefinition.Named(Guid.Parse("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85"), "ExSyncLinkId", MapiPropertyType.String);

    private static XElement Body<TRequest>(TRequest request, Action<System.Xml.XmlWriter, TRequest> write, string? mailbox = "alice@contoso.local") =>
        XElement.Parse(Encoding.UTF8.GetString(EwsRequestWriter.Write(mailbox, request, write))).Element(S + "Body")!.Elements().Single();

    private static string[] ChildNames(XElement element) => element.Elements().Select(e => e.Name.LocalName).ToArray();

    [Fact]
    public void Get_item_names_every_property_on_an_id_only_shape_in_schema_order()
    {
        var getItem = Body(new GetMessagesRequest
        {
            Items = [new EwsItemId("A", "ck"), new EwsItemId("B")],
            IncludeMimeContent = true,
            MaxBodySizeKilobytes = 512,
            ExtendedProperties = [LinkId],
        }, EwsRequestWriter.WriteGetItem);

        Assert.Equal(M + "GetItem", getItem.Name);
        Assert.Equal(["ItemShape", "ItemIds"], ChildNames(getItem));
        var shape = getItem.Element(M + "ItemShape")!;
        Assert.Equal(["BaseShape", "IncludeMimeContent", "BodyType", "MaximumBodySize", "AdditionalProperties"], ChildNames(shape));
        Assert.Equal(("IdOnly", "true", "HTML", "512"), ((string?)shape.Element(T + "BaseShape"), (string?)shape.Element(T + "IncludeMimeContent"),
            (string?)shape.Element(T + "BodyType"), (string?)shape.Element(T + "MaximumBodySize")));
        var fields = shape.Element(T + "AdditionalProperties")!.Elements(T + "FieldURI").Select(f => (string)f.Attribute("FieldURI")!).ToArray();
        Assert.Equal(
            [
                "item:ParentFolderId", "item:ItemClass", "item:Subject", "item:Body", "item:Attachments", "item:DateTimeReceived", "item:Size",
                "item:Categories", "item:Importance", "item:InReplyTo", "item:InternetMessageHeaders", "item:DateTimeSent", "item:HasAttachments",
                "item:ConversationId", "message:Sender", "message:ToRecipients", "message:CcRecipients", "message:BccRecipients",
                "message:ConversationIndex", "message:ConversationTopic", "message:From", "message:InternetMessageId", "message:IsRead",
                "message:References", "item:TextBody",
            ],
            fields);
        Assert.Equal("ExSyncLinkId", (string?)shape.Element(T + "AdditionalProperties")!.Element(T + "ExtendedFieldURI")!.Attribute("PropertyName"));
        Assert.Equal([("A", "ck"), ("B", null)], getItem.Element(M + "ItemIds")!.Elements(T + "ItemId").Select(i => ((string)i.Attribute("Id")!, (string?)i.Attribute("ChangeKey"))));
    }

    [Fact]
    public void Get_item_without_mime_text_body_or_truncation_leaves_them_out()
    {
        var shape = Body(new GetMessagesRequest { Items = [new EwsItemId("A")], IncludeTextBody = false, BodyType = MessageBodyType.Text },
            EwsRequestWriter.WriteGetItem).Element(M + "ItemShape")!;

        Assert.Equal(["BaseShape", "BodyType", "AdditionalProperties"], ChildNames(shape));
        Assert.Equal("Text", (string?)shape.Element(T + "BodyType"));
        Assert.DoesNotContain(shape.Descendants(T + "FieldURI"), f => (string?)f.Attribute("FieldURI") == "item:TextBody");
    }

    [Fact]
    public void Get_attachment_puts_the_shape_before_the_ids()
    {
        var getAttachment = Body(new GetAttachmentsRequest { AttachmentIds = ["att-1", "att-2"], MaxContentBytes = 10 }, EwsRequestWriter.WriteGetAttachment);

        Assert.Equal(["AttachmentShape", "AttachmentIds"], ChildNames(getAttachment));
        Assert.Equal("true", (string?)getAttachment.Element(M + "AttachmentShape")!.Element(T + "IncludeMimeContent"));
        Assert.Equal(["att-1", "att-2"], getAttachment.Element(M + "AttachmentIds")!.Elements(T + "AttachmentId").Select(a => (string)a.Attribute("Id")!));
    }

    [Fact]
    public void Update_item_sets_categories_and_properties_with_save_only_auto_resolve_and_no_read_receipts()
    {
        var update = Body(new UpdateItemsRequest
        {
            Items =
            [
                new ItemUpdate
                {
                    Item = new EwsItemId("A", "ck-a"),
                    Categories = CategoryUpdate.Add(["Red"], "Tracked to CRM"),
                    SetExtendedProperties = [new ExtendedPropertyValue(LinkId, "link-1", [])],
                },
                new ItemUpdate
                {
                    Item = new EwsItemId("B", "ck-b"),
                    ItemElementName = "MeetingRequest",
                    Categories = CategoryUpdate.Remove(["Tracked to CRM"], "Tracked to CRM"),
                    DeleteExtendedProperties = [LinkId],
                },
            ],
        }, EwsRequestWriter.WriteUpdateItem);

        Assert.Equal(M + "UpdateItem", update.Name);
        Assert.Equal(("AutoResolve", "SaveOnly", "true"),
            ((string?)update.Attribute("ConflictResolution"), (string?)update.Attribute("MessageDisposition"), (string?)update.Attribute("SuppressReadReceipts")));
        var changes = update.Element(M + "ItemChanges")!.Elements(T + "ItemChange").ToArray();
        Assert.All(changes, c => Assert.Equal(["ItemId", "Updates"], ChildNames(c)));

        var first = changes[0].Element(T + "Updates")!.Elements().ToArray();
        Assert.Equal(["SetItemField", "SetItemField"], first.Select(e => e.Name.LocalName));
        Assert.Equal(["FieldURI", "Message"], ChildNames(first[0]));
        Assert.Equal("item:Categories", (string?)first[0].Element(T + "FieldURI")!.Attribute("FieldURI"));
        Assert.Equal(["Red", "Tracked to CRM"], first[0].Element(T + "Message")!.Element(T + "Categories")!.Elements(T + "String").Select(s => s.Value));
        Assert.Equal(["ExtendedFieldURI", "Message"], ChildNames(first[1]));
        var property = first[1].Element(T + "Message")!.Element(T + "ExtendedProperty")!;
        Assert.Equal(["ExtendedFieldURI", "Value"], ChildNames(property));
        Assert.Equal("link-1", (string?)property.Element(T + "Value"));

        // An empty category list is not a valid value: the property is deleted instead.
        var second = changes[1].Element(T + "Updates")!.Elements().ToArray();
        Assert.Equal(["DeleteItemField", "DeleteItemField"], second.Select(e => e.Name.LocalName));
        Assert.Equal("item:Categories", (string?)second[0].Element(T + "FieldURI")!.Attribute("FieldURI"));
        Assert.Equal("ExSyncLinkId", (string?)second[1].Element(T + "ExtendedFieldURI")!.Attribute("PropertyName"));
    }

    [Fact]
    public void Update_item_writes_array_values_and_honours_the_conflict_choice()
    {
        var tags = ExtendedPropertyDefinition.Named(Guid.NewGuid(), "Tags", MapiPropertyType.StringArray);
        var update = Body(new UpdateItemsRequest
        {
            Items = [new ItemUpdate { Item = new EwsItemId("A", "ck"), ItemElementName = "MeetingRequest", SetExtendedProperties = [new ExtendedPropertyValue(tags, null, ["x", "y"])] }],
            ConflictResolution = ConflictResolution.NeverOverwrite,
            SuppressReadReceipts = false,
        }, EwsRequestWriter.WriteUpdateItem);

        Assert.Equal("NeverOverwrite", (string?)update.Attribute("ConflictResolution"));
        Assert.Null(update.Attribute("SuppressReadReceipts"));
        var property = update.Descendants(T + "MeetingRequest").Single().Element(T + "ExtendedProperty")!;
        Assert.Equal(["ExtendedFieldURI", "Values"], ChildNames(property));
        Assert.Equal(["x", "y"], property.Element(T + "Values")!.Elements(T + "Value").Select(v => v.Value));
    }

    [Fact]
    public void Move_item_asks_for_the_new_ids_after_the_item_ids()
    {
        var move = Body(new MoveItemsRequest { Items = [new EwsItemId("A", "ck")], Destination = new ExplicitFolderId("undeliverable-id") }, EwsRequestWriter.WriteMoveItem);

        Assert.Equal(["ToFolderId", "ItemIds", "ReturnNewItemIds"], ChildNames(move));
        Assert.Equal("undeliverable-id", (string?)move.Element(M + "ToFolderId")!.Element(T + "FolderId")!.Attribute("Id"));
        Assert.Equal("true", (string?)move.Element(M + "ReturnNewItemIds"));
    }

    [Fact]
    public void Find_folder_restricts_on_the_display_name_between_the_view_and_the_parent()
    {
        var find = Body(new FindFolderRequest { Parent = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), DisplayName = "Undeliverable" }, EwsRequestWriter.WriteFindFolder);

        Assert.Equal("Shallow", (string?)find.Attribute("Traversal"));
        Assert.Equal(["FolderShape", "IndexedPageFolderView", "Restriction", "ParentFolderIds"], ChildNames(find));
        var isEqualTo = find.Element(M + "Restriction")!.Element(T + "IsEqualTo")!;
        Assert.Equal(["FieldURI", "FieldURIOrConstant"], ChildNames(isEqualTo));
        Assert.Equal("folder:DisplayName", (string?)isEqualTo.Element(T + "FieldURI")!.Attribute("FieldURI"));
        Assert.Equal("Undeliverable", (string?)isEqualTo.Element(T + "FieldURIOrConstant")!.Element(T + "Constant")!.Attribute("Value"));
        Assert.Equal("inbox", (string?)find.Element(M + "ParentFolderIds")!.Element(T + "DistinguishedFolderId")!.Attribute("Id"));
    }

    [Fact]
    public void Create_folder_puts_the_class_before_the_name()
    {
        var create = Body(new CreateFolderRequest { Parent = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), DisplayName = "Undeliverable" }, EwsRequestWriter.WriteCreateFolder);

        Assert.Equal(["ParentFolderId", "Folders"], ChildNames(create));
        var folder = create.Element(M + "Folders")!.Element(T + "Folder")!;
        Assert.Equal(["FolderClass", "DisplayName"], ChildNames(folder));
        Assert.Equal(("IPF.Note", "Undeliverable"), ((string?)folder.Element(T + "FolderClass"), (string?)folder.Element(T + "DisplayName")));
    }

    [Fact]
    public void Subscribe_writes_folders_and_event_types_in_the_types_namespace()
    {
        var streaming = Body(new StreamingSubscriptionRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), EwsFolderId.Distinguished(DistinguishedFolderName.SentItems)] },
            EwsRequestWriter.WriteStreamingSubscribe).Element(M + "StreamingSubscriptionRequest")!;
        var pull = Body(new PullSubscriptionRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)], EventTypes = [NotificationEventType.NewMail], Watermark = "W", TimeoutMinutes = 10 },
            EwsRequestWriter.WritePullSubscribe).Element(M + "PullSubscriptionRequest")!;

        Assert.Equal([T + "FolderIds", T + "EventTypes"], streaming.Elements().Select(e => e.Name));
        Assert.Equal(["inbox", "sentitems"], streaming.Element(T + "FolderIds")!.Elements().Select(f => (string)f.Attribute("Id")!));
        Assert.Equal(["NewMailEvent", "CreatedEvent", "DeletedEvent", "ModifiedEvent", "MovedEvent"], streaming.Element(T + "EventTypes")!.Elements(T + "EventType").Select(e => e.Value));
        Assert.Equal([T + "FolderIds", T + "EventTypes", T + "Watermark", T + "Timeout"], pull.Elements().Select(e => e.Name));
        Assert.Equal("10", (string?)pull.Element(T + "Timeout"));
        Assert.Throws<ArgumentOutOfRangeException>(() => EwsRequestWriter.EventTypeWireName(NotificationEventType.Status));
    }

    [Fact]
    public void Get_streaming_events_get_events_and_unsubscribe_have_the_documented_shape()
    {
        var streaming = Body(new GetStreamingEventsRequest { SubscriptionIds = ["s1", "s2"], ConnectionTimeoutMinutes = 29 }, EwsRequestWriter.WriteGetStreamingEvents);
        var getEvents = Body(new GetEventsRequest { SubscriptionId = "s1", Watermark = "W" }, EwsRequestWriter.WriteGetEvents);
        var unsubscribe = Body(new UnsubscribeRequest { SubscriptionId = "s1" }, EwsRequestWriter.WriteUnsubscribe);

        Assert.Equal([M + "SubscriptionIds", M + "ConnectionTimeout"], streaming.Elements().Select(e => e.Name));
        Assert.Equal(["s1", "s2"], streaming.Element(M + "SubscriptionIds")!.Elements(T + "SubscriptionId").Select(s => s.Value));
        Assert.Equal("29", (string?)streaming.Element(M + "ConnectionTimeout"));
        Assert.Equal([M + "SubscriptionId", M + "Watermark"], getEvents.Elements().Select(e => e.Name));
        Assert.Equal([M + "SubscriptionId"], unsubscribe.Elements().Select(e => e.Name));
    }
}
