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

    /// <summary>recoverableitemsroot: the dumpster ("Recoverable Items"), outside the IPM subtree.</summary>
    RecoverableItemsRoot,

    /// <summary>recoverableitemsdeletions: where SoftDelete moves items ("Deletions").</summary>
    RecoverableItemsDeletions,
}

/// <summary>
/// The distinguished folders' ids, names, classes and places in the hierarchy, and how a folder class decides the
/// element a folder and its items are written as (user-created folders follow the same rules).
/// </summary>
internal static class SimulatedFolderNames
{
    private static readonly string[] DistinguishedIds =
        ["root", "msgfolderroot", "inbox", "sentitems", "drafts", "deleteditems", "junkemail", "outbox", "calendar", "contacts", "tasks",
         "recoverableitemsroot", "recoverableitemsdeletions"];

    private static readonly string[] DisplayNames =
        ["", "Top of Information Store", "Inbox", "Sent Items", "Drafts", "Deleted Items", "Junk Email", "Outbox", "Calendar", "Contacts", "Tasks",
         "Recoverable Items", "Deletions"];

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

    /// <summary>FolderClass of a distinguished folder; the top folders and the dumpster have none.</summary>
    public static string? FolderClass(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Root or SimulatedFolder.MsgFolderRoot or SimulatedFolder.RecoverableItemsRoot or SimulatedFolder.RecoverableItemsDeletions => null,
        SimulatedFolder.Calendar => "IPF.Appointment",
        SimulatedFolder.Contacts => "IPF.Contact",
        SimulatedFolder.Tasks => "IPF.Task",
        _ => "IPF.Note",
    };

    /// <summary>The parent of a distinguished folder: the IPM folders live under msgfolderroot, the dumpster under root.</summary>
    public static SimulatedFolder? Parent(SimulatedFolder folder) => folder switch
    {
        SimulatedFolder.Root => null,
        SimulatedFolder.MsgFolderRoot or SimulatedFolder.RecoverableItemsRoot => SimulatedFolder.Root,
        SimulatedFolder.RecoverableItemsDeletions => SimulatedFolder.RecoverableItemsRoot,
        _ => SimulatedFolder.MsgFolderRoot,
    };

    /// <summary>The t: element a folder is returned as; the type must match the folder or clients mis-bind it.</summary>
    public static string FolderElementName(string? folderClass) => ClassFamily(folderClass) switch
    {
        "IPF.Appointment" => "CalendarFolder",
        "IPF.Contact" => "ContactsFolder",
        "IPF.Task" => "TasksFolder",
        _ => "Folder",
    };

    /// <summary>UnreadCount belongs to FolderType (and TasksFolderType, which extends it), not to calendar or contacts folders.</summary>
    public static bool HasUnreadCount(string folderElementName) => folderElementName is "Folder" or "TasksFolder";

    /// <summary>The item element (and ItemClass) new items of a folder get.</summary>
    public static (string ElementName, string ItemClass) ItemKind(string? folderClass) => ClassFamily(folderClass) switch
    {
        "IPF.Appointment" => ("CalendarItem", "IPM.Appointment"),
        "IPF.Contact" => ("Contact", "IPM.Contact"),
        "IPF.Task" => ("Task", "IPM.Task"),
        _ => ("Message", "IPM.Note"),
    };

    /// <summary>A derived class such as IPF.Appointment.Birthday behaves like its base class.</summary>
    private static string? ClassFamily(string? folderClass)
    {
        if (folderClass is null)
        {
            return null;
        }

        var second = folderClass.Length > 4 ? folderClass.IndexOf('.', 4) : -1;
        return second < 0 ? folderClass : folderClass[..second];
    }

    /// <summary>
    /// Every value of the schema's DistinguishedFolderIdNameType that the simulator knows exists but does not
    /// simulate; they pass validation and answer ErrorFolderNotFound, unlike misspellings, which fail schema validation.
    /// </summary>
    public static bool IsKnownButNotSimulated(string value) => UnsimulatedIds.Contains(value);

    [SuppressMessage("Style", "IDE0028", Justification = "Explicit comparer documents case-sensitivity.")]
    private static readonly HashSet<string> UnsimulatedIds = new(StringComparer.Ordinal)
    {
        "journal", "notes", "publicfoldersroot", "searchfolders", "voicemail", "recoverableitemsversions", "recoverableitemspurges", "archiveroot",
        "archivemsgfolderroot", "archivedeleteditems", "archiveinbox", "archiverecoverableitemsroot",
        "archiverecoverableitemsdeletions", "archiverecoverableitemsversions", "archiverecoverableitemspurges",
        "syncissues", "conflicts", "localfailures", "serverfailures", "recipientcache", "quickcontacts",
        "conversationhistory", "adminauditlogs", "todosearch", "mycontacts", "directory", "imcontactlist",
        "peopleconnect", "favorites",
    };
}
