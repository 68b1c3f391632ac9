namespace ExSync.ExchangeSimulator;

/// <summary>A user-created folder the mailbox starts with, and the folders inside it.</summary>
public sealed class ScenarioFolder
{
    /// <summary>The distinguished folder it is created in (for example "inbox"); default msgfolderroot. Ignored for nested folders.</summary>
    public string? Parent { get; set; }

    /// <summary>The folder's name, unique among its siblings.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>FolderClass: IPF.Note (default) for mail, IPF.Appointment, IPF.Contact or IPF.Task.</summary>
    public string? FolderClass { get; set; }

    /// <summary>Seed items to create in it.</summary>
    public int ItemCount { get; set; }

    /// <summary>Subfolders.</summary>
    public List<ScenarioFolder> Folders { get; set; } = [];

    internal static void Validate(string mailbox, IReadOnlyList<ScenarioFolder> folders, bool nested, List<string> problems)
    {
        foreach (var folder in folders)
        {
            if (string.IsNullOrWhiteSpace(folder.DisplayName))
            {
                problems.Add($"mailbox {mailbox}: every folder needs a displayName.");
            }

            if (!nested && folder.Parent is not null && !SimulatedFolderNames.TryParseDistinguishedId(folder.Parent, out _))
            {
                problems.Add($"mailbox {mailbox}: folder '{folder.DisplayName}' has parent '{folder.Parent}', which is not a simulated distinguished folder id.");
            }

            if (folder.ItemCount < 0)
            {
                problems.Add($"mailbox {mailbox}: folder '{folder.DisplayName}' has a negative itemCount.");
            }

            Validate(mailbox, folder.Folders ?? [], nested: true, problems);
        }

        foreach (var duplicate in folders.GroupBy(folder => (nested ? "" : folder.Parent ?? "msgfolderroot", folder.DisplayName.ToUpperInvariant())).Where(group => group.Count() > 1))
        {
            problems.Add($"mailbox {mailbox}: two folders named '{duplicate.First().DisplayName}' in the same parent.");
        }
    }
}
