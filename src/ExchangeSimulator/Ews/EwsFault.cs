using System.Globalization;

namespace ExSync.ExchangeSimulator;

/// <summary>
/// A request-level EWS error: sent as an HTTP 500 SOAP fault whose faultcode is the ResponseCode as a QName in the
/// types namespace, with e:ResponseCode, e:Message and MessageXml name/value pairs in the detail (ews-protocol.md §2.2).
/// </summary>
internal sealed class EwsFault(string responseCode, string message, IReadOnlyList<KeyValuePair<string, string>>? values = null)
    : Exception(message)
{
    public string ResponseCode { get; } = responseCode;

    /// <summary>MessageXml entries written as &lt;t:Value Name="…"&gt;.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Values { get; } = values ?? [];

    /// <summary>ErrorSchemaValidation carries LineNumber, LinePosition and Violation elements instead of Value pairs.</summary>
    public SchemaViolationException? SchemaViolation { get; private init; }

    public static EwsFault SchemaValidation(SchemaViolationException violation) =>
        new("ErrorSchemaValidation", "The request failed schema validation: " + violation.Violation) { SchemaViolation = violation };

    /// <summary>Unknown RequestServerVersion strings such as "Exchange2019" (ews-protocol.md §1.3).</summary>
    public static EwsFault InvalidRequest(string message = "The request is invalid.") => new("ErrorInvalidRequest", message);

    public static EwsFault InvalidServerVersion() => new("ErrorInvalidServerVersion", "The specified server version is invalid.");

    public static EwsFault InvalidSchemaVersionForMailboxVersion() =>
        new("ErrorInvalidSchemaVersionForMailboxVersion", "The mailbox that was requested doesn't support the specified RequestServerVersion.");

    public static EwsFault ImpersonateUserDenied() =>
        new("ErrorImpersonateUserDenied", "The account does not have permission to impersonate the requested user.");

    public static EwsFault NonExistentMailbox(string identifierKind, string identifier) =>
        new("ErrorNonExistentMailbox", "The SMTP address has no mailbox associated with it.", [new(identifierKind, identifier)]);

    public static EwsFault InvalidImpersonationHeader(string message = "The impersonation header data is invalid.") =>
        new("ErrorInvalidExchangeImpersonationHeaderData", message);

    public static EwsFault MissingEmailAddress() =>
        new("ErrorMissingEmailAddress", "When making a request as an account that does not have a mailbox, you must specify the mailbox primary SMTP address for any distinguished folder Ids.");

    public static EwsFault ServerBusy(int backOffMilliseconds) =>
        new("ErrorServerBusy", "The server cannot service this request right now. Try again later.",
            [new("BackOffMilliseconds", backOffMilliseconds.ToString(CultureInfo.InvariantCulture))]);

    public static EwsFault NotSimulated(string feature) =>
        new("ErrorInvalidRequest", $"The ExSync Exchange simulator does not simulate {feature}.");
}

/// <summary>A per-item error: the response message gets ResponseClass="Error" at HTTP 200.</summary>
internal sealed record ItemError(string ResponseCode, string MessageText, IReadOnlyList<KeyValuePair<string, string>>? Values = null)
{
    public static readonly ItemError InvalidIdMalformed = new("ErrorInvalidIdMalformed", "Id is malformed.");

    public static readonly ItemError ItemNotFound = new("ErrorItemNotFound", "The specified object was not found in the store.");

    public static readonly ItemError FolderNotFound = new("ErrorFolderNotFound", "The specified folder could not be found in the store.");

    public static readonly ItemError AccessDenied = new("ErrorAccessDenied", "Access is denied. Check credentials and try again.");

    public static readonly ItemError InvalidSyncStateData =
        new("ErrorInvalidSyncStateData", "Synchronization state data is corrupt or otherwise invalid.");
}
