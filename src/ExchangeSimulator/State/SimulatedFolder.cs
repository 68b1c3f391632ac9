using System.Diagnostics.CodeAnalysis;

namespace ExSync.ExchangeSimulator;

/// <summary>The well-known folders every simulated mailbox has (EWS distinguished folder ids).</summary>
public enum SimulatedFolder
{
    /// <summary>root: the root of the mailbox.</summary>
    Root,

    /// <summary>msgfolderroot: "Top of Information Store"; carries the ExSync ownership marker.</summary>
    MsgFolderRoot,

    /// <summary>inbox.</summary>
    Inbox,

    /// <summary>sentitems.</summary>
    SentItems,

    /// <summary>drafts.</summary>
    Drafts,

    /// <summary>deleteditems.</summary>
    DeletedItems,

    /// <summary>junkemail.</summary>
    JunkEmail,

    /// <summary>outbox.</summary>
    Outbox,

    /// <summary>calendar.</summary>
    Calendar,

    /// <summary>contacts.</summary>
    Contacts,

    /// <summary>tasks.</summary>
    Tasks,
}

/// <summary>How simulated folders appear on the wire: distinguished ids, element names, classes and display names.</summary>
internal static class SimulatedFolderNames
{
    private static readonly string[] DistinguishedIds =
        ["root", "msgfolderroot", "inbox", "sentitems", "drafts", "deleteditems", "junkemail", "outbox", "calendar", "contacts", "tasks"];

    private static readonly string[] DisplayNames =
        ["", "Top of Information Store", "Inbox", "Sent Items", "Drafts", "Deleted Items", "Junk Email", "Outbox", "Calendar", "Contacts", "Tasks"];

    public static IReadOnlyList<string> AllDistinguishedIds => DistinguishedIds;

    public static int Count => DistinguishedIds.Length;

    public static string DistinguishedId(SimulatedFolder folder) => DistinguishedIds[(int)folder];

    public static string DisplayName(SimulatedFolder folder) => DisplayNames[(int)folder];

    /// <summary>Distinguished folder ids are case-sensitive lower-case enum values in the schema.</summary>
    public static bool TryParseDistinguishedId(string value, out SimulatedFolder folder)
    {
        var index = Array.IndexOf(DistinguishedIds, value);
        folder = (SimulatedFolder)Math.Max(index, 0);
        return index >= 0;
    }

    /// <summary>The t: element a folder is returned as; the type must match the folder or clients mis-bind it.</summary>
    public static string FolderElementName(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Calendar => "CalendarFolder",
        SimulatedFolder.Contacts => "ContactsFolder",
        SimulatedFolder.Tasks => "TasksFolder",
        _ => "Folder",
    };

    /// <summary>FolderClass; the two top folders have none.</summary>
    public static string? FolderClass(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Root or SimulatedFolder.MsgFolderRoot => null,
        SimulatedFolder.Calendar => "IPF.Appointment",
        SimulatedFolder.Contacts => "IPF.Contact",
        SimulatedFolder.Tasks => "IPF.Task",
        _ => "IPF.Note",
    };

    /// <summary>UnreadCount belongs to FolderType (and TasksFolderType, which extends it), not to calendar or contacts folders.</summary>
    public static bool HasUnreadCount(SimulatedFolder folder) => folder is not (SimulatedFolder.Calendar or SimulatedFolder.Contacts);

    public static SimulatedFolder? Parent(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Root => null,
        SimulatedFolder.MsgFolderRoot => SimulatedFolder.Root,
        _ => SimulatedFolder.MsgFolderRoot,
    };

    public static int ChildFolderCount(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Root => 1,
        SimulatedFolder.MsgFolderRoot => Count - 2,
        _ => 0,
    };

    /// <summary>The item element (and ItemClass) items of a folder have.</summary>
    public static (string ElementName, string ItemClass) ItemKind(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Calendar => ("CalendarItem", "IPM.Appointment"),
        SimulatedFolder.Contacts => ("Contact", "IPM.Contact"),
        SimulatedFolder.Tasks => ("Task", "IPM.Task"),
        _ => ("Message", "IPM.Note"),
    };

    /// <summary>
    /// Every value of the schema's DistinguishedFolderIdNameType that the simulator knows exists but does not
    /// simulate; they pass validation and answer ErrorFolderNotFound, unlike misspellings, which fail schema validation.
    /// </summary>
    public static bool IsKnownButNotSimulated(string value) => UnsimulatedIds.Contains(value);

    [SuppressMessage("Style", "IDE0028", Justification = "Explicit comparer documents case-sensitivity.")]
    private static readonly HashSet<string> UnsimulatedIds = new(StringComparer.Ordinal)
    {
        "journal", "notes", "publicfoldersroot", "searchfolders", "voicemail", "recoverableitemsroot",
        "recoverableitemsdeletions", "recoverableitemsversions", "recoverableitemspurges", "archiveroot",
        "archivemsgfolderroot", "archivedeleteditems", "archiveinbox", "archiverecoverableitemsroot",
        "archiverecoverableitemsdeletions", "archiverecoverableitemsversions", "archiverecoverableitemspurges",
        "syncissues", "conflicts", "localfailures", "serverfailures", "recipientcache", "quickcontacts",
        "conversationhistory", "adminauditlogs", "todosearch", "mycontacts", "directory", "imcontactlist",
        "peopleconnect", "favorites",
    };
}
