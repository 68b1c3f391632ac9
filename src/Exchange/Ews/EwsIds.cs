namespace ExSync.Exchange.Ews;

/// <summary>The well-known folders EWS addresses by name (DistinguishedFolderId).</summary>
public enum DistinguishedFolderName
{
    /// <summary>inbox</summary>
    Inbox,

    /// <summary>sentitems</summary>
    SentItems,

    /// <summary>drafts</summary>
    Drafts,

    /// <summary>calendar</summary>
    Calendar,

    /// <summary>contacts</summary>
    Contacts,

    /// <summary>tasks</summary>
    Tasks,

    /// <summary>msgfolderroot (Top of Information Store); holds ExSync's organization ownership marker.</summary>
    MsgFolderRoot,

    /// <summary>root</summary>
    Root,

    /// <summary>deleteditems</summary>
    DeletedItems,

    /// <summary>junkemail</summary>
    JunkEmail,

    /// <summary>outbox</summary>
    Outbox,
}

/// <summary>Identifies a folder: by well-known name or by EWS id.</summary>
public abstract record EwsFolderId
{
    private protected EwsFolderId()
    {
    }

    /// <summary>The distinguished folder with this name.</summary>
    /// <param name="name">The well-known folder.</param>
    public static DistinguishedFolderId Distinguished(DistinguishedFolderName name) => new(name);
}

/// <summary>A well-known folder of the (impersonated) mailbox.</summary>
/// <param name="Name">The folder.</param>
public sealed record DistinguishedFolderId(DistinguishedFolderName Name) : EwsFolderId
{
    /// <summary>The case-sensitive wire value, for example <c>msgfolderroot</c>.</summary>
    public string WireName => Name switch
    {
        DistinguishedFolderName.Inbox => "inbox",
        DistinguishedFolderName.SentItems => "sentitems",
        DistinguishedFolderName.Drafts => "drafts",
        DistinguishedFolderName.Calendar => "calendar",
        DistinguishedFolderName.Contacts => "contacts",
        DistinguishedFolderName.Tasks => "tasks",
        DistinguishedFolderName.MsgFolderRoot => "msgfolderroot",
        DistinguishedFolderName.Root => "root",
        DistinguishedFolderName.DeletedItems => "deleteditems",
        DistinguishedFolderName.JunkEmail => "junkemail",
        DistinguishedFolderName.Outbox => "outbox",
        _ => throw new ArgumentOutOfRangeException(nameof(Name), Name, "Unknown distinguished folder."),
    };
}

/// <summary>A folder by its EWS id.</summary>
/// <param name="Id">The EWS folder id.</param>
/// <param name="ChangeKey">Optional change key.</param>
public sealed record ExplicitFolderId(string Id, string? ChangeKey = null) : EwsFolderId;

/// <summary>An item by its EWS id.</summary>
/// <param name="Id">The EWS item id. Note that it changes when the item moves to another folder.</param>
/// <param name="ChangeKey">Optional change key.</param>
public sealed record EwsItemId(string Id, string? ChangeKey = null);

/// <summary>How many properties EWS returns (BaseShape).</summary>
public enum BaseShape
{
    /// <summary>Only ids.</summary>
    IdOnly,

    /// <summary>The default set (for folders: display name and counts).</summary>
    Default,

    /// <summary>All first-class properties.</summary>
    AllProperties,
}

/// <summary>The MAPI type of an extended property (ExtendedFieldURI PropertyType); names are the wire values.</summary>
public enum MapiPropertyType
{
    /// <summary>String</summary>
    String,

    /// <summary>Integer (32-bit)</summary>
    Integer,

    /// <summary>Long (64-bit)</summary>
    Long,

    /// <summary>Boolean</summary>
    Boolean,

    /// <summary>SystemTime</summary>
    SystemTime,

    /// <summary>Binary (base64)</summary>
    Binary,

    /// <summary>Double</summary>
    Double,

    /// <summary>CLSID (GUID)</summary>
    CLSID,

    /// <summary>StringArray</summary>
    StringArray,

    /// <summary>IntegerArray</summary>
    IntegerArray,

    /// <summary>BinaryArray</summary>
    BinaryArray,
}

/// <summary>
/// An extended (MAPI) property, addressed like EWS <c>t:ExtendedFieldURI</c>: a named property in a property set,
/// or a property tag.
/// </summary>
public sealed record ExtendedPropertyDefinition
{
    private ExtendedPropertyDefinition(Guid? propertySetId, string? propertyName, int? propertyTag, MapiPropertyType propertyType)
    {
        PropertySetId = propertySetId;
        PropertyName = propertyName;
        PropertyTag = propertyTag;
        PropertyType = propertyType;
    }

    /// <summary>The property set GUID of a named property.</summary>
    public Guid? PropertySetId { get; }

    /// <summary>The name of a named property.</summary>
    public string? PropertyName { get; }

    /// <summary>The property tag (id part) of a tagged property.</summary>
    public int? PropertyTag { get; }

    /// <summary>The MAPI type.</summary>
    public MapiPropertyType PropertyType { get; }

    /// <summary>A named property: <c>PropertySetId</c> + <c>PropertyName</c>.</summary>
    /// <param name="propertySetId">The property set.</param>
    /// <param name="propertyName">The name.</param>
    /// <param name="propertyType">The type.</param>
    public static ExtendedPropertyDefinition Named(Guid propertySetId, string propertyName, MapiPropertyType propertyType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        return new(propertySetId, propertyName, null, propertyType);
    }

    /// <summary>A tagged property, for example <c>0x0E08</c> (PR_MESSAGE_SIZE).</summary>
    /// <param name="propertyTag">The tag.</param>
    /// <param name="propertyType">The type.</param>
    public static ExtendedPropertyDefinition Tagged(int propertyTag, MapiPropertyType propertyType) => new(null, null, propertyTag, propertyType);
}

/// <summary>The value of an extended property read from Exchange.</summary>
/// <param name="Definition">Which property.</param>
/// <param name="Value">The single value (null for multi-valued properties).</param>
/// <param name="Values">The values of a multi-valued property (empty for single-valued ones).</param>
public sealed record ExtendedPropertyValue(ExtendedPropertyDefinition Definition, string? Value, IReadOnlyList<string> Values);
