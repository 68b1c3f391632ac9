using ExSync.Exchange.Ews;
using ExSync.Exchange.Ews.Xml;
using ExSync.Exchange.Tests.Infrastructure;

namespace ExSync.Exchange.Tests.Unit;

/// <summary>UpdateItem, MoveItem, FindFolder and CreateFolder responses.</summary>
public sealed class ItemOperationParsingTests
{
    private static string Exchange2007Envelope(string operation, string messages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" 
                       xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" 
                       xmlns:xsd="http://www.w3.org/2001/XMLSchema">
          <soap:Header>
            <t:ServerVersionInfo MajorVersion="8" MinorVersion="0" MajorBuildNumber="664" MinorBuildNumber="0" 
                                 xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"/>
          </soap:Header>
          <soap:Body>
            <{operation}Response xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" 
                                 xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" 
                                 xmlns="http://schemas.microsoft.com/exchange/services/2006/messages">
              <m:ResponseMessages>{messages}</m:ResponseMessages>
            </{operation}Response>
          </soap:Body>
        </soap:Envelope>
        """;

    private static UpdateItemsRequest Updates(int count) => new()
    {
        Items = Enumerable.Range(1, count).Select(i => new ItemUpdate
        {
            Item = new EwsItemId($"item-{i}", $"ck-{i}"),
            Categories = CategoryUpdate.ReplaceWith(["Tracked to CRM"]),
        }).ToArray(),
    };

    [Fact]
    public void The_documented_update_item_response_gives_the_new_change_key()
    {
        // docs/web-service-reference/updateitem-operation.md, "Successful response example" (ids shortened in the page).
        var xml = Exchange2007Envelope("UpdateItem", """
            <m:UpdateItemResponseMessage ResponseClass="Success">
              <m:ResponseCode>NoError</m:ResponseCode>
              <m:Items>
                <t:Message>
                  <t:ItemId Id="AAAtAEFkbW..." ChangeKey="CQAAABYAAA..."/>
                </t:Message>
              </m:Items>
            </m:UpdateItemResponseMessage>
            """);

        var result = Assert.Single(EwsXml.Parse(xml, (envelope, toError) => EwsResponseParsers.ParseUpdateItem(envelope, Updates(1), toError)).Items);

        Assert.True(result.Succeeded);
        Assert.Equal(new EwsItemId("item-1", "ck-1"), result.Requested);
        Assert.Equal(new EwsItemId("AAAtAEFkbW...", "CQAAABYAAA..."), result.ItemId);
    }

    [Theory]
    [InlineData("ErrorIrresolvableConflict")]
    [InlineData("ErrorStaleObject")]
    [InlineData("ErrorChangeKeyRequiredForWriteOperations")]
    public void A_stale_change_key_is_an_item_conflict_to_re_read_and_retry_next_to_the_items_that_were_updated(string responseCode)
    {
        var xml = EwsXml.Envelope($"""
            <m:UpdateItemResponse {EwsXml.Namespaces}>
              <m:ResponseMessages>
                <m:UpdateItemResponseMessage ResponseClass="Error">
                  <m:MessageText>The change key passed in the request does not match the current change key for the item.</m:MessageText>
                  <m:ResponseCode>{responseCode}</m:ResponseCode>
                  <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
                  <m:Items/>
                </m:UpdateItemResponseMessage>
                <m:UpdateItemResponseMessage ResponseClass="Success">
                  <m:ResponseCode>NoError</m:ResponseCode>
                  <m:Items><t:Message><t:ItemId Id="item-2" ChangeKey="ck-2b"/></t:Message></m:Items>
                  <m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>
                </m:UpdateItemResponseMessage>
              </m:ResponseMessages>
            </m:UpdateItemResponse>
            """);

        var results = EwsXml.Parse(xml, (envelope, toError) => EwsResponseParsers.ParseUpdateItem(envelope, Updates(2), toError)).Items;

        var conflict = results[0].Error!;
        Assert.Equal(ExchangeErrorCodes.ItemConflict, conflict.Code);
        Assert.Equal(responseCode, conflict.ResponseCode);
        Assert.Equal(ExchangeErrorClass.Transient, conflict.ErrorClass);
        Assert.False(ExchangeErrorClassifier.IsRetryableWithinCall(conflict, operationIsIdempotent: true), "the same request would fail the same way");
        Assert.Equal(new EwsItemId("item-2", "ck-2b"), results[1].ItemId);
    }

    [Fact]
    public void The_documented_move_item_response_gives_the_new_id_even_spelled_item_id_with_a_capital_d()
    {
        // docs/web-service-reference/moveitem-operation.md, "MoveItem response example": the page writes t:ItemID.
        var xml = Exchange2007Envelope("MoveItem", """
            <m:MoveItemResponseMessage ResponseClass="Success">
              <m:ResponseCode>NoError</m:ResponseCode>
              <m:Items>
                <t:Message>
                  <t:ItemID Id="AAMkAd" ChangeKey="FwAAABY" />
                </t:Message>
              </m:Items>
            </m:MoveItemResponseMessage>
            <m:MoveItemResponseMessage ResponseClass="Error">
              <m:MessageText>The specified object was not found in the store.</m:MessageText>
              <m:ResponseCode>ErrorItemNotFound</m:ResponseCode>
              <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
              <m:Items />
            </m:MoveItemResponseMessage>
            """);
        var request = new MoveItemsRequest
        {
            Items = [new EwsItemId("AAAtAEF/swbAAA=", "EwAAABYA/s4b"), new EwsItemId("gone")],
            Destination = EwsFolderId.Distinguished(DistinguishedFolderName.Drafts),
        };

        var results = EwsXml.Parse(xml, (envelope, toError) => EwsResponseParsers.ParseMoveItem(envelope, request, toError)).Items;

        Assert.Equal(new EwsItemId("AAMkAd", "FwAAABY"), results[0].NewItemId);
        Assert.Equal(ExchangeErrorCodes.ItemNotFound, results[1].Error?.Code);
        Assert.Null(results[1].NewItemId);
    }

    [Fact]
    public void The_documented_find_folder_responses_are_read()
    {
        // docs/web-service-reference/findfolder-operation.md, the successful and the error response.
        var success = Exchange2007Envelope("FindFolder", """
            <m:FindFolderResponseMessage ResponseClass="Success">
              <m:ResponseCode>NoError</m:ResponseCode>
              <m:RootFolder TotalItemsInView="1" IncludesLastItemInRange="true">
                <t:Folders>
                  <t:Folder>
                    <t:FolderId Id="AQAnAH" ChangeKey="AQAAABY" />
                    <t:DisplayName>TestFolder</t:DisplayName>
                    <t:TotalCount>0</t:TotalCount>
                    <t:ChildFolderCount>0</t:ChildFolderCount>
                    <t:UnreadCount>0</t:UnreadCount>
                  </t:Folder>
                </t:Folders>
              </m:RootFolder>
            </m:FindFolderResponseMessage>
            """);
        var error = Exchange2007Envelope("FindFolder", """
            <m:FindFolderResponseMessage ResponseClass="Error">
              <m:MessageText>Id is malformed.</m:MessageText>
              <m:ResponseCode>ErrorInvalidIdMalformed</m:ResponseCode>
              <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
            </m:FindFolderResponseMessage>
            """);

        var found = EwsXml.Parse(success, EwsResponseParsers.ParseFindFolder);
        var exception = Assert.Throws<ExchangeException>(() => EwsXml.Parse(error, EwsResponseParsers.ParseFindFolder));

        var folder = Assert.Single(found.Folders);
        Assert.Equal(new ExplicitFolderId("AQAnAH", "AQAAABY"), folder.FolderId);
        Assert.Equal("TestFolder", folder.DisplayName);
        Assert.Equal(0, folder.UnreadCount);
        Assert.True(found.IncludesLastItemInRange);
        Assert.Equal(ExchangeErrorCodes.InvalidId, exception.Error.Code);
    }

    [Fact]
    public void The_documented_create_folder_responses_are_read()
    {
        // docs/web-service-reference/createfolder-operation.md: the success response (the page creates two folders; one here)
        // and the ErrorFolderExists response.
        var success = Exchange2007Envelope("CreateFolder", """
            <m:CreateFolderResponseMessage ResponseClass="Success">
              <m:ResponseCode>NoError</m:ResponseCode>
              <m:Folders>
                <t:Folder>
                  <t:FolderId Id="AS4AUn==" />
                </t:Folder>
              </m:Folders>
            </m:CreateFolderResponseMessage>
            """);
        var exists = Exchange2007Envelope("CreateFolder", """
            <m:CreateFolderResponseMessage ResponseClass="Error">
              <m:MessageText>A folder with the specified name already exists.</m:MessageText>
              <m:ResponseCode>ErrorFolderExists</m:ResponseCode>
              <m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>
              <m:Folders />
            </m:CreateFolderResponseMessage>
            """);

        var created = EwsXml.Parse(success, EwsResponseParsers.ParseCreateFolder);
        var exception = Assert.Throws<ExchangeException>(() => EwsXml.Parse(exists, EwsResponseParsers.ParseCreateFolder));

        Assert.Equal(new ExplicitFolderId("AS4AUn=="), created.FolderId);
        Assert.Equal(ExchangeErrorCodes.FolderExists, exception.Error.Code);
        Assert.Equal(ExchangeErrorClass.Permanent, exception.Error.ErrorClass);
    }

    [Fact]
    public void Category_updates_are_computed_from_the_categories_read_with_the_change_key()
    {
        string[] current = ["Red", "tracked to crm", "Blue"];

        Assert.Equal(["Red", "tracked to crm", "Blue"], CategoryUpdate.Add(current, "Tracked to CRM").Categories);
        Assert.Equal(["Red", "tracked to crm", "Blue", "Undeliverable"], CategoryUpdate.Add(current, "Undeliverable").Categories);
        Assert.Equal(["Red", "Blue"], CategoryUpdate.Remove(current, "Tracked to CRM").Categories);
        Assert.Empty(CategoryUpdate.Remove(["Tracked to CRM"], "tracked to crm").Categories);
        Assert.Equal(["A", "B"], CategoryUpdate.ReplaceWith(["A", "", "B", "a"]).Categories);
    }
}
