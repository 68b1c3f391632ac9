namespace ExSync.ExchangeSimulator.Tests;

public sealed class UpdateFolderTests : SimulatorTest
{
    private const string OrganizationId = "0f8fad5b-d9cb-469f-a165-70867728950e";

    private static string SetMarker(string value, string folderId = "<t:DistinguishedFolderId Id=\"msgfolderroot\"/>") => $"""
        <m:UpdateFolder><m:FolderChanges><t:FolderChange>{folderId}<t:Updates><t:SetFolderField>{Soap.OwnershipMarkerUri}
          <t:Folder><t:ExtendedProperty>{Soap.OwnershipMarkerUri}<t:Value>{value}</t:Value></t:ExtendedProperty></t:Folder>
        </t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>
        """;

    [Fact]
    public async Task SetFolderFieldStoresTheOwnershipMarker()
    {
        var response = await Client.EwsAsync(SetMarker(OrganizationId), impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.NotNull(response.SingleMessage.Element(Soap.M + "Folders")!.Element(Soap.T + "Folder")!.Element(Soap.T + "FolderId"));
        Assert.Equal(OrganizationId, Host.State.GetOwnerOrganizationId(TestScenarios.Alice));

        var read = await Client.EwsAsync(Soap.GetFolder("IdOnly", "<t:AdditionalProperties>" + Soap.OwnershipMarkerUri + "</t:AdditionalProperties>", "msgfolderroot"), impersonate: TestScenarios.Alice);
        Assert.Equal(OrganizationId, read.SingleMessage.Descendants(Soap.T + "Value").Single().Value);
    }

    [Fact]
    public async Task DeleteFolderFieldRemovesIt()
    {
        var response = await Client.EwsAsync($"""
            <m:UpdateFolder><m:FolderChanges><t:FolderChange><t:DistinguishedFolderId Id="msgfolderroot"/><t:Updates>
              <t:DeleteFolderField>{Soap.OwnershipMarkerUri}</t:DeleteFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>
            """, impersonate: TestScenarios.Frank);

        response.AssertSuccess();
        Assert.Null(Host.State.GetOwnerOrganizationId(TestScenarios.Frank));
    }

    [Fact]
    public async Task ExtendedPropertiesAreGenericPerFolderAndProperty()
    {
        var tagged = "<t:ExtendedFieldURI PropertyTag=\"0x6708\" PropertyType=\"Integer\"/>";
        var named = "<t:ExtendedFieldURI DistinguishedPropertySetId=\"PublicStrings\" PropertyName=\"Tags\" PropertyType=\"StringArray\"/>";
        var body = $"""
            <m:UpdateFolder><m:FolderChanges><t:FolderChange><t:DistinguishedFolderId Id="calendar"/><t:Updates>
              <t:SetFolderField>{tagged}<t:CalendarFolder><t:ExtendedProperty>{tagged}<t:Value>42</t:Value></t:ExtendedProperty></t:CalendarFolder></t:SetFolderField>
              <t:SetFolderField>{named}<t:CalendarFolder><t:ExtendedProperty>{named}<t:Values><t:Value>a</t:Value><t:Value>b</t:Value></t:Values></t:ExtendedProperty></t:CalendarFolder></t:SetFolderField>
            </t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>
            """;
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertSuccess();
        Assert.Equal(["42"], Host.State.GetFolderExtendedProperty(TestScenarios.Alice, SimulatedFolder.Calendar, ExtendedPropertyKey.Tagged(0x6708, "Integer")));
        var publicStrings = new Guid("00020329-0000-0000-C000-000000000046");
        Assert.Equal(["a", "b"], Host.State.GetFolderExtendedProperty(TestScenarios.Alice, SimulatedFolder.Calendar, ExtendedPropertyKey.Named(publicStrings, "Tags", "StringArray")));
        Assert.Null(Host.State.GetFolderExtendedProperty(TestScenarios.Alice, SimulatedFolder.Inbox, ExtendedPropertyKey.Tagged(0x6708, "Integer")));

        // Asked for by PropertySetId instead of the distinguished name, it is the same property.
        var asGuid = $"<t:ExtendedFieldURI PropertySetId=\"{publicStrings}\" PropertyName=\"Tags\" PropertyType=\"StringArray\"/>";
        var read = await Client.EwsAsync(Soap.GetFolder("IdOnly", $"<t:AdditionalProperties>{asGuid}</t:AdditionalProperties>", "calendar"), impersonate: TestScenarios.Alice);
        Assert.Equal(["a", "b"], read.SingleMessage.Descendants(Soap.T + "Values").Single().Elements().Select(value => value.Value));
    }

    [Fact]
    public async Task PathAndPropertyMustBeTheSameProperty()
    {
        var other = "<t:ExtendedFieldURI PropertySetId=\"6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85\" PropertyName=\"Other\" PropertyType=\"String\"/>";
        var body = $"""
            <m:UpdateFolder><m:FolderChanges><t:FolderChange><t:DistinguishedFolderId Id="msgfolderroot"/><t:Updates><t:SetFolderField>{Soap.OwnershipMarkerUri}
              <t:Folder><t:ExtendedProperty>{other}<t:Value>x</t:Value></t:ExtendedProperty></t:Folder></t:SetFolderField></t:Updates></t:FolderChange></m:FolderChanges></m:UpdateFolder>
            """;
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertItemError("ErrorUpdatePropertyMismatch");
        Assert.Null(Host.State.GetOwnerOrganizationId(TestScenarios.Alice));
    }

    [Fact]
    public async Task InvalidExtendedFieldUriCombinationIsRefused()
    {
        var both = "<t:ExtendedFieldURI PropertyTag=\"0x3001\" PropertyName=\"x\" PropertySetId=\"6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85\" PropertyType=\"String\"/>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", $"<t:AdditionalProperties>{both}</t:AdditionalProperties>", "inbox"), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorInvalidExtendedProperty");
    }

    [Fact]
    public async Task UpdatingAFolderByItsFolderIdWorks()
    {
        var folder = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "msgfolderroot"), impersonate: TestScenarios.Bob);
        var id = (string)folder.SingleMessage.Descendants(Soap.T + "FolderId").Single().Attribute("Id")!;

        var response = await Client.EwsAsync(SetMarker(OrganizationId, $"<t:FolderId Id=\"{id}\"/>"), impersonate: TestScenarios.Bob);

        response.AssertSuccess();
        Assert.Equal(OrganizationId, Host.State.GetOwnerOrganizationId(TestScenarios.Bob));
    }
}
