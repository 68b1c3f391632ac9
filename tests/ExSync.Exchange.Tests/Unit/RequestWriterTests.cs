using System.Text;
using System.Xml.Linq;
using ExSync.Exchange.Connectivity;
using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;

namespace ExSync.Exchange.Tests.Unit;

public sealed class RequestWriterTests
{
    private static readonly XNamespace S = "http://schemas.xmlsoap.org/soap/envelope/";
    private static readonly XNamespace T = "http://schemas.microsoft.com/exchange/services/2006/types";
    private static readonly XNamespace M = "http://schemas.microsoft.com/exchange/services/2006/messages";

    private static XElement Write<TRequest>(TRequest request, Action<System.Xml.XmlWriter, TRequest> body, string? mailbox = "alice@contoso.local")
    {
        var bytes = EwsRequestWriter.Write(mailbox, request, body);
        var text = Encoding.UTF8.GetString(bytes);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?>", text, StringComparison.Ordinal);
        return XElement.Parse(text);
    }

    private static string[] ChildNames(XElement element) => element.Elements().Select(e => e.Name.LocalName).ToArray();

    [Fact]
    public void Envelope_carries_exchange2013_sp1_and_smtp_impersonation()
    {
        var envelope = Write(new GetFolderRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] }, EwsRequestWriter.WriteGetFolder);

        Assert.Equal(S + "Envelope", envelope.Name);
        var header = envelope.Element(S + "Header")!;
        Assert.Equal("Exchange2013_SP1", (string?)header.Element(T + "RequestServerVersion")?.Attribute("Version"));
        Assert.Equal("alice@contoso.local", (string?)header.Element(T + "ExchangeImpersonation")?.Element(T + "ConnectingSID")?.Element(T + "SmtpAddress"));
        Assert.Equal(["Header", "Body"], ChildNames(envelope));
    }

    [Fact]
    public void No_impersonation_header_without_a_mailbox()
    {
        var envelope = Write(new GetFolderRequest { Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox)] }, EwsRequestWriter.WriteGetFolder, mailbox: null);

        Assert.Null(envelope.Element(S + "Header")!.Element(T + "ExchangeImpersonation"));
    }

    [Fact]
    public void Get_folder_puts_the_shape_before_the_ids_and_asks_for_the_marker()
    {
        var envelope = Write(new GetFolderRequest
        {
            Folders = [EwsFolderId.Distinguished(DistinguishedFolderName.Inbox), OwnershipMarker.Folder],
            BaseShape = BaseShape.Default,
            AdditionalExtendedProperties = [OwnershipMarker.Property],
        }, EwsRequestWriter.WriteGetFolder);

        var getFolder = envelope.Element(S + "Body")!.Element(M + "GetFolder")!;
        Assert.Equal(["FolderShape", "FolderIds"], ChildNames(getFolder));
        var shape = getFolder.Element(M + "FolderShape")!;
        Assert.Equal(["BaseShape", "AdditionalProperties"], ChildNames(shape));
        var uri = shape.Element(T + "AdditionalProperties")!.Element(T + "ExtendedFieldURI")!;
        Assert.Equal("6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85", (string?)uri.Attribute("PropertySetId"));
        Assert.Equal("ExSyncOrganizationId", (string?)uri.Attribute("PropertyName"));
        Assert.Equal("String", (string?)uri.Attribute("PropertyType"));
        Assert.Equal(["inbox", "msgfolderroot"], getFolder.Element(M + "FolderIds")!.Elements(T + "DistinguishedFolderId").Select(e => (string)e.Attribute("Id")!));
    }

    [Fact]
    public void Create_item_orders_saved_folder_before_items_and_message_fields_by_schema()
    {
        var envelope = Write(new CreateMessageRequest
        {
            Disposition = MessageDisposition.SaveOnly,
            SavedItemFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Drafts),
            Subject = "probe <&>",
            Body = "body",
            ToRecipients = ["bob@contoso.local"],
        }, EwsRequestWriter.WriteCreateMessage);

        var create = envelope.Element(S + "Body")!.Element(M + "CreateItem")!;
        Assert.Equal("SaveOnly", (string?)create.Attribute("MessageDisposition"));
        Assert.Equal(["SavedItemFolderId", "Items"], ChildNames(create));
        var message = create.Element(M + "Items")!.Element(T + "Message")!;
        Assert.Equal(["ItemClass", "Subject", "Body", "ToRecipients"], ChildNames(message));
        Assert.Equal("probe <&>", (string?)message.Element(T + "Subject"));
        Assert.Equal("Text", (string?)message.Element(T + "Body")!.Attribute("BodyType"));
    }

    [Fact]
    public void Delete_item_sets_the_delete_type()
    {
        var envelope = Write(new DeleteItemRequest { Items = [new EwsItemId("AAA=", "CK")], DeleteType = DeleteType.HardDelete }, EwsRequestWriter.WriteDeleteItem);

        var delete = envelope.Element(S + "Body")!.Element(M + "DeleteItem")!;
        Assert.Equal("HardDelete", (string?)delete.Attribute("DeleteType"));
        Assert.Null(delete.Attribute("SendMeetingCancellations"));
        var id = delete.Element(M + "ItemIds")!.Element(T + "ItemId")!;
        Assert.Equal("AAA=", (string?)id.Attribute("Id"));
        Assert.Equal("CK", (string?)id.Attribute("ChangeKey"));
    }

    [Fact]
    public void Find_item_orders_shape_view_and_parent_folder()
    {
        var envelope = Write(new FindItemRequest
        {
            ParentFolder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
            MaxEntriesReturned = 10,
            Offset = 20,
            AdditionalFieldUris = ["item:Subject"],
        }, EwsRequestWriter.WriteFindItem);

        var find = envelope.Element(S + "Body")!.Element(M + "FindItem")!;
        Assert.Equal("Shallow", (string?)find.Attribute("Traversal"));
        Assert.Equal(["ItemShape", "IndexedPageItemView", "ParentFolderIds"], ChildNames(find));
        var view = find.Element(M + "IndexedPageItemView")!;
        Assert.Equal(("10", "20", "Beginning"), ((string?)view.Attribute("MaxEntriesReturned"), (string?)view.Attribute("Offset"), (string?)view.Attribute("BasePoint")));
    }

    [Fact]
    public void Sync_folder_items_puts_sync_state_before_max_changes()
    {
        var envelope = Write(new SyncFolderItemsRequest
        {
            Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
            SyncState = "H4sI",
            Ignore = [new EwsItemId("X")],
            MaxChangesReturned = 50,
            Scope = SyncFolderItemsScope.NormalItems,
        }, EwsRequestWriter.WriteSyncFolderItems);

        var sync = envelope.Element(S + "Body")!.Element(M + "SyncFolderItems")!;
        Assert.Equal(["ItemShape", "SyncFolderId", "SyncState", "Ignore", "MaxChangesReturned", "SyncScope"], ChildNames(sync));
    }

    [Fact]
    public void Sync_folder_items_asks_for_the_additional_properties_in_its_item_shape()
    {
        var envelope = Write(new SyncFolderItemsRequest
        {
            Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox),
            AdditionalFieldUris = ["item:DateTimeReceived", "item:ItemClass"],
        }, EwsRequestWriter.WriteSyncFolderItems);

        var shape = envelope.Element(S + "Body")!.Element(M + "SyncFolderItems")!.Element(M + "ItemShape")!;
        Assert.Equal("IdOnly", (string?)shape.Element(T + "BaseShape"));
        Assert.Equal(["item:DateTimeReceived", "item:ItemClass"], shape.Element(T + "AdditionalProperties")!.Elements(T + "FieldURI").Select(f => (string?)f.Attribute("FieldURI")));
    }

    [Fact]
    public void First_sync_omits_the_sync_state()
    {
        var envelope = Write(new SyncFolderItemsRequest { Folder = EwsFolderId.Distinguished(DistinguishedFolderName.Inbox) }, EwsRequestWriter.WriteSyncFolderItems);

        Assert.Equal(["ItemShape", "SyncFolderId", "MaxChangesReturned"], ChildNames(envelope.Element(S + "Body")!.Element(M + "SyncFolderItems")!));
    }

    [Fact]
    public void Update_folder_has_the_documented_set_folder_field_shape()
    {
        var envelope = Write(new SetFolderExtendedPropertyRequest
        {
            Folder = OwnershipMarker.Folder,
            Property = OwnershipMarker.Property,
            Value = "org-1",
        }, EwsRequestWriter.WriteSetFolderExtendedProperty);

        var change = envelope.Element(S + "Body")!.Element(M + "UpdateFolder")!.Element(M + "FolderChanges")!.Element(T + "FolderChange")!;
        Assert.Equal(["DistinguishedFolderId", "Updates"], ChildNames(change));
        Assert.Equal("msgfolderroot", (string?)change.Element(T + "DistinguishedFolderId")!.Attribute("Id"));
        var set = change.Element(T + "Updates")!.Element(T + "SetFolderField")!;
        Assert.Equal(["ExtendedFieldURI", "Folder"], ChildNames(set));
        var property = set.Element(T + "Folder")!.Element(T + "ExtendedProperty")!;
        Assert.Equal(["ExtendedFieldURI", "Value"], ChildNames(property));
        Assert.Equal("org-1", (string?)property.Element(T + "Value"));
    }
}
