using System.Net;

namespace ExSync.ExchangeSimulator.Tests;

public sealed class SchemaValidationTests : SimulatorTest
{
    [Fact]
    public async Task ElementsOutOfSequenceOrderFailWithLineAndPosition()
    {
        // FolderIds before FolderShape: GetFolderType is an xs:sequence.
        var response = await Client.EwsAsync(
            "<m:GetFolder>\n<m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape></m:GetFolder>",
            impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        var messageXml = response.FaultMessageXml!;
        Assert.True(int.Parse(messageXml.Element(Soap.T + "LineNumber")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 1);
        Assert.True(int.Parse(messageXml.Element(Soap.T + "LinePosition")!.Value, System.Globalization.CultureInfo.InvariantCulture) > 0);
        var violation = messageXml.Element(Soap.T + "Violation")!.Value;
        Assert.Contains("'GetFolder'", violation, StringComparison.Ordinal);
        Assert.Contains("invalid child element 'FolderIds'", violation, StringComparison.Ordinal);
        Assert.Contains("'FolderShape'", violation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SyncStateAfterMaxChangesReturnedIsOutOfOrder()
    {
        var response = await Client.EwsAsync(
            "<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\"inbox\"/></m:SyncFolderId><m:MaxChangesReturned>10</m:MaxChangesReturned><m:SyncState>abc</m:SyncState></m:SyncFolderItems>",
            impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task HttpsNamespaceCopiedFromBrokenDocsIsRejected()
    {
        var body = "<m:GetFolder xmlns:m=\"https://schemas.microsoft.com/exchange/services/2006/messages\"><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder>";
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        Assert.Contains("https://schemas.microsoft.com/exchange/services/2006/messages", response.FaultMessageXml!.Element(Soap.T + "Violation")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongTypesNamespaceOnAChildIsRejected()
    {
        var body = "<m:GetFolder><m:FolderShape><t:BaseShape xmlns:t=\"https://schemas.microsoft.com/exchange/services/2006/types\">IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds></m:GetFolder>";
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task EwsHeaderInTheWrongNamespaceIsRejectedNotSilentlyIgnored()
    {
        var header = "<x:ExchangeImpersonation xmlns:x=\"https://schemas.microsoft.com/exchange/services/2006/types\"><x:ConnectingSID><x:SmtpAddress>alice@contoso.local</x:SmtpAddress></x:ConnectingSID></x:ExchangeImpersonation>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), extraHeaders: header);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task PrefixesDoNotMatterOnlyNamespaceUris()
    {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/">
              <env:Header>
                <RequestServerVersion xmlns="http://schemas.microsoft.com/exchange/services/2006/types" Version="Exchange2016"/>
                <types:ExchangeImpersonation xmlns:types="http://schemas.microsoft.com/exchange/services/2006/types"><types:ConnectingSID><types:SmtpAddress>alice@contoso.local</types:SmtpAddress></types:ConnectingSID></types:ExchangeImpersonation>
              </env:Header>
              <env:Body>
                <GetFolder xmlns="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:x="http://schemas.microsoft.com/exchange/services/2006/types">
                  <FolderShape><x:BaseShape>Default</x:BaseShape></FolderShape>
                  <FolderIds><x:DistinguishedFolderId Id="inbox"/></FolderIds>
                </GetFolder>
              </env:Body>
            </env:Envelope>
            """;
        var response = await Client.PostAsync(xml);

        response.AssertSuccess();
    }

    [Fact]
    public async Task MissingRequiredAttributeIsASchemaViolation()
    {
        var response = await Client.EwsAsync("<m:DeleteItem><m:ItemIds><t:ItemId Id=\"AAA=\"/></m:ItemIds></m:DeleteItem>", impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        Assert.Contains("DeleteType", response.FaultMessageXml!.Element(Soap.T + "Violation")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidEnumerationValueIsASchemaViolation()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("Everything", "", "inbox"), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        Assert.Contains("Enumeration constraint failed", response.FaultMessageXml!.Element(Soap.T + "Violation")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DistinguishedFolderIdsAreCaseSensitive()
    {
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "Inbox"), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task MalformedXmlIsASchemaValidationFault()
    {
        var response = await Client.PostAsync("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><unclosed></soap:Body>");

        response.AssertFault("ErrorSchemaValidation");
    }

    [Theory]
    [InlineData("")]
    [InlineData("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body/></soap:Envelope>")]
    [InlineData("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body> </soap:Body></soap:Envelope>")]
    public async Task EmptyRequestIsAnInvalidRequest(string xml)
    {
        var response = await Client.PostAsync(xml);

        response.AssertFault("ErrorInvalidRequest");
    }

    [Fact]
    public async Task Soap12EnvelopeIsRejected()
    {
        var response = await Client.PostAsync(Soap.Envelope(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice)
            .Replace("http://schemas.xmlsoap.org/soap/envelope/", "http://www.w3.org/2003/05/soap-envelope", StringComparison.Ordinal));

        response.AssertFault("ErrorSchemaValidation");
    }

    [Fact]
    public async Task BodyBeforeSubjectInAMessageFailsValidation()
    {
        var body = "<m:CreateItem MessageDisposition=\"SaveOnly\"><m:Items><t:Message><t:Body BodyType=\"Text\">x</t:Body><t:Subject>late</t:Subject></t:Message></m:Items></m:CreateItem>";
        var response = await Client.EwsAsync(body, impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        Assert.Equal(0, Host.State.CountItems(TestScenarios.Alice, SimulatedFolder.Drafts));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(513)]
    public async Task MaxChangesReturnedOutsideOneTo512FailsValidation(int maxChanges)
    {
        var response = await Client.EwsAsync(Soap.SyncInbox(maxChanges), impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorSchemaValidation");
        Assert.Contains("MaxSyncChangesReturnedType", response.FaultMessageXml!.Element(Soap.T + "Violation")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SoapActionIsNotRequiredAndUnknownHeadersAreIgnored()
    {
        var timeZone = "<t:TimeZoneContext><t:TimeZoneDefinition Id=\"W. Europe Standard Time\"/></t:TimeZoneContext><x:Custom xmlns:x=\"urn:example\">ignored</x:Custom>";
        var response = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice, extraHeaders: timeZone);

        response.AssertSuccess();
    }

    [Fact]
    public async Task PathIsCaseInsensitive()
    {
        var response = await Client.PostAsync(Soap.Envelope(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice), path: "ews/exchange.ASMX");

        response.AssertSuccess();
    }

    [Fact]
    public async Task ResponsesUseExactlyTheExchangeContentType()
    {
        var success = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), impersonate: TestScenarios.Alice);
        var fault = await Client.EwsAsync(Soap.GetFolder("IdOnly", "", "inbox"), version: "Exchange2019", impersonate: TestScenarios.Alice);

        Assert.Equal("text/xml; charset=utf-8", success.ContentType);
        Assert.Equal("text/xml; charset=utf-8", fault.ContentType);
    }

    [Fact]
    public async Task NonXmlContentTypeIsUnsupportedMediaType()
    {
        var response = await Client.PostAsync(Soap.Envelope(Soap.GetFolder("IdOnly", "", "inbox")), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
    }

    [Fact]
    public async Task OperationsTheSimulatorDoesNotImplementAreRefusedExplicitly()
    {
        var response = await Client.EwsAsync("<m:ResolveNames ReturnFullContactData=\"true\"><m:UnresolvedEntry>bob</m:UnresolvedEntry></m:ResolveNames>", impersonate: TestScenarios.Alice);

        response.AssertFault("ErrorInvalidRequest");
        Assert.Contains("does not simulate", response.Xml.Descendants(Soap.E + "Message").Single().Value, StringComparison.Ordinal);
    }
}
