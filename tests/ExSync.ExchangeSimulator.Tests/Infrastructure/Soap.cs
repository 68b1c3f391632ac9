using System.Xml.Linq;

namespace ExSync.ExchangeSimulator.Tests;

/// <summary>Builds raw EWS SOAP requests, so tests control every byte the simulator sees.</summary>
internal static class Soap
{
    public const string SoapNs = "http://schemas.xmlsoap.org/soap/envelope/";
    public const string TypesNs = "http://schemas.microsoft.com/exchange/services/2006/types";
    public const string MessagesNs = "http://schemas.microsoft.com/exchange/services/2006/messages";
    public const string ErrorsNs = "http://schemas.microsoft.com/exchange/services/2006/errors";

    public static readonly XNamespace S = SoapNs;
    public static readonly XNamespace T = TypesNs;
    public static readonly XNamespace M = MessagesNs;
    public static readonly XNamespace E = ErrorsNs;

    /// <summary>
    /// An envelope with the usual soap:/t:/m: prefixes. <paramref name="version"/> null omits RequestServerVersion;
    /// <paramref name="impersonate"/> adds ExchangeImpersonation with SmtpAddress.
    /// </summary>
    public static string Envelope(string body, string? version = "Exchange2013_SP1", string? impersonate = null, string extraHeaders = "")
    {
        var versionHeader = version is null ? "" : $"<t:RequestServerVersion Version=\"{version}\"/>";
        var impersonation = impersonate is null ? "" :
            $"<t:ExchangeImpersonation><t:ConnectingSID><t:SmtpAddress>{impersonate}</t:SmtpAddress></t:ConnectingSID></t:ExchangeImpersonation>";
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <soap:Envelope xmlns:soap="{SoapNs}" xmlns:t="{TypesNs}" xmlns:m="{MessagesNs}">
              <soap:Header>{versionHeader}{impersonation}{extraHeaders}</soap:Header>
              <soap:Body>{body}</soap:Body>
            </soap:Envelope>
            """;
    }

    public static string GetFolder(string baseShape = "Default", string additionalProperties = "", params string[] distinguishedIds) =>
        $"<m:GetFolder><m:FolderShape><t:BaseShape>{baseShape}</t:BaseShape>{additionalProperties}</m:FolderShape><m:FolderIds>" +
        string.Concat(distinguishedIds.Select(id => $"<t:DistinguishedFolderId Id=\"{id}\"/>")) +
        "</m:FolderIds></m:GetFolder>";

    public const string OwnershipMarkerUri =
        "<t:ExtendedFieldURI PropertySetId=\"6f1c2b0e-5d43-4a8e-9b7f-3e2a1d0c9b85\" PropertyName=\"ExSyncOrganizationId\" PropertyType=\"String\"/>";

    public static string SaveDraft(string subject, string folder = "drafts") =>
        $"""<m:CreateItem MessageDisposition="SaveOnly"><m:SavedItemFolderId><t:DistinguishedFolderId Id="{folder}"/></m:SavedItemFolderId><m:Items><t:Message><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>{subject}</t:Subject><t:Body BodyType="Text">probe</t:Body></t:Message></m:Items></m:CreateItem>""";

    public static string HardDelete(string itemId) =>
        $"""<m:DeleteItem DeleteType="HardDelete"><m:ItemIds><t:ItemId Id="{itemId}"/></m:ItemIds></m:DeleteItem>""";

    /// <summary>GetItem of one or more ids; <paramref name="shapeExtras"/> goes after BaseShape (IncludeMimeContent, BodyType, AdditionalProperties, …).</summary>
    public static string GetItem(string baseShape, string shapeExtras, params string[] itemIds) =>
        $"<m:GetItem><m:ItemShape><t:BaseShape>{baseShape}</t:BaseShape>{shapeExtras}</m:ItemShape><m:ItemIds>" +
        string.Concat(itemIds.Select(id => $"<t:ItemId Id=\"{id}\"/>")) + "</m:ItemIds></m:GetItem>";

    public static string AdditionalProperties(params string[] fieldUris) =>
        "<t:AdditionalProperties>" + string.Concat(fieldUris.Select(uri => $"<t:FieldURI FieldURI=\"{uri}\"/>")) + "</t:AdditionalProperties>";

    public static string SyncInbox(int maxChanges, string? syncState = null, string folder = "inbox") =>
        $"<m:SyncFolderItems><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id=\"{folder}\"/></m:SyncFolderId>" +
        (syncState is null ? "" : $"<m:SyncState>{syncState}</m:SyncState>") +
        $"<m:MaxChangesReturned>{maxChanges}</m:MaxChangesReturned></m:SyncFolderItems>";
}
